/**
 * Cold standby, both ways, as `pulumi up` would apply it to a deployed stack: a warm standby going
 * cold loses everything that runs or costs (pods, autoscaler, budget, target group, binding,
 * Service, alarms) after the rules stop naming it; a cold standby given traffic (a rollback) or
 * woken at 0 % is created like a new version, and the model's rule moves only after its
 * Deployment's rollout (pulumi-kubernetes waits for its pods to be Ready). Each plans the base and
 * the head, derives the engine's steps (change/transition.ts) and judges them
 * (change/transition-rules.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dependencyClosure } from "../../change/transition";
import { checkAwsResources } from "../../policy/aws-rules";
import { checkKubernetesObjects } from "../../policy";
import type { KubernetesObject } from "../../policy";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";
import type { TransitionFixture } from "../helpers/transition";

/** What a running version has and a cold standby has not. */
const RUNNING = [
  "Deployment",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "Service",
  "TargetGroupBinding",
  "TargetGroup",
];
const ALARMS = ["p99-latency", "error-rate", "unhealthy-hosts", "no-healthy-hosts"];

const warm = twoModels();
const cold = twoModels(['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 0, standby: cold }']);

/** The weighted rule of a model waits for a Deployment: it comes later and depends on it. */
function expectRuleAfterRollout(fixture: TransitionFixture, model: string, workload: string) {
  const rule = fixture.step("ListenerRule", model);
  const deployment = fixture.step("Deployment", workload);
  expect(fixture.at("ListenerRule", model)).toBeGreaterThan(fixture.at("Deployment", workload));
  expect(dependencyClosure(fixture.transition.head)(rule.urn).has(deployment.urn)).toBe(true);
}

/** The target groups a model's client rule forwards to, with their weights, by group name. */
function forwards(plan: PlanFixture, model: string): Record<string, number> {
  const groups = new Map(
    plan
      .ofType("aws:lb/targetGroup:TargetGroup")
      .map((g) => [`${g.name}`, String(g.inputs.name)] as const),
  );
  const rule = plan.inputs("aws:lb/listenerRule:ListenerRule", model);
  const targets = rule.actions[0].forward.targetGroups as { arn: string; weight: number }[];
  return Object.fromEntries(
    targets.map((t) => {
      const name = [...groups.entries()].find(([, physical]) => t.arn.includes(physical))?.[0];
      return [name ?? t.arn, t.weight];
    }),
  );
}

let coldPlan: PlanFixture;
beforeAll(async () => {
  coldPlan = await planOf({ catalogue: cold });
});

describe("a cold standby in the plan", () => {
  it("runs nothing: no pods, autoscaler, budget, target group, binding, Service or alarms", () => {
    const named = (type: string) =>
      coldPlan.plan.resources.filter(
        (r) => r.custom && r.type.endsWith(`:${type}`) && r.name === "scorer-v0-9-0",
      );
    for (const type of RUNNING) expect(named(type), type).toEqual([]);
    const alarms = coldPlan
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => a.name.startsWith("scorer-v0-9-0-"));
    expect(alarms).toEqual([]);
    // The other versions run as before.
    expect(coldPlan.one("kubernetes:apps/v1:Deployment", "scorer-v1-0-0")).toBeDefined();
  });

  it("keeps what it is woken from: its image and its registry item, which says standby", () => {
    const item = coldPlan.inputs("aws:dynamodb/tableItem:TableItem", "scorer-v0-9-0");
    expect(JSON.parse(item.item).status.S).toBe("standby");
    const images = coldPlan.ofType("docker-build:index:Image");
    expect(images.length).toBeGreaterThan(0);
  });

  it("is in neither rule: the client rule forwards to the running versions only", () => {
    expect(Object.keys(forwards(coldPlan, "scorer")).sort()).toEqual([
      "scorer-v1-0-0",
      "scorer-v1-1-0",
    ]);
    const readiness = coldPlan.inputs("aws:lb/listenerRule:ListenerRule", "scorer-readiness");
    expect(readiness.actions[0].forward.targetGroups).toHaveLength(2);
  });

  it("passes every rule on planned resources (nothing of it is left half there)", () => {
    const objects = coldPlan.manifests.map((m) => m.object as KubernetesObject);
    // A Service without pods (RULES-14) or a target group without an absence alarm (RULES-28)
    // would be violations here.
    expect(checkKubernetesObjects(objects, { production: false })).toEqual([]);
    expect(checkAwsResources(coldPlan.plan.resources, { production: false })).toEqual([]);
  });
});

