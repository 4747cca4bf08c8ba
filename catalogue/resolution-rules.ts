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
import { DOCUMENT_RULES } from "./document-rules";
import { defineRules } from "./rule";

/**
 * The rules below, by slug: `catalogue/<slug>` names each in docs/rules.md and in its problems.
 * They hold in the base catalogue and in every environment after its overlay.
 */
export const RESOLUTION_RULES = defineRules("catalogue", {
  "version-status": {
    description:
      "Every version has one status, in every environment: `traffic` (0-100; 0 keeps a standby) or `retired: true`, not both, and not `retired: false` alone.",
    why: "A version both retired and given traffic, or given neither, leaves what runs and what serves to a guess.",
    fix: "Give the version `traffic` to serve it (0 for a standby), or `retired: true` (without traffic) to retire it.",
  },
  "cold-standby-no-traffic": {
    description:
      "`standby: cold` written on a version holds only while the version's traffic is 0.",
    why: "A cold standby has no pods: traffic sent to it would find nothing to answer (a cold standby given traffic is woken first, its pods ready, by dropping `standby: cold`).",
    fix: "Drop `standby: cold` from the version when it takes traffic.",
  },
  "autoscaling-range": {
    description: "`autoscaling.maxReplicas` is greater than `autoscaling.minReplicas`.",
    why: "An autoscaler whose maximum does not exceed its minimum can never scale.",
    fix: "Raise `maxReplicas` above `minReplicas` (or lower `minReplicas`) at the layer the message points at.",
  },
  "weights-sum": {
    description:
      "The traffic of a model's live and standby versions sums to exactly 100, in the base catalogue and in every environment.",
    why: "The load balancer's weighted rule splits every request between the versions: weights that do not sum to 100 mean a share sent nowhere, or more than all.",
    fix: "Change the weights so they sum to 100; where an overlay sets some, the message says which layer each comes from.",
  },
  "served-versions": {
    description:
      'A model has at most five live and standby versions (AWS quota "Target groups per action").',
    why: "Each served version is a target group of the model's weighted forward action, which spreads traffic over at most five.",
    fix: "Retire a version (`retired: true`).",
  },
  "load-balancer-capacity": {
    description:
      'Each load balancer holds its models\' listener rules and target groups within the Application Load Balancer\'s quotas ("Rules per Application Load Balancer", "Target Groups per Application Load Balancer").',
    why: "Past a quota, `pulumi up` fails at the rule or target group it cannot create, after other changes have applied.",
    fix: "Give some models another load balancer (`routing.loadBalancer: <name>`), e.g. the ones being added; the others stay where they are.",
  },
});

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
            RESOLUTION_RULES["version-status"],
            input.source,
            [...decisive.path, "traffic"],
            `version ${version} is retired and has traffic ${JSON.stringify(decisive.value.traffic)}; a retired version takes no traffic (drop traffic to retire it, or drop retired: true to serve it)`,
          ),
        );
        continue;
      }
      if (decisive?.value?.retired === false && decisive.value.traffic === undefined) {
        statusConflict = true;
        problems.push(
          problemAt(
            RESOLUTION_RULES["version-status"],
            input.source,
            [...decisive.path, "retired"],
            "retired: false gives the version no status of its own: give traffic (0-100; 0 keeps a warm standby) to serve it, or drop retired: false",
          ),
        );
        continue;
      }
      if (!decisive) {
        statusConflict = true;
        problems.push(
          problemAt(
            RESOLUTION_RULES["version-status"],
            input.source,
            versionPath,
            "sets neither traffic nor retired: give traffic (0-100; 0 keeps a warm standby) or retired: true",
            { key: true },
          ),
        );
        continue;
      }
      if (versionStatus(layers).status === "retired") continue;
      problems.push(...coldWithTraffic(input, layers, version));
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
      DOCUMENT_RULES["one-image-source"],
      input.source,
      ["models", model, "versions", version],
      "has no image source: set build or image on the model or on the version",
      { key: true },
    ),
  ];
}

/**
 * `standby: cold` says how a version waits at 0 %. Written on the version itself (its base or
 * overlay entry) while it has traffic, it cannot hold: refused at the line that says cold. From
 * the model or the defaults it is a default for the model's standby versions only.
 */
function coldWithTraffic(input: RuleInput, layers: Layer[], version: string): Problem[] {
  const standby = winning(layers, ["standby"]);
  // Without the share in the message, a base problem that every environment repeats is said once.
  if (standby?.value !== "cold" || !standby.layer.version || versionStatus(layers).traffic === 0)
    return [];
  return [
    problemAt(
      RESOLUTION_RULES["cold-standby-no-traffic"],
      input.source,
      standby.path,
      `version ${version} takes traffic; standby: cold (no pods) is allowed only at traffic: 0: drop standby: cold (a cold standby given traffic is woken first, its pods ready before the rule moves) or set traffic: 0`,
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
      RESOLUTION_RULES["autoscaling-range"],
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
      RESOLUTION_RULES["weights-sum"],
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
          RESOLUTION_RULES["load-balancer-capacity"],
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
      RESOLUTION_RULES["served-versions"],
      input.source,
      ["models", model, "versions"],
      `has ${served} live and standby versions; the load balancer splits traffic over at most ${MAX_SERVED_VERSIONS}: retire one (retired: true)`,
      { key: true },
    ),
  ];
}
