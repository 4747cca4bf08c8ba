/**
 * How requests reach a model version: the listener rule of a model (conditions and weights)
 * and the target group of a version (name, health check, deregistration).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";
import { shutdownTiming } from "./shutdown";

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

/**
 * What API Gateway may put before the path of a private integration: the stage, which is a
 * consumer's name (catalogue/schema.ts, CONSUMER_NAME: a letter, then up to 31 letters, digits
 * and dashes). AWS's guide on private integrations for REST APIs ("Considerations") says the
 * stage is included in the request sent to the integration; aws-cdk's integration test of a
 * REST API through a VPC link v2 to an Application Load Balancer shows the path from the
 * integration's URI alone. Which one a real account sends is on the smoke test's checklist
 * (npm run smoke, docs/front-door.md); the rule below accepts both and hands the model the same path.
 */
const STAGE_PREFIX = "([a-z][a-z0-9-]{0,31}/)?";

/**
 * With host routing, the front door's integrations call `/<FRONT_DOOR_PATH>/{proxy}`, so that
 * a stage before it can never be taken for a segment of the model's own path.
 */
export const FRONT_DOOR_PATH = "maas-front-door";

/**
 * A model's traffic rule behind the front door: its path (path routing) or its host and the
 * front door's marker (host routing), with or without a stage before it, matched by one regex
 * path condition; one url-rewrite transform (a rule holds one) gives the model the path it
 * serves: `/models/<m>/…` (path routing) or `/…` (host routing). Nothing but the front door
 * reaches the client listener then, so only its requests are rewritten. The regexes fit ALB's
 * limits (a path regex of 128 characters; model names are at most 63) and use capture groups
 * only.
 */
export function frontDoorMatch(
  model: string,
  routing: Routing,
): {
  conditions: aws.types.input.lb.ListenerRuleCondition[];
  transforms: aws.types.input.lb.ListenerRuleTransform[];
} {
  const regex =
    routing.mode === "path"
      ? `^/${STAGE_PREFIX}(models/${model}(/.*)?)$`
      : `^/${STAGE_PREFIX}${FRONT_DOOR_PATH}(/.*)$`;
  return {
    conditions: [
      ...(routing.mode === "host"
        ? [{ hostHeader: { values: [`${model}.${routing.domain}`] } }]
        : []),
      { pathPattern: { regexValues: [regex] } },
    ],
    transforms: [
      {
        type: "url-rewrite",
        urlRewriteConfig: { rewrite: { regex, replace: routing.mode === "path" ? "/$2" : "$2" } },
      },
    ],
  };
}

/** The model's endpoint on the load balancer. */
export function endpointPath(model: string, routing: Routing): { host?: string; path: string } {
  return routing.mode === "path"
    ? { path: `/models/${model}/` }
    : { host: `${model}.${routing.domain}`, path: "/" };
}

/**
 * Forward to target groups by weight: the model's rule with the catalogue's traffic (standby
 * versions stay at weight 0, so a rollback is one weight edit), the readiness rule with 1 each.
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
 * The target group's own port. The AWS Load Balancer Controller registers every pod with the
 * port of its Service endpoint (pkg/targetgroupbinding/resource_manager.go,
 * prepareRegistrationCall: `Port: endpoint.Port`) and health checks use each target's
 * `traffic-port`, so this number is a default no target uses. A constant keeps a model's port
 * change from replacing its target group (AWS cannot change a group's port in place).
 */
export const TARGET_GROUP_PORT = 80;

export function targetGroupArgs(
  model: Pick<ResolvedModel, "api">,
  version: ResolvedVersion,
  vpcId: string,
): Omit<aws.lb.TargetGroupArgs, "name" | "tags"> {
  return {
    vpcId,
    targetType: "ip",
    port: TARGET_GROUP_PORT,
    protocol: "HTTP",
    protocolVersion: "HTTP1",
    // Inference latency varies a lot per request: send to the target with the fewest in flight.
    loadBalancingAlgorithmType: "least_outstanding_requests",
    // Drains the model's longest request, within the pod's grace period (shutdown.ts); an
    // attribute, changed in place.
    deregistrationDelay: shutdownTiming(model).deregistrationDelaySeconds,
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
