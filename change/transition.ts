/**
 * What `pulumi up` does on the way from one plan (what is deployed) to the next: which
 * resources it creates, updates, replaces and deletes, and in which order. The model follows
 * the engine (pulumi/pulumi pkg/resource/deploy/step_generator.go, deployment_executor.go):
 * - resources match by URN, then by their aliases (a renamed resource's former URNs); a change of a field the provider cannot update in place (or one in
 *   the resource's replaceOnChanges) replaces it, every other change updates it;
 * - a replacement creates the new resource first and deletes the old one at the end of the
 *   update, unless deleteBeforeReplace is set or the provider asks for it (pulumi-kubernetes
 *   does for an object whose fixed name and namespace stay the same: provider.go, Diff);
 * - creates, updates and replacements run in dependency order; deletions (removed resources
 *   and the old halves of replacements) run after all of them, in reverse dependency order.
 * Placeholders give a replaced resource new ids and ARNs (placeholders.ts), so what refers to it
 * changes too, as it does in the cloud. transition-rules.ts judges the steps.
 */
import { differingPaths, matchResources } from "./compare";
import type { RecordedResource } from "../plan/record";
import { pathsTouching, replacementFields } from "../plan/replacements";

export type StepOp = "create" | "update" | "replace" | "delete";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** The resource as the step leaves it (the head's, or the base's for a delete). */
  resource: RecordedResource;
  /** The resource as it was (update, replace, delete). */
  previous?: RecordedResource;
  /** Changed input paths (update, replace), dotted. */
  paths: string[];
  /** The changed paths that force the replacement. */
  causes: string[];
  /** A replacement whose old resource is deleted before the new one is created. */
  deleteFirst: boolean;
}

export interface Transition {
  /** The steps in the order the engine may run them: creates, updates, replacements, then deletions. */
  steps: Step[];
  base: RecordedResource[];
  head: RecordedResource[];
}

const metadataOf = (resource: RecordedResource) =>
  (resource.inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };

/** pulumi-kubernetes deletes first when a named object keeps its name and namespace. */
function providerDeletesFirst(before: RecordedResource, after: RecordedResource): boolean {
  if (!after.type.startsWith("kubernetes:")) return false;
  const old = metadataOf(before);
  const current = metadataOf(after);
  return (
    typeof current.name === "string" &&
    current.name === old.name &&
    current.namespace === old.namespace
  );
}

function changeStep(before: RecordedResource, after: RecordedResource): Step | undefined {
  const paths = differingPaths(before.inputs, after.inputs);
  if (paths.length === 0) return undefined;
  const causes = pathsTouching(
    replacementFields(after.type, after.options?.replaceOnChanges),
    paths,
  );
  const replace = causes.length > 0;
  return {
    op: replace ? "replace" : "update",
    urn: after.urn,
    type: after.type,
    name: after.name,
    resource: after,
    previous: before,
    paths,
    causes,
    deleteFirst:
      replace &&
      (after.options?.deleteBeforeReplace === true || providerDeletesFirst(before, after)),
  };
}

/** Kahn's algorithm over `dependencies`, ties broken by URN so the order is stable. */
function dependencyOrder(resources: RecordedResource[]): string[] {
  const present = new Set(resources.map((resource) => resource.urn));
  const waiting = new Map(
    resources.map((resource) => [
      resource.urn,
      new Set(resource.dependencies.filter((urn) => present.has(urn) && urn !== resource.urn)),
    ]),
  );
  const order: string[] = [];
  while (waiting.size > 0) {
    const ready = [...waiting].filter(([, deps]) => deps.size === 0).map(([urn]) => urn);
    // A cycle cannot come from a Pulumi program; should one appear, keep the rest in URN order.
    const next = (ready.length > 0 ? ready : [...waiting.keys()]).sort();
    for (const urn of next) {
      waiting.delete(urn);
      order.push(urn);
      for (const deps of waiting.values()) deps.delete(urn);
    }
  }
  return order;
}

export function transition(base: RecordedResource[], head: RecordedResource[]): Transition {
  const old = new Map(base.filter((r) => r.custom).map((resource) => [resource.urn, resource]));
  const current = head.filter((resource) => resource.custom);
  // By URN, then by alias: a renamed resource is the one it was (an update at most).
  const matched = matchResources([...old.values()], current);
  const kept = new Set([...matched.values()].map((resource) => resource.urn));
  const forward: Step[] = [];
  for (const resource of current) {
    const previous = matched.get(resource.urn);
    const step = previous
      ? changeStep(previous, resource)
      : {
          op: "create" as const,
          urn: resource.urn,
          type: resource.type,
          name: resource.name,
          resource,
          paths: [],
          causes: [],
          deleteFirst: false,
        };
    if (step) forward.push(step);
  }
  const deletes: Step[] = [...old.values()]
    .filter((resource) => !kept.has(resource.urn))
    .map((resource) => ({
      op: "delete" as const,
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      resource,
      previous: resource,
      paths: [],
      causes: [],
      deleteFirst: false,
    }));
  const headOrder = new Map(dependencyOrder(current).map((urn, index) => [urn, index]));
  const baseOrder = new Map(dependencyOrder([...old.values()]).map((urn, index) => [urn, index]));
  forward.sort((a, b) => headOrder.get(a.urn)! - headOrder.get(b.urn)!);
  deletes.sort((a, b) => baseOrder.get(b.urn)! - baseOrder.get(a.urn)!);
  return { steps: [...forward, ...deletes], base, head };
}

/** Every URN `urn` depends on, directly or through others (explicit dependsOn and inputs). */
export function dependencyClosure(resources: RecordedResource[]): (urn: string) => Set<string> {
  const direct = new Map(resources.map((resource) => [resource.urn, resource.dependencies]));
  const memo = new Map<string, Set<string>>();
  const closure = (urn: string): Set<string> => {
    const known = memo.get(urn);
    if (known) return known;
    const all = new Set<string>();
    memo.set(urn, all);
    for (const dependency of direct.get(urn) ?? []) {
      all.add(dependency);
      for (const further of closure(dependency)) all.add(further);
    }
    return all;
  };
  return closure;
}
