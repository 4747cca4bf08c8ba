/**
 * Rules about what the catalogue says, whatever the environment: model names, image sources per
 * layer, build contexts, derived-name collisions, overlays that name real models and versions,
 * listener rule priorities.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  derivedListenerPriority,
  MAX_LISTENER_PRIORITY,
  reservedNamespaceProblem,
  workloadName,
} from "./names";
import { accessRules } from "./access-rules";
import { isInside, scanContext } from "./build-context";
import type { Problem } from "./problem";
import { ALB_QUOTAS, DEFAULT_LOAD_BALANCER, RULES_PER_MODEL } from "./quotas";
import { DEFAULT_DOCKERFILE } from "./defaults";
import type { RuleInput } from "./rule-input";
import { problemAt } from "./source";
import type { DocPath } from "./source";
import type { CatalogueDocument } from "./schema";
import { defineRules } from "./rule";

/** The rules below, by slug: `catalogue/<slug>` names each in docs/rules.md and in its problems. */
export const DOCUMENT_RULES = defineRules("catalogue", {
  "not-empty": {
    description: "`models:` holds at least one model.",
    why: "`models: {}` would delete every model's workloads, routing and alarms in one `pulumi up`: an accident (a bad merge, a truncated file) far more often than a wish.",
    fix: "Restore the models. To take a model out of service retire its versions; to remove a whole stack use `pulumi destroy`.",
  },
  "model-name": {
    description: "A model's name is not a Kubernetes system namespace name (`default`, `kube-*`).",
    why: "Each model gets a namespace of its own named after it; a system namespace would mix its objects with the cluster's own and its deletion would take them along.",
    fix: "Choose another model name.",
  },
  "one-image-source": {
    description:
      "Every version has exactly one image source: `build` or `image`, on the model or on the version.",
    why: "With both, which one is deployed would be a guess; with neither, there is nothing to run.",
    fix: "Give the model (or the version that needs another image) either `build: { context: … }` or `image: <reference>`, not both.",
  },
  "build-context": {
    description:
      "A build context is a directory inside the project, holding its Dockerfile, and only files, directories and links within it.",
    why: "A build sends its whole context to the builder (and `COPY . .` into the image): a context leading outside the project, by `..`, an absolute path or a link, could ship a home directory's ~/.aws or ~/.ssh to the registry.",
    fix: "Give `build.context` relative to the catalogue file's directory, inside the project, with the Dockerfile (or `build.dockerfile`) inside it; remove sockets, devices and links that leave it.",
  },
  "versions-not-empty": {
    description: "Every model lists at least one version.",
    why: "A model without versions has nothing to serve, while its routing and alarms would still be created.",
    fix: "Add a version under `versions:`, or remove the model (retire its versions first if it is deployed).",
  },
  "unique-workload-names": {
    description:
      "Every version's workload name (`<model>-v<version>`) is unique in the whole catalogue.",
    why: "That name names the version's Kubernetes objects and the stack's resources for it: `1.4.0` and `1-4-0` of one model, or model `a` version `b-vc` and model `a-vb` version `c`, would be one workload.",
    fix: "Rename one of the two versions (or models) the message names.",
  },
  "overlay-targets": {
    description: "An environment overlay changes only models and versions defined under `models:`.",
    why: "An overlay cannot create a model or version; a name it gives that the base lacks is a typo whose change would silently be lost.",
    fix: "Use the name the message suggests, or define the model or version under `models:` first.",
  },
  "listener-priority": {
    description:
      "Models on one load balancer have different listener rule priorities (set, or derived from the name).",
    why: "Priorities are per listener: AWS refuses a second rule at a priority already taken (PriorityInUse), after other changes have applied.",
    fix: "Set `routing.priority` to a free value on the model you are adding; moving a deployed model's priority takes two applies (first to a free value).",
  },
  "load-balancers-per-region": {
    description:
      'The catalogue names no more load balancers than a region holds (AWS quota "Application Load Balancers per Region", 50).',
    why: "The quota is shared with every other stack of the account and region; past it, `pulumi up` fails at the load balancer it cannot create.",
    fix: "Put more models on each load balancer (`routing.loadBalancer`), or split the catalogue over regions.",
  },
});

/** Rules about what is written, whatever the environment. */
export function documentRules(input: RuleInput): Problem[] {
  return [
    ...emptyCatalogue(input),
    ...modelNames(input),
    ...layerRules(input),
    ...versionNameCollisions(input),
    ...overlayTargets(input),
    ...listenerPriorities(input),
    ...loadBalancerCount(input),
    ...accessRules(input),
  ];
}

/**
 * `models: {}` would delete every model's workloads, routing and alarms in one `pulumi up`: an
 * accident (a bad merge, a truncated file) far more often than a wish. Tearing a stack down is
 * `pulumi destroy`; one model leaves by retiring its versions, then leaving the file.
 */
function emptyCatalogue({ source, document }: RuleInput): Problem[] {
  if (Object.keys(document.models).length > 0) return [];
  return [
    problemAt(
      DOCUMENT_RULES["not-empty"],
      source,
      ["models"],
      "is empty; a catalogue needs at least one model (to take a model out of service retire its versions; to remove a whole stack use pulumi destroy)",
      { key: true },
    ),
  ];
}

