/**
 * A model moving from one stack to another (its `shard:` changed, or a single stack split into
 * a base and shards) keeps its physical names, so the engine can keep its resources, but only
 * if their state moves first: `pulumi state move` rewrites the URNs from the source stack to the
 * destination, children with their parents. Without it the source deletes the model's workloads
 * and the destination fails to create names that still exist.
 *
 * The diff shows the change as it goes when the documented command is run first: the moved
 * resources (and the model's resolved entry) are taken out of the source's base side and put,
 * under the destination's URNs, into the destination's, so each stack's steps are what its
 * `pulumi up` does after the move. The command itself is in the across-stacks risk.
 */
import type { ResolvedCatalogue } from "../catalogue";
import type { RecordedResource } from "../plan/record";
import type { Plan } from "../plan/run";

export interface ShardMove {
  model: string;
  from: string;
  to: string;
  /** Top-level URNs of the model in the source: its components (children move with them). */
  urns: string[];
}

/** What a stack's diff holds for this purpose: the two sides' plans and catalogues. */
export interface MovableSide {
  plan: Plan;
  catalogue: ResolvedCatalogue;
}
export interface MovableDiff {
  base: MovableSide;
  head: MovableSide;
}

const ROOT_STACK = "pulumi:pulumi:Stack";

/** The model's top-level resources: the components named after it, directly under the stack. */
export function modelRoots(resources: RecordedResource[], model: string): string[] {
  return resources
    .filter(
      (resource) =>
        !resource.custom &&
        resource.name === model &&
        resource.parent?.split("::")[2] === ROOT_STACK,
    )
    .map((resource) => resource.urn)
    .sort();
}

/** The roots and everything under them. */
export function subtree(resources: RecordedResource[], roots: string[]): Set<string> {
  const inside = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const resource of resources)
      if (resource.parent && inside.has(resource.parent) && !inside.has(resource.urn)) {
        inside.add(resource.urn);
        grew = true;
      }
  }
  return inside;
}

/** The command that moves a model's state, as the operator runs it before `pulumi up`. */
export function stateMoveCommand(move: ShardMove): string {
  return [
    `pulumi state move --source ${move.from} --dest ${move.to}`,
    ...move.urns.map((urn) => `'${urn}'`),
  ].join(" \\\n  ");
}

/** Models that leave one diffed stack and arrive in another in the same change. */
export function findShardMoves(diffs: MovableDiff[]): ShardMove[] {
  const names = (catalogue: ResolvedCatalogue) => new Set(catalogue.models.map((m) => m.name));
  const moves: ShardMove[] = [];
  for (const source of diffs) {
    const staying = names(source.head.catalogue);
    for (const model of source.base.catalogue.models.map((m) => m.name)) {
      if (staying.has(model)) continue;
      const destination = diffs.find(
        (other) =>
          other !== source &&
          names(other.head.catalogue).has(model) &&
          !names(other.base.catalogue).has(model),
      );
      if (!destination) continue;
      moves.push({
        model,
        from: source.base.plan.stack,
        to: destination.head.plan.stack,
        urns: modelRoots(source.base.plan.resources, model),
      });
    }
  }
  return moves.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

/** A URN (or a provider reference) of stack `from`, as it reads in stack `to`. */
const restack = (urn: string, from: string, to: string) =>
  urn.startsWith(`urn:pulumi:${from}::`)
    ? `urn:pulumi:${to}::${urn.slice(`urn:pulumi:${from}::`.length)}`
    : urn;

/** The root stack resource's URN: `<project>-<stack>` of type pulumi:pulumi:Stack. */
const rootOf = (urn: string, to: string) => {
  const project = urn.split("::")[1]!;
  return `urn:pulumi:${to}::${project}::${ROOT_STACK}::${project}-${to}`;
};

/** A resource as the move leaves it: under the destination's URNs, children of its root stack. */
function moved(resource: RecordedResource, from: string, to: string): RecordedResource {
  const parent = resource.parent;
  return {
    ...resource,
    urn: restack(resource.urn, from, to),
    ...(parent
      ? {
          parent:
            parent.split("::")[2] === ROOT_STACK ? rootOf(parent, to) : restack(parent, from, to),
        }
      : {}),
    ...(resource.provider ? { provider: restack(resource.provider, from, to) } : {}),
    dependencies: resource.dependencies.map((urn) => restack(urn, from, to)),
  };
}

/**
 * The base sides as they are once every move's state has moved: the model's resources and its
 * resolved entry go from the source's base to the destination's.
 */
export function afterStateMoves<D extends MovableDiff>(diffs: D[], moves: ShardMove[]): D[] {
  const sides = new Map(diffs.map((diff) => [diff, { ...diff.base }]));
  for (const move of moves) {
    const source = diffs.find((diff) => diff.base.plan.stack === move.from)!;
    const destination = diffs.find((diff) => diff.head.plan.stack === move.to)!;
    const from = sides.get(source)!;
    const to = sides.get(destination)!;
    const taken = subtree(from.plan.resources, move.urns);
    // Providers are copied, not moved, unless the destination has one by that URN already
    // (pulumi/pulumi pkg/cmd/pulumi/state/state_move.go; reused when its inputs are equal).
    const present = new Set(to.plan.resources.map((r) => r.urn));
    const providers = new Set(
      from.plan.resources.filter((r) => taken.has(r.urn) && r.provider).map((r) => r.provider!),
    );
    const copied = from.plan.resources.filter(
      (r) => providers.has(r.urn) && !present.has(restack(r.urn, move.from, move.to)),
    );
    const entry = from.catalogue.models.find((m) => m.name === move.model)!;
    sides.set(source, {
      ...from,
      plan: { ...from.plan, resources: from.plan.resources.filter((r) => !taken.has(r.urn)) },
      catalogue: { ...from.catalogue, models: from.catalogue.models.filter((m) => m !== entry) },
    });
    sides.set(destination, {
      ...to,
      plan: {
        ...to.plan,
        resources: [
          ...to.plan.resources,
          ...from.plan.resources
            .filter((r) => taken.has(r.urn))
            .concat(copied)
            .map((r) => moved(r, move.from, move.to)),
        ].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
      },
      catalogue: {
        ...to.catalogue,
        models: [...to.catalogue.models, entry].sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
        ),
      },
    });
  }
  return diffs.map((diff) => ({ ...diff, base: sides.get(diff)! }));
}
