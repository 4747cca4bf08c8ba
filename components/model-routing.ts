/**
 * How a model's requests reach its versions: per served version an ALB target group (target
 * type ip) and a TargetGroupBinding that lets the AWS Load Balancer Controller register the
 * version's pods in it; per model one listener rule that forwards with the catalogue's traffic
 * as weights. A traffic change touches only the rule.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { SERVICE_PORT } from "./model-version";
import type { ModelVersion } from "./model-version";
import { versionLabels } from "./specs/labels";
import {
  forwardAction,
  ruleConditions,
  servedVersions,
  targetGroupArgs,
  targetGroupName,
} from "./specs/routing";
import type { Routing } from "./specs/routing";

export interface ModelRoutingArgs {
  stack: string;
  model: ResolvedModel;
  /** The served versions' workloads (their Services), by version key. */
  workloads: Record<string, ModelVersion>;
  namespace: pulumi.Input<string>;
  vpcId: string;
  listenerArn: pulumi.Input<string>;
  /** The load balancer's security group: the controller opens the pods to it. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  routing: Routing;
  /** AWS tags of the model's rule. */
  modelTags: Record<string, string>;
  /** AWS tags of a version's target group. */
  versionTags: (version: string) => Record<string, string>;
}

export class ModelRouting extends pulumi.ComponentResource {
  /** Target groups of the served versions, by version key. */
  public readonly targetGroups: Record<string, aws.lb.TargetGroup> = {};
  public readonly rule: aws.lb.ListenerRule;

  constructor(name: string, args: ModelRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:routing:ModelRouting", name, {}, opts);
    const { model } = args;
    for (const version of servedVersions(model)) {
      const workload = args.workloads[version.version];
      if (!workload)
        throw new pulumi.ResourceError(`no workload for ${model.name} ${version.version}`, this);
      const targetGroup = new aws.lb.TargetGroup(
        version.workloadName,
        {
          name: targetGroupName(args.stack, model.name, version.version, {
            vpcId: args.vpcId,
            port: version.port,
          }),
          ...targetGroupArgs(version, args.vpcId),
          tags: args.versionTags(version.version),
        },
        { parent: this },
      );
      this.targetGroups[version.version] = targetGroup;
      new k8s.apiextensions.CustomResource(
        version.workloadName,
        {
          apiVersion: "elbv2.k8s.aws/v1beta1",
          kind: "TargetGroupBinding",
          metadata: {
            name: version.workloadName,
            namespace: args.namespace,
            labels: versionLabels(model, version),
          },
          spec: {
            serviceRef: { name: workload.service.metadata.name, port: SERVICE_PORT },
            targetGroupARN: targetGroup.arn,
            targetType: "ip",
            vpcID: args.vpcId,
            networking: {
              ingress: [
                {
                  from: [{ securityGroup: { groupID: args.loadBalancerSecurityGroupId } }],
                  ports: [{ protocol: "TCP", port: version.port }],
                },
              ],
            },
          },
        },
        { parent: this, dependsOn: [workload.service] },
      );
    }

    this.rule = new aws.lb.ListenerRule(
      name,
      {
        listenerArn: args.listenerArn,
        priority: model.routing.priority,
        conditions: ruleConditions(model.name, args.routing),
        actions: forwardAction(
          servedVersions(model).map((version) => ({
            targetGroupArn: this.targetGroups[version.version]!.arn,
            weight: version.traffic,
          })),
        ),
        tags: args.modelTags,
      },
      { parent: this },
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
