/** docs/rules.md is what `maas rules` generates from the one registry of every rule. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../catalogue";
import { CATALOGUE_RULES } from "../../catalogue/rules";
import { allRules, numberRanges, RULE_FAMILIES } from "../../cli/rule-registry";
import { rulesReference } from "../../cli/rules";
import { CROSS_KEY_RULES } from "../../stack/settings-schema";
import { documented } from "../helpers/catalogue";
import { PROJECT_ROOT } from "../helpers/cli";

/** The `.ts` files under `dir` of the project, with their text. */
function sources(dir: string): [file: string, text: string][] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => [join(dir, file), readFileSync(join(PROJECT_ROOT, dir, file), "utf8")]);
}

/** The folders of the program and the CLI: everything a finding or a message can come from. */
const CODE = [
  "catalogue",
  "change",
  "cli",
  "components",
  "cost",
  "kinds",
  "plan",
  "policy",
  "review",
  "rollout",
  "smoke",
  "stack",
];

/** Every rule id a finding of the program's code can carry: `"RULES-<n>/<slug>"` and the named families. */
function idsInSources(): Set<string> {
  const ids = new Set<string>();
  for (const dir of CODE)
    for (const [, text] of sources(dir))
      for (const [, id] of text.matchAll(
        /"((?:RULES-\d+|front-door|ingress|kubernetes)\/[a-z0-9-]+)"/g,
      ))
        ids.add(id!);
  return ids;
}

/**
 * The catalogue and stack-config rule ids the tests expect in a problem's line (`… [catalogue/
 * weights-sum]`): each is emitted by the fixture of a passing test that asserts that line.
 */
function idsAssertedByTests(): Set<string> {
  const ids = new Set<string>();
  // This file names an undocumented id on purpose, to see it refused.
  for (const [, text] of sources("test").filter(
    ([file]) => !file.endsWith("rules-reference.test.ts"),
  ))
    for (const [, id] of text.matchAll(
      / \\?\[((?:catalogue|stack-config|layout)\\?\/[a-z0-9-]+)\\?\]/g,
    ))
      ids.add(id!.replace("\\", ""));
  return ids;
}

describe("rule reference", () => {
  it("docs/rules.md is current (run `npx maas rules > docs/rules.md` after changing a rule)", () => {
    expect(readFileSync("docs/rules.md", "utf8")).toBe(rulesReference());
  });

  it("documents every rule with what it requires, why and how to comply, under a unique id", () => {
    const rules = allRules();
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.description.length, rule.id).toBeGreaterThan(20);
      expect(rule.why.length, rule.id).toBeGreaterThan(20);
      expect(rule.fix.length, rule.id).toBeGreaterThan(20);
      expect(rulesReference()).toContain(`### \`${rule.id}\``);
    }
  });

  it("knows every id the code's findings carry", () => {
    const known = new Set(allRules().map((rule) => rule.id));
    expect([...idsInSources()].filter((id) => !known.has(id))).toEqual([]);
  });

  it("cites no rule number, in code or docs, that docs/rules.md does not document", () => {
    const numbers = new Set(
      allRules().flatMap((rule) => /^(RULES-\d+)\//.exec(rule.id)?.[1] ?? []),
    );
    const docs = readdirSync(join(PROJECT_ROOT, "docs"))
      .filter((file) => file.endsWith(".md"))
      .map((file): [string, string] => [
        join("docs", file),
        readFileSync(join(PROJECT_ROOT, "docs", file), "utf8"),
      ]);
    const cited = [
      ...[...CODE, "test"].flatMap(sources),
      ...docs,
      ["README.md", readFileSync(join(PROJECT_ROOT, "README.md"), "utf8")] as [string, string],
    ].flatMap(([file, text]) =>
      [...text.matchAll(/\bRULES-(\d+)\b/g)].map((match) => `${file}: ${match[0]}`),
    );
    expect(cited.filter((entry) => !numbers.has(entry.split(": ")[1]!))).toEqual([]);
  });

  it("lists the catalogue's and the stack config's rules, each id made from its family and key", () => {
    const ids = allRules().map((rule) => rule.id);
    for (const rule of CATALOGUE_RULES) expect(ids).toContain(rule.id);
    for (const [slug, rule] of Object.entries(CROSS_KEY_RULES)) {
      expect(rule.id).toBe(`stack-config/${slug}`);
      expect(ids).toContain(rule.id);
    }
    expect(CATALOGUE_RULES.every((rule) => rule.id.startsWith("catalogue/"))).toBe(true);
  });

  it("fails a fixture whose problem carries an id no rule documents", () => {
    const problem: Problem = {
      file: "models.yaml",
      line: 1,
      col: 1,
      path: "models",
      message: "is wrong",
      rule: "catalogue/no-such-rule",
    };
    expect(() => documented([problem])).toThrow(
      "problems carry rule ids no catalogue rule documents (catalogue/rules.ts): models.yaml:1:1: models: is wrong [catalogue/no-such-rule]",
    );
    expect(documented([{ ...problem, rule: "catalogue/weights-sum" }])).toHaveLength(1);
  });

  it("has a test fixture emitting every catalogue and stack-config rule, and documents every id the tests expect", () => {
    const documentedIds = allRules()
      .map((rule) => rule.id)
      .filter((id) => /^(catalogue|stack-config|layout)\//.test(id));
    const asserted = idsAssertedByTests();
    expect(documentedIds.filter((id) => !asserted.has(id))).toEqual([]);
    expect([...asserted].filter((id) => !documentedIds.includes(id))).toEqual([]);
  });

  it("refuses two rules under one id, whichever families they are in", () => {
    const [catalogue, stack, , kubernetes, aws] = RULE_FAMILIES;
    const twin = { ...aws!, rules: [...aws!.rules, { ...kubernetes!.rules[2]! }] };
    expect(() => allRules([kubernetes!, twin])).toThrow(
      `two rules share the id ${kubernetes!.rules[2]!.id}`,
    );
    const copied = { ...stack!, rules: [...stack!.rules, { ...catalogue!.rules[0]! }] };
    expect(() => allRules([catalogue!, copied])).toThrow(
      `two rules share the id ${catalogue!.rules[0]!.id}`,
    );
  });

  it("states each family's numbers as they are, not as kept by hand", () => {
    expect(RULE_FAMILIES.map((family) => numberRanges(family.rules))).toEqual([
      "",
      "",
      "",
      "1-14",
      "15-21, 28, 34",
      "21-27",
    ]);
    expect(rulesReference()).toContain(
      "1-14 Kubernetes workloads; 15-21, 28, 34 AWS resources; 21-27 the way from one state to the next",
    );
  });
});
