/**
 * What a resource is known by at its provider, for the resource types this stack creates: two
 * resources that share one of these cannot exist at once (AWS: DuplicateLoadBalancerName,
 * DuplicateListener, PriorityInUse, EntityAlreadyExists…; Kubernetes: AlreadyExists; ECR:
 * ImageTagAlreadyExistsException for a tag), from each type's record in kinds/ (`physicalName`).
 * Auto-named resources have none: the provider picks a fresh name for each.
 */
import { kindOf } from "../kinds";
import type { Inputs } from "../kinds";
import { joined, text } from "../kinds/physical-name";
import type { RecordedResource } from "./record";
import { LAYOUT_RULES } from "./layout-check";

/** `apps/v1` -> `apps`, `core/v1` -> `core`: one object, whatever version it is served at. */
function kubernetesName(resource: RecordedResource): string | undefined {
  const [, groupVersion = "", kind = ""] = resource.type.split(":");
  const metadata = (resource.inputs.metadata ?? {}) as Inputs;
  if (text(metadata.name) === undefined) return undefined;
  return joined(
    "Kubernetes",
    `${groupVersion.split("/")[0]}/${kind}`,
    `${text(metadata.namespace) ?? ""}/${text(metadata.name)}`,
  );
}

export function physicalNames(resource: RecordedResource): string[] {
  if (!resource.custom) return [];
  const names = resource.type.startsWith("kubernetes:")
    ? [kubernetesName(resource)]
    : (kindOf(resource.type)?.physicalName?.of(resource.inputs) ?? []);
  return names.filter((name): name is string => name !== undefined);
}

/** What a stack's names live in: its region, its cluster, its layout (a base and its shards). */
export interface StackScope {
  stack: string;
  region: string;
  /** Its deployment: a shard's base stack, else the stack itself. */
  layout: string;
  /** The cluster's kube context, or `kubeconfig of <layout>` where the kubeconfig is a secret. */
  cluster: string;
  resources: RecordedResource[];
}

/**
 * A plan's scope, read from its providers; `layout` is its deployment (a shard's base stack, else
 * the stack itself), whose registry and load balancers its placeholders stand for.
 */
export function stackScope(
  stack: string,
  layout: string,
  resources: RecordedResource[],
): StackScope {
  const of = (type: string) => resources.find((r) => r.type === type)?.inputs ?? {};
  const context = text(of("pulumi:providers:kubernetes").context);
  return {
    stack,
    region: text(of("pulumi:providers:aws").region) ?? "",
    layout,
    cluster: context ? `kube context ${context}` : `the kubeconfig of ${layout}`,
    resources,
  };
}

/** Where a resource's physical name must be unique across stacks. */
function scopeOf(resource: RecordedResource, stack: StackScope): string {
  if (resource.type.startsWith("kubernetes:")) return `on cluster ${stack.cluster}`;
  // A name the program sets is the same in AWS as in the plan: unique in its region, or in the
  // account for a global service (IAM, a hosted zone's records). Any other name holds a value the
  // plan stands in for, the same in every stack: compared within a layout only, where a shard's
  // stand-ins are its base's real resources.
  switch (kindOf(resource.type)?.physicalName?.scope) {
    case "account":
      return "in the account";
    case "region":
      return `in region ${stack.region}`;
    default:
      return `in layout ${stack.layout}, region ${stack.region}`;
  }
}

/**
 * RULES 27 and 32 across a project's stacks: the physical names that two stacks would create in
 * one scope (an account and region, a cluster), one problem per group of stacks that share some.
 */
export function crossStackCollisions(stacks: StackScope[]): string[] {
  const holders = new Map<string, Set<string>>();
  for (const stack of stacks)
    for (const resource of stack.resources)
      for (const name of physicalNames(resource)) {
        const key = `${name} ${scopeOf(resource, stack)}`;
        holders.set(key, (holders.get(key) ?? new Set()).add(stack.stack));
      }
  const shared = new Map<string, string[]>();
  for (const [name, owners] of holders)
    if (owners.size > 1) {
      const key = [...owners].sort().join(" and ");
      shared.set(key, [...(shared.get(key) ?? []), name]);
    }
  return [...shared].sort().map(([owners, names]) => {
    const shown = names.sort().slice(0, 4).join("; ");
    const more = names.length > 4 ? `; and ${names.length - 4} more` : "";
    return `stacks ${owners} would each create ${names.length === 1 ? "a physical name" : `${names.length} physical names`} (${shown}${more}): the second create fails, or, for an alarm, silently takes the first's place. A model belongs to one stack of its layout (its shard's), and stacks that share an account, region or cluster need names of their own [${LAYOUT_RULES["unique-names"].id}]`;
  });
}

/** RULES 27 within one plan: a physical name that two of its resources hold. */
export function duplicateNames(
  resources: RecordedResource[],
): { resource: RecordedResource; name: string; other: RecordedResource }[] {
  const owners = new Map<string, RecordedResource>();
  const found: { resource: RecordedResource; name: string; other: RecordedResource }[] = [];
  for (const resource of resources)
    for (const name of physicalNames(resource)) {
      const other = owners.get(name);
      if (other && other.urn !== resource.urn) found.push({ resource, name, other });
      else owners.set(name, resource);
    }
  return found;
}
