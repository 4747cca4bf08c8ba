/**
 * Where a model's requests can go: per served version an ALB target group (target type ip),
 * and one readiness rule on the readiness listener that forwards to all of them, so each group
 * is in use and health-checked from the moment it exists. Pods of a version become Ready only
 * once the load balancer sees them healthy (readiness gates), which needs exactly that.
 * Which share of the model's traffic each version gets is model-traffic.ts.
 */
import { servedVersions } from "../catalogue";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import type { LoadBalancerIdentity } from "../catalogue/names";
import { targetGroupName } from "../catalogue/names";
import { forwardAction, ruleConditions, targetGroupArgs } from "./specs/routing";
import type { Routing } from "./specs/routing";

export interface ModelRoutingArgs {
  stack: string;
  model: ResolvedModel;
  vpcId: string;
  /** What the load balancer's identity hangs on; target groups follow their load balancer. */
  loadBalancer: LoadBalancerIdentity;
  /** The readiness listener (ingress.ts). */
  readinessListenerArn: pulumi.Input<string>;
  routing: Routing;
  /** AWS tags of the model's rule. */
  modelTags: Record<string, string>;
  /** AWS tags of a version's target group. */
  versionTags: (version: string) => Record<string, string>;
}

export class ModelRouting extends pulumi.ComponentResource {
  /** Target groups of the served versions, by version key. */
  public readonly targetGroups: Record<string, aws.lb.TargetGroup> = {};
  /** Their physical names (names.ts), by version key: bindings are named after them. */
  public readonly targetGroupNames: Record<string, string> = {};
  /** The rule that keeps the target groups in use: pods must come after it. */
  public readonly readinessRule?: aws.lb.ListenerRule;

  constructor(name: string, args: ModelRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:routing:ModelRouting", name, {}, opts);
    const { model } = args;
    const served = servedVersions(model);
    for (const version of served) {
      const groupName = targetGroupName(args.stack, model.name, version.version, args.loadBalancer);
      this.targetGroupNames[version.version] = groupName;
      this.targetGroups[version.version] = new aws.lb.TargetGroup(
        version.workloadName,
        {
          name: groupName,
          ...targetGroupArgs(model, version, args.vpcId),
          tags: args.versionTags(version.version),
        },
        { parent: this },
      );
    }
    if (served.length > 0) {
      this.readinessRule = new aws.lb.ListenerRule(
        `${name}-readiness`,
        {
          listenerArn: args.readinessListenerArn,
          // Unique on the readiness listener as on the client listener (validation).
          priority: model.routing.priority,
          conditions: ruleConditions(model.name, args.routing),
          actions: forwardAction(
            served.map((version) => ({
              targetGroupArn: this.targetGroups[version.version]!.arn,
              weight: 1,
            })),
          ),
          tags: args.modelTags,
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
