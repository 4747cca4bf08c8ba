/**
 * A model's alarms and dashboard: per running version (a cold standby has no target group to
 * watch, and its absence is what it is for), alarms on its target group for p99
 * latency and 5xx error rate against the version's SLO, unhealthy targets and no healthy target
 * at all, all to the stack's alarm topic; per model, a CloudWatch dashboard with the versions
 * side by side and the load balancer's own errors.
 */
import { runningVersions } from "../catalogue";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { dashboardName, versionAlarmName } from "../catalogue/names";
import { versionAlarms } from "./specs/alarms";
import type { AlarmTiming } from "./specs/alarms";
import { dashboardBody, dashboardUrl } from "./specs/dashboard";

export interface ModelMonitoringArgs {
  stack: string;
  region: string;
  model: ResolvedModel;
  /** `app/<name>/<id>` of the load balancer. */
  loadBalancerArnSuffix: pulumi.Input<string>;
  /** `targetgroup/<name>/<id>` of each served version's target group. */
  targetGroupArnSuffixes: Record<string, pulumi.Input<string>>;
  alarmTopicArn: pulumi.Input<string>;
  timing: AlarmTiming;
  versionTags: (version: string) => Record<string, string>;
  /** With a front door: who may call the model, each with its API's name (dashboard rows). */
  callers?: { consumer: string; api: string }[];
  /** The front door's metric namespace (names.ts frontDoorMetricNamespace). */
  frontDoorNamespace?: string;
}

export class ModelMonitoring extends pulumi.ComponentResource {
  public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  public readonly dashboardUrl: string;

  constructor(name: string, args: ModelMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:monitoring:ModelMonitoring", name, {}, opts);
    const { model } = args;
    for (const version of runningVersions(model)) {
      const targetGroup = args.targetGroupArnSuffixes[version.version];
      if (targetGroup === undefined)
        throw new pulumi.ResourceError(
          `no target group for ${model.name} ${version.version}`,
          this,
        );
      const dimensions = { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: targetGroup };
      for (const { kind, ...definition } of versionAlarms(
        model.name,
        version,
        dimensions,
        args.timing,
      )) {
        this.alarms.push(
          new aws.cloudwatch.MetricAlarm(
            `${version.workloadName}-${kind}`,
            {
              ...definition,
              name: versionAlarmName(args.stack, model.name, version.version, kind),
              alarmActions: [args.alarmTopicArn],
              okActions: [args.alarmTopicArn],
              tags: args.versionTags(version.version),
            },
            { parent: this },
          ),
        );
      }
    }

    const dashboard = dashboardName(args.stack, model.name);
    new aws.cloudwatch.Dashboard(
      name,
      {
        dashboardName: dashboard,
        dashboardBody: pulumi
          .all([
            args.loadBalancerArnSuffix,
            pulumi.all(args.targetGroupArnSuffixes),
            pulumi.all(this.alarms.map((alarm) => alarm.arn)),
          ])
          .apply(([loadBalancer, targetGroups, alarmArns]) =>
            JSON.stringify(
              dashboardBody({
                model: model.name,
                owner: model.owner,
                region: args.region,
                loadBalancer,
                versions: runningVersions(model).map((version) => ({
                  version: version.version,
                  targetGroup: targetGroups[version.version]!,
                })),
                alarmArns,
                ...(args.callers ? { callers: args.callers } : {}),
                ...(args.frontDoorNamespace ? { frontDoorNamespace: args.frontDoorNamespace } : {}),
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.dashboardUrl = dashboardUrl(args.region, dashboard);
    this.registerOutputs({ dashboardUrl: this.dashboardUrl });
  }
}
