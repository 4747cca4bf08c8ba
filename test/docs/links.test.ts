/**
 * Every relative link between the docs reaches a file and, with an #anchor, a heading there; every
 * doc the code, the CI scripts and the stack files cite exists, and a heading they name in quotes
 * (`docs/setup.md, "Stack configuration"`) is one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const DOCS = [
  "README.md",
  ...readdirSync("docs", { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => join("docs", file)),
];

/** Markdown without its fenced code blocks and code spans, where nothing is a link. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces as dashes, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of markdown
    .replace(/^```[\s\S]*?^```/gm, "")
    .matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

const headings = (file: string) =>
  new Set(
    [...readFileSync(file, "utf8").matchAll(/^#{1,6} (.+)$/gm)].map(([, h]) =>
      h!.replace(/`/g, ""),
    ),
  );

describe("links between the docs", () => {
  for (const file of DOCS)
    it(`${file}: every relative link and anchor resolves`, () => {
      const broken: string[] = [];
      for (const [, target] of prose(readFileSync(file, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const resolved = path === "" ? file : normalize(join(dirname(file), path));
        if (!existsSync(resolved)) {
          broken.push(`${target}: no file ${resolved}`);
          continue;
        }
        if (anchor !== undefined) {
          if (statSync(resolved).isDirectory() || !resolved.endsWith(".md"))
            broken.push(`${target}: an anchor into something that is not Markdown`);
          else if (!anchors(readFileSync(resolved, "utf8")).has(anchor))
            broken.push(`${target}: no heading #${anchor} in ${resolved}`);
        }
      }
      expect(broken).toEqual([]);
    });
});

describe("docs cited outside the docs", () => {
  const CITING = [
    "cli",
    "plan",
    "policy",
    "catalogue",
    "components",
    "stack",
    "docs/generate.ts",
    ".ci",
    ".github",
    "models.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.prod.yaml",
  ];
  const files = CITING.flatMap((entry) =>
    statSync(entry).isDirectory()
      ? readdirSync(entry, { recursive: true, encoding: "utf8" })
          .map((file) => join(entry, file))
          .filter((file) => statSync(file).isFile())
      : [entry],
  );

  it("name docs that exist, and headings that exist in them", () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const [, doc, heading] of text.matchAll(
        /\b((?:docs\/[\w/-]+|README)\.md)(?:[,:] "([^"]+)")?/g,
      )) {
        if (!existsSync(doc!)) broken.push(`${file}: ${doc} does not exist`);
        else if (heading && !headings(doc!).has(heading))
          broken.push(`${file}: ${doc} has no heading "${heading}"`);
      }
      if (/README[^.]/.test(text.replace(/README\.md/g, "")) && !file.startsWith(".ci"))
        broken.push(`${file}: cites the README without saying where (README.md, "Heading")`);
    }
    expect(broken).toEqual([]);
  });

  it("cite no document the repository does not ship (code, tests, benchmarks)", () => {
    const everywhere = [
      ...files,
      ...["test", "bench", "index.ts"].flatMap((entry) =>
        statSync(entry).isDirectory()
          ? readdirSync(entry, { recursive: true, encoding: "utf8" })
              .map((file) => join(entry, file))
              .filter((file) => statSync(file).isFile() && /\.(ts|mts|js|yaml|yml)$/.test(file))
          : [entry],
      ),
    ];
    // Citations live in comments (`*`, `//`, `#` lines); names in code are data (a file a test writes).
    const comments = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /^\s*(\/\*\*?|\*|\/\/|#)/.test(line))
        .join("\n");
    const missing = everywhere.flatMap((file) =>
      [...comments(file).matchAll(/(?<![\w/.-])([A-Z][A-Z_-]+\.md)\b/g)]
        .map(([, doc]) => doc!)
        .filter((doc) => !existsSync(doc))
        .map((doc) => `${file}: ${doc} is not in the repository`),
    );
    expect(missing).toEqual([]);
  });
});
