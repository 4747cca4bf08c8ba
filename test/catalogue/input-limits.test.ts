/**
 * Work that could grow faster than the input is bounded by size (issue 19, items 7 and 8):
 * "did you mean" spends a fixed budget, aliases may stand for no more than a file may hold, an
 * environment value no more than Linux passes to a process. Bounds are asserted by counting
 * (comparisons spent, lengths), never by timing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCatalogueText } from "../../catalogue";
import { MAX_ENV_ENTRY_BYTES, RESERVED_ENV_VARS } from "../../catalogue/schema";
import { MAX_EXPANDED_CHARS } from "../../catalogue/source";
import { MAX_LISTED, SUGGESTION_BUDGET, Suggestions } from "../../catalogue/suggest";
import { MAX_TEXT_BYTES } from "../../catalogue/text-file";
import { problemsOf, yaml } from "../helpers/catalogue";

const IMAGE = `registry.example.com/m@sha256:${"a".repeat(64)}`;

describe("did you mean, within a budget", () => {
  it("compares at most SUGGESTION_BUDGET names whatever the number of unknown names, and lists at most MAX_LISTED", () => {
    const known = Array.from({ length: 20_000 }, (_, i) => `consumer-number-${i}`);
    const suggestions = new Suggestions();
    const messages = Array.from({ length: 20_000 }, (_, i) =>
      suggestions.unknownKeyMessage(`unknown-caller-${i}`, known, "consumer"),
    );
    expect(suggestions.spent).toBeLessThanOrEqual(SUGGESTION_BUDGET);
    for (const message of messages) expect(message.length).toBeLessThan(600);
    expect(messages[0]).toBe(
      `unknown consumer "unknown-caller-0"; allowed: ${known.slice(0, MAX_LISTED).join(", ")} and 19,980 more`,
    );
  });

  it("still finds a typo among a thousand models", () => {
    const suggestions = new Suggestions();
    const known = Array.from({ length: 1000 }, (_, i) => `model-${i}`);
    expect(suggestions.unknownKeyMessage("modle-517", known, "model")).toBe(
      'unknown model "modle-517"; did you mean "model-517"?',
    );
  });

  it("reports 5,000 unknown consumers among 5,000 declared ones in messages of bounded length", () => {
    const n = 5000;
    const text = yaml(
      "apiVersion: maas/v1",
      "consumers:",
      ...Array.from(
        { length: n },
        (_, i) =>
          `  consumer-${i}: { principals: ["arn:aws:iam::111122223333:role/r${i}"], rateLimit: { requestsPerSecond: 1, burst: 1 } }`,
      ),
      "models:",
      "  a:",
      "    owner: t",
      `    image: ${IMAGE}`,
      '    versions: { "1": { traffic: 100 } }',
      "    access:",
      ...Array.from({ length: n }, (_, i) => `      - caller-${i}`),
    );
    const problems = problemsOf(text).filter((problem) => problem.includes("unknown consumer"));
    expect(problems).toHaveLength(n);
    // Once every known name was listed in every message: 5,000 x 5,000 names.
    expect(problems.reduce((total, problem) => total + problem.length, 0)).toBeLessThan(n * 600);
  });
});

const model = (name: string, ...extra: string[]) => [
  `  ${name}:`,
  "    owner: t",
  `    image: ${IMAGE}`,
  '    versions: { "1": { traffic: 100 } }',
  ...extra.map((line) => `    ${line}`),
];

describe("aliases, bounded by what they stand for", () => {
  it("refuses a small file aliasing one large map into more than a file may hold, at the first alias", () => {
    const entries = Array.from(
      { length: 1000 },
      (_, i) => `      V_${i}: "value of variable ${i}"`,
    );
    const models = Array.from({ length: 800 }, (_, i) =>
      i === 0 ? [...model("m0", "env: &big"), ...entries] : model(`m${i}`, "env: *big"),
    );
    const text = yaml("apiVersion: maas/v1", "models:", ...models.flat());
    expect(text.length).toBeLessThan(300_000);
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^1012:10: models\.m1\.env: the catalogue's aliases expand it to about 2\d\.\d MiB written out, where a catalogue may hold 16\.0 MiB .*the 799 aliases of &big/,
    );
    expect(MAX_EXPANDED_CHARS).toBe(MAX_TEXT_BYTES);
  });

  it("refuses an alias inside the node it names", () => {
    expect(
      problemsOf(yaml("apiVersion: maas/v1", "models:", ...model("a", "env: &x { A: *x }"))),
    ).toEqual([
      "7:18: models.a.env.A: the alias *x stands inside the node &x names, so that node would contain itself; alias a node defined before and outside it [catalogue/alias-expansion]",
    ]);
  });

  it("whatever the sizes, what a valid catalogue holds stays within the bound, and a larger expansion is refused naming the alias", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (aliases, length) => {
          const models = Array.from({ length: aliases + 1 }, (_, i) =>
            model(`m${i}`, i === 0 ? `description: &d "${"x".repeat(length)}"` : "description: *d"),
          );
          const result = checkCatalogueText(
            yaml("apiVersion: maas/v1", "models:", ...models.flat()),
            "models.yaml",
          );
          if (result.ok) {
            expect(JSON.stringify(result.document).length).toBeLessThanOrEqual(MAX_EXPANDED_CHARS);
            return;
          }
          if ((aliases + 1) * length > MAX_EXPANDED_CHARS)
            expect(result.problems.map((problem) => problem.message)).toContainEqual(
              expect.stringMatching(new RegExp(`the ${aliases} aliases of &d`)),
            );
          else
            expect(result.problems.map((problem) => problem.message).join("\n")).not.toMatch(
              /aliases expand/,
            );
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("did you mean, generated", () => {
  it("spends at most the budget and writes messages of bounded length, however many names", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 200 }), { maxLength: 300 }),
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 20_000 }),
        (unknown, known, budget) => {
          const suggestions = new Suggestions(budget);
          for (const name of unknown) {
            const message = suggestions.unknownKeyMessage(name, known);
            // The quoted name (at most 60 characters, escaped) and at most MAX_LISTED known names.
            expect(message.length).toBeLessThan(600 + MAX_LISTED * 6 * 40);
          }
          expect(suggestions.spent).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("still suggests a one-letter typo within the budget", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{6,12}$/), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (known, pick) => {
          const meant = known[pick % known.length]!;
          const typo = `${meant}z`;
          fc.pre(!known.includes(typo));
          const found = new Suggestions().closestKey(typo, known);
          expect(found).toBeDefined();
          expect(Math.abs(found!.length - typo.length)).toBeLessThanOrEqual(4);
        },
      ),
    );
  });
});

describe("environment values, within what Linux starts a process with", () => {
  it("refuses NAME=value past MAX_ARG_STRLEN (bytes, with its NUL) before anything writes it, and accepts it up to there", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
        fc.constantFrom("x", "é", "€", "😀"),
        fc.integer({ min: -8, max: 8 }),
        (name, char, offset) => {
          fc.pre(!(RESERVED_ENV_VARS as readonly string[]).includes(name));
          const perChar = Buffer.byteLength(char);
          const count = Math.max(
            0,
            Math.floor((MAX_ENV_ENTRY_BYTES - name.length - 2) / perChar) + offset,
          );
          const value = char.repeat(count);
          const bytes = Buffer.byteLength(`${name}=${value}`) + 1;
          const problems = problemsOf(
            yaml("apiVersion: maas/v1", "models:", ...model("a", `env: { ${name}: "${value}" }`)),
          );
          if (bytes > MAX_ENV_ENTRY_BYTES)
            expect(problems).toEqual([
              `7:${14 + name.length}: models.a.env.${name}: is ${bytes.toLocaleString("en")} bytes as NAME=value, where Linux starts a process with at most 131,072 (MAX_ARG_STRLEN, 128 KiB, with its NUL); pass large data as a file (build it into the image, or let the server fetch it from MODEL_URI) [catalogue/schema]`,
            ]);
          else expect(problems).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses a value of megabytes with a problem, not a crash", () => {
    const problems = problemsOf(
      yaml(
        "apiVersion: maas/v1",
        "models:",
        ...model("a", `env: { BIG: "${"x".repeat(5_000_000)}" }`),
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^7:17: models\.a\.env\.BIG: is 5,000,005 bytes as NAME=value/);
  });
});
