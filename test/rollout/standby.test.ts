/**
 * Cold standby and the rollout engine (fake world: test/helpers/rollout-world.ts, whose updates
 * run the program's own rollout logic). Versions the record uses run whatever the catalogue's
 * `standby:` says: a cold version rolled out is woken by step 0's whole update before any weight
 * moves; a baseline the target puts in cold standby keeps running until the rollout completes (an
 * abort has warm pods to return to), and then goes cold in a whole update, never half (a targeted
 * update would delete its autoscaler alone).
 */
import { describe, expect, it } from "vitest";
import type { ResolvedModel } from "../../catalogue";
import { deployedModel, rolloutView } from "../../rollout/effective";
import { decide } from "../../rollout/decide";
import { FakeWorld, healthy, model, START } from "../helpers/rollout-world";
import type { MetricsScript } from "../helpers/rollout-world";

/** `model()` whose versions wait cold at 0 % (`standby: cold` on the model). */
function coldModel(name: string, shares: Record<string, number>): ResolvedModel {
  const m = model(name, shares);
  return { ...m, versions: m.versions.map((v) => ({ ...v, standby: "cold" as const })) };
}

/** B breaches its objective (3 % errors) from this share on; A stays healthy. */
function breachFrom(share: number): MetricsScript {
  return (m, version, window) => {
    const metrics = healthy(m, version, window);
    return version === "b" && window.weight >= share
      ? { ...metrics, errors: Math.round(metrics.requests * 0.03) }
      : metrics;
  };
}

describe("cold standby in the program's rollout view", () => {
  it("without a record, a version at 0 % is as cold as the catalogue says", () => {
    const m = coldModel("m", { a: 0, b: 100 });
    const view = rolloutView(m, undefined);
    expect(view.ok && view.view.warm).toBeUndefined();
  });

  it("an active record keeps its baseline and its rising version running, whatever standby says", () => {
    // b was a cold standby; the catalogue gives it the traffic and lets a go cold.
    const m = coldModel("m", { a: 0, b: 100 });
    const decision = decide({
      model: m,
      record: undefined,
      live: { a: 100, b: 0 },
      healthy: { a: 2, b: 0 },
      now: new Date(START),
    });
    expect(decision.kind).toBe("start");
    if (decision.kind !== "start") return;
    expect(decision.record.coldAfter).toEqual(["a"]);
    const view = rolloutView(m, decision.record);
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    expect(view.view.weights).toEqual({ a: 100, b: 0 });
    expect(view.view.warm).toEqual(["a", "b"]);
    const deployed = deployedModel(m, view.view);
    expect(deployed.versions.map((v) => [v.version, v.status, v.standby])).toEqual([
      ["a", "live", "warm"],
      ["b", "standby", "warm"],
    ]);
  });
});

describe("the rollout engine with cold standbys", () => {
  it("a cold version rolled out is woken by step 0's whole update, before any weight moves", async () => {
    const world = new FakeWorld([coldModel("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    // Time for step 1 and not for step 2.
    await world.engine(25).run(world.catalogue);
    const [stepZero] = world.wholeUpdates;
    expect(stepZero).toEqual({ running: { m: ["a", "b"] }, weights: { m: { a: 100, b: 0 } } });
    // Every shift after it is a targeted update of the rule; b runs through all of them.
    expect(world.calls.filter((c) => c === "up")).toHaveLength(1);
    expect(world.calls.indexOf("up")).toBeLessThan(
      world.calls.findIndex((c) => c.startsWith("up --target urn:rule:m")),
    );
    expect(world.live.get("m")).toEqual({ a: 90, b: 10 });
    expect(world.partial).toEqual([]);
  });

  it("a baseline that goes cold keeps running through the rollout, then goes cold in one whole update", async () => {
    const world = new FakeWorld([coldModel("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine().run(world.catalogue);
    const record = world.record("m");
    expect(record.status).toBe("completed");
    expect(record.coldAfter).toEqual(["a"]);
    // Step 0 and the release: two whole updates; a ran until the second.
    expect(world.wholeUpdates.map((u) => u.running.m)).toEqual([["a", "b"], ["b"]]);
    const release = world.calls.lastIndexOf("up");
    const lastShift = world.calls
      .map((c, index) => (c.startsWith("up --target urn:rule:m") ? index : -1))
      .reduce((last, index) => Math.max(last, index), -1);
    expect(release).toBeGreaterThan(lastShift);
    // Its traffic had left a bake before: the last shift moved it to 0.
    expect(world.wholeUpdates[1]!.weights.m).toEqual({ a: 0, b: 100 });
    expect(world.partial).toEqual([]);
  });

  it("when that whole update cannot run, the release is targeted and leaves the cold baseline whole", async () => {
    const world = new FakeWorld([coldModel("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    const ports = world.ports();
    let ups = 0;
    const { deployer } = world.ports();
    ports.deployer.up = () =>
      ++ups === 1 ? deployer.up() : Promise.reject(new Error("update failed"));
    world.ports = () => ports;
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("completed");
    const release = world.calls.at(-2)!;
    expect(release).toBe("up --target urn:rule:m urn:pinned:m urn:hpa:m:b");
    // a's autoscaler is not targeted: it is not deleted without its pods.
    expect(world.partial).toEqual([]);
  });

  it("an abort returns to a baseline that was kept running, and it stays running after", async () => {
    const world = new FakeWorld([coldModel("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    world.metrics = breachFrom(50);
    await world.engine().run(world.catalogue);
    expect(world.record("m").status).toBe("aborted");
    expect(world.live.get("m")).toEqual({ a: 100, b: 0 });
    // An unrelated whole update later: the aborted record still uses a (and b, its rising version).
    await world.ports().deployer.up();
    expect(world.wholeUpdates.at(-1)).toEqual({
      running: { m: ["a", "b"] },
      weights: { m: { a: 100, b: 0 } },
    });
    expect(world.partial).toEqual([]);
  });

  it("a rollback to a baseline that went cold applies at once, in one whole update that wakes it", async () => {
    const world = new FakeWorld([coldModel("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
    await world.engine().run(world.catalogue);
    expect(world.running.get("m")).toEqual(["b"]);
    world.catalogue = { models: [coldModel("m", { a: 100, b: 0 })] };
    const before = world.calls.length;
    await world.engine().run(world.catalogue);
    expect(world.record("m").reason).toMatch(/reduction/);
    expect(world.calls.slice(before)).toEqual(["up"]);
    // The update that moves the rule runs a again (pulumi up waits for its pods first: the
    // model's rule depends on its Deployment, test/transitions/standby-edits.test.ts), and b
    // goes cold in its turn.
    expect(world.wholeUpdates.at(-1)).toEqual({
      running: { m: ["a"] },
      weights: { m: { a: 100, b: 0 } },
    });
  });
});
