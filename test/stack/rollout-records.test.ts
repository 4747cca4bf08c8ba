/**
 * The program obeys the rollout records (rollout/effective.ts through stack/program.ts): the
 * plan reads a recorded record as `pulumi up` reads the rollouts table, and the weights, the
 * capacity, the pinned image and the pinned route follow it. Transitions between plans with and
 * without a record show what a step's update does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../rollout/decide";
import type { RolloutRecord } from "../../rollout/record";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { transition } from "../../change/transition";
import { twoModels } from "../helpers/transition";

const CATALOGUE = twoModels([
  "    owner: team-a",
  "    owner: team-a\n    rollout: { steps: [5], bakeMinutes: 10 }",
]);
const PINNED = `registry.example.com/scorer@sha256:${"c".repeat(64)}`;
const RULE = "aws:lb/listenerRule:ListenerRule";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

let base: PlanFixture;
let record: RolloutRecord;

/** The rollout of scorer 1.1.0 from 100 % on 1.0.0, at `step`, as the engine records it. */
function at(step: number, overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    ...record,
    step,
    capacityStep: Math.min(step + 1, record.shares.length),
    pinnedImages: { "1.1.0": PINNED },
    steps:
      step === 0
        ? []
        : [
            {
              step: 1,
              share: 5,
              weights: { "0.9.0": 0, "1.0.0": 95, "1.1.0": 5 },
              shiftedAt: "2026-12-01T10:00:00.000Z",
              checks: [],
            },
          ],
    ...overrides,
  };
}

const forward = (fixture: PlanFixture, name: string, parent = "maas:routing:ModelTraffic") =>
  (fixture.inputs(RULE, name, parent).actions as any[])[0].forward.targetGroups.map(
    (g: { weight: number }) => g.weight,
  );

beforeAll(async () => {
  base = await planOf({ stack: "prod", catalogue: CATALOGUE });
  const scorer = base.catalogue.models.find((m) => m.name === "scorer")!;
  const decision = decide({
    model: scorer,
    record: undefined,
    live: { "0.9.0": 0, "1.0.0": 100, "1.1.0": 0 },
    healthy: { "1.0.0": 8, "0.9.0": 3, "1.1.0": 0 },
    now: new Date("2026-12-01T09:50:00Z"),
    commit: "abc123",
  });
  if (decision.kind !== "start") throw new Error(`expected a start, got ${decision.kind}`);
  record = decision.record;
});

describe("the program with a rollout record", () => {
  it("applies the catalogue's weights without one (as before rollouts)", () => {
    // Target groups in version order: 0.9.0, 1.0.0, 1.1.0.
    expect(forward(base, "scorer")).toEqual([0, 90, 10]);
    expect(base.ofType(RULE, "maas:routing:PinnedRoute")).toEqual([]);
  });

  it("holds the current step's weights, keeps the baseline's size, runs the pinned image and opens the pinned route", async () => {
    const plan = await planOf({ stack: "prod", catalogue: CATALOGUE, rolloutRecords: [at(1)] });
    expect(forward(plan, "scorer")).toEqual([0, 95, 5]);
    const pinned = plan.inputs(RULE, "scorer", "maas:routing:PinnedRoute");
    expect(pinned.priority).toBe(plan.inputs(RULE, "scorer", "maas:routing:ModelTraffic").priority);
    expect(pinned.actions[0].forward.targetGroups).toEqual([
      {
        arn:
          plan.one("aws:lb/targetGroup:TargetGroup", "scorer-v1-1-0").urn.length > 0
            ? expect.stringContaining("scorer-1-1-0")
            : "",
        weight: 1,
      },
    ]);
    expect(pinned.listenerArn).toContain("listener/");
    expect(plan.inputs(HPA, "scorer-v1-0-0").spec.minReplicas).toBe(8);
    expect(plan.inputs(HPA, "scorer-v1-1-0").spec.minReplicas).toBe(2);
    const deployment = plan
      .ofType("kubernetes:apps/v1:Deployment")
      .find((d) => d.name === "scorer-v1-1-0")!;
    expect((deployment.inputs as any).spec.template.spec.containers[0].image).toBe(PINNED);
    // Host routing in prod: the pinned listener matches the model's host, as the client rule does.
    const targets = (plan.plan.outputs as any).models.scorer.rollout;
    expect(targets.pinnedUrl).toMatch(/^http:\/\/internal-[^/]*:9443\/$/);
    expect(targets.pinnedHost).toBe("scorer.models.example.com");
  });

  it("holds step 0 at the baseline: the new version is created at 0 %", async () => {
    const plan = await planOf({ stack: "prod", catalogue: CATALOGUE, rolloutRecords: [at(0)] });
    expect(forward(plan, "scorer")).toEqual([0, 100, 0]);
  });

  it("holds the baseline after an abort, and releases nothing of it", async () => {
    const plan = await planOf({
      stack: "prod",
      catalogue: CATALOGUE,
      rolloutRecords: [at(1, { status: "aborted", reason: "error rate" })],
    });
    expect(forward(plan, "scorer")).toEqual([0, 100, 0]);
    expect(plan.ofType(RULE, "maas:routing:PinnedRoute")).toEqual([]);
    expect(plan.inputs(HPA, "scorer-v1-0-0").spec.minReplicas).toBe(8);
  });

  it("applies the catalogue once the rollout completed, with the baseline's capacity released", async () => {
    const plan = await planOf({
      stack: "prod",
      catalogue: CATALOGUE,
      rolloutRecords: [at(2, { status: "completed" })],
    });
    expect(forward(plan, "scorer")).toEqual([0, 90, 10]);
    expect(plan.inputs(HPA, "scorer-v1-0-0").spec.minReplicas).toBe(2);
  });

  it("refuses a catalogue that retires a version the rollout still sends traffic to", async () => {
    await expect(
      planOf({
        stack: "prod",
        catalogue: CATALOGUE.replace(
          '"1.0.0": { traffic: 90 }',
          '"1.0.0": { retired: true }',
        ).replace('"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'),
        rolloutRecords: [at(1)],
      }),
    ).rejects.toThrow(
      /model scorer: rollout .* \(running\) holds 1\.0\.0 at 95%, which the catalogue retires or removes; keep it served until the rollout of 1\.1\.0 has ended/,
    );
  });

  it("refuses an unreadable record with where it is and what to do", async () => {
    await expect(
      planOf({
        stack: "prod",
        catalogue: CATALOGUE,
        rolloutRecords: [{ model: "scorer", schema: 2 }],
      }),
    ).rejects.toThrow(/records\.json\[0\]: the rollout record is unreadable \(schema: .*\)/);
  });
});

