/**
 * Rules about what one environment resolves to, after its overlay: version states, image
 * sources, replica ranges, traffic sums, the five-target-group limit.
 */
import { imageSourceLayer, versionLayers, winning } from "./layers";
import type { Layer } from "./layers";
import { apiProblems } from "./model-api";
import type { Problem } from "./problem";
import {
  ALB_QUOTAS,
  DEFAULT_LOAD_BALANCER,
  PINNED_ROUTE_RULES_PER_MODEL,
  RULES_PER_MODEL,
} from "./quotas";
import { resolveSettings, statusLayer, versionStatus } from "./resolve";
import { rolloutPolicyProblems } from "./rollout-policy";
import type { RuleInput } from "./rule-input";
import { problemAt } from "./source";

/**
 * Rules about what one environment resolves to (undefined: the base catalogue). Problems
 * that only an overlay causes say which environment; the caller drops repeats of base problems.
 */
export function resolutionRules(input: RuleInput, environment: string | undefined): Problem[] {
  const problems: Problem[] = [];
  /** Served versions per model, and whether one may be rolled out in steps, for the load balancers' quotas. */
  const servedByModel = new Map<string, { versions: number; stepped: boolean }>();
  const policyProblems = new Set<string>();
  for (const [model, spec] of Object.entries(input.document.models)) {
    const traffic: { version: string; traffic: number; overlay: boolean }[] = [];
    let statusConflict = false;
    let stepped = false;
    for (const version of Object.keys(spec.versions)) {
      const layers = versionLayers(input.document, environment, model, version);
      const decisive = statusLayer(layers);
      const versionPath = ["models", model, "versions", version];
      if (decisive?.value?.retired === true && decisive.value.traffic !== undefined) {
        statusConflict = true;
        problems.push(
          problemAt(
            input.source,
            [...decisive.path, "traffic"],
            `version ${version} is retired and has traffic ${JSON.stringify(decisive.value.traffic)}; a retired version takes no traffic (drop traffic, or set retired: false)`,
          ),
        );
        continue;
      }
      if (!decisive) {
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
        traffic: decisive.value!.traffic as number,
        overlay: decisive.overlay,
      });
      problems.push(
        ...imageSourcePresent(input, layers, model, version),
        ...replicaRange(input, layers),
        // A policy the model or the defaults give every version is one problem, said once.
        ...rolloutPolicyProblems(input, layers, version).filter((problem) => {
          const key = `${problem.line}:${problem.col}\n${problem.message}`;
          if (policyProblems.has(key)) return false;
          policyProblems.add(key);
          return true;
        }),
      );
      const rollout = resolveSettings(layers).rollout;
      if (rollout && rollout.mode !== "immediate") stepped = true;
    }
    if (!statusConflict)
      problems.push(
        ...trafficSum(input, environment, model, traffic),
        ...targetGroupLimit(input, model, traffic.length),
      );
    problems.push(...apiProblems(input, environment, model));
    servedByModel.set(model, { versions: traffic.length, stepped });
  }
  problems.push(...loadBalancerQuotas(input, servedByModel));
  return environment === undefined
    ? problems
    : problems.map((p) => ({ ...p, message: `in environment ${environment}: ${p.message}` }));
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
  // Every version retired: the model is retired (no endpoint; its images and records stay).
  if (sum === 100 || shares.length === 0) return [];
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
  // Where an overlay sets weights, each says which layer it comes from: the fix may belong in
  // either (a base-only sum is the base's problem, reported once).
  const mixed = environment !== undefined && shares.some((share) => share.overlay);
  const layer = (share: { overlay: boolean }) =>
    !mixed ? "" : share.overlay ? ` from environments.${environment}` : " from the base catalogue";
  const detail = shares.map((s) => `${s.version}: ${s.traffic}${layer(s)}`).join(", ");
  return [
    problemAt(
      input.source,
      path,
      `traffic of the live and standby versions sums to ${sum} (${detail}); it must be exactly 100`,
      { key: true },
    ),
  ];
}

/** An ALB forward action spreads traffic over at most five target groups: one per served version. */
const MAX_SERVED_VERSIONS = ALB_QUOTAS.targetGroupsPerAction;

/**
 * Per load balancer: two listener rules per served model and one target group per served version,
 * within the Application Load Balancer's quotas (quotas.ts). A full load balancer is refused
 * with how to spread: naming another load balancer on some models never moves the others.
 */
function loadBalancerQuotas(
  input: RuleInput,
  served: Map<string, { versions: number; stepped: boolean }>,
): Problem[] {
  const load = new Map<string, { models: number; pinned: number; groups: number }>();
  for (const [model, { versions, stepped }] of served) {
    if (versions === 0) continue;
    const name = input.document.models[model]!.routing?.loadBalancer ?? DEFAULT_LOAD_BALANCER;
    const entry = load.get(name) ?? { models: 0, pinned: 0, groups: 0 };
    load.set(name, {
      models: entry.models + 1,
      pinned: entry.pinned + (stepped ? PINNED_ROUTE_RULES_PER_MODEL : 0),
      groups: entry.groups + versions,
    });
  }
  const problems: Problem[] = [];
  for (const [name, { models, pinned, groups }] of [...load].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rules = models * RULES_PER_MODEL + pinned;
    const pinnedNote =
      pinned > 0
        ? ` and ${pinned} pinned route${pinned === 1 ? "" : "s"} for stepped rollouts`
        : "";
    const over = [
      ...(rules > ALB_QUOTAS.rulesPerLoadBalancer
        ? [
            `${rules} listener rules (${RULES_PER_MODEL} per served model, ${models} models${pinnedNote}) where an Application Load Balancer holds ${ALB_QUOTAS.rulesPerLoadBalancer} (AWS quota "Rules per Application Load Balancer")`,
          ]
        : []),
      ...(groups > ALB_QUOTAS.targetGroupsPerLoadBalancer
        ? [
            `${groups} target groups (one per live or standby version) where it holds ${ALB_QUOTAS.targetGroupsPerLoadBalancer} (AWS quota "Target Groups per Application Load Balancer")`,
          ]
        : []),
    ];
    if (over.length > 0)
      problems.push(
        problemAt(
          input.source,
          ["models"],
          `load balancer ${name} would hold ${over.join(", and ")}: give some models another load balancer (routing.loadBalancer: <name>), e.g. the ones being added; the others stay where they are`,
          { key: true },
        ),
      );
  }
  return problems;
}

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
