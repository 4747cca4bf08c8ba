/**
 * What a model's longest request sets on its way (components/specs/request-timing.ts,
 * shutdown.ts): pure functions, tested directly. A model that declares no `api:` keeps the
 * timings it always had; a long one gets a drain and a grace period that outlast it, and its
 * load balancer an idle timeout above it, all within AWS's ranges.
 */
import { describe, expect, it } from "vitest";
import type { ResolvedApi, ResolvedModel } from "../../catalogue";
import { deploymentSpec } from "../../components/specs/deployment";
import { IDLE_TIMEOUT_ENV } from "../../components/specs/pod";
import { loadBalancerIdleTimeouts } from "../../components/specs/request-timing";
import { targetGroupArgs } from "../../components/specs/routing";
import { shutdownTiming } from "../../components/specs/shutdown";
import { resolvedVersion } from "../helpers/resolved";

/**
 * AWS's ranges (Elastic Load Balancing API reference: LoadBalancerAttribute
 * `idle_timeout.timeout_seconds` 1-4000; TargetGroupAttribute
 * `deregistration_delay.timeout_seconds` 0-3600).
 */
const ALB_IDLE_MAX = 4000;
const DEREGISTRATION_MAX = 3600;

const model = (
  name: string,
  api?: ResolvedApi,
  loadBalancer = "main",
  version = resolvedVersion(),
): ResolvedModel => ({
  name,
  owner: "team-a",
  shard: "main",
  routing: { priority: 7, loadBalancer },
  versions: [version],
  ...(api ? { api } : {}),
});
const streamed = (timeoutSeconds: number): ResolvedApi => ({ streaming: true, timeoutSeconds });

describe("a model's shutdown", () => {
  it("is what it always was without api: (20 s preStop, 30 s drain, 65 s grace)", () => {
    expect(shutdownTiming(model("m"))).toEqual({
      preStopSeconds: 20,
      deregistrationDelaySeconds: 30,
      terminationGraceSeconds: 65,
    });
    // A shorter timeout than API Gateway's default never shortens the drain.
    expect(shutdownTiming(model("m", { streaming: false, timeoutSeconds: 10 }))).toEqual(
      shutdownTiming(model("m")),
    );
  });

  it("drains the longest request, and the grace period outlasts preStop and the drain", () => {
    const timing = shutdownTiming(model("m", streamed(600)));
    expect(timing).toEqual({
      preStopSeconds: 20,
      deregistrationDelaySeconds: 601,
      terminationGraceSeconds: 636,
    });
    // The longest a catalogue may declare stays within the target group's range.
    const longest = shutdownTiming(model("m", streamed(900)));
    expect(longest.deregistrationDelaySeconds).toBeLessThanOrEqual(DEREGISTRATION_MAX);
    expect(longest.terminationGraceSeconds).toBeGreaterThan(
      longest.preStopSeconds + longest.deregistrationDelaySeconds,
    );
  });

  it("reaches the pod and the target group from the same function", () => {
    const long = model("m", streamed(600));
    const pod = deploymentSpec({
      model: long,
      version: long.versions[0]!,
      image: "registry.example.com/m@sha256:0",
      artifactUri: "s3://bucket/m/1.0.0/",
      serviceAccountName: "m",
      gpu: { nodeSelector: {}, tolerations: [] },
      admission: {},
    }).template as any;
    expect(pod.spec.terminationGracePeriodSeconds).toBe(636);
    expect(pod.spec.containers[0].lifecycle.preStop.sleep.seconds).toBe(20);
    expect(targetGroupArgs(long, long.versions[0]!, "vpc-1").deregistrationDelay).toBe(601);
    expect(targetGroupArgs(model("m"), long.versions[0]!, "vpc-1").deregistrationDelay).toBe(30);
  });
});

describe("a load balancer's idle timeout", () => {
  it("is left to ALB's 60 s while no model on it needs more", () => {
    expect(loadBalancerIdleTimeouts([model("a"), model("b", streamed(55))])).toEqual({});
  });

  it("covers the longest request of the models on it, per load balancer", () => {
    const models = [
      model("a", streamed(600)),
      model("b", { streaming: false, timeoutSeconds: 120 }),
      model("c", { streaming: false, timeoutSeconds: 90 }, "search"),
      model("d", undefined, "other"),
    ];
    expect(loadBalancerIdleTimeouts(models)).toEqual({ main: 605, search: 95 });
    expect(loadBalancerIdleTimeouts([model("a", streamed(900))]).main).toBeLessThanOrEqual(
      ALB_IDLE_MAX,
    );
  });

  it("ignores models that serve nothing (every version retired)", () => {
    const retired = resolvedVersion({ status: "retired", traffic: 0 });
    expect(loadBalancerIdleTimeouts([model("a", streamed(600), "main", retired)])).toEqual({});
  });

  it("is told to the server only where raised, so it keeps idle connections open longer", () => {
    const env = (loadBalancerIdleSeconds?: number) =>
      (
        deploymentSpec({
          model: model("m"),
          version: resolvedVersion(),
          image: "registry.example.com/m@sha256:0",
          artifactUri: "s3://bucket/m/1.0.0/",
          serviceAccountName: "m",
          gpu: { nodeSelector: {}, tolerations: [] },
          admission: {},
          ...(loadBalancerIdleSeconds === undefined ? {} : { loadBalancerIdleSeconds }),
        }).template as any
      ).spec.containers[0].env as { name: string; value: string }[];
    expect(env().map((e) => e.name)).not.toContain(IDLE_TIMEOUT_ENV);
    expect(env(605)).toContainEqual({ name: IDLE_TIMEOUT_ENV, value: "605" });
  });
});
