/**
 * The generated tables of the guides (docs/catalogue.md from the catalogue's zod schema and
 * built-in defaults, docs/setup.md from the stack settings schema) are what `npm run docs`
 * produces from the code today.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate, GENERATED_DOCS, SECTIONS } from "../../docs/generate";

describe("generated docs", () => {
  for (const file of GENERATED_DOCS)
    it(`${file} is current`, async () => {
      const committed = readFileSync(file, "utf8");
      const produced = await generate(file, committed);
      // One line that says what to do, instead of a diff of a 60 KB file.
      if (produced !== committed)
        expect.fail(`${file} is out of date: run npm run docs (then commit what it changed)`);
    });

  it("every generated part appears in exactly one guide", () => {
    const texts = GENERATED_DOCS.map((file) => readFileSync(file, "utf8"));
    for (const name of Object.keys(SECTIONS)) {
      const count = texts.filter((text) => text.includes(`<!-- generated:${name} `)).length;
      expect(count, name).toBe(1);
    }
  });

  it("every field of the catalogue and every stack key has a description", () => {
    const produced = Object.values(SECTIONS)
      .map((section) => section())
      .join("\n");
    const undescribed = produced
      .split("\n")
      .filter((line) => /^\| `/.test(line) && /\|\s*\|$/.test(line));
    expect(undescribed).toEqual([]);
  });

  it("a changed description shows up as out of date", async () => {
    const [file] = GENERATED_DOCS;
    const committed = readFileSync(file, "utf8");
    const stale = committed.replace("The catalogue format's version.", "Something else.");
    expect(stale).not.toBe(committed);
    expect(await generate(file, stale)).toBe(committed);
  });
});
