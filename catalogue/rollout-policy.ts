/**
 * A version's `rollout:` policy after precedence: its keys merge layer by layer like every
 * setting (docs/catalogue.md, "Precedence"), except the way the steps are written (`steps`,
 * `canary`, `linear`), which is one decision: the highest layer that writes any of them wins
 * whole, so a model's `steps` replace the defaults' `linear` instead of clashing with it.
 */
import { PRE_TRAFFIC_REQUESTS, ROLLOUT_DEFAULTS, ROLLOUT_STEP_OVERHEAD_MINUTES } from "./defaults";
import type { Layer } from "./layers";
import type { Problem } from "./problem";
import type { ResolvedRolloutPolicy, RolloutSchedule } from "./resolved";
import type { RuleInput } from "./rule-input";
import { ROLLOUT_SCHEDULE_KEYS } from "./schema";
import { problemAt } from "./source";
import { defineRules } from "./rule";

/** The rules below, by slug: `catalogue/<slug>` names each in docs/rules.md and in its problems. */
export const ROLLOUT_POLICY_RULES = defineRules("catalogue", {
  "rollout-steps": {
    description:
      "A rollout that is not `mode: immediate` has steps: `steps`, `canary` or `linear`, from whichever layer.",
    why: "A stepped rollout without steps has nothing to move traffic by: the version could never take its share.",
    fix: "Give `steps` (such as [5, 25, 50]), `canary` (one step, such as 10) or `linear` (points per step, such as 25), or set `mode: immediate`.",
  },
  "rollout-bake": {
    description: "`rollout.maxBakeMinutes` is at least `rollout.bakeMinutes`.",
    why: "A bake can only be extended (when the evidence is too thin to judge), never shortened below what the policy asks.",
    fix: "Raise `maxBakeMinutes` to at least `bakeMinutes`, or lower `bakeMinutes`.",
  },
  "rollout-timeout": {
    description:
      "A stepped rollout can finish within `rollout.timeoutMinutes`: every step's warm-up, bake and the metrics' delay fit the limit.",
    why: "Past the limit a rollout ends held however healthy the version: a policy that cannot finish in time never completes.",
    fix: "Raise `timeoutMinutes`, or take fewer or shorter steps (the message gives the fastest possible duration).",
  },
});

type RolloutLayer = Partial<{
  mode: ResolvedRolloutPolicy["mode"];
  steps: number[];
  canary: number;
  linear: number;
  bakeMinutes: number;
  maxBakeMinutes: number;
  warmupMinutes: number;
  timeoutMinutes: number;
  minRequests: number;
  latencyMarginPercent: number;
  errorMarginPoints: number;
  preTraffic: { path: string; requests?: number };
}>;

function rolloutOf(layer: Layer): RolloutLayer | undefined {
  const value = layer.value?.rollout;
  return value !== null && typeof value === "object" ? value : undefined;
}

/** The highest layer that writes the steps, and how. */
function scheduleLayer(
  layers: readonly Layer[],
): { layer: Layer; schedule: RolloutSchedule } | undefined {
  for (let index = layers.length - 1; index >= 0; index--) {
    const rollout = rolloutOf(layers[index]!);
    if (!rollout) continue;
    if (rollout.steps !== undefined)
      return { layer: layers[index]!, schedule: { kind: "steps", steps: [...rollout.steps] } };
    if (rollout.canary !== undefined)
      return { layer: layers[index]!, schedule: { kind: "canary", weight: rollout.canary } };
    if (rollout.linear !== undefined)
      return { layer: layers[index]!, schedule: { kind: "linear", step: rollout.linear } };
  }
  return undefined;
}

/** The merged policy, or undefined when no layer writes `rollout:` (a share then moves at once). */
export function resolveRolloutPolicy(layers: readonly Layer[]): ResolvedRolloutPolicy | undefined {
  const written = layers.map(rolloutOf).filter((rollout) => rollout !== undefined);
  if (written.length === 0) return undefined;
  const merged: RolloutLayer = {};
  for (const rollout of written)
    for (const [key, value] of Object.entries(rollout))
      if (!(ROLLOUT_SCHEDULE_KEYS as readonly string[]).includes(key) && value !== undefined)
        Object.assign(merged, { [key]: value });
  const schedule = scheduleLayer(layers)?.schedule;
  // A bake longer than the default extension extends from itself.
  const maxBakeMinutes = Math.max(
    ROLLOUT_DEFAULTS.maxBakeMinutes,
    merged.bakeMinutes ?? ROLLOUT_DEFAULTS.bakeMinutes,
  );
  return {
    ...ROLLOUT_DEFAULTS,
    maxBakeMinutes,
    ...(merged.mode ? { mode: merged.mode } : {}),
    ...pick(merged, [
      "bakeMinutes",
      "maxBakeMinutes",
      "warmupMinutes",
      "timeoutMinutes",
      "minRequests",
      "latencyMarginPercent",
      "errorMarginPoints",
    ]),
    ...(schedule ? { schedule } : {}),
    ...(merged.preTraffic
      ? {
          preTraffic: {
            path: merged.preTraffic.path,
            requests: merged.preTraffic.requests ?? PRE_TRAFFIC_REQUESTS,
          },
        }
      : {}),
  };
}