function modelNames({ source, document }: RuleInput): Problem[] {
  return Object.keys(document.models).flatMap((model) => {
    const problem = reservedNamespaceProblem(model);
    return problem
      ? [problemAt(DOCUMENT_RULES["model-name"], source, ["models", model], problem, { key: true })]
      : [];
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
          DOCUMENT_RULES["one-image-source"],
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
          DOCUMENT_RULES["versions-not-empty"],
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
  const at = (field: "context" | "dockerfile", message: string) => [
    problemAt(DOCUMENT_RULES["build-context"], input.source, [...path, field], message),
  ];
  const directory = resolve(input.catalogueDir, build.context);
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    return at(
      "context",
      `directory ${build.context} does not exist (build contexts are relative to the catalogue file's directory)`,
    );
  // A build sends its whole context to the builder (and `COPY . .` into the image): a context
  // that leads outside the project, by `..`, an absolute path or a link, could ship a home
  // directory's ~/.aws or ~/.ssh to the registry.
  const real = realpathSync(directory);
  if (!isInside(input.projectRoot, real))
    return at(
      "context",
      `resolves to ${real}, outside the project directory ${input.projectRoot}: a build sends its whole context to the builder; keep build contexts inside the project`,
    );
  const dockerfile = build.dockerfile ?? DEFAULT_DOCKERFILE;
  const dockerfilePath = join(directory, dockerfile);
  const blame = build.dockerfile === undefined ? "context" : "dockerfile";
  if (!existsSync(dockerfilePath) || !statSync(dockerfilePath).isFile())
    return at(
      blame,
      `the build context has no ${dockerfile} (the dockerfile is relative to the context)`,
    );
  if (!isInside(real, realpathSync(dockerfilePath)))
    return at(blame, `${dockerfile} resolves outside the build context; keep it inside`);
  const scan = scanContext(real, dockerfile);
  return scan.problems.length === 0
    ? []
    : at(
        "context",
        `cannot be sent to the builder: ${scan.problems.slice(0, 3).join("; ")}${scan.problems.length > 3 ? ` (and ${scan.problems.length - 3} more)` : ""}; a build context holds only files and directories, and links within it`,
      );
}

/**
 * Every version's workload name (`<model>-v<version>`) names its Kubernetes objects and the
 * stack's resources for it, so it must be unique in the whole catalogue: `1.4.0` and `1-4-0` of
 * one model collide, and so do model `a` version `b-vc` and model `a-vb` version `c`.
 */
function versionNameCollisions({ source, document }: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, { model: string; version: string }>();
  for (const [model, spec] of Object.entries(document.models)) {
    for (const version of Object.keys(spec.versions)) {
      const name = workloadName(model, version);
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, { model, version });
        continue;
      }
      const other =
        first.model === model
          ? `version ${first.version}`
          : `models.${first.model} version ${first.version}`;
      problems.push(
        problemAt(
          DOCUMENT_RULES["unique-workload-names"],
          source,
          ["models", model, "versions", version],
          `becomes the Kubernetes name ${name}, as ${other} does; rename one of them`,
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
            DOCUMENT_RULES["overlay-targets"],
            source,
            at,
            `${source.suggestions.unknownKeyMessage(model, models, "model")} (an overlay can only change models defined under models:)`,
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
              DOCUMENT_RULES["overlay-targets"],
              source,
              [...at, "versions", version],
              `${source.suggestions.unknownKeyMessage(version, versions, "version")} (an overlay can only change versions of models.${model})`,
              { key: true },
            ),
          );
        }
      }
    }
  }
  return problems;
}

/** The load balancer a model is served through, as the catalogue writes it. */
const loadBalancerOf = (document: CatalogueDocument, model: string) =>
  document.models[model]!.routing?.loadBalancer ?? DEFAULT_LOAD_BALANCER;

/**
 * Two models on one load balancer cannot share a listener rule priority (priorities are per
 * listener); the later one (by name) is told to move.
 */
function listenerPriorities({ source, document }: RuleInput): Problem[] {
  const taken = new Map<string, string>();
  const problems: Problem[] = [];
  for (const model of Object.keys(document.models).sort()) {
    const explicit = document.models[model]!.routing?.priority;
    const priority = explicit ?? derivedListenerPriority(model);
    const key = `${loadBalancerOf(document, model)}/${priority}`;
    const holder = taken.get(key);
    if (holder === undefined) {
      taken.set(key, model);
      continue;
    }
    const how = explicit === undefined ? "derived from its name" : "set";
    problems.push(
      problemAt(
        DOCUMENT_RULES["listener-priority"],
        source,
        explicit === undefined ? ["models", model] : ["models", model, "routing", "priority"],
        `listener rule priority ${priority} (${how}) is also model ${holder}'s on load balancer ${loadBalancerOf(document, model)}; set routing.priority to a free value from 1 to ${MAX_LISTENER_PRIORITY} on the model you are adding (moving a deployed model's priority takes two applies: first to a free value)`,
        { key: explicit === undefined },
      ),
    );
  }
  return problems;
}

/** A stack's load balancers count against the region's quota (50, shared with everything else). */
function loadBalancerCount({ source, document }: RuleInput): Problem[] {
  const names = [...new Set(Object.keys(document.models).map((m) => loadBalancerOf(document, m)))];
  if (names.length <= ALB_QUOTAS.loadBalancersPerRegion) return [];
  return [
    problemAt(
      DOCUMENT_RULES["load-balancers-per-region"],
      source,
      ["models"],
      `names ${names.length} load balancers; a region holds at most ${ALB_QUOTAS.loadBalancersPerRegion} Application Load Balancers (AWS quota "Application Load Balancers per Region", shared with every other stack): put more models on each (up to ${ALB_QUOTAS.rulesPerLoadBalancer / RULES_PER_MODEL} per load balancer), or split the catalogue over regions`,
      { key: true },
    ),
  ];
}
