/**
 * A catalogue split over stacks: each model names its shard (`shard:`, default main), the base
 * stack lists the shards that have a stack (maas:shards), and a shard stack deploys one of them.
 * A model whose shard has no stack would silently never deploy, and a shard stack whose shard no
 * model names would delete everything it deployed: both are refused here, before any resource.
 */
import type { Problem } from "./problem";
import { DEFAULT_SHARD } from "./quotas";
import type { RuleInput } from "./rule-input";
import { problemAt } from "./source";
import { defineRules } from "./rule";
import { allowedList } from "./suggest";

/** The rules below, by slug: `catalogue/<slug>` names each in docs/rules.md and in its problems. */
export const SHARD_RULES = defineRules("catalogue", {
  "known-shard": {
    description:
      "Every model's shard (`shard:`, default `main`) is one of the base stack's `maas:shards`.",
    why: "A model whose shard has no stack would silently never be deployed.",
    fix: "Name one of the shards the message lists, or add the shard to `maas:shards` and create its stack.",
  },
  "shard-not-empty": {
    description: "A shard stack's shard (`maas:shard`) is named by at least one model.",
    why: "A shard stack whose shard no model names would delete every model it deployed (usually a typo in the stack file or the catalogue).",
    fix: "Correct `maas:shard` (the message suggests the closest shard the catalogue names), or give models that shard.",
  },
});

export interface ShardOptions {
  /** The base stack's maas:shards: every model must belong to one of them. */
  shards?: string[];
  /** A shard stack's maas:shard: at least one model must belong to it. */
  shard?: string;
}

const shardOf = (input: RuleInput, model: string) =>
  input.document.models[model]!.shard ?? DEFAULT_SHARD;

export function shardProblems(input: RuleInput, options: ShardOptions): Problem[] {
  const models = Object.keys(input.document.models).sort();
  const named = [...new Set(models.map((model) => shardOf(input, model)))].sort();
  const problems: Problem[] = [];
  if (options.shards) {
    const { shards } = options;
    for (const model of models) {
      const shard = shardOf(input, model);
      if (shards.includes(shard)) continue;
      const explicit = input.document.models[model]!.shard !== undefined;
      const suggestion = input.source.suggestions.closestKey(shard, shards);
      problems.push(
        problemAt(
          SHARD_RULES["known-shard"],
          input.source,
          explicit ? ["models", model, "shard"] : ["models", model],
          `${explicit ? `shard ${shard}` : `no shard given, so shard ${DEFAULT_SHARD},`} is not one of the base stack's maas:shards (${allowedList(shards)}): no stack would deploy the model; ${suggestion ? `did you mean ${suggestion}? ` : ""}name one of them, or add the shard to maas:shards and create its stack`,
          { key: !explicit },
        ),
      );
    }
  }
  if (options.shard !== undefined && !named.includes(options.shard)) {
    const suggestion = input.source.suggestions.closestKey(options.shard, named);
    problems.push(
      problemAt(
        SHARD_RULES["shard-not-empty"],
        input.source,
        ["models"],
        `no model belongs to shard ${options.shard} (this stack's maas:shard), so the stack would delete every model it deploys; ${suggestion ? `did you mean ${suggestion}? ` : ""}shards the catalogue names: ${allowedList(named)}`,
        { key: true },
      ),
    );
  }
  return problems;
}
