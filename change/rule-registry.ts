/**
 * Every rule maas checks, in one registry: the families (Kubernetes objects and AWS resources on
 * every plan, the way from one plan to the next), each rule in the one shape of policy/rule.ts.
 * Ids are unique across families: building the registry fails on a repeated id, so two families
 * can never answer to one name. `maas rules` (cli/rules.ts) writes docs/rules.md from it.
 */
import { KUBERNETES_RULES, OBJECT_SIZE_RULE, SCHEMA_RULE } from "../policy";
import { AWS_RULES } from "../policy/aws-rules";
import type { RuleDoc } from "../policy/rule";
import { transitionRuleDocs } from "./transition-rules";

export interface RuleFamily {
  /** The heading of its section in docs/rules.md. */
  title: string;
  /** What checks it, and when. */
  intro: string;
  /** What its numbered rules are about, for the page's first paragraph. */
  subject: string;
  rules: readonly RuleDoc[];
}

export const RULE_FAMILIES: readonly RuleFamily[] = [
  {
    title: "On every plan: Kubernetes objects",
    intro:
      "`maas plan`, the head of `maas diff`, and the CrossGuard pack's `maas-kubernetes-workloads` policy check every Kubernetes object the stack creates.",
    subject: "Kubernetes workloads",
    rules: [SCHEMA_RULE, OBJECT_SIZE_RULE, ...KUBERNETES_RULES],
  },
  {
    title: "On every plan: AWS resources",
    intro:
      '`maas plan`, the head of `maas diff`, and the CrossGuard pack\'s `maas-aws-guardrails` policy check the AWS resources. Production rules apply to stacks with `maas:protect: "true"`.',
    subject: "AWS resources",
    rules: AWS_RULES,
  },
  {
    title: "On the way from one plan to the next",
    intro:
      "`maas diff` derives what `pulumi up` would do between the base and the head (change/transition.ts) and checks the steps. A refused change exits 1.",
    subject: "the way from one state to the next",
    rules: transitionRuleDocs(),
  },
];

/** Every rule of every family; throws on an id two rules share. */
export function allRules(families: readonly RuleFamily[] = RULE_FAMILIES): RuleDoc[] {
  const rules = families.flatMap((family) => family.rules);
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) throw new Error(`two rules share the id ${rule.id}`);
    seen.add(rule.id);
  }
  return rules;
}

/** `1-14`, `15-21, 28, 34`: the numbers of a family's `RULES-<n>/…` ids, runs joined. */
export function numberRanges(rules: readonly RuleDoc[]): string {
  const numbers = [
    ...new Set(rules.flatMap((rule) => /^RULES-(\d+)\//.exec(rule.id)?.[1] ?? []).map(Number)),
  ].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    runs.push(j === i ? String(numbers[i]) : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return runs.join(", ");
}