describe("a step's transition", () => {
  it("changes the traffic rule's weights in place, and nothing but what the step moves", async () => {
    const before = await planOf({ stack: "prod", catalogue: CATALOGUE, rolloutRecords: [at(0)] });
    const after = await planOf({ stack: "prod", catalogue: CATALOGUE, rolloutRecords: [at(1)] });
    const steps = transition(before.plan.resources, after.plan.resources).steps;
    expect(steps.map((s) => `${s.op} ${s.type.split(":").pop()}::${s.name}`)).toEqual([
      "update ListenerRule::scorer",
    ]);
  });

  it("the end of a rollout deletes the pinned route and lowers the baseline's minimum, in place", async () => {
    const before = await planOf({ stack: "prod", catalogue: CATALOGUE, rolloutRecords: [at(1)] });
    const after = await planOf({
      stack: "prod",
      catalogue: CATALOGUE,
      rolloutRecords: [at(2, { status: "completed" })],
    });
    const steps = transition(before.plan.resources, after.plan.resources).steps.map(
      (s) => `${s.op} ${s.type.split(":").pop()}::${s.name}`,
    );
    expect(steps).toEqual(
      expect.arrayContaining([
        "update ListenerRule::scorer",
        "delete ListenerRule::scorer",
        "update HorizontalPodAutoscaler::scorer-v1-0-0",
      ]),
    );
    expect(steps.filter((s) => s.startsWith("replace") || s.startsWith("create"))).toEqual([]);
  });
});

describe("what a rollout policy needs of the stack", () => {
  it("refuses a bake shorter than one alarm window, and says how long it must be", async () => {
    const catalogue = twoModels([
      "    owner: team-a",
      "    owner: team-a\n    rollout: { canary: 5, bakeMinutes: 3 }",
    ]);
    await expect(planOf({ stack: "prod", catalogue })).rejects.toThrow(
      /models\.scorer: version 0\.9\.0's rollout bakes 3 minutes, shorter than one alarm window of stack prod \(.*maas:alarmPeriodSeconds x maas:alarmEvaluationPeriods = 300 s\): bake at least 5 minutes/,
    );
    await expect(
      planOf({
        stack: "prod",
        catalogue,
        config: { "maas:alarmEvaluationPeriods": "3", "maas:alarmDatapoints": "2" },
      }),
    ).resolves.toBeDefined();
  });

  it("refuses a pre-traffic check nobody may run, until the pinned route admits the runners", async () => {
    const catalogue = twoModels([
      "    owner: team-a",
      "    owner: team-a\n    rollout: { canary: 5, preTraffic: { path: /healthz } }",
    ]);
    await expect(planOf({ stack: "prod", catalogue })).rejects.toThrow(
      /version 1\.1\.0's rollout checks it before traffic \(preTraffic\), but nothing may call the pinned route in stack prod: set maas:pinnedRouteCidrs/,
    );
    const plan = await planOf({
      stack: "prod",
      catalogue,
      config: { "maas:pinnedRouteCidrs": '["10.30.4.0/24"]' },
    });
    const admitted = plan
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((rule) => rule.inputs.fromPort === 9443);
    expect(admitted.map((rule) => rule.inputs.cidrIpv4)).toEqual(["10.30.4.0/24"]);
  });
});
