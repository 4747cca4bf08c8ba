/**
 * What changes between two plans of the same stack: resources added, removed, and changed
 * (with the input paths that differ). Resources are matched by URN, as the engine does.
 */
import type { RecordedResource } from "./record";

export interface ResourceChange {
  urn: string;
  type: string;
  /** Dotted input paths whose values differ, e.g. `spec.template.spec.containers.0.image`. */
  paths: string[];
}

export interface PlanComparison {
  added: RecordedResource[];
  removed: RecordedResource[];
  changed: ResourceChange[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

/** Dotted paths where `before` and `after` differ (leaves, or whole values where shapes differ). */
export function differingPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) =>
      differingPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || "(value)"];
}

export function comparePlans(
  before: RecordedResource[],
  after: RecordedResource[],
): PlanComparison {
  const old = new Map(before.map((resource) => [resource.urn, resource]));
  const current = new Map(after.map((resource) => [resource.urn, resource]));
  const changed: ResourceChange[] = [];
  for (const [urn, resource] of current) {
    const previous = old.get(urn);
    if (!previous) continue;
    const paths = [
      ...differingPaths(previous.inputs, resource.inputs).map((path) => `inputs.${path}`),
      ...(JSON.stringify(previous.options) === JSON.stringify(resource.options) ? [] : ["options"]),
      ...(previous.parent === resource.parent ? [] : ["parent"]),
    ];
    if (paths.length > 0) changed.push({ urn, type: resource.type, paths });
  }
  return {
    added: after.filter((resource) => !old.has(resource.urn)),
    removed: before.filter((resource) => !current.has(resource.urn)),
    changed,
  };
}
