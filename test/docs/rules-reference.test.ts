/** docs/rules.md is what `maas rules` generates from the one registry of every rule. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rulesReference } from "../../cli/rules";
import { allRules, numberRanges, RULE_FAMILIES } from "../../change/rule-registry";
import { PROJECT_ROOT } from "../helpers/cli";

/** Every rule id a finding of the program's code can carry: `"RULES-<n>/<slug>"` and the named families. */
function idsInSources(): Set<string> {
  const ids = new Set<string>();
  for (const dir of [
    "catalogue",
    "components",
    "plan",
    "policy",
    "stack",
    "cli",
    "rollout",
    "cost",
  ])
    for (const file of readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: "utf8" }))
      if (file.endsWith(".ts"))
        for (const [, id] of readFileSync(join(PROJECT_ROOT, dir, file), "utf8").matchAll(
          /"((?:RULES-\d+|front-door|ingress|kubernetes)\/[a-z0-9-]+)"/g,
        ))
          ids.add(id!);
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

  it("refuses two rules under one id, whichever families they are in", () => {
    const [kubernetes, aws] = RULE_FAMILIES;
    const twin = { ...aws!, rules: [...aws!.rules, { ...kubernetes!.rules[2]! }] };
    expect(() => allRules([kubernetes!, twin])).toThrow(
      `two rules share the id ${kubernetes!.rules[2]!.id}`,
    );
  });

  it("states each family's numbers as they are, not as kept by hand", () => {
    expect(RULE_FAMILIES.map((family) => numberRanges(family.rules))).toEqual([
      "1-14",
      "15-21, 28, 34",
      "21-27",
    ]);
    expect(rulesReference()).toContain(
      "1-14 Kubernetes workloads; 15-21, 28, 34 AWS resources; 21-27 the way from one state to the next",
    );
  });
});
