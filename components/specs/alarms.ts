/**
 * The alarms of a model version, from its SLO, on its target group's metrics: p99 latency,
 * 5xx error rate and unhealthy targets. Pure definitions; components/model-monitoring.ts
 * creates them.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedVersion } from "../../catalogue";

export interface AlarmTiming {
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

export interface AlarmDimensions {
  /** `app/<name>/<id>`: the load balancer's ARN suffix. */
  LoadBalancer: pulumi.Input<string>;
  /** `targetgroup/<name>/<id>`: the version's target group ARN suffix. */
  TargetGroup: pulumi.Input<string>;
}

export type AlarmKind = "p99-latency" | "error-rate" | "unhealthy-hosts";

export type AlarmDefinition = Omit<
  aws.cloudwatch.MetricAlarmArgs,
  "name" | "alarmActions" | "okActions" | "tags"
> & { kind: AlarmKind };

const ALB = "AWS/ApplicationELB";

/** Every alarm of a stack starts with this; names are unique per account and region. */
export function alarmNamePrefix(stack: string): string {
  return `maas-${stack}-`;
}

export function alarmName(stack: string, model: string, version: string, kind: AlarmKind): string {
  return `${alarmNamePrefix(stack)}${model}-${version}-${kind}`;
}

export function versionAlarms(
  model: string,
  version: ResolvedVersion,
  dimensions: AlarmDimensions,
  timing: AlarmTiming,
): AlarmDefinition[] {
  const common = {
    evaluationPeriods: timing.evaluationPeriods,
    datapointsToAlarm: timing.datapointsToAlarm,
    actionsEnabled: true,
  };
  const metric = { namespace: ALB, period: timing.periodSeconds, dimensions: { ...dimensions } };
  return [
    {
      kind: "p99-latency",
      ...common,
      ...metric,
      alarmDescription: `${model} ${version.version}: p99 latency above the SLO of ${version.slo.latencyP99Ms} ms`,
      metricName: "TargetResponseTime",
      extendedStatistic: "p99",
      comparisonOperator: "GreaterThanThreshold",
      threshold: version.slo.latencyP99Ms / 1000,
      // A canary at a few percent sees few requests: a p99 of three samples must not page anyone.
      evaluateLowSampleCountPercentiles: "ignore",
      // No requests (a standby, a quiet night) is not slowness.
      treatMissingData: "notBreaching",
    },
    {
      kind: "error-rate",
      ...common,
      alarmDescription: `${model} ${version.version}: 5xx error rate above the SLO of ${version.slo.errorRatePercent}%`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: version.slo.errorRatePercent,
      treatMissingData: "notBreaching",
      metricQueries: [
        {
          id: "errors",
          returnData: false,
          metric: { ...metric, metricName: "HTTPCode_Target_5XX_Count", stat: "Sum" },
        },
        {
          id: "requests",
          returnData: false,
          metric: { ...metric, metricName: "RequestCount", stat: "Sum" },
        },
        {
          id: "error_rate",
          label: "5xx error rate (%)",
          returnData: true,
          // No requests in a period: 0 %, not a division by zero.
          expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)",
        },
      ],
    },
    {
      kind: "unhealthy-hosts",
      ...common,
      ...metric,
      alarmDescription: `${model} ${version.version}: targets failing the load balancer's health check`,
      metricName: "UnHealthyHostCount",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      // Reported every minute while targets are registered; silence is no evidence of trouble.
      treatMissingData: "notBreaching",
    },
  ];
}
