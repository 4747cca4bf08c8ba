/** docs/rules.md is what `maas rules` generates from the rules' own definitions. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rulesReference } from "../../cli/rules";
import { KUBERNETES_RULES, OBJECT_SIZE_RULE, SCHEMA_RULE } from "../../policy";
import { AWS_RULES } from "../../policy/aws-rules";
import { transitionRuleDocs } from "../../plan/transition-rules";

describe("rule reference", () => {
  it("docs/rules.md is current (run `npx maas rules > docs/rules.md` after changing a rule)", () => {
    expect(readFileSync("docs/rules.md", "utf8")).toBe(rulesReference());
  });

  it("documents every rule with what it requires, why and how to comply, under a unique id", () => {
    const rules = [
      SCHEMA_RULE,
      OBJECT_SIZE_RULE,
      ...KUBERNETES_RULES,
      ...AWS_RULES,
      ...transitionRuleDocs(),
    ];
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.description.length, rule.id).toBeGreaterThan(20);
      expect(rule.why.length, rule.id).toBeGreaterThan(20);
      expect(rule.fix.length, rule.id).toBeGreaterThan(20);
      expect(rulesReference()).toContain(`### \`${rule.id}\``);
    }
  });
});
