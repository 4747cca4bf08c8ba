/**
 * A split catalogue checked as a whole, as only `--all-stacks` sees it: every shard a base lists
 * in maas:shards has exactly one stack, so every model is deployed by exactly one stack. A shard
 * with no stack deploys nothing (its models run nowhere, and a model moved there is removed from
 * the stack it leaves); two stacks of one shard each deploy its models, under the same names.
 */
import { defineRules } from "../catalogue/rule";
import type { StackLayout } from "../stack/layout";

/** The rules of a project's stacks taken together (docs/rules.md, cli/rule-registry.ts). */
export const LAYOUT_RULES = defineRules("layout", {
  "shard-has-stack": {
    description: "Every shard a base stack lists in `maas:shards` has a stack that deploys it.",
    why: "A shard with no stack deploys nothing: its models run nowhere, and a model moved to it is only removed from the stack it leaves.",
    fix: "Create a stack for the shard (`maas:shard`, `maas:baseStack`), or remove it from `maas:shards` and move its models to a shard that has one.",
  },
  "one-stack-per-shard": {
    description: "No two stacks deploy the same shard of the same base stack.",
    why: "Each would create the shard's models under the same names: the second create fails.",
    fix: "Keep one stack for the shard and remove the other's stack file (moving its state first if it was deployed).",
  },
  "unique-names": {
    description:
      "No two stacks create the same physical name where names must be unique (an account and region, a cluster, a namespace): each stack's plans are compared by the names they would create.",
    why: "The second create fails, or, for a CloudWatch alarm, silently takes the first's place. Within one plan the same is refused by RULES-27/unique-names.",
    fix: "Deploy each model from one stack of its layout (its shard's): names derive from the project, stack and model (catalogue/names.ts), so two stacks meet on a name only when they deploy the same model.",
  },
});

export interface LayoutStack {
  stack: string;
  layout: StackLayout;
  /** Where a key of the stack is written (`Pulumi.platform.yaml:14:3`), for messages. */
  where: (key: string) => string;
}

const list = (names: string[]) => names.join(", ");

/**
 * What is wrong with the project's layouts, each problem blamed on the stack file and key that
 * says so; `modelsOf` names a base's models of a shard, when the catalogue could be read.
 */
export function layoutProblems(
  stacks: LayoutStack[],
  modelsOf: (base: string, shard: string) => string[] | undefined = () => undefined,
): string[] {
  const problems: string[] = [];
  for (const base of stacks) {
    if (base.layout.kind !== "base") continue;
    for (const shard of base.layout.shards) {
      const deployers = stacks.filter(
        (stack) =>
          stack.layout.kind === "shard" &&
          stack.layout.shard === shard &&
          stack.layout.baseStack === base.stack,
      );
      const models = modelsOf(base.stack, shard);
      const theirs =
        models === undefined
          ? "its models"
          : models.length === 0
            ? "no model yet"
            : `its models (${list(models)})`;
      if (deployers.length === 0)
        problems.push(
          `${base.where("maas:shards")}: maas:shards: shard ${shard} has no stack: ${theirs} would be deployed by none, and a model moved to it would only be removed from the stack it leaves. Create a stack for it (maas:shard: ${shard}, maas:baseStack: ${base.stack}), or remove ${shard} from maas:shards and move its models to a shard that has one [${LAYOUT_RULES["shard-has-stack"].id}]`,
        );
      if (deployers.length > 1)
        problems.push(
          `${deployers.map((stack) => stack.where("maas:shard")).join(" and ")}: maas:shard: stacks ${list(deployers.map((stack) => stack.stack))} all deploy shard ${shard} of base stack ${base.stack}: each would create ${theirs} again, under the same names, and the second create fails. A shard has exactly one stack: keep one of them [${LAYOUT_RULES["one-stack-per-shard"].id}]`,
        );
    }
  }
  return problems;
}
