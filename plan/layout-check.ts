/**
 * A split catalogue checked as a whole, as only `--all-stacks` sees it: every shard a base lists
 * in maas:shards has exactly one stack, so every model is deployed by exactly one stack. A shard
 * with no stack deploys nothing (its models run nowhere, and a model moved there is removed from
 * the stack it leaves); two stacks of one shard each deploy its models, under the same names.
 */
import type { StackLayout } from "../stack/layout";

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
          `${base.where("maas:shards")}: maas:shards: shard ${shard} has no stack: ${theirs} would be deployed by none, and a model moved to it would only be removed from the stack it leaves. Create a stack for it (maas:shard: ${shard}, maas:baseStack: ${base.stack}), or remove ${shard} from maas:shards and move its models to a shard that has one`,
        );
      if (deployers.length > 1)
        problems.push(
          `${deployers.map((stack) => stack.where("maas:shard")).join(" and ")}: maas:shard: stacks ${list(deployers.map((stack) => stack.stack))} all deploy shard ${shard} of base stack ${base.stack}: each would create ${theirs} again, under the same names, and the second create fails. A shard has exactly one stack: keep one of them`,
        );
    }
  }
  return problems;
}
