/**
 * Every rule the catalogue is checked by, in the order it is read: the file and its schema,
 * what it says whatever the environment, what each environment resolves to, a split over
 * stacks. cli/rule-registry.ts lists them beside the other families.
 */
import { ACCESS_RULES } from "./access-rules";
import { DOCUMENT_RULES } from "./document-rules";
import { IMAGE_RULES } from "./image-reference";
import { INPUT_RULES } from "./input-rules";
import { API_RULES } from "./model-api";
import { RESOLUTION_RULES } from "./resolution-rules";
import { ROLLOUT_POLICY_RULES } from "./rollout-policy";
import type { RuleDoc } from "./rule";
import { SHARD_RULES } from "./shard-rules";

const RULE_SETS: readonly Readonly<Record<string, RuleDoc>>[] = [
  INPUT_RULES,
  IMAGE_RULES,
  DOCUMENT_RULES,
  ACCESS_RULES,
  RESOLUTION_RULES,
  ROLLOUT_POLICY_RULES,
  API_RULES,
  SHARD_RULES,
];

export const CATALOGUE_RULES: readonly RuleDoc[] = RULE_SETS.flatMap((rules) =>
  Object.values(rules),
);
