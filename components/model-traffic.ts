/**
 * How a model's requests are split: one rule on the client listener that forwards to every
 * served version's target group with the catalogue's traffic as weights. A traffic change
 * touches only this rule.
 *
 * The rule comes after the Deployment of every version it forwards to. pulumi-kubernetes waits
 * for a created or updated Deployment until its new ReplicaSet's pods are Ready
 * (provider/pkg/await/deployment.go), and a pod is Ready only once its readiness gate says the
 * load balancer sees it healthy in the version's target group. So within one `pulumi up`, a new
 * version (or one back from retirement) gets its share only when it can answer; weighted
 * forwarding does not fail over, so anything earlier would be failed requests. A cold standby
 * (no target group, no pods) is not in the rule at all; giving it traffic again creates its
 * workload and this rule waits for it like for a new version: that is its wake.
 */
import { runningVersions } from "../catalogue";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { forwardAction, frontDoorMatch, ruleConditions } from "./specs/routing";
import type { Routing } from "./specs/routing";

export interface ModelTrafficArgs {
  model: ResolvedModel;
  /** The listener clients' requests arrive on (ingress.ts). */
  listenerArn: pulumi.Input<string>;
  /** The served versions' target groups, by version key (model-routing.ts). */
  targetGroups: Record<string, aws.lb.TargetGroup>;
  /** What must be ready before the rule sends anything: every served version's Deployment. */
  ready: pulumi.Resource[];
  routing: Routing;
  /** Behind a front door: accept its requests with or without the stage, and rewrite them (specs/routing.ts). */
  frontDoor: boolean;
  /** AWS tags of the rule. */
  tags: Record<string, string>;
}

export class ModelTraffic extends pulumi.ComponentResource {
  public readonly rule: aws.lb.ListenerRule;

  constructor(name: string, args: ModelTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:routing:ModelTraffic", name, {}, opts);
    const { model } = args;
    this.rule = new aws.lb.ListenerRule(
      name,
      {
        listenerArn: args.listenerArn,
        priority: model.routing.priority,
        ...(args.frontDoor
          ? frontDoorMatch(model.name, args.routing)
          : { conditions: ruleConditions(model.name, args.routing) }),
        actions: forwardAction(
          runningVersions(model).map((version) => ({
            targetGroupArn: args.targetGroups[version.version]!.arn,
            weight: version.traffic,
          })),
        ),
        tags: args.tags,
      },
      { parent: this, dependsOn: args.ready },
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
