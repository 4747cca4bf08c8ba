/**
 * Rules that relate fields to each other, run after the schema accepted the file:
 * image sources, version states and traffic sums (per environment, after the overlay),
 * overlays that name real models and versions, derived-name collisions, build contexts.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { imageSourceLayer, versionLayers, winning } from "./layers";
import type { Layer } from "./layers";
import {
  derivedListenerPriority,
  MAX_LISTENER_PRIORITY,
  reservedNamespaceProblem,
  workloadName,
} from "./names";
import type { Problem } from "./problem";
import { resolveSettings, versionStatus } from "./resolve";
import type { CatalogueDocument } from "./schema";
import { problemAt } from "./source";
import type { CatalogueSource, DocPath } from "./source";
import { unknownKeyMessage } from "./suggest";

export interface RuleInput {
  source: CatalogueSource;
  document: CatalogueDocument;
  /** Absolute directory of the catalogue file: build contexts are relative to it. */
  catalogueDir: string;
}

/** Rules about what is written, whatever the environment. */
export function documentRules(input: RuleInput): Problem[] {
  return [
    ...modelNames(input),
    ...layerRules(input),
    ...versionNameCollisions(input),
    ...overlayTargets(input),
    ...listenerPriorities(input),
  ];
}

/**
 * Rules about what one environment resolves to (undefined: the base catalogue). Problems
 * that only an overlay causes say which environment; the caller drops repeats of base problems.
 */
export function resolutionRules(input: RuleInput, environment: string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [model, spec] of Object.entries(input.document.models)) {
    const traffic: { version: string; traffic: number; overlay: boolean }[] = [];
    let statusConflict = false;
    for (const version of Object.keys(spec.versions)) {
      const layers = versionLayers(input.document, environment, model, version);
      const own = layers.filter((layer) => layer.version);
      const retired = winning(own, ["retired"]);
      const share = winning(own, ["traffic"]);
      const versionPath = ["models", model, "versions", version];
      if (retired?.value === true && share) {
        statusConflict = true;
        const blame = retired.layer.overlay && !share.layer.overlay ? retired : share;
        problems.push(
          problemAt(
            input.source,
            blame.path,
            `version ${version} is retired and has traffic ${String(share.value)}; a retired version takes no traffic (drop traffic, or set retired: false)`,
          ),
        );
        continue;
      }
      if (retired?.value !== true && !share) {
        statusConflict = true;
        problems.push(
          problemAt(
            input.source,
            versionPath,
            "sets neither traffic nor retired: give traffic (0-100; 0 keeps a warm standby) or retired: true",
            { key: true },
          ),
        );
        continue;
      }
      if (versionStatus(layers).status === "retired") continue;
      traffic.push({
        version,
        traffic: share!.value as number,
        overlay: share!.layer.overlay,
      });
      problems.push(
        ...imageSourcePresent(input, layers, model, version),
        ...replicaRange(input, layers),
      );
    }
    if (!statusConflict)
      problems.push(
        ...trafficSum(input, environment, model, traffic),
        ...targetGroupLimit(input, model, traffic.length),
      );
  }
  return environment === undefined
    ? problems
    : problems.map((p) => ({ ...p, message: `in environment ${environment}: ${p.message}` }));
}

function modelNames({ source, document }: RuleInput): Problem[] {
  return Object.keys(document.models).flatMap((model) => {
    const problem = reservedNamespaceProblem(model);
    return problem ? [problemAt(source, ["models", model], problem, { key: true })] : [];
  });
}

/** Every object that may carry an image source, with its path. */
function imageSourceHolders(
  document: CatalogueDocument,
): { value: Record<string, unknown>; path: DocPath }[] {
  const holders: { value: Record<string, unknown>; path: DocPath }[] = [];
  for (const [model, spec] of Object.entries(document.models)) {
    holders.push({ value: spec, path: ["models", model] });
    for (const [version, v] of Object.entries(spec.versions))
      holders.push({ value: v, path: ["models", model, "versions", version] });
  }
  for (const [environment, overlay] of Object.entries(document.environments ?? {})) {
    for (const [model, spec] of Object.entries(overlay.models ?? {})) {
      const at = ["environments", environment, "models", model];
      holders.push({ value: spec, path: at });
      for (const [version, v] of Object.entries(spec.versions ?? {}))
        holders.push({ value: v, path: [...at, "versions", version] });
    }
  }
  return holders;
}

function layerRules(input: RuleInput): Problem[] {
  const problems: Problem[] = [];
  for (const { value, path } of imageSourceHolders(input.document)) {
    if (value.build !== undefined && value.image !== undefined) {
      problems.push(
        problemAt(
          input.source,
          [...path, "image"],
          "is set together with build; give exactly one image source (build or image)",
          { key: true },
        ),
      );
    }
    if (value.build !== undefined)
      problems.push(
        ...buildContext(input, value.build as { context: string; dockerfile?: string }, [
          ...path,
          "build",
        ]),
      );
  }
  for (const [model, spec] of Object.entries(input.document.models)) {
    if (Object.keys(spec.versions).length === 0) {
      problems.push(
        problemAt(
          input.source,
          ["models", model, "versions"],
          "is empty; a model needs at least one version",
          { key: true },
        ),
      );
    }
  }
  return problems;
}

