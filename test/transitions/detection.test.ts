/**
 * Each transition rule catches the mistake it exists for. A known-good transition is mutated
 * into the shape the stack once had (a fixed name, a missing dependency, an update the webhook
 * refuses, a deleted record…), as the policy tests mutate a compliant resource: one mutation
 * per case, asserting the rule and its message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { planOf } from "../helpers/plan";
import { twoModels } from "../helpers/transition";

type Plan = RecordedResource[];
const CERTIFICATE =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678";

let base: Plan;
let withCanary: Plan;
let flipped: Plan;
let flippedBase: Plan;

beforeAll(async () => {
  base = (await planOf({ catalogue: twoModels() })).plan.resources;
  withCanary = (
    await planOf({
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 80 }'],
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 0 }\n      "1.2.0": { traffic: 10 }'],
      ),
    })
  ).plan.resources;
  const internal = { "maas:certificateArn": CERTIFICATE };
  flippedBase = (await planOf({ catalogue: twoModels(), config: internal })).plan.resources;
  flipped = (
    await planOf({
      catalogue: twoModels(),
      config: { ...internal, "maas:internetFacing": "true" },
    })
  ).plan.resources;
});

const copy = (plan: Plan): Plan => structuredClone(plan);
const find = (plan: Plan, type: string, name: string) =>
  plan.find((r) => r.type.endsWith(`:${type}`) && r.name === name)!;
const judged = (before: Plan, after: Plan) =>
  judgeTransition(transition(before, after)).map((f) => `${f.rule}: ${f.message}`);

describe("transition rules catch what they exist for", () => {
  it("the good transitions pass", () => {
    expect(judged(base, withCanary)).toEqual([]);
    expect(judged(flippedBase, flipped)).toEqual([]);
  });

  it("RULES-22: a load balancer replaced under its fixed name (DuplicateLoadBalancerName)", () => {
    const head = copy(flipped);
    find(head, "LoadBalancer", "ingress").inputs.name = find(
      flippedBase,
      "LoadBalancer",
      "ingress",
    ).inputs.name;
    expect(judged(flippedBase, head)).toContainEqual(
      expect.stringMatching(
        /^RULES-22\/create-before-delete: LoadBalancer ingress is replaced \(internal changed\) and the new one is created before the old is deleted, under the same load balancer maas-dev-[0-9a-f]{6}: the create fails/,
      ),
    );
  });

  it("RULES-22: a port-80 listener renamed beside the one it replaces (DuplicateListener)", () => {
    const head = copy(base);
    const listener = find(head, "Listener", "ingress-http");
    listener.name = "ingress-http-redirect";
    listener.urn = listener.urn.replace(/::ingress-http$/, "::ingress-http-redirect");
    expect(judged(base, head)).toContainEqual(
      expect.stringMatching(
        /^RULES-22\/create-before-delete: Listener ingress-http-redirect takes listener on port 80 of .*, which Listener ingress-http holds until the end of the update: the create fails$/,
      ),
    );
  });

  it("RULES-23: a binding whose target group changes in place (the webhook refuses spec.targetGroupARN)", () => {
    const head = copy(flipped);
    const bound = find(head, "TargetGroupBinding", "scorer-v1-0-0");
    const old = find(flippedBase, "TargetGroupBinding", "scorer-v1-0-0");
    (bound.inputs.metadata as any).name = (old.inputs.metadata as any).name;
    delete bound.options!.replaceOnChanges;
    expect(judged(flippedBase, head)).toContainEqual(
      "RULES-23/immutable-fields: TargetGroupBinding scorer-v1-0-0: spec.targetGroupARN cannot change in place (the admission webhook refuses it) and nothing asks for a replacement: give the resource replaceOnChanges for these fields and a name that changes with them",
    );
  });

  it("RULES-24: a Deployment admitted before its binding (no readiness gate)", () => {
    const head = copy(withCanary);
    const deployment = find(head, "Deployment", "scorer-v1-2-0");
    const binding = find(head, "TargetGroupBinding", "scorer-v1-2-0");
    deployment.dependencies = deployment.dependencies.filter((urn) => urn !== binding.urn);
    expect(judged(base, head)).toContainEqual(
      "RULES-24/admission-order: Deployment scorer-v1-2-0 does not wait for TargetGroupBinding scorer-v1-2-0: its pods get the binding's readiness gate only if it exists when they are admitted",
    );
  });

  it("RULES-24: a Deployment admitted before its role's policy (pods without permissions)", () => {
    const head = copy(withCanary);
    const deployment = find(head, "Deployment", "scorer-v1-2-0");
    const policy = find(head, "RolePolicy", "scorer-artifacts");
    deployment.dependencies = deployment.dependencies.filter((urn) => urn !== policy.urn);
    expect(judged(base, head)).toContainEqual(
      "RULES-24/admission-order: Deployment scorer-v1-2-0 does not wait for RolePolicy scorer-artifacts: its pods would start without the permissions they read their artifacts with",
    );
  });

  it("RULES-24: a namespace without readiness-gate injection", () => {
    const head = copy(base);
    delete (find(head, "Namespace", "scorer").inputs.metadata as any).labels[
      "elbv2.k8s.aws/pod-readiness-gate-inject"
    ];
    expect(judged(base, head)).toContainEqual(
      expect.stringMatching(
        /^RULES-24\/admission-order: namespace scorer lacks elbv2\.k8s\.aws\/pod-readiness-gate-inject: enabled/,
      ),
    );
  });

  it("RULES-24: credentials change under pods that are not replaced", () => {
    const head = copy(base);
    const account = find(head, "ServiceAccount", "scorer");
    (account.inputs.metadata as any).annotations["eks.amazonaws.com/role-arn"] =
      "arn:aws:iam::123456789012:role/another";
    expect(judged(base, head)).toContainEqual(
      "RULES-24/admission-order: Deployment scorer-v1-0-0: its ServiceAccount's credentials change but its pods are not replaced; they keep what they were admitted with. Name the identity in the pod template so the change rolls them",
    );
  });

  it("RULES-25: a new version's share sent before its rollout (the rule not ordered after the Deployment)", () => {
    const head = copy(withCanary);
    const rule = head.find(
      (r) =>
        r.type.endsWith(":ListenerRule") && r.name === "scorer" && r.urn.includes("ModelTraffic"),
    )!;
    const deployment = find(head, "Deployment", "scorer-v1-2-0");
    rule.dependencies = rule.dependencies.filter((urn) => urn !== deployment.urn);
    expect(judged(base, head)).toContainEqual(
      "RULES-25/traffic-follows-readiness: ListenerRule scorer sends 10 to Deployment scorer-v1-2-0's target group without waiting for its rollout: requests fail until its pods are registered and healthy (weighted forwarding does not fail over)",
    );
  });

  it("RULES-26: a registry item deleted with its version", () => {
    const head = copy(base).filter(
      (r) => !(r.type.endsWith(":TableItem") && r.name === "scorer-v0-8-0"),
    );
    const before = copy(base);
    delete find(before, "TableItem", "scorer-v0-8-0").options;
    expect(judged(before, head)).toContainEqual(
      "RULES-26/history-kept: TableItem scorer-v0-8-0 is deleted: its data goes with it; keep it (retainOnDelete)",
    );
  });

  it("RULES-26: an image rebuilt under its existing tag (ImageTagAlreadyExistsException)", () => {
    const head = copy(base);
    const image = head.find((r) => r.type === "docker-build:index:Image")!;
    image.inputs.platforms = ["linux/arm64"];
    expect(judged(base, head)).toContainEqual(
      expect.stringMatching(
        /^RULES-26\/history-kept: Image scorer-ctx-[0-9a-f]{16} changes \(platforms\[=linux\/amd64\], platforms\[=linux\/arm64\]\) under the same tags: docker-build rebuilds and pushes them again/,
      ),
    );
  });

  it("RULES-26: an image pushed under new tags is no second push (the generation added on upgrade)", () => {
    const head = copy(base);
    const image = head.find((r) => r.type === "docker-build:index:Image")!;
    image.inputs.tags = (image.inputs.tags as string[]).map((tag) => `${tag}-0a1b2c3d`);
    expect(judged(base, head).filter((f) => f.startsWith("RULES-26"))).toEqual([]);
  });

  it("RULES-27: two resources under one physical name (an alarm silently replaced)", () => {
    const head = copy(base);
    const alarms = head.filter((r) => r.type.endsWith(":MetricAlarm"));
    alarms[1]!.inputs.name = alarms[0]!.inputs.name;
    expect(judged(base, head)).toContainEqual(
      expect.stringMatching(
        /^RULES-27\/unique-names: alarm maas-dev_\S+ is also urn:pulumi:dev::maas::/,
      ),
    );
  });
});
