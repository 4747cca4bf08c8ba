/**
 * A bake's gates, judged on the target groups' metrics over the step's window, not on alarm
 * states: the alarms are blind at small weights (the p99 alarm ignores periods under its sample
 * count, the others treat missing data as fine, and three breaching periods of five outlast a
 * short bake). Semantics copied from Kayenta and SageMaker guardrails:
 *
 * - missing data never passes, and a verdict needs evidence: at least max(minRequests,
 *   ceil(3 / error SLO)) requests (three errors at the objective's rate) and 1,000 latency
 *   samples (a p99 of fewer is one of the ten slowest requests);
 * - a check fails when the rising version breaches its SLO *and* is worse than the baseline by
 *   the policy's margin over the same window; two failed checks in a row abort (engine.ts);
 * - no healthy hosts, an error rate at 5x the SLO, or connection errors to the version abort at
 *   once; when both versions breach, the fault is not the new version's: hold and notify.
 *
 * The load balancer's own 5xx (HTTPCode_ELB_5XX_Count) has no target-group dimension, so it
 * cannot tell versions apart and is not a gate (the load balancer's alarm still watches it).
 */
import type { ResolvedRolloutPolicy } from "../catalogue";

/** One target group's metrics over a window (rollout/aws/metrics.ts reads them from CloudWatch). */
export interface WindowMetrics {
  /** RequestCount, Sum. */
  requests: number;
  /**
   * Requests that did not get a good answer from the version: its own 5xx
   * (HTTPCode_Target_5XX_Count), and the load balancer's answers for it when it timed out or
   * dropped the connection (502, 504), which only the difference between its RequestCount and
   * its 2xx, 3xx and 4xx shows (rollout/aws/metrics.ts).
   */
  errors: number;
  /** TargetResponseTime p99 over the whole window, in milliseconds; undefined without data. */
  p99Ms?: number;
  /** TargetResponseTime SampleCount: the responses the p99 is computed from. */
  latencySamples: number;
  /** HealthyHostCount, Minimum over the window; undefined when CloudWatch has no datapoint. */
  minHealthyHosts?: number;
  /** TargetConnectionErrorCount, Sum: connections the load balancer could not open to a pod. */
  connectionErrors: number;
}

export interface Slo {
  latencyP99Ms: number;
  errorRatePercent: number;
}

/** Latency samples a p99 verdict needs: fewer, and the p99 is one of the ten slowest requests. */
export const MIN_LATENCY_SAMPLES = 1000;
/** An error rate this many times the objective aborts at once. */
export const ABORT_ERROR_FACTOR = 5;

export type Verdict =
  | { kind: "abort"; detail: string }
  | { kind: "fail"; detail: string }
  | { kind: "both-breach"; detail: string }
  | { kind: "short"; detail: string }
  | { kind: "pass"; detail: string };

/** Requests a verdict needs: the policy's floor, and three errors' worth at the objective's rate. */
export function evidenceFloor(
  slo: Slo,
  policy: Pick<ResolvedRolloutPolicy, "minRequests">,
): number {
  return Math.max(policy.minRequests, Math.ceil(3 / (slo.errorRatePercent / 100)));
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);
const fixed = (value: number) => Number(value.toFixed(2)).toString();

