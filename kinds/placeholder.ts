/**
 * Building blocks of the placeholders in the records (kind.ts, `placeholder`): deterministic
 * stand-ins for what providers compute (ids, ARNs, URLs, digests), derived from resource names,
 * so an offline plan is complete and byte-identical across runs. They are placeholders, not
 * predictions: real values appear only under `pulumi up`.
 */
import { createHash } from "node:crypto";
import { partitionOf } from "../catalogue/names";

/** The account ID AWS uses in its documentation: obviously not a real one. */
export const PLACEHOLDER_ACCOUNT = "123456789012";

export interface PlaceholderContext {
  region: string;
  /** Outputs of the stacks the program references, by full name (`organization/maas/prod`): their offline plans'. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

export type State = Record<string, unknown>;

/**
 * A kind's computed outputs. `name` is the resource's seed: its logical name plus the values of
 * the inputs that force its replacement (plan/placeholders.ts). A replacement therefore gets new
 * ids, ARNs and auto-names, as it does at the provider, and whatever refers to it changes too;
 * an update keeps them.
 */
export type Placeholder = (
  name: string,
  inputs: State,
  context: PlaceholderContext,
) => { id: string; state: State };

export function hex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export function uuid(text: string): string {
  const h = hex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const arn = (
  context: PlaceholderContext,
  service: string,
  resource: string,
  regional = true,
) =>
  `arn:${partitionOf(context.region)}:${service}:${regional ? context.region : ""}:${PLACEHOLDER_ACCOUNT}:${resource}`;

/** What separates a seed's logical name from its replacement key. */
export const SEED_SEPARATOR = "\n";
export const logicalName = (seed: string) => seed.split(SEED_SEPARATOR)[0]!;

/** Provider-assigned names look like Pulumi's auto-names: the logical name and a suffix. */
export const autoName = (seed: string, inputs: State, key = "name") =>
  typeof inputs[key] === "string" ? inputs[key] : `${logicalName(seed)}-${hex(seed, 7)}`;
