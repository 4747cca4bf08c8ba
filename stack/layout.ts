/**
 * Which part of the catalogue a stack deploys. Plain data and no Pulumi resources: the program,
 * the offline plan and the CLI share it.
 */
import { servedVersions } from "../catalogue";
import { formerName, imageRecordName, versionRecordName } from "../catalogue/names";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import type { CheckOptions } from "../catalogue/load";
import { loadBalancerIdleTimeouts } from "../components/specs/request-timing";

/**
 * How the catalogue is split over stacks: one stack deploys everything (`single`), or a base
 * stack owns what is shared (registry, key, alarm topic, load balancers) and each shard stack
 * deploys the models of one shard on it, reading the base through a StackReference.
 */
export type StackLayout =
  | { kind: "single" }
  | { kind: "base"; shards: string[] }
  | { kind: "shard"; shard: string; baseStack: string };

/**
 * How a stack checks the catalogue: its environment, and the shards its layout promises. Takes
 * the two settings it reads (a StackSettings is one), so layout.ts needs nothing of settings.ts.
 */
export function catalogueCheckOptions(settings: {
  environment: string;
  layout: StackLayout;
}): CheckOptions {
  const { layout } = settings;
  return {
    environment: settings.environment,
    ...(layout.kind === "base" ? { shards: layout.shards } : {}),
    ...(layout.kind === "shard" ? { shard: layout.shard } : {}),
  };
}

/**
 * What a stack deploys: every model (single), none (a base: only what its shards share), or
 * the models of its shard.
 */
export function deployedCatalogue(
  catalogue: ResolvedCatalogue,
  layout: StackLayout,
): ResolvedCatalogue {
  const models =
    layout.kind === "base"
      ? []
      : layout.kind === "shard"
        ? catalogue.models.filter((model) => model.shard === layout.shard)
        : catalogue.models;
  // The consumers: the front door of a single or base stack, the dashboards of every stack.
  const { consumers } = catalogue;
  return {
    ...(catalogue.environment === undefined ? {} : { environment: catalogue.environment }),
    models,
    ...(consumers ? { consumers } : {}),
  };
}

/** One line on what the stack is, for plan summaries. */
export function layoutDescription(stack: string, layout: StackLayout): string {
  switch (layout.kind) {
    case "single":
      return `stack ${stack} deploys every model of the catalogue`;
    case "base":
      return `stack ${stack} is the base of shards ${layout.shards.join(", ")}: registry, alarm topic and load balancers, no models`;
    case "shard":
      return `stack ${stack} deploys shard ${layout.shard} on base stack ${layout.baseStack}`;
  }
}

/** The load balancers served models use, sorted: one Application Load Balancer each. */
export function loadBalancerNames(models: ResolvedModel[]): string[] {
  return [
    ...new Set(
      models
        .filter((model) => servedVersions(model).length > 0)
        .map((model) => model.routing.loadBalancer),
    ),
  ].sort();
}

/**
 * What of the catalogue a stack's resources follow from: a base needs the names of the load
 * balancers its shards' models use, their idle timeouts and, with a front door, the consumers
 * and who may call each served model and how (`api:`); any other stack, the models it deploys
 * and the idle timeouts of their load balancers (which any shard's models may raise, and its
 * pods are told). Two catalogues with the same view plan the stack alike (with the same program
 * and config).
 */
export function catalogueView(catalogue: ResolvedCatalogue, layout: StackLayout): unknown {
  const idleTimeouts = loadBalancerIdleTimeouts(catalogue.models);
  if (layout.kind !== "base") {
    const deployed = deployedCatalogue(catalogue, layout);
    const used = loadBalancerNames(deployed.models);
    return {
      models: deployed,
      idleTimeouts: used.map((name) => [name, idleTimeouts[name]]),
    };
  }
  const loadBalancers = loadBalancerNames(catalogue.models);
  if (!catalogue.consumers) return { loadBalancers, idleTimeouts };
  return {
    loadBalancers,
    idleTimeouts,
    consumers: catalogue.consumers,
    access: frontDoorModels(catalogue).map((model) => [model.name, model.access, model.api]),
  };
}

/** The models the front door routes: every served model, with who may call it. */
export function frontDoorModels(
  catalogue: ResolvedCatalogue,
): (ResolvedModel & { access: string[] })[] {
  return catalogue.models
    .filter((model) => servedVersions(model).length > 0)
    .map((model) => ({ ...model, access: model.access ?? [] }));
}

/**
 * What of the catalogue each model a stack deploys follows from (its components, deploy-model.ts):
 * the model as resolved, and what deploy() hands it from the rest of the catalogue — its load
 * balancer's idle timeout and its version items' former names, which other models' image items
 * may hold (shared.ts). What every model is handed alike (environment, consumers) is `stack`.
 * A model whose view reads the same on two catalogues plans to the same resources (with the same
 * program, config and `stack`): a scoped review plans only the others (review/scope.ts).
 */
export function modelViews(
  catalogue: ResolvedCatalogue,
  layout: StackLayout,
): { stack: unknown; models: Map<string, string> } {
  const idleTimeouts = loadBalancerIdleTimeouts(catalogue.models);
  const { models } = deployedCatalogue(catalogue, layout);
  const imageRecordNames = new Set(
    models.flatMap((model) =>
      servedVersions(model).map((version) => imageRecordName(version.workloadName)),
    ),
  );
  return {
    stack: { environment: catalogue.environment, consumers: catalogue.consumers },
    models: new Map(
      models.map((model) => [
        model.name,
        JSON.stringify({
          model,
          idleTimeout: idleTimeouts[model.routing.loadBalancer],
          formerNames: model.versions.map((version) =>
            formerName(versionRecordName(version.workloadName), imageRecordNames),
          ),
        }),
      ]),
    ),
  };
}
