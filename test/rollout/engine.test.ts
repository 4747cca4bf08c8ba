/**
 * The step engine against a fake stack, record store, load balancer and metrics, driven by
 * recorded sequences (test/helpers/rollout-world.ts). The fake stack's updates run the
 * program's own rollout logic, so "what every pulumi up applies" is the real code's answer.
 */
import { describe, expect, it } from "vitest";
import { FakeWorld, healthy, model, policy, pushedImage, START } from "../helpers/rollout-world";
import type { MetricsScript } from "../helpers/rollout-world";

const minutes = (n: number) => n * 60_000;

/** B's metrics breach its objective (1 % errors) from step `from` on; A stays healthy. */
function breachFrom(share: number): MetricsScript {
  return (model, version, window) => {
    const metrics = healthy(model, version, window);
    return version === "b" && window.weight >= share
      ? { ...metrics, errors: Math.round(metrics.requests * 0.03) }
      : metrics;
  };
}

describe("the rollout engine", () => {
  it("walks a healthy canary to its target through every bake, then releases the baseline's capacity", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    const summary = await world.engine().run(world.catalogue);
    expect(summary.refused).toEqual([]);
    const record = world.record("m");
    expect(record.status).toBe("completed");
    expect(record.steps.map((s) => [s.step, s.share, s.outcome])).toEqual([
      [1, 10, "passed"],
      [2, 50, "passed"],
      [3, 100, "passed"],
    ]);
    // Each step baked at least warm-up + bake (2 + 10 minutes) before the next.
    for (const [index, step] of record.steps.slice(1).entries()) {
      const previous = record.steps[index]!;
      expect(Date.parse(step.shiftedAt) - Date.parse(previous.shiftedAt)).toBeGreaterThanOrEqual(
        minutes(12),
      );
    }
    expect(world.live.get("m")).toEqual({ a: 0, b: 100 });
    expect(world.minReplicas.get("m")).toEqual({});
    expect(world.pinned.has("m")).toBe(false);
    // One whole update (step 0), then only targeted ones.
    expect(world.calls.filter((c) => c === "up")).toHaveLength(1);
    expect(
      world.calls.filter((c) => c.startsWith("up --target urn:rule:m")).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it("holds the new version at 0 % with its pinned route during step 0, and scales it before each shift", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    // Time for step 1 and not for step 2 (a step starts only with time to finish it).
    await world.engine(25).run(world.catalogue);
    const record = world.record("m");
    expect(record.status).toBe("running");
    expect(world.pinned.get("m")).toBe("b");
    // Step 1 was applied at once (nothing to judge at 0 %): 10 % for b, scaled first for it.
    expect(record.step).toBe(1);
    expect(world.live.get("m")).toEqual({ a: 90, b: 10 });
    const scaled = world.calls.findIndex((c) => c.includes("urn:hpa:m:b"));
    const shifted = world.calls.findIndex((c) => c.includes("urn:rule:m"));
    expect(scaled).toBeGreaterThan(-1);
    expect(scaled).toBeLessThan(shifted);
    // The baseline stays at its pre-rollout size (2 healthy, the catalogue's minimum) while b is sized for 10 %.
    expect(record.baselineReplicas).toEqual({ a: 2 });
    expect(record.pinnedImages.b).toBe(pushedImage("m", "b"));
  });

  it("aborts to the baseline at once when the new version breaches twice in a row at step 2, and the baseline holds through later updates until the catalogue changes", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.metrics = breachFrom(50);
    await world.engine().run(world.catalogue);
    const record = world.record("m");
    expect(record.status).toBe("aborted");
    expect(record.reason).toMatch(/failed two checks in a row/);
    const step2 = record.steps.find((s) => s.step === 2)!;
    expect(step2.outcome).toBe("aborted");
    expect(step2.checks.map((c) => c.verdict).slice(-2)).toEqual(["fail", "fail"]);
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    expect(world.calls.some((c) => c.startsWith("notify") && c.includes("aborted"))).toBe(true);

    // An unrelated pulumi up later: the record holds the baseline (Argo's trap after an abort).
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    // A new run with the same catalogue starts nothing.
    const again = await world.engine().run(world.catalogue);
    expect(again.outcomes.m).toMatch(/already aborted/);
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });

    // The catalogue changes its target (a fixed version c): a new rollout starts from the baseline.
    world.catalogue = { models: [model("m", { a: 0, b: 0, c: 100 })] };
    world.metrics = healthy;
    await world.engine().run(world.catalogue);
    expect(world.record("m").rising).toBe("c");
    expect(world.record("m").status).toBe("completed");
    expect(world.live.get("m")).toEqual({ a: 0, b: 0, c: 100 });
  });

  it("never passes a step on missing data: it extends the bake, then holds the step as inconclusive until promoted", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.metrics = () => ({ requests: 0, errors: 0, latencySamples: 0, connectionErrors: 0 });
    await world.engine().run(world.catalogue);
    let record = world.record("m");
    expect(record.status).toBe("inconclusive");
    expect(record.step).toBe(1);
    expect(record.reason).toMatch(/too little evidence after 60 minutes/);
    expect(world.live.get("m")).toEqual({ a: 90, b: 10 });
    // Extended up to maxBake (60), not beyond.
    const step = record.steps[0]!;
    const last = step.checks.at(-1)!;
    expect(Date.parse(last.windowEnd) - Date.parse(last.windowStart)).toBeGreaterThanOrEqual(
      minutes(60),
    );
    expect(step.checks.every((c) => c.verdict === "short")).toBe(true);

    // A person promotes: the next step is applied, and the rollout runs again.
    world.metrics = healthy;
    await world.engine().promote("m");
    record = world.record("m");
    expect(record.status).toBe("running");
    expect(record.step).toBe(2);
    expect(record.steps[0]!.outcome).toBe("promoted");
    expect(world.live.get("m")).toEqual({ a: 50, b: 50 });
  });

  it("gives up a step whose evidence is short of the floor even with traffic: 1,000 latency samples for a p99 verdict", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 }, policy({ maxBakeMinutes: 20 }))], {
      m: { a: 100, b: 0 },
    });
    world.metrics = (m, v, window) => ({
      ...healthy(m, v, window),
      requests: 500,
      latencySamples: 500,
    });
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("inconclusive");
    expect(world.record("m").steps[0]!.checks.at(-1)!.detail).toMatch(
      /needs 300 requests and 1000 samples/,
    );
  });

  it("stops for an operator's abort written during a bake, and the abort is applied at once", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    const engine = world.engine(8);
    await engine.run(world.catalogue);
    expect(world.record("m").status).toBe("running");
    // Another process aborts meanwhile.
    await world.engine().abort(world.record("m"), "operator: latency complaints");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    // The first run's later look stops there; nothing moves the weights back.
    await world.engine().drive(["m"]);
    expect(world.record("m").status).toBe("aborted");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("resumes a killed run from the record without jumping ahead: the step bakes its full time from its shift", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(25).run(world.catalogue);
    const interrupted = world.record("m");
    expect(interrupted.status).toBe("running");
    expect(interrupted.step).toBe(1);
    const shiftedAt = Date.parse(interrupted.steps[0]!.shiftedAt);
    // A later run, long after: it looks at the window since the shift, not a new one.
    world.now += minutes(1);
    await world.engine().drive(["m"]);
    const record = world.record("m");
    expect(record.status).toBe("completed");
    expect(Date.parse(record.steps[1]!.shiftedAt) - shiftedAt).toBeGreaterThanOrEqual(minutes(12));
  });

  it("an unrelated pulumi up mid-rollout applies the current step's weights, not the catalogue's", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(20).run(world.catalogue);
    const record = world.record("m");
    expect(record.status).toBe("running");
    const expected = record.steps.at(-1)!.weights;
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual(expected);
    expect(world.live.get("m")).not.toEqual({ a: 0, b: 100 });
  });

  it("supersedes a running rollout when the catalogue changes its target: the new one starts from the old baseline", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(45).run(world.catalogue);
    expect(world.record("m").step).toBe(2);
    // Before any run picks the change up, a plain pulumi up holds the record's weights.
    world.catalogue = { models: [model("m", { a: 0, b: 0, c: 100 })] };
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 50, b: 50, c: 0 });
    // The run: b's rollout is superseded, c's starts at the old baseline.
    const starter = world.engine(0);
    await starter.run(world.catalogue);
    const old = world.history.find((r) => r.rising === "b" && r.status === "superseded");
    expect(old).toBeDefined();
    expect(world.record("m").rising).toBe("c");
    expect(world.record("m").baseline).toEqual({ a: 100, b: 0 });
    // Step 0 of c's rollout: b's unjudged share is gone at once, c waits at 0 %.
    expect(world.live.get("m")).toEqual({ a: 100, b: 0, c: 0 });
  });

  it("moves one version among three: the others shrink in proportion and end at their target", async () => {
    const world = new FakeWorld([model("m", { a: 45, b: 30, c: 25 })], {
      m: { a: 60, b: 40, c: 0 },
    });
    await world.engine().run(world.catalogue);
    const record = world.record("m");
    expect(record.rising).toBe("c");
    expect(record.steps.map((s) => s.weights)).toEqual([
      { a: 54, b: 36, c: 10 },
      { a: 45, b: 30, c: 25 },
    ]);
    expect(world.live.get("m")).toEqual({ a: 45, b: 30, c: 25 });
  });

  it("judges two models on one load balancer apart: one aborts, the other completes", async () => {
    const world = new FakeWorld([model("x", { a: 0, b: 100 }), model("y", { a: 0, b: 100 })], {
      x: { a: 100, b: 0 },
      y: { a: 100, b: 0 },
    });
    world.metrics = (m, v, window) =>
      m === "x" ? breachFrom(10)(m, v, window) : healthy(m, v, window);
    await world.engine().run(world.catalogue);
    expect(world.record("x").status).toBe("aborted");
    expect(world.record("y").status).toBe("completed");
    expect(world.live.get("x")).toEqual({ a: 100, b: 0 });
    expect(world.live.get("y")).toEqual({ a: 0, b: 100 });
  });

  it("aborts at once on no healthy targets, without waiting for a second check", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.healthyTargets = (_m, v) =>
      v === "b" && (world.records.get("m")?.step ?? 0) >= 1 ? 0 : 2;
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("aborted");
    expect(world.record("m").steps[0]!.checks).toHaveLength(1);
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("holds and notifies when both versions breach: the fault is not the new version's", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.metrics = (m, v, window) => {
      const metrics = healthy(m, v, window);
      return { ...metrics, p99Ms: 900 };
    };
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("inconclusive");
    expect(world.record("m").reason).toMatch(/both the version and the baseline breach/);
    expect(world.calls.some((c) => c.startsWith("notify") && c.includes("held"))).toBe(true);
  });

  it("breaks glass when the stack is locked: the rule's weights are set with ModifyRule and the record agrees", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(20).run(world.catalogue);
    world.locked = true;
    await world.engine().abort(world.record("m"), "operator");
    expect(world.calls.at(-2)).toBe("ModifyRule arn:rule:m");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    // The next update, once the lock is gone, applies the same weights.
    world.locked = false;
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("refuses a change that retires the baseline in the same commit, and applies nothing", async () => {
    const world = new FakeWorld([model("m", { b: 100 })], { m: { a: 100, b: 0 } });
    const summary = await world.engine().run(world.catalogue);
    expect(summary.refused[0]).toMatch(/retires or removes a \(100% now\).*traffic: 0 for now/);
    expect(world.calls).not.toContain("up");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("holds a rollout whose baseline is not running warm, at its baseline", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.healthyTargets = (_m, v) => (v === "a" ? 1 : 2);
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("inconclusive");
    expect(world.record("m").reason).toMatch(/not running warm \(a has 1 healthy of 2\)/);
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("applies a rollback at once, in one update, whatever the policy", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("completed");
    world.catalogue = { models: [model("m", { a: 100, b: 0 })] };
    const updates = world.calls.length;
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("completed");
    expect(world.record("m").reason).toMatch(/reduction/);
    expect(world.record("m").steps).toEqual([]);
    expect(world.calls.slice(updates)).toEqual(["up"]);
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("a plain pulumi up applies a rollback at once too, and the next run records what serves", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine().run(world.catalogue);
    world.catalogue = { models: [model("m", { a: 100, b: 0 })] };
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    await world.engine().run(world.catalogue);
    expect(world.record("m").reason).toMatch(/already serve/);
    expect(world.record("m").target).toEqual({ a: 100, b: 0 });
    // So a later rise starts from what serves, not from the older record's target.
    world.catalogue = { models: [model("m", { a: 0, b: 0, c: 100 })] };
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0, c: 0 });
  });

  it("waits for promote after each passed bake in manual mode", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 }, policy({ mode: "manual" }))], {
      m: { a: 100, b: 0 },
    });
    await world.engine(60).run(world.catalogue);
    expect(world.record("m").step).toBe(1);
    expect(world.record("m").status).toBe("running");
    await world.engine().promote("m");
    expect(world.record("m").step).toBe(2);
    await world.engine().promote("m", { full: true });
    expect(world.record("m").status).toBe("completed");
    expect(world.live.get("m")).toEqual({ a: 0, b: 100 });
  });

  it("applies the target at once without a policy, and for a model's first deployment", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 }, "none"), model("n", { a: 100 })], {
      m: { a: 100, b: 0 },
    });
    await world.engine().run(world.catalogue);
    expect(world.live.get("m")).toEqual({ a: 0, b: 100 });
    expect(world.record("m").reason).toMatch(/no rollout policy/);
    expect(world.live.get("n")).toEqual({ a: 100 });
  });

  it("reads the weights of a model an older maas deployed from its listener's rule, and rolls it in steps", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.unaddressed = ["m"];
    await world.engine(0).run(world.catalogue);
    const record = world.record("m");
    expect(record.status).toBe("running");
    expect(record.baseline).toEqual({ a: 100, b: 0 });
    expect(record.shares).toEqual([10, 50, 100]);
  });

  it("starts the clock at the fake epoch", () => {
    expect(new FakeWorld([]).now).toBe(START);
  });
});
