/**
 * The load balancer's own alarms, once per stack: its 5xx answers and rejected connections
 * (specs/alarms.ts loadBalancerAlarms), to the stack's alarm topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadBalancerAlarmName } from "../catalogue/names";
import { loadBalancerAlarms } from "./specs/alarms";
import type { AlarmTiming } from "./specs/alarms";

export interface LoadBalancerAlarmsArgs {
  stack: string;
  /** The load balancer's name in the catalogue. */
  name: string;
  /** `app/<name>/<id>` of the load balancer. */
  loadBalancerArnSuffix: pulumi.Input<string>;
  alarmTopicArn: pulumi.Input<string>;
  timing: AlarmTiming;
}

export class LoadBalancerAlarms extends pulumi.ComponentResource {
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: LoadBalancerAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:monitoring:LoadBalancerAlarms", name, {}, opts);
    this.alarms = loadBalancerAlarms(args.loadBalancerArnSuffix, args.timing).map(
      ({ kind, ...definition }) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${kind}`,
          {
            ...definition,
            name: loadBalancerAlarmName(args.stack, args.name, kind),
            alarmActions: [args.alarmTopicArn],
            okActions: [args.alarmTopicArn],
          },
          { parent: this },
        ),
    );
    this.registerOutputs({});
  }
}