function buildContext(
  input: RuleInput,
  build: { context: string; dockerfile?: string },
  path: DocPath,
): Problem[] {
  const directory = resolve(input.catalogueDir, build.context);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    return [
      problemAt(
        input.source,
        [...path, "context"],
        `directory ${build.context} does not exist (build contexts are relative to the catalogue file's directory)`,
      ),
    ];
  }
  const dockerfile = build.dockerfile ?? "Dockerfile";
  const dockerfilePath = join(directory, dockerfile);
  if (!existsSync(dockerfilePath) || !statSync(dockerfilePath).isFile()) {
    const at = build.dockerfile === undefined ? "context" : "dockerfile";
    return [
      problemAt(
        input.source,
        [...path, at],
        `the build context has no ${dockerfile} (the dockerfile is relative to the context)`,
      ),
    ];
  }
  return [];
}

function versionNameCollisions({ source, document }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  for (const [model, spec] of Object.entries(document.models)) {
    const seen = new Map<string, string>();
    for (const version of Object.keys(spec.versions)) {
      const name = workloadName(model, version);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, version);
      else
        problems.push(
          problemAt(
            source,
            ["models", model, "versions", version],
            `becomes the Kubernetes name ${name}, as version ${first} does; rename one of them`,
            { key: true },
          ),
        );
    }
  }
  return problems;
}

function overlayTargets({ source, document }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const models = Object.keys(document.models);
  for (const [environment, overlay] of Object.entries(document.environments ?? {})) {
    for (const [model, spec] of Object.entries(overlay.models ?? {})) {
      const at = ["environments", environment, "models", model];
      const base = document.models[model];
      if (!base) {
        problems.push(
          problemAt(
            source,
            at,
            `${unknownKeyMessage(model, models, "model")} (an overlay can only change models defined under models:)`,
            { key: true },
          ),
        );
        continue;
      }
      const versions = Object.keys(base.versions);
      for (const version of Object.keys(spec.versions ?? {})) {
        if (!(version in base.versions)) {
          problems.push(
            problemAt(
              source,
              [...at, "versions", version],
              `${unknownKeyMessage(version, versions, "version")} (an overlay can only change versions of models.${model})`,
              { key: true },
            ),
          );
        }
      }
    }
  }
  return problems;
}

function imageSourcePresent(
  input: RuleInput,
  layers: Layer[],
  model: string,
  version: string,
): Problem[] {
  if (imageSourceLayer(layers)) return [];
  return [
    problemAt(
      input.source,
      ["models", model, "versions", version],
      "has no image source: set build or image on the model or on the version",
      { key: true },
    ),
  ];
}

function replicaRange(input: RuleInput, layers: Layer[]): Problem[] {
  const { minReplicas, maxReplicas } = resolveSettings(layers).autoscaling;
  if (maxReplicas > minReplicas) return [];
  const blame =
    winning(layers, ["autoscaling", "maxReplicas"]) ??
    winning(layers, ["autoscaling", "minReplicas"]);
  const path = blame?.path ?? layers[2]!.path;
  return [
    problemAt(
      input.source,
      path,
      `maxReplicas (${maxReplicas}) must be greater than minReplicas (${minReplicas}), or the autoscaler can never scale`,
    ),
  ];
}

function trafficSum(
  input: RuleInput,
  environment: string | undefined,
  model: string,
  shares: { version: string; traffic: number; overlay: boolean }[],
): Problem[] {
  const sum = shares.reduce((total, share) => total + share.traffic, 0);
  if (sum === 100 && shares.length > 0) return [];
  // An overlay naming a version that does not exist is reported as such; its sum would only echo it.
  const overlayVersions =
    environment === undefined
      ? []
      : Object.keys(input.document.environments?.[environment]?.models?.[model]?.versions ?? {});
  if (overlayVersions.some((version) => !(version in input.document.models[model]!.versions)))
    return [];
  const fromOverlay = environment !== undefined && shares.some((share) => share.overlay);
  const path = fromOverlay
    ? ["environments", environment, "models", model, "versions"]
    : ["models", model, "versions"];
  const detail =
    shares.length === 0
      ? "every version is retired"
      : shares.map((s) => `${s.version}: ${s.traffic}`).join(", ");
  return [
    problemAt(
      input.source,
      path,
      `traffic of the live and standby versions sums to ${sum} (${detail}); it must be exactly 100`,
      { key: true },
    ),
  ];
}

/** Two models cannot share a listener rule priority; the later one (by name) is told to move. */
function listenerPriorities({ source, document }: RuleInput): Problem[] {
  const taken = new Map<number, string>();
  const problems: Problem[] = [];
  for (const model of Object.keys(document.models).sort()) {
    const explicit = document.models[model]!.routing?.priority;
    const priority = explicit ?? derivedListenerPriority(model);
    const holder = taken.get(priority);
    if (holder === undefined) {
      taken.set(priority, model);
      continue;
    }
    const how = explicit === undefined ? "derived from its name" : "set";
    problems.push(
      problemAt(
        source,
        explicit === undefined ? ["models", model] : ["models", model, "routing", "priority"],
        `listener rule priority ${priority} (${how}) is also model ${holder}'s; set routing.priority to a free value from 1 to ${MAX_LISTENER_PRIORITY}`,
        { key: explicit === undefined },
      ),
    );
  }
  return problems;
}

/** An ALB forward action spreads traffic over at most five target groups: one per served version. */
export const MAX_SERVED_VERSIONS = 5;

function targetGroupLimit(input: RuleInput, model: string, served: number): Problem[] {
  if (served <= MAX_SERVED_VERSIONS) return [];
  return [
    problemAt(
      input.source,
      ["models", model, "versions"],
      `has ${served} live and standby versions; the load balancer splits traffic over at most ${MAX_SERVED_VERSIONS}: retire one (retired: true)`,
      { key: true },
    ),
  ];
}
