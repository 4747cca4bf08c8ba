/**
 * resolve(catalogue, environment): merges the layers of every version into the plain-data
 * ResolvedCatalogue the components deploy. Assumes a catalogue that passed the rules
 * (rules.ts runs the same layering and reports what would not resolve).
 */
import { posix } from "node:path";
import type { BuildSpec } from "./build-context";
import { BUILT_IN_DEFAULTS, DEFAULT_DOCKERFILE } from "./defaults";
import { deepMerge, imageSourceLayer, versionLayers } from "./layers";
import type { Layer } from "./layers";
import { resolveApi } from "./model-api";
import { derivedListenerPriority, workloadName } from "./names";
import { quantityText } from "./quantity";
import { resolveRolloutPolicy } from "./rollout-policy";
import { DEFAULT_LOAD_BALANCER, DEFAULT_SHARD } from "./quotas";
import type {
  ResolvedCatalogue,
  ResolvedConsumer,
  ResolvedImageSource,
  ResolvedModel,
  ResolvedSettings,
  ResolvedVersion,
} from "./resolved";
import type { CatalogueDocument } from "./schema";
import { ALL_CONSUMERS, SETTINGS_KEYS } from "./schema";

export interface ResolveOptions {
  /** The overlay under `environments:` to apply; undefined resolves the base catalogue. */
  environment?: string;
  /** The catalogue file's directory, POSIX, relative to the project root (build contexts are relative to it). */
  catalogueDir: string;
  /** The content digest of a build whose context is given relative to the project root. */
  buildDigest: (spec: BuildSpec) => string;
}

export function resolveCatalogue(
  document: CatalogueDocument,
  options: ResolveOptions,
): ResolvedCatalogue {
  const models = Object.keys(document.models)
    .sort()
    .map((name) => resolveModel(document, name, options));
  const consumers = document.consumers && resolveConsumers(document.consumers);
  return {
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    models,
    ...(consumers ? { consumers } : {}),
  };
}

/** The label of a consumer's key unless it names its keys (`apiKeys:`). */
export const FIRST_API_KEY = "1";

function resolveConsumers(
  consumers: NonNullable<CatalogueDocument["consumers"]>,
): ResolvedConsumer[] {
  return Object.keys(consumers)
    .sort()
    .map((name) => {
      const consumer = consumers[name]!;
      return {
        name,
        ...(consumer.description === undefined ? {} : { description: consumer.description }),
        auth: consumer.auth ?? "sigv4",
        principals: [...consumer.principals].sort(),
        rateLimit: consumer.rateLimit,
        ...(consumer.quota ? { quota: consumer.quota } : {}),
        apiKeys: consumer.apiKeys ?? [FIRST_API_KEY],
      };
    });
}

/**
 * Who may call a model: the environment's overlay replaces the model's list whole (a list is
 * one decision, not layers); none means nobody.
 */
function resolveAccess(
  document: CatalogueDocument,
  environment: string | undefined,
  name: string,
): string[] | undefined {
  if (!document.consumers) return undefined;
  const overlay =
    environment === undefined
      ? undefined
      : document.environments?.[environment]?.models?.[name]?.access;
  const access = overlay ?? document.models[name]!.access ?? [];
  return access === ALL_CONSUMERS
    ? Object.keys(document.consumers).sort()
    : [...new Set(access)].sort();
}

function resolveModel(
  document: CatalogueDocument,
  name: string,
  options: ResolveOptions,
): ResolvedModel {
  const model = document.models[name]!;
  const access = resolveAccess(document, options.environment, name);
  const api = resolveApi(document, options.environment, name);
  const versions = Object.keys(model.versions)
    .sort(compareVersions)
    .map((version) =>
      resolveVersion(
        versionLayers(document, options.environment, name, version),
        name,
        version,
        options,
      ),
    );
  return {
    name,
    owner: model.owner,
    ...(model.description === undefined ? {} : { description: model.description }),
    shard: model.shard ?? DEFAULT_SHARD,
    routing: {
      priority: model.routing?.priority ?? derivedListenerPriority(name),
      loadBalancer: model.routing?.loadBalancer ?? DEFAULT_LOAD_BALANCER,
    },
    versions,
    ...(access ? { access } : {}),
    ...(api ? { api } : {}),
  };
}

