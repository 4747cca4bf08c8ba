/**
 * The rollout engine where runs, people and plain `pulumi up`s meet: an abort written while a
 * step's update is in flight, or while the engine waits for pods; a step 0 that failed; a
 * catalogue changed mid-rollout; a change that looks like a rollback but is not judged; an
 * aborted version brought back by an unrelated change; held and paused rollouts still watched;
 * a stack without its rollouts table. Each was found by a review (docs/rollouts.md).
 */
import { describe, expect, it } from "vitest";
import { FakeWorld, healthy, model, policy } from "../helpers/rollout-world";

const minutes = (n: number) => n * 60_000;

/** A rollout of b from 100 % on a, run until step 2 (b 50 %) bakes. */
async function atStepTwo(): Promise<FakeWorld> {
  const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
  await world.engine(45).run(world.catalogue);
  expect(world.record("m").step).toBe(2);
  return world;
}

describe("the engine and the others who write", () => {
  it("keeps an abort written while a step's update is in flight: the weights the update brought are put right", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(25).run(world.catalogue);
    // Step 2's targeted update has read the record (step 2) when an operator aborts: the stack is
    // locked by that update, so the abort breaks glass; then the update lands with step 2's weights.
    world.now += minutes(16);
    world.duringNextTargetedUpdate = async () => {
      world.locked = true;
      await world.engine().abort(world.record("m"), "operator");
      world.locked = false;
      expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    };
    await world.engine(30).drive(["m"]);
    expect(world.record("m").status).toBe("aborted");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("never turns an abort written while it waits for pods back into a held rollout", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(25).run(world.catalogue);
    // b never gets the pods its next share needs; meanwhile a person aborts.
    world.healthyTargets = (_m, v) => (v === "b" ? 1 : 2);
    world.metrics = (m, v, window) => healthy(m, v, window);
    let aborted = false;
    world.healthyTargets = (_m, v) => {
      if (v === "b" && !aborted && world.record("m").capacityStep === 2) {
        aborted = true;
        void world.engine().abort(world.record("m"), "operator");
      }
      return v === "b" ? 1 : 2;
    };
    // Step 2 needs ceil(2 x 50 %) = 1 pod: ask for more by baselining at 8.
    world.records.set("m", { ...world.record("m"), baselineReplicas: { a: 8 } });
    world.now += minutes(16);
    await world.engine(60).drive(["m"]);
    expect(world.record("m").status).toBe("aborted");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("records what an earlier run's unfinished step 0 left out, and refuses to promote before it", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.locked = true;
    await expect(world.engine(25).run(world.catalogue)).rejects.toThrow(/locked/);
    world.locked = false;
    expect(world.record("m").routing.ruleArn).toBe("");
    await expect(world.engine().promote("m")).rejects.toThrow(
      /step 0 of rollout .* has not finished .* run maas rollout run again first/,
    );
    // The next run (the same catalogue: it resumes) updates the stack and records it.
    await world.engine(25).run(world.catalogue);
    const record = world.record("m");
    expect(record.routing.ruleArn).toBe("arn:rule:m");
    expect(Object.keys(record.pinnedImages).sort()).toEqual(["a", "b"]);
    expect(record.step).toBe(1);
  });

  it("a catalogue changed mid-rollout: a plain pulumi up keeps the judged images and the rollout's capacity until the run supersedes it", async () => {
    const world = await atStepTwo();
    // The baseline ran 8 pods when the rollout began: it is held there, b sized for its share.
    world.records.set("m", { ...world.record("m"), baselineReplicas: { a: 8 } });
    await world.ports().deployer.up();
    const before = world.minReplicas.get("m");
    expect(before).toEqual({ a: 8, b: 4 });
    const changed = model("m", { a: 0, b: 100 });
    changed.versions[1]!.image = { kind: "image", reference: "registry.example.com/m:b-patched" };
    world.catalogue = { models: [changed] };
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 50, b: 50 });
    expect(world.minReplicas.get("m")).toEqual(before);
  });

  it("does not take a change to the current, unjudged step's weights for a rollback", async () => {
    const world = await atStepTwo();
    world.catalogue = { models: [model("m", { a: 50, b: 50 })] };
    await world.ports().deployer.up();
    // Held, not applied as a finished rollback; the run starts a rollout from the baseline.
    expect(world.live.get("m")).toEqual({ a: 50, b: 50 });
    await world.engine(0).run(world.catalogue);
    expect(world.record("m").status).toBe("running");
    expect(world.record("m").baseline).toEqual({ a: 100, b: 0 });
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("does not roll an aborted version out again because another version's image changed", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.metrics = (m, v, window) => {
      const metrics = healthy(m, v, window);
      return v === "b" ? { ...metrics, errors: Math.round(metrics.requests * 0.03) } : metrics;
    };
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("aborted");
    const patched = model("m", { a: 0, b: 100 });
    patched.versions[0]!.image = { kind: "image", reference: "registry.example.com/m:a-patched" };
    world.catalogue = { models: [patched] };
    const summary = await world.engine().run(world.catalogue);
    expect(summary.outcomes.m).toMatch(/was aborted .* same image at the same share/);
    expect(world.record("m").status).toBe("aborted");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("still aborts a held rollout at once on what aborts at once", async () => {
    const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine(25).run(world.catalogue);
    await world.engine().pause("m", "a look");
    world.now += minutes(10);
    world.healthyTargets = (_m, v) => (v === "b" ? 0 : 2);
    const changed = await world.engine(30).drive(["m"]);
    expect(world.record("m").status).toBe("aborted");
    expect(world.record("m").reason).toMatch(/^while paused: the version has no healthy targets/);
    expect(changed).toEqual({ m: { from: "paused", to: "aborted" } });
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("refuses a stepped rollout before the stack has its rollouts table, and applies a change at once without one", async () => {
    const world = new FakeWorld(
      [model("m", { a: 0, b: 100 }), model("n", { a: 0, b: 100 }, "none")],
      { m: { a: 100, b: 0 }, n: { a: 100, b: 0 } },
    );
    world.tableReady = false;
    const summary = await world.engine().run(world.catalogue);
    expect(summary.refused).toEqual([
      expect.stringMatching(
        /^model m: the stack has no rollouts table yet.*apply a commit that changes no model's weights first/,
      ),
    ]);
    expect(world.calls).not.toContain("up");
    world.catalogue = {
      models: [model("m", { a: 100, b: 0 }), model("n", { a: 0, b: 100 }, "none")],
    };
    await world.engine().run(world.catalogue);
    expect(world.calls).toContain("up");
    expect(world.live.get("n")).toEqual({ a: 0, b: 100 });
    expect(world.records.size).toBe(0);
  });

  it("gives a model with a stepped policy a record at once, so a plain pulumi up of its next change waits for maas rollout", async () => {
    const world = new FakeWorld([model("m", { a: 100, b: 0 })], { m: { a: 100, b: 0 } });
    await world.engine().run(world.catalogue);
    expect(world.record("m")).toMatchObject({
      status: "completed",
      reason: expect.stringMatching(/already serve/),
    });
    world.catalogue = { models: [model("m", { a: 0, b: 100 })] };
    await world.ports().deployer.up();
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
  });

  it("aborts only the rollout it was asked to: one that took its place meanwhile is left alone", async () => {
    const world = await atStepTwo();
    const old = world.record("m");
    world.catalogue = { models: [model("m", { a: 0, b: 0, c: 100 }, policy())] };
    await world.engine(0).run(world.catalogue);
    expect(world.record("m").rising).toBe("c");
    expect(await world.engine().abort(old, "late")).toBe(false);
    expect(world.record("m").status).toBe("running");
  });
});
