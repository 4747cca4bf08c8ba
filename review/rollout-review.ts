/**
 * What the review says about how a weight change will be carried out (rollout/schedule.ts, the
 * schedule the engine follows): per model whose share rises, the steps, bakes, gates and how
 * long it can take; a rollback at once; and, on a production stack, a rising share with no
 * policy (it moves at once when `maas rollout run` applies the merge).
 *
 * The review compares the base catalogue with the head's: the engine starts from what serves
 * when it runs, which is the base's weights unless a rollout holds the model elsewhere.
 */
import { servedVersions } from "../catalogue";
import type { ResolvedModel, ResolvedRolloutPolicy } from "../catalogue";
import { catalogueWeights } from "../rollout/effective";
import { evidenceFloor, MIN_LATENCY_SAMPLES } from "../rollout/gates";
import { planRollout, rolloutDuration } from "../rollout/schedule";
import { isReduction, sameWeights, stepWeights } from "../rollout/weights";
import { code } from "./markdown";

/** `2 h 30 min`, `45 min`. */
export function minutesText(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours === 0 ? `${rest} min` : rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function gatesText(
  policy: ResolvedRolloutPolicy,
  slo: { latencyP99Ms: number; errorRatePercent: number },
): string {
  return `gates: p99 ≤ ${slo.latencyP99Ms} ms and 5xx ≤ ${slo.errorRatePercent}% (a breach fails only when worse than the baseline by ${policy.latencyMarginPercent}% / ${policy.errorMarginPoints} points; twice in a row aborts), judged on ≥ ${evidenceFloor(slo, policy)} requests and ${MIN_LATENCY_SAMPLES} latency samples`;
}

/** The review's lines for one model's weight change: its schedule, or why it moves at once. */
export function rolloutLines(
  before: ResolvedModel | undefined,
  after: ResolvedModel,
  production: boolean,
): { lines: string[]; warning?: string } {
  const baseline = before ? catalogueWeights(before) : {};
  const target = catalogueWeights(after);
  if (sameWeights(baseline, target)) return { lines: [] };
  const policies = new Map(servedVersions(after).map((v) => [v.version, v.rollout]));
  const plan = planRollout(baseline, target, (v) => policies.get(v), isReduction(baseline, target));
  switch (plan.kind) {
    case "none":
      return { lines: [] };
    case "refused":
      return { lines: [`rollout: held at its baseline by maas rollout: ${plan.why}`] };
    case "immediate": {
      const unguarded =
        plan.why.startsWith("no rollout policy") || plan.why.includes("mode: immediate");
      return {
        lines: [`rollout: at once (${plan.why})`],
        ...(unguarded && production
          ? {
              warning: `${code(after.name)}'s share moves at once on production stack: ${plan.why.startsWith("no rollout policy") ? "no version that rises has a rollout policy" : "the rising version's policy is mode: immediate"}, so no step, bake or automatic abort guards it. Give the model a stepped ${code("rollout:")} (docs/catalogue.md, "Rolling a version out"), or accept it`,
            }
          : {}),
      };
    }
    case "stepped": {
      const { fastest, slowest } = rolloutDuration(plan);
      const version = servedVersions(after).find((v) => v.version === plan.rising)!;
      const steps = plan.shares
        .map((share) => {
          const weights = stepWeights(baseline, target, plan.rising, share);
          const others = Object.entries(weights).filter(([v, w]) => v !== plan.rising && w > 0);
          // With one other version its share is plain; with more, each one's is said.
          return `${share}%${others.length > 1 ? ` (${others.map(([v, w]) => `${v} ${w}%`).join(", ")})` : ""}`;
        })
        .join(" → ");
      const policy = plan.policy;
      // The review cannot see the rollout records: a version that served before may be going
      // back to where the model's last rollout started, which the engine applies at once.
      const served = before && servedVersions(before).some((v) => v.version === plan.rising);
      return {
        lines: [
          ...(served
            ? [
                `if this returns ${code(after.name)} to the weights its last rollout started from, it is a rollback and goes at once; otherwise:`,
              ]
            : []),
          `rollout of ${plan.rising} (${policy.mode}): ${baseline[plan.rising] ?? 0}% → ${steps}; each step ${policy.warmupMinutes} min warm-up, then ${policy.bakeMinutes} min bake (extended to ${policy.maxBakeMinutes} min while the evidence is short)${policy.mode === "manual" ? ", then waits for maas rollout promote" : ""}${policy.preTraffic ? `; first ${policy.preTraffic.requests} calls to ${code(policy.preTraffic.path)} through its pinned route` : ""}`,
          `${gatesText(policy, version.slo)}; ${policy.mode === "manual" ? `at least ${minutesText(fastest)} plus the promotions` : `${minutesText(fastest)} if every bake passes at once, at most ${minutesText(slowest)}`} (limit ${minutesText(policy.timeoutMinutes)}); a breach returns it to ${Object.entries(
            baseline,
          )
            .filter(([, w]) => w > 0)
            .map(([v, w]) => `${v} ${w}%`)
            .join(", ")} at once`,
        ],
      };
    }
  }
}