export function judgeWindow(input: {
  rising: WindowMetrics;
  /** The versions that keep serving at this step, summed; undefined when none does (the final step at 100 %). */
  baseline?: WindowMetrics;
  slo: Slo;
  policy: Pick<ResolvedRolloutPolicy, "minRequests" | "latencyMarginPercent" | "errorMarginPoints">;
}): Verdict {
  const { rising, baseline, slo, policy } = input;
  if (rising.minHealthyHosts === 0)
    return { kind: "abort", detail: "the version had no healthy hosts in the window" };
  if (rising.connectionErrors > 0)
    return {
      kind: "abort",
      detail: `the load balancer could not connect to the version's pods ${rising.connectionErrors} times`,
    };
  const errorRate = percent(rising.errors, rising.requests);
  const abortRate = ABORT_ERROR_FACTOR * slo.errorRatePercent;
  const abortFloor = Math.ceil(3 / (Math.min(abortRate, 100) / 100));
  if (rising.requests >= abortFloor && errorRate >= abortRate)
    return {
      kind: "abort",
      detail: `error rate ${fixed(errorRate)}% is at least ${ABORT_ERROR_FACTOR}x the objective (${slo.errorRatePercent}%) over ${rising.requests} requests`,
    };
  if (rising.minHealthyHosts === undefined)
    return { kind: "short", detail: "no HealthyHostCount datapoint: missing data never passes" };
  const floor = evidenceFloor(slo, policy);
  if (
    rising.requests < floor ||
    rising.latencySamples < MIN_LATENCY_SAMPLES ||
    rising.p99Ms === undefined
  )
    return {
      kind: "short",
      detail: `${rising.requests} requests and ${rising.latencySamples} latency samples; a verdict needs ${floor} requests and ${MIN_LATENCY_SAMPLES} samples`,
    };

  const baselineRate = baseline ? percent(baseline.errors, baseline.requests) : undefined;
  const baselineJudged = baseline !== undefined && baseline.requests >= floor;
  const baselineP99 =
    baseline && baseline.latencySamples >= MIN_LATENCY_SAMPLES ? baseline.p99Ms : undefined;

  const errorBreach = errorRate > slo.errorRatePercent;
  const errorWorse = !baselineJudged || errorRate > (baselineRate ?? 0) + policy.errorMarginPoints;
  const latencyBreach = rising.p99Ms > slo.latencyP99Ms;
  const latencyWorse =
    baselineP99 === undefined ||
    rising.p99Ms > baselineP99 * (1 + policy.latencyMarginPercent / 100);
  const measured = `error rate ${fixed(errorRate)}% (objective ${slo.errorRatePercent}%${baselineJudged ? `, baseline ${fixed(baselineRate!)}%` : ""}), p99 ${Math.round(rising.p99Ms)} ms (objective ${slo.latencyP99Ms} ms${baselineP99 !== undefined ? `, baseline ${Math.round(baselineP99)} ms` : ""}) over ${rising.requests} requests`;

  if ((errorBreach && errorWorse) || (latencyBreach && latencyWorse))
    return {
      kind: "fail",
      detail: `breaches its objective and is worse than the baseline: ${measured}`,
    };
  const baselineBreach =
    (baselineJudged && (baselineRate ?? 0) > slo.errorRatePercent) ||
    (baselineP99 !== undefined && baselineP99 > slo.latencyP99Ms);
  if ((errorBreach || latencyBreach) && baselineBreach)
    return {
      kind: "both-breach",
      detail: `both the version and the baseline breach the objective, so the fault is not the new version's: ${measured}`,
    };
  return { kind: "pass", detail: measured };
}

/**
 * The versions that keep serving at a step, as one baseline: requests, errors and connection
 * errors summed (their rates are the baseline's), the fewest healthy hosts summed, and the p99
 * of the version that served the most (a percentile cannot be added up, and a small slow
 * version must not make the baseline look as bad as the version being judged), with that
 * version's own samples as its evidence.
 */
export function combineWindows(windows: WindowMetrics[]): WindowMetrics | undefined {
  if (windows.length === 0) return undefined;
  const dominant = [...windows].sort((a, b) => b.latencySamples - a.latencySamples)[0]!;
  const healthy = windows.map((w) => w.minHealthyHosts);
  return {
    requests: windows.reduce((sum, w) => sum + w.requests, 0),
    errors: windows.reduce((sum, w) => sum + w.errors, 0),
    ...(dominant.p99Ms === undefined ? {} : { p99Ms: dominant.p99Ms }),
    latencySamples: dominant.latencySamples,
    ...(healthy.every((h) => h !== undefined)
      ? { minHealthyHosts: healthy.reduce((sum, h) => sum + h, 0) }
      : {}),
    connectionErrors: windows.reduce((sum, w) => sum + w.connectionErrors, 0),
  };
}
