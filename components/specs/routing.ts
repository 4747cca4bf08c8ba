/**
 * How requests reach a model version: the listener rule of a model (conditions and weights)
 * and the target group of a version (name, health check, deregistration).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";
import { NAME_LIMITS, shortHash, versionSlug } from "../../catalogue/names";
import { DEREGISTRATION_DELAY_SECONDS } from "./shutdown";

export type Routing = { mode: "path" } | { mode: "host"; domain: string };

/** Where a model is served: `/models/<name>` (and below), or the host `<name>.<domain>`. */
export function ruleConditions(
  model: string,
  routing: Routing,
): aws.types.input.lb.ListenerRuleCondition[] {
  return routing.mode === "path"
    ? [{ pathPattern: { values: [`/models/${model}`, `/models/${model}/*`] } }]
    : [{ hostHeader: { values: [`${model}.${routing.domain}`] } }];
}

/** The model's endpoint on the load balancer. */
export function endpointPath(model: string, routing: Routing): { host?: string; path: string } {
  return routing.mode === "path"
    ? { path: `/models/${model}/` }
    : { host: `${model}.${routing.domain}`, path: "/" };
}

/**
 * Forward to every served version's target group with the catalogue's traffic as weights:
 * standby versions stay in the rule at weight 0, so a rollback is one weight edit.
 */
export function forwardAction(
  weights: { targetGroupArn: pulumi.Input<string>; weight: number }[],
): aws.types.input.lb.ListenerRuleAction[] {
  return [
    {
      type: "forward",
      forward: {
        targetGroups: weights.map(({ targetGroupArn, weight }) => ({
          arn: targetGroupArn,
          weight,
        })),
        // No stickiness: a canary's share must follow the weights, not earlier sessions.
        stickiness: { enabled: false, duration: 1 },
      },
    },
  ];
}

/**
 * Target group names are at most 32 characters and unique per account and region. The name is
 * the model and version (trimmed to fit) and a hash of the stack, the model, the version and
 * everything that forces AWS to replace a target group (VPC, port): a replacement gets a new
 * name, so it can be created before the old one is deleted.
 */
export function targetGroupName(
  stack: string,
  model: string,
  version: string,
  replacementKey: { vpcId: string; port: number },
): string {
  const suffix = shortHash(
    `${stack}/${model}/${version}/${replacementKey.vpcId}/${replacementKey.port}`,
    6,
  );
  const readable = `${model}-${versionSlug(version)}`
    .slice(0, NAME_LIMITS.targetGroup - suffix.length - 1)
    .replace(/-+$/, "");
  return `${readable}-${suffix}`;
}

export function targetGroupArgs(
  version: ResolvedVersion,
  vpcId: string,
): Omit<aws.lb.TargetGroupArgs, "name" | "tags"> {
  return {
    vpcId,
    targetType: "ip",
    port: version.port,
    protocol: "HTTP",
    protocolVersion: "HTTP1",
    // Inference latency varies a lot per request: send to the target with the fewest in flight.
    loadBalancingAlgorithmType: "least_outstanding_requests",
    // Matches the pod's preStop delay and grace period (shutdown.ts).
    deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: version.healthCheck.path,
      matcher: "200-299",
      interval: 10,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
  };
}

/** The versions a model's rule forwards to: every one that is not retired. */
export function servedVersions(model: ResolvedModel): ResolvedVersion[] {
  return model.versions.filter((version) => version.status !== "retired");
}