type NumericKey = Exclude<keyof RolloutLayer, "mode" | "steps" | "preTraffic">;

function pick(from: RolloutLayer, keys: NumericKey[]): Partial<Record<NumericKey, number>> {
  return Object.fromEntries(
    keys.flatMap((key) => (from[key] === undefined ? [] : [[key, from[key]]])),
  );
}

/** The highest layer that writes `rollout.<key>`, to blame. */
function blame(layers: readonly Layer[], key: string): Layer | undefined {
  return [...layers]
    .reverse()
    .find((layer) => rolloutOf(layer)?.[key as keyof RolloutLayer] !== undefined);
}

/**
 * What only the merged policy shows: steps nobody wrote, a bake longer than it may be extended
 * to, a limit shorter than the steps' bakes. Positions point at the layer to blame.
 */
export function rolloutPolicyProblems(
  input: RuleInput,
  layers: readonly Layer[],
  version: string,
): Problem[] {
  const policy = resolveRolloutPolicy(layers);
  if (!policy) return [];
  // The key's own layer when one writes it, else the highest layer's `rollout:`.
  const where = (key: string) => {
    const own = blame(layers, key);
    if (own) return [...own.path, "rollout", key];
    return [...[...layers].reverse().find((layer) => rolloutOf(layer))!.path, "rollout"];
  };
  const problems: Problem[] = [];
  // Whose policy: a version's own layer names it; a shared layer's problem is every version's,
  // said once (resolution-rules.ts drops the repeats).
  const whose = (key: string) => {
    const layer = blame(layers, key) ?? [...layers].reverse().find((l) => rolloutOf(l))!;
    return layer.version ? `version ${version}'s rollout` : "the rollout policy";
  };
  if (policy.mode !== "immediate" && !policy.schedule)
    problems.push(
      problemAt(
        ROLLOUT_POLICY_RULES["rollout-steps"],
        input.source,
        where("mode"),
        `${whose("mode")} names no steps: give steps (such as [5, 25, 50]), canary (one step, such as 10) or linear (points per step, such as 25), or mode: immediate`,
        { key: true },
      ),
    );
  if (policy.maxBakeMinutes < policy.bakeMinutes)
    problems.push(
      problemAt(
        ROLLOUT_POLICY_RULES["rollout-bake"],
        input.source,
        where("maxBakeMinutes"),
        `${whose("maxBakeMinutes")}: maxBakeMinutes (${policy.maxBakeMinutes}) is shorter than bakeMinutes (${policy.bakeMinutes}); a bake can only be extended, so it must be at least ${policy.bakeMinutes}`,
      ),
    );
  // The steps of a whole rollout (0 to 100 %), each baked at least once: past the limit, it
  // could only end held, however healthy the version.
  const schedule = policy.schedule;
  if (policy.mode !== "immediate" && schedule) {
    const steps =
      schedule.kind === "steps"
        ? schedule.steps.length + 1
        : schedule.kind === "canary"
          ? 2
          : Math.floor(99 / schedule.step) + 1;
    const fastest =
      steps * (policy.warmupMinutes + policy.bakeMinutes + ROLLOUT_STEP_OVERHEAD_MINUTES);
    if (fastest > policy.timeoutMinutes)
      problems.push(
        problemAt(
          ROLLOUT_POLICY_RULES["rollout-timeout"],
          input.source,
          where("timeoutMinutes"),
          `${whose("timeoutMinutes")} cannot finish in its limit: ${steps} steps of at least ${policy.warmupMinutes + policy.bakeMinutes + ROLLOUT_STEP_OVERHEAD_MINUTES} minutes (warm-up, bake, ${ROLLOUT_STEP_OVERHEAD_MINUTES} for the metrics to arrive) take ${fastest}, and timeoutMinutes is ${policy.timeoutMinutes}: raise it, or take fewer or shorter steps`,
        ),
      );
  }
  return problems;
}
