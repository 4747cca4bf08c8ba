/**
 * Every rule maas checks, in one registry: the families (the catalogue and the stack's config as
 * they are read, Kubernetes objects and AWS resources on every plan, the way from one plan to the
 * next), each rule in the one shape of catalogue/rule.ts. Ids are unique across families:
 * building the registry fails on a repeated id, so two families can never answer to one name.
 * `maas rules` (cli/rules.ts) writes docs/rules.md from it.
 *
 * It lives in cli/ because it must see every family, and cli/ is the one folder that imports
 * them all: the catalogue's rules sit on the floor (catalogue/ imports nothing), the stack
 * config's in stack/, the plan's in policy/ (which must not import plan/), the transitions'
 * among the plan's stages. Nothing but `maas rules` and the tests reads it.
 */
import { CATALOGUE_RULES } from "../catalogue/rules";
import type { RuleDoc } from "../catalogue/rule";
import { KUBERNETES_RULES, OBJECT_SIZE_RULE, SCHEMA_RULE } from "../policy";
import { AWS_RULES } from "../policy/aws-rules";
import { transitionRuleDocs } from "../change/transition-rules";
import { LAYOUT_RULES } from "../plan/layout-check";
import { INTEGRATION_QUOTA_RULES } from "../stack/integration-quota";
import { SINGLE_KEY_RULES, STACK_NAME_RULES } from "../stack/settings";
import { CROSS_KEY_RULES } from "../stack/settings-schema";

export interface RuleFamily {
  /** The heading of its section in docs/rules.md. */
  title: string;
  /** What checks it, and when. */
  intro: string;
  /** What its numbered rules (`RULES-<n>/…`) are about, for the page's first paragraph. */
  subject?: string;
  rules: readonly RuleDoc[];
}

export const RULE_FAMILIES: readonly RuleFamily[] = [
  {
    title: "When the catalogue is read",
    intro:
      "`maas validate`, `maas plan`, `maas diff` and the program itself (before it registers any resource) check `models.yaml`: the base catalogue and every environment under `environments:`. Each problem is one line, `models.yaml:LINE:COL: path: what is wrong and what is allowed [id]`, all of them in one run.",
    rules: CATALOGUE_RULES,
  },
  {
    title: "When the stack config is read",
    intro:
      "The program and `maas plan` read the stack's `maas:` keys (`Pulumi.<stack>.yaml`, `--config`) before anything is planned. Each key's own values are stated in [setup.md](setup.md#stack-configuration) and checked as one rule (`stack-config/schema`); an unknown key is an error that names the closest known one. The rules are these, each reported at the key it blames (`Pulumi.<stack>.yaml:LINE:COL: key: message [id]`), and one between a key and the catalogue, reported at the catalogue's line.",
    rules: [
      ...Object.values(SINGLE_KEY_RULES),
      ...Object.values(CROSS_KEY_RULES),
      ...Object.values(STACK_NAME_RULES),
      ...Object.values(INTEGRATION_QUOTA_RULES),
    ],
  },
  {
    title: "When the stacks are taken together",
    intro:
      "`maas plan --all-stacks` and `maas diff` over every stack (CI's `--all-stacks`) read the project's stack files as a whole: each problem is reported at the stack file and key it blames (`Pulumi.<stack>.yaml:LINE:COL: key: message [id]`). The physical names of every stack's plan are compared too.",
    rules: Object.values(LAYOUT_RULES),
  },
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
