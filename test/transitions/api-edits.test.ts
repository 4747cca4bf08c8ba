/**
 * A model's `api:` edited on a deployed stack, as `pulumi up` would apply it: what its timeout
 * sets (target groups' drain, pods' grace period, the load balancer's idle timeout, the servers'
 * env) changes in place or rolls the pods, and nothing is replaced, deleted or collides.
 */
import { describe, expect, it } from "vitest";
import { withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";
import type { TransitionFixture } from "../helpers/transition";

/** scorer (three served versions) with an `api:` of its own; ranker shares its load balancer. */
const scorerApi = (api: string) =>
  twoModels(["    owner: team-a\n", `    owner: team-a\n    api: ${api}\n`]);
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const TG = "aws:lb/targetGroup:TargetGroup";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const INTEGRATION = "aws:apigateway/integration:Integration";

/** Nothing is replaced, created or deleted: every step is an update. */
function onlyUpdates(t: TransitionFixture) {
  expect(t.findings).toEqual([]);
  expect(t.steps.filter((step) => !step.startsWith("update "))).toEqual([]);
}

describe("a long request, planned", () => {
  it("drains it, outlasts it and keeps its connections idle long enough; the defaults stay", async () => {
    const plain = await planOf({ catalogue: twoModels() });
    const long = await planOf({ catalogue: scorerApi("{ streaming: true, timeout: 10m }") });
    expect(plain.inputs(LB, "ingress")).not.toHaveProperty("idleTimeout");
    expect(long.inputs(LB, "ingress").idleTimeout).toBe(605);
    for (const version of ["1.0.0", "1.1.0", "0.9.0"]) {
      const workload = `scorer-v${version.replace(/\./g, "-")}`;
      expect(plain.inputs(TG, workload).deregistrationDelay).toBe(30);
      expect(long.inputs(TG, workload).deregistrationDelay).toBe(601);
      expect(plain.inputs(DEPLOYMENT, workload).spec.template.spec).toMatchObject({
        terminationGracePeriodSeconds: 65,
      });
      expect(long.inputs(DEPLOYMENT, workload).spec.template.spec).toMatchObject({
        terminationGracePeriodSeconds: 636,
      });
    }
    // ranker declares nothing: it drains as before, but its server must keep connections open
    // as long as the load balancer it shares with scorer now does.
    expect(long.inputs(TG, "ranker-v2-0-0").deregistrationDelay).toBe(30);
    const env = (plan: typeof long, workload: string) =>
      plan.inputs(DEPLOYMENT, workload).spec.template.spec.containers[0].env;
    expect(env(long, "ranker-v2-0-0")).toContainEqual({
      name: "LOAD_BALANCER_IDLE_SECONDS",
      value: "605",
    });
    expect(env(plain, "ranker-v2-0-0").map((e: { name: string }) => e.name)).not.toContain(
      "LOAD_BALANCER_IDLE_SECONDS",
    );
  });

  it("raises only the idle timeout of the model's own load balancer", async () => {
    const apart = await planOf({
      catalogue: twoModels([
        "    owner: team-a\n",
        "    owner: team-a\n    routing: { loadBalancer: chat }\n    api: { streaming: true, timeout: 15m }\n",
      ]),
    });
    expect(apart.inputs(LB, "ingress-chat").idleTimeout).toBe(905);
    expect(apart.inputs(LB, "ingress")).not.toHaveProperty("idleTimeout");
    const ranker = apart.inputs(DEPLOYMENT, "ranker-v2-0-0").spec.template.spec.containers[0];
    expect(ranker.env.map((e: { name: string }) => e.name)).not.toContain(
      "LOAD_BALANCER_IDLE_SECONDS",
    );
  });
});

describe("api: edits, from deployed to next", () => {
  it("declare a long request: target groups and the load balancer change in place, pods roll", async () => {
    const t = await transitionBetween(
      { catalogue: twoModels() },
      { catalogue: scorerApi("{ streaming: true, timeout: 10m }") },
    );
    onlyUpdates(t);
    expect(t.step("TargetGroup", "scorer-v1-0-0").paths).toEqual(["deregistrationDelay"]);
    expect(t.step("LoadBalancer", "ingress").paths).toEqual(["idleTimeout"]);
    // A rolling update of each version (the grace period is in the pod template)…
    expect(t.step("Deployment", "scorer-v1-0-0").paths).toEqual(
      expect.arrayContaining(["spec.template.spec.terminationGracePeriodSeconds"]),
    );
    // …and of ranker's, told the shared load balancer's idle timeout; its group is untouched.
    expect(t.step("Deployment", "ranker-v2-0-0").op).toBe("update");
    expect(t.steps).not.toContain("update TargetGroup::ranker-v2-0-0");
  });

  it("change the timeout: the same updates, nothing else", async () => {
    const t = await transitionBetween(
      { catalogue: scorerApi("{ streaming: true, timeout: 10m }") },
      { catalogue: scorerApi("{ streaming: true, timeout: 2m }") },
    );
    onlyUpdates(t);
    expect(t.step("TargetGroup", "scorer-v1-1-0").paths).toEqual(["deregistrationDelay"]);
    expect(t.step("LoadBalancer", "ingress").paths).toEqual(["idleTimeout"]);
  });

  it("drop api: the timings return to the defaults in place; the idle timeout reverts to ALB's", async () => {
    const t = await transitionBetween(
      { catalogue: scorerApi("{ timeout: 2m }") },
      { catalogue: twoModels() },
    );
    onlyUpdates(t);
    expect(t.step("LoadBalancer", "ingress").paths).toEqual(["idleTimeout"]);
    expect(t.step("TargetGroup", "scorer-v0-9-0").resource.inputs.deregistrationDelay).toBe(30);
  });

  it("toggle streaming alone on a stack without a front door: nothing to change", async () => {
    const t = await transitionBetween(
      { catalogue: scorerApi("{ timeout: 2m }") },
      { catalogue: scorerApi("{ streaming: true, timeout: 2m }") },
    );
    expect(t.findings).toEqual([]);
    expect(t.steps).toEqual(["update BucketObjectv2::registry-catalogue-snapshot"]);
  });
});

describe("api: behind the front door", () => {
  const streamedScorer = (api: string) =>
    withConsumers([
      "    access: [checkout, partner]\n",
      `    access: [checkout, partner]\n    api: ${api}\n`,
    ]);

  it("sets the model's integrations alone: its timeout and streaming, explicit; the others keep API Gateway's defaults", async () => {
    const plan = await planOf({ catalogue: streamedScorer("{ streaming: true, timeout: 10m }") });
    for (const api of ["sigv4", "apikey"])
      for (const method of ["get", "post"]) {
        expect(plan.inputs(INTEGRATION, `front-door-${api}-scorer-${method}`)).toMatchObject({
          timeoutMilliseconds: 600_000,
          responseTransferMode: "STREAM",
        });
        const ranker = plan.inputs(INTEGRATION, `front-door-${api}-ranker-${method}`);
        expect(ranker).not.toHaveProperty("timeoutMilliseconds");
        expect(ranker).not.toHaveProperty("responseTransferMode");
      }
    const buffered = await planOf({ catalogue: streamedScorer("{ timeout: 20s }") });
    expect(buffered.inputs(INTEGRATION, "front-door-sigv4-scorer-get")).toMatchObject({
      timeoutMilliseconds: 20_000,
      responseTransferMode: "BUFFERED",
    });
  });

  it("declare streaming: the integrations update in place and a new API deployment makes it live", async () => {
    const t = await transitionBetween(
      { catalogue: withConsumers() },
      { catalogue: streamedScorer("{ streaming: true, timeout: 10m }") },
    );
    expect(t.findings).toEqual([]);
    expect(t.step("Integration", "front-door-sigv4-scorer-post")).toMatchObject({
      op: "update",
      paths: ["responseTransferMode", "timeoutMilliseconds"],
    });
    expect(t.steps).not.toContain("update Integration::front-door-sigv4-ranker-post");
    for (const api of ["front-door-sigv4", "front-door-apikey"]) {
      expect(t.step("Deployment", api)).toMatchObject({
        op: "replace",
        deleteFirst: false,
        causes: ["triggers.configuration"],
      });
      expect(t.at("Deployment", api)).toBeGreaterThan(t.at("Integration", `${api}-scorer-get`));
    }
    // Only the API's deployments are replaced; the integration waits for the pods that outlast
    // the longer requests (through the model's rule), so none reaches a pod timed for 29 s.
    expect(
      t.transition.steps
        .filter((s) => s.op === "replace")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["front-door-apikey", "front-door-sigv4"]);
    expect(t.at("Integration", "front-door-sigv4-scorer-get")).toBeGreaterThan(
      t.at("Deployment", "scorer-v1-0-0"),
    );
  });

  it("turn streaming off: BUFFERED is sent, and the API is redeployed", async () => {
    const t = await transitionBetween(
      { catalogue: streamedScorer("{ streaming: true, timeout: 2m }") },
      { catalogue: streamedScorer("{ streaming: false, timeout: 20s }") },
    );
    expect(t.findings).toEqual([]);
    expect(t.step("Integration", "front-door-apikey-scorer-get").resource.inputs).toMatchObject({
      responseTransferMode: "BUFFERED",
      timeoutMilliseconds: 20_000,
    });
    expect(t.step("Deployment", "front-door-apikey").op).toBe("replace");
  });
});

describe("a buffered request longer than the account's API Gateway quota", () => {
  const buffered = withConsumers([
    "    access: [checkout, partner]\n",
    "    access: [checkout, partner]\n    api: { timeout: 2m }\n",
  ]);

  it("is refused before any resource, at its line, saying what to do", async () => {
    await expect(planOf({ catalogue: buffered })).rejects.toThrow(
      /models\.yaml:\d+:\d+: models\.scorer\.api\.timeout: a buffered request of 120 s through the front door is more than stack dev's API Gateway quota allows \(maas:apiTimeoutQuotaSeconds: 29 s, Pulumi\.dev\.yaml\): stream the response \(streaming: true, up to 15m, no quota\), or have AWS raise the region's integration timeout quota \(it may lower the account's throttle quota\) and set maas:apiTimeoutQuotaSeconds to it \[stack-config\/api-timeout-quota\]/,
    );
  });

  it("plans once the stack says the quota was raised; streaming needs no quota; without a front door there is none", async () => {
    const raised = await planOf({
      catalogue: buffered,
      config: { "maas:apiTimeoutQuotaSeconds": "120" },
    });
    expect(raised.inputs(INTEGRATION, "front-door-sigv4-scorer-get").timeoutMilliseconds).toBe(
      120_000,
    );
    await planOf({
      catalogue: withConsumers([
        "    access: [checkout, partner]\n",
        "    access: [checkout, partner]\n    api: { streaming: true, timeout: 15m }\n",
      ]),
    });
    await planOf({ catalogue: scorerApi("{ timeout: 5m }") });
  });
});