describe("cold standby transitions", () => {
  it("warm to cold: its workload, routing and alarms go after both rules stop naming it", async () => {
    const t = await transitionBetween({ catalogue: warm }, { catalogue: cold });
    expect(t.findings).toEqual([]);
    for (const type of RUNNING) expect(t.step(type, "scorer-v0-9-0").op, type).toBe("delete");
    for (const kind of ALARMS)
      expect(t.step("MetricAlarm", `scorer-v0-9-0-${kind}`).op, kind).toBe("delete");
    // Deletes run last: the rules no longer forward to the group when it goes.
    expect(t.step("ListenerRule", "scorer").op).toBe("update");
    expect(t.at("ListenerRule", "scorer")).toBeLessThan(t.at("TargetGroup", "scorer-v0-9-0"));
    expect(t.at("ListenerRule", "scorer-readiness")).toBeLessThan(
      t.at("TargetGroup", "scorer-v0-9-0"),
    );
    // History stays: no image or record is deleted, the record still says standby.
    expect(t.steps.filter((s) => /^delete (Image|TableItem|Repository)::/.test(s))).toEqual([]);
    expect(t.steps.some((s) => s.includes("TableItem::scorer-v0-9-0"))).toBe(false);
  });

  it("cold to live (a rollback): woken first, created like a new version, the rule moves after its rollout", async () => {
    const t = await transitionBetween(coldPlan, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 0 }'],
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 100 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    for (const type of RUNNING) expect(t.step(type, "scorer-v0-9-0").op, type).toBe("create");
    // The readiness rule puts the new group in use and the binding exists before any pod.
    expect(t.at("ListenerRule", "scorer-readiness")).toBeLessThan(
      t.at("Deployment", "scorer-v0-9-0"),
    );
    expect(t.at("TargetGroupBinding", "scorer-v0-9-0")).toBeLessThan(
      t.at("Deployment", "scorer-v0-9-0"),
    );
    expectRuleAfterRollout(t, "scorer", "scorer-v0-9-0");
    // Woken at the autoscaler's minimum (pulumi-kubernetes waits for that many Ready pods), not one.
    const deployment = t.step("Deployment", "scorer-v0-9-0").resource.inputs as any;
    expect(deployment.spec.replicas).toBe(2);
    expect(t.steps.filter((s) => s.startsWith("delete"))).toEqual([]);
  });

  it("cold to warm at 0 %: woken without traffic, its group in the rule at weight 0 only after its rollout", async () => {
    const t = await transitionBetween(coldPlan, { catalogue: warm });
    expect(t.findings).toEqual([]);
    for (const type of RUNNING) expect(t.step(type, "scorer-v0-9-0").op, type).toBe("create");
    expectRuleAfterRollout(t, "scorer", "scorer-v0-9-0");
  });

  it("an unrelated edit leaves a cold standby cold: nothing of it is created", async () => {
    const t = await transitionBetween(coldPlan, {
      catalogue: twoModels(
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 0, standby: cold }'],
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 50 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 50 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    expect(t.steps.filter((s) => s.includes("scorer-v0-9-0"))).toEqual([]);
  });

  it("live to cold in one change: refused, its traffic must leave in an earlier update", async () => {
    const t = await transitionBetween(
      { catalogue: warm },
      {
        catalogue: twoModels(
          ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0, standby: cold }'],
          ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'],
        ),
      },
    );
    expect(t.findings.filter((f) => f.severity === "refuse")).toEqual([
      {
        rule: "RULES-25/traffic-follows-readiness",
        severity: "refuse",
        urn: t.step("Deployment", "scorer-v1-0-0").urn,
        message:
          "Deployment scorer-v1-0-0 is removed while ListenerRule scorer still sends it 90: move its traffic to the other versions first (traffic: 0, a warm standby), apply, then retire it or make it a cold standby (standby: cold)",
      },
    ]);
  });

  it("a model's default (standby: cold) makes its standby cold, and a version's warm keeps one running", async () => {
    const byDefault = twoModels(["    owner: team-a", "    owner: team-a\n    standby: cold"]);
    const t = await transitionBetween({ catalogue: warm }, { catalogue: byDefault });
    expect(t.findings).toEqual([]);
    expect(t.step("Deployment", "scorer-v0-9-0").op).toBe("delete");
    const kept = twoModels(
      ["    owner: team-a", "    owner: team-a\n    standby: cold"],
      ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 0, standby: warm }'],
    );
    const none = await transitionBetween({ catalogue: warm }, { catalogue: kept });
    expect(none.steps.filter((s) => s.includes("scorer-v0-9-0"))).toEqual([]);
  });
});
