/**
 * The gates' arithmetic on hand-computed windows: the evidence floor, breach and margin, the
 * baseline made of several versions, and what aborts at once.
 */
import { describe, expect, it } from "vitest";
import { combineWindows, evidenceFloor, judgeWindow } from "../../rollout/gates";
import type { WindowMetrics } from "../../rollout/gates";
import { policy } from "../helpers/rollout-world";

const window = (overrides: Partial<WindowMetrics> = {}): WindowMetrics => ({
  requests: 5000,
  errors: 0,
  p99Ms: 100,
  latencySamples: 5000,
  minHealthyHosts: 2,
  connectionErrors: 0,
  ...overrides,
});
const slo = { latencyP99Ms: 500, errorRatePercent: 1 };

describe("the gates", () => {
  it("need three errors' worth of requests at the objective's rate, at least the policy's floor", () => {
    expect(evidenceFloor(slo, { minRequests: 1 })).toBe(300);
    expect(evidenceFloor({ ...slo, errorRatePercent: 0.1 }, { minRequests: 1 })).toBe(3000);
    expect(evidenceFloor(slo, { minRequests: 5000 })).toBe(5000);
  });

  it("fail a version that breaches and is worse than the baseline by the margin; pass one within it", () => {
    const baseline = window({ errors: 30 });
    expect(
      judgeWindow({ rising: window({ errors: 100 }), baseline, slo, policy: policy() }).kind,
    ).toBe("fail");
    // 1.04 % against a baseline of 0.6 %: over the objective, but within 0.5 points of the baseline.
    expect(
      judgeWindow({ rising: window({ errors: 52 }), baseline, slo, policy: policy() }).kind,
    ).toBe("pass");
  });

  it("judge against the baseline version that served the most: a small slow one does not hide a failure as both breaching", () => {
    const main = window({ p99Ms: 120, latencySamples: 8900, requests: 8900 });
    const tiny = window({ p99Ms: 2000, latencySamples: 40, requests: 40 });
    const baseline = combineWindows([main, tiny])!;
    expect(baseline.p99Ms).toBe(120);
    expect(baseline.requests).toBe(8940);
    const verdict = judgeWindow({
      rising: window({ p99Ms: 1500 }),
      baseline,
      slo,
      policy: policy(),
    });
    expect(verdict.kind).toBe("fail");
  });

  it("hold when the baseline breaches too", () => {
    const verdict = judgeWindow({
      rising: window({ p99Ms: 900 }),
      baseline: window({ p99Ms: 950 }),
      slo,
      policy: policy(),
    });
    expect(verdict.kind).toBe("both-breach");
  });

  it("abort at once on no healthy host, connection errors, or errors at 5x the objective", () => {
    expect(
      judgeWindow({ rising: window({ minHealthyHosts: 0 }), slo, policy: policy() }).kind,
    ).toBe("abort");
    expect(
      judgeWindow({ rising: window({ connectionErrors: 1 }), slo, policy: policy() }).kind,
    ).toBe("abort");
    // 5 % of 60 requests: below the floor for a verdict, but enough evidence to abort.
    expect(
      judgeWindow({
        rising: window({ requests: 60, errors: 3, latencySamples: 60 }),
        slo,
        policy: policy(),
      }).kind,
    ).toBe("abort");
  });

  it("never pass missing data", () => {
    expect(
      judgeWindow({ rising: window({ minHealthyHosts: undefined }), slo, policy: policy() }).kind,
    ).toBe("short");
    expect(judgeWindow({ rising: window({ p99Ms: undefined }), slo, policy: policy() }).kind).toBe(
      "short",
    );
    expect(
      judgeWindow({ rising: window({ requests: 0, latencySamples: 0 }), slo, policy: policy() })
        .kind,
    ).toBe("short");
  });
});
