/**
 * Every resource type the program creates, one record each (kind.ts): the one place a fact about
 * a type lives. test/kinds/registry.test.ts finds every type the program's sources construct and
 * fails on one without a record here, and on a record nothing constructs.
 */
import { FRONT_DOOR_KINDS } from "./front-door";
import { IDENTITY_KINDS } from "./identity";
import type { ResourceKind } from "./kind";
import { KUBERNETES_KINDS } from "./kubernetes";
import { MONITORING_KINDS } from "./monitoring";
import { NETWORK_KINDS } from "./network";
import { STORAGE_KINDS } from "./storage";

export type { Inputs, PhysicalNamer, ResourceKind, SchemaCheck } from "./kind";

function byType(kinds: readonly ResourceKind[]): ReadonlyMap<string, ResourceKind> {
  const map = new Map<string, ResourceKind>();
  for (const kind of kinds) {
    if (map.has(kind.type)) throw new Error(`two records for ${kind.type} in kinds/`);
    map.set(kind.type, kind);
  }
  return map;
}

/** The records by type token. */
export const KINDS: ReadonlyMap<string, ResourceKind> = byType([
  ...STORAGE_KINDS,
  ...IDENTITY_KINDS,
  ...NETWORK_KINDS,
  ...MONITORING_KINDS,
  ...FRONT_DOOR_KINDS,
  ...KUBERNETES_KINDS,
]);

/** The record of `type`, or undefined for a type the program does not create. */
export function kindOf(type: string): ResourceKind | undefined {
  return KINDS.get(type);
}

/**
 * The record of a type the program creates, for a component asking for its own facts: a type
 * without a record is a mistake in kinds/, not a resource to create without them.
 */
export function kind(type: string): ResourceKind {
  const found = KINDS.get(type);
  if (!found) throw new Error(`no record for ${type}: add one to kinds/`);
  return found;
}
