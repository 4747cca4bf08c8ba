/**
 * `rollout:` in the catalogue: precedence like every setting, the steps as one decision, and
 * precise errors for each way it can be wrong (line, column, path, what is allowed).
 */
import { describe, expect, it } from "vitest";
import { mutate, problemsOf, resolvedOf, yaml } from "../helpers/catalogue";

const version = (text: string, name: string) =>
  resolvedOf(text, text.includes("environments:") ? "dev" : undefined).models[0]!.versions.find(
    (v) => v.version === name,
  )!;

describe("rollout policies", () => {
  it("has no policy unless a layer writes one: a share then moves at once", () => {
    expect(version(mutate(4, "    owner: team-a"), "1.1.0").rollout).toBeUndefined();
  });

  it("fills the defaults, and merges keys layer by layer like every setting", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "defaults:",
      "  rollout: { linear: 20, bakeMinutes: 15 }",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    build: { context: ./server }",
      "    rollout: { maxBakeMinutes: 90 }",
      "    versions:",
      '      "1.0.0": { traffic: 90 }',
      '      "1.1.0": { traffic: 10, rollout: { mode: manual } }',
      "environments:",
      "  dev:",
      "    defaults: { rollout: { warmupMinutes: 5 } }",
    );
    expect(version(text, "1.1.0").rollout).toEqual({
      mode: "manual",
      schedule: { kind: "linear", step: 20 },
      bakeMinutes: 15,
      maxBakeMinutes: 90,
      warmupMinutes: 5,
      timeoutMinutes: 1440,
      minRequests: 1,
      latencyMarginPercent: 10,
      errorMarginPoints: 0.5,
    });
    expect(version(text, "1.0.0").rollout?.mode).toBe("auto");
  });

  it("takes the steps whole from the highest layer that writes them (steps replace the defaults' linear)", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "defaults:",
      "  rollout: { linear: 20 }",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    build: { context: ./server }",
      "    versions:",
      '      "1.0.0": { traffic: 90 }',
      '      "1.1.0": { traffic: 10, rollout: { steps: [5, 50], preTraffic: { path: /v1/ready } } }',
    );
    const policy = version(text, "1.1.0").rollout!;
    expect(policy.schedule).toEqual({ kind: "steps", steps: [5, 50] });
    expect(policy.preTraffic).toEqual({ path: "/v1/ready", requests: 5 });
    expect(version(text, "1.0.0").rollout!.schedule).toEqual({ kind: "linear", step: 20 });
  });

  it("refuses two ways of writing the steps in one layer", () => {
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { steps: [10], canary: 5 }"])),
    ).toEqual([
      "5:14: models.scorer.rollout: sets steps and canary; give one way to write the steps: steps, canary or linear [catalogue/schema]",
    ]);
  });

  it("refuses steps that do not ascend, and shares outside 1-99", () => {
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { steps: [50, 10] }"])),
    ).toEqual([
      "5:23: models.scorer.rollout.steps: must list ascending percentages, each above the one before; got a list [catalogue/schema]",
    ]);
    expect(problemsOf(mutate(4, ["    owner: team-a", "    rollout: { canary: 100 }"]))).toEqual([
      "5:24: models.scorer.rollout.canary: must be an integer from 1 to 99 (percent of the model's requests at the first step); got 100 [catalogue/schema]",
    ]);
  });

  it("refuses a policy that names no steps, at the layer that wrote the policy", () => {
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { bakeMinutes: 20 }"])),
    ).toEqual([
      "5:5: models.scorer.rollout: the rollout policy names no steps: give steps (such as [5, 25, 50]), canary (one step, such as 10) or linear (points per step, such as 25), or mode: immediate [catalogue/rollout-steps]",
    ]);
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { mode: immediate }"])),
    ).toEqual([]);
  });

  it("refuses a bake longer than it may be extended to", () => {
    expect(
      problemsOf(
        mutate(
          7,
          '      "1.0.0": { traffic: 90, rollout: { canary: 10, bakeMinutes: 30, maxBakeMinutes: 20 } }',
        ),
      ),
    ).toEqual([
      "7:87: models.scorer.versions.1.0.0.rollout.maxBakeMinutes: version 1.0.0's rollout: maxBakeMinutes (20) is shorter than bakeMinutes (30); a bake can only be extended, so it must be at least 30 [catalogue/rollout-bake]",
    ]);
  });

  it("names the closest key for a misspelt one, and what a mode may be", () => {
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { canary: 5, bakeMinute: 10 }"])),
    ).toEqual([
      '5:27: models.scorer.rollout.bakeMinute: unknown key "bakeMinute"; did you mean "bakeMinutes"? [catalogue/known-keys]',
    ]);
    expect(
      problemsOf(mutate(4, ["    owner: team-a", "    rollout: { canary: 5, mode: slow }"])),
    ).toEqual([
      '5:33: models.scorer.rollout.mode: must be auto, manual or immediate; got "slow" [catalogue/schema]',
    ]);
  });
});

describe("the pinned routes in the load balancer's rule quota", () => {
  const catalogue = (models: number, rollout: string) =>
    yaml(
      "apiVersion: maas/v1",
      ...(rollout ? ["defaults:", `  rollout: ${rollout}`] : []),
      "models:",
      ...Array.from({ length: models }, (_, i) => [
        `  m${i}:`,
        "    owner: team",
        `    image: registry.example.com/m@sha256:${"a".repeat(64)}`,
        "    versions:",
        '      "1.0.0": { traffic: 100 }',
      ]).flat(),
    );

  it("counts one pinned route per model a stepped policy may roll, as if all rolled at once", () => {
    // 34 models: 68 rules without policies, 102 with stepped ones (over the 100 an ALB holds).
    expect(problemsOf(catalogue(34, ""))).toEqual([]);
    expect(problemsOf(catalogue(34, "{ mode: immediate }"))).toEqual([]);
    expect(problemsOf(catalogue(34, "{ canary: 10 }"))).toEqual([
      expect.stringContaining(
        "load balancer main would hold 102 listener rules (2 per served model, 34 models and 34 pinned routes for stepped rollouts) where an Application Load Balancer holds 100",
      ),
    ]);
  });
});

describe("a rollout's limit", () => {
  it("refuses a policy whose steps cannot all bake within it, saying how long they take, once for every version it applies to", () => {
    expect(
      problemsOf(
        mutate(4, [
          "    owner: team-a",
          "    rollout: { linear: 5, bakeMinutes: 90, timeoutMinutes: 1440 }",
        ]),
      ),
    ).toEqual([
      "5:60: models.scorer.rollout.timeoutMinutes: the rollout policy cannot finish in its limit: 20 steps of at least 96 minutes (warm-up, bake, 4 for the metrics to arrive) take 1920, and timeoutMinutes is 1440: raise it, or take fewer or shorter steps [catalogue/rollout-timeout]",
    ]);
  });
});
