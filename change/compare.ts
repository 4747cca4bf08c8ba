/**
 * What changes between two plans of the same stack: resources added, removed, and changed
 * (with the input values that differ, old and new). Resources are matched by URN, as the engine
 * does; items of a list are matched by identity (`name`, `arn`, `key`) where they have one, and
 * a list of distinct strings by the strings themselves, so a version leaving a rule's target
 * groups, or a grant added to a policy, does not make the next one look changed.
 */
import type { RecordedResource } from "../plan/record";

export interface ValueChange {
  /** Dotted path; list items by identity where they have one: `containers[name=server].image`. */
  path: string;
  /** Undefined where the value is added. */
  before: unknown;
  /** Undefined where the value is removed. */
  after: unknown;
}

export interface ResourceChange {
  urn: string;
  type: string;
  /** Dotted input paths whose values differ, e.g. `spec.template.spec.containers[name=server].image`. */
  paths: string[];
  changes: ValueChange[];
}

export interface PlanComparison {
  added: RecordedResource[];
  removed: RecordedResource[];
  changed: ResourceChange[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}

const IDENTITY_KEYS = ["name", "version", "arn", "key", "Sid"];

/** A JSON document inside a string input (policies, registry items, dashboard bodies). */
function embeddedJson(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** `arn:aws:…:targetgroup/tg-name/0123abcd` -> `targetgroup/tg-name`: readable and stable. */
function shortIdentity(value: string): string {
  if (!value.startsWith("arn:")) return value;
  return value
    .split(":")
    .slice(5)
    .join(":")
    .replace(/\/[0-9a-f]{8,}$/, "");
}

/** The key by which the items of both lists can be matched, if every item has a unique one. */
function identityKey(before: unknown[], after: unknown[]): string | undefined {
  return IDENTITY_KEYS.find((key) => {
    for (const list of [before, after]) {
      const values = list.map((item) => (isObject(item) ? item[key] : undefined));
      if (values.some((value) => typeof value !== "string")) return false;
      if (new Set(values).size !== values.length) return false;
    }
    return before.length + after.length > 0;
  });
}

const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

/**
 * Lists of strings the stack registers that are sets to AWS (terraform-provider-aws: TypeSet):
 * a load balancer's subnets and security groups, a VPC link's subnet and security group IDs.
 */
const SET_FIELDS = new Set(["subnets", "securityGroups", "subnetIds", "securityGroupIds"]);

/** A list of strings, each once: compared as a set of items. */
function uniqueStrings(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.every((item) => typeof item === "string") &&
    new Set(value).size === value.length
  );
}

/**
 * The values that differ between `before` and `after`, leaf by leaf; JSON documents held in
 * strings are compared inside, so a policy or a registry item shows what changed in it.
 */
export function differences(before: unknown, after: unknown, prefix = ""): ValueChange[] {
  // Most of two plans' inputs are the same values: nothing to parse or walk.
  if (before === after) return [];
  const [innerBefore, innerAfter] = [embeddedJson(before), embeddedJson(after)];
  if (innerBefore !== undefined && innerAfter !== undefined)
    return differences(innerBefore, innerAfter, prefix);
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = identityKey(before, after);
    if (key) {
      const index = (list: unknown[]) =>
        new Map(list.map((item) => [String((item as Record<string, unknown>)[key]), item]));
      const old = index(before);
      const current = index(after);
      const ids = [...new Set([...old.keys(), ...current.keys()])];
      return ids.flatMap((id) =>
        differences(old.get(id), current.get(id), `${prefix}[${key}=${shortIdentity(id)}]`),
      );
    }
  }
  if (uniqueStrings(before) && uniqueStrings(after)) {
    // A set of names or ARNs (a policy's resources, subnets, actions): what left and what came,
    // not index by index, where one item added in front makes every later one look replaced.
    const removed = before.filter((item) => !after.includes(item));
    const added = after.filter((item) => !before.includes(item));
    if (removed.length + added.length > 0)
      return [
        ...removed.map((item) => ({
          path: `${prefix}[=${shortIdentity(item)}]`,
          before: item,
          after: undefined,
        })),
        ...added.map((item) => ({
          path: `${prefix}[=${shortIdentity(item)}]`,
          before: undefined,
          after: item,
        })),
      ];
    // The same items in another order: a change the provider applies, unless the field is a set
    // to AWS (the provider's schema: TypeSet), whose order means nothing.
    const field = prefix.split(".").pop() ?? "";
    return before.every((item, index) => item === after[index]) || SET_FIELDS.has(field)
      ? []
      : [{ path: prefix || "(value)", before, after }];
  }
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => differences(before[key], after[key], join(prefix, key)));
  }
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path: prefix || "(value)", before, after }];
}

/** Dotted paths where `before` and `after` differ. */
export function differingPaths(before: unknown, after: unknown): string[] {
  return differences(before, after).map((change) => change.path);
}

/**
 * Each resource of `after` with the resource of `before` it is, as the engine matches them: by
 * URN first, then by its aliases (the URNs a renamed resource had), each resource of `before`
 * taken once (pulumi/pulumi pkg/resource/deploy/step_generator.go, generateSteps).
 */
export function matchResources(
  before: RecordedResource[],
  after: RecordedResource[],
): Map<string, RecordedResource> {
  const old = new Map(before.map((resource) => [resource.urn, resource]));
  const matched = new Map<string, RecordedResource>();
  const taken = new Set<string>();
  for (const resource of after) {
    const previous = old.get(resource.urn);
    if (previous) {
      matched.set(resource.urn, previous);
      taken.add(previous.urn);
    }
  }
  for (const resource of after) {
    if (matched.has(resource.urn)) continue;
    const alias = (resource.options?.aliases ?? []).find((urn) => old.has(urn) && !taken.has(urn));
    if (alias === undefined) continue;
    matched.set(resource.urn, old.get(alias)!);
    taken.add(alias);
  }
  return matched;
}

export function comparePlans(
  before: RecordedResource[],
  after: RecordedResource[],
): PlanComparison {
  const matched = matchResources(before, after);
  const kept = new Set([...matched.values()].map((resource) => resource.urn));
  const changed: ResourceChange[] = [];
  for (const resource of after) {
    const { urn } = resource;
    const previous = matched.get(urn);
    if (!previous) continue;
    const changes = [
      ...differences(previous.inputs, resource.inputs).map((change) => ({
        ...change,
        path: `inputs.${change.path}`,
      })),
      ...differences(previous.options ?? {}, resource.options ?? {}, "options"),
      ...(previous.parent === resource.parent
        ? []
        : [{ path: "parent", before: previous.parent, after: resource.parent }]),
    ];
    if (changes.length > 0)
      changed.push({ urn, type: resource.type, paths: changes.map((c) => c.path), changes });
  }
  return {
    added: after.filter((resource) => !matched.has(resource.urn)),
    removed: before.filter((resource) => !kept.has(resource.urn)),
    changed,
  };
}
