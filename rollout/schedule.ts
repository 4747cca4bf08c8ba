/**
 * A rollout's plan: which version rises, the share it has at each step, how long each bakes.
 * Pure: the engine, the program and the pull-request review compute the same schedule.
 */
import type { ResolvedRolloutPolicy, RolloutSchedule } from "../catalogue";
import { ROLLOUT_STEP_OVERHEAD_MINUTES } from "../catalogue/defaults";
import type { Weights } from "./weights";
import { risingVersions } from "./weights";

/**
 * The rising version's share at each step: the written steps strictly between its baseline
 * share and its target share, then the target share (always the last step).
 */
export function stepShares(schedule: RolloutSchedule, from: number, to: number): number[] {
  const written =
    schedule.kind === "steps"
      ? schedule.steps
      : schedule.kind === "canary"
        ? [schedule.weight]
        : Array.from({ length: Math.floor(99 / schedule.step) }, (_, i) => (i + 1) * schedule.step);
  return [...written.filter((share) => share > from && share < to), to];
}

export type RolloutPlan =
  | { kind: "none" }
  /** A reduction, a first deployment, or a policy of mode immediate: the target at once. */
  | { kind: "immediate"; why: string }
  | { kind: "refused"; why: string }
  | {
      kind: "stepped";
      rising: string;
      /** The rising version's share per step; the last is its target share. */
      shares: number[];
      policy: ResolvedRolloutPolicy;
    };

/**
 * How the model goes from `baseline` to `target`: at once, in steps by the rising version's
 * policy, or not at all (more than one version rises: one rollout moves one version).
 */
export function planRollout(
  baseline: Weights,
  target: Weights,
  policyOf: (version: string) => ResolvedRolloutPolicy | undefined,
  reduction: boolean,
): RolloutPlan {
  const rising = risingVersions(baseline, target);
  if (rising.length === 0) return { kind: "none" };
  if (reduction) return { kind: "immediate", why: "a reduction (rollback) applies at once" };
  if (Object.values(baseline).every((weight) => weight === 0))
    return { kind: "immediate", why: "nothing served before: no traffic to protect" };
  const policies = rising.map((version) => ({ version, policy: policyOf(version) }));
  const stepped = policies.filter(({ policy }) => policy && policy.mode !== "immediate");
  if (stepped.length === 0)
    return {
      kind: "immediate",
      why: policies.some(({ policy }) => policy)
        ? "the rising version's rollout policy is mode: immediate"
        : "no rollout policy: the share moves at once",
    };
  if (rising.length > 1)
    return {
      kind: "refused",
      why: `${rising.length} versions rise (${rising.map((v) => `${v}: ${baseline[v] ?? 0} -> ${target[v] ?? 0}`).join(", ")}); a rollout moves one version: give one its share first, the other in a later change`,
    };
  const [{ version, policy }] = stepped as [{ version: string; policy: ResolvedRolloutPolicy }];
  return {
    kind: "stepped",
    rising: version,
    shares: stepShares(policy.schedule!, baseline[version] ?? 0, target[version] ?? 0),
    policy,
  };
}

/** Minutes a stepped rollout takes at least (every bake passes at once) and at most (every bake extended to its limit, capped by the rollout's limit). */
export function rolloutDuration(plan: Extract<RolloutPlan, { kind: "stepped" }>): {
  fastest: number;
  slowest: number;
} {
  const steps = plan.shares.length;
  const { warmupMinutes, bakeMinutes, maxBakeMinutes, timeoutMinutes } = plan.policy;
  const overhead = ROLLOUT_STEP_OVERHEAD_MINUTES;
  return {
    fastest: steps * (warmupMinutes + bakeMinutes + overhead),
    slowest: Math.min(timeoutMinutes, steps * (warmupMinutes + maxBakeMinutes + overhead)),
  };
}