function resolveVersion(
  layers: Layer[],
  model: string,
  version: string,
  options: ResolveOptions,
): ResolvedVersion {
  const status = versionStatus(layers);
  const image = resolveImageSource(layers, options.catalogueDir);
  return {
    version,
    workloadName: workloadName(model, version),
    status: status.status,
    traffic: status.traffic,
    ...(image
      ? {
          image:
            image.kind === "build"
              ? { ...image, contentDigest: options.buildDigest(image) }
              : image,
        }
      : {}),
    ...resolveSettings(layers),
  };
}

/** Merges the settings keys of every layer over the built-in defaults. */
export function resolveSettings(layers: readonly Layer[]): ResolvedSettings {
  let merged: unknown = BUILT_IN_DEFAULTS;
  for (const layer of layers) {
    const settings = Object.fromEntries(
      SETTINGS_KEYS.flatMap((key) =>
        layer.value?.[key] === undefined ? [] : [[key, layer.value[key]]],
      ),
    );
    merged = deepMerge(merged, settings);
  }
  const { rollout: _merged, ...resolved } = merged as ResolvedSettings & {
    resources: Record<string, string | number>;
  };
  const rollout = resolveRolloutPolicy(layers);
  return {
    ...resolved,
    ...(rollout ? { rollout } : {}),
    resources: {
      cpu: quantityText(resolved.resources.cpu),
      memory: quantityText(resolved.resources.memory),
      modelCache: quantityText(resolved.resources.modelCache),
    },
    env: Object.fromEntries(
      Object.entries(resolved.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  };
}

/**
 * The version's own layer (base or overlay) that decides its status: the highest one that sets
 * `traffic` or `retired: true`. So an overlay can retire a version the base gives traffic, or
 * bring back one the base retired; `retired: false` alone decides nothing.
 */
export function statusLayer(layers: readonly Layer[]): Layer | undefined {
  return layers
    .filter((layer) => layer.version)
    .reverse()
    .find((layer) => layer.value?.retired === true || layer.value?.traffic !== undefined);
}

/** Live, standby or retired, from the version's own layers (base and overlay). */
export function versionStatus(layers: readonly Layer[]): {
  status: ResolvedVersion["status"];
  traffic: number;
} {
  const decisive = statusLayer(layers)?.value;
  if (decisive?.retired === true) return { status: "retired", traffic: 0 };
  const traffic = (decisive?.traffic as number | undefined) ?? 0;
  return { status: traffic > 0 ? "live" : "standby", traffic };
}

type UndigestedSource =
  | Extract<ResolvedImageSource, { kind: "image" }>
  | Omit<Extract<ResolvedImageSource, { kind: "build" }>, "contentDigest">;

export function resolveImageSource(
  layers: readonly Layer[],
  catalogueDir: string,
): UndigestedSource | undefined {
  const value = imageSourceLayer(layers)?.value;
  if (!value) return undefined;
  if (typeof value.image === "string") return { kind: "image", reference: value.image };
  const build = value.build as {
    context: string;
    dockerfile?: string;
    args?: Record<string, string>;
    target?: string;
  };
  return {
    kind: "build",
    context: projectPath(catalogueDir, build.context),
    dockerfile: build.dockerfile ?? DEFAULT_DOCKERFILE,
    args: Object.fromEntries(
      Object.entries(build.args ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    ...(build.target === undefined ? {} : { target: build.target }),
  };
}

/** Version order: dot/dash-separated parts, numeric parts compared as numbers (1.10 after 1.9). */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/);
  const right = b.split(/[.-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index];
    const y = right[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const numeric = /^[0-9]+$/.test(x) && /^[0-9]+$/.test(y);
    if (numeric) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A build context as a POSIX path relative to the project root (absolute paths stay absolute). */
function projectPath(catalogueDir: string, context: string): string {
  const path = context.replace(/\\/g, "/");
  return posix.isAbsolute(path)
    ? posix.normalize(path)
    : posix.normalize(posix.join(catalogueDir, path));
}
