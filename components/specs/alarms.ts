/**
 * The alarms of a model version, from its SLO, on its target group's metrics: p99 latency,
 * 5xx error rate, unhealthy targets and no healthy target at all; and the load balancer's own:
 * its 5xx answers (502/503/504 when no target can answer) and rejected connections. Pure
 * definitions; components/model-monitoring.ts and load-balancer-alarms.ts create them.
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

export type AlarmKind = "p99-latency" | "error-rate" | "unhealthy-hosts" | "no-healthy-hosts";

export type LoadBalancerAlarmKind = "elb-5xx" | "rejected-connections";

/** The load balancer's own 5xx rate (percent of its requests) that raises its alarm. */
export const ELB_5XX_PERCENT = 1;

export type AlarmDefinition<Kind extends string = AlarmKind> = Omit<
  aws.cloudwatch.MetricAlarmArgs,
  "name" | "alarmActions" | "okActions" | "tags"
> & { kind: Kind };

const ALB = "AWS/ApplicationELB";

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
    {
      kind: "no-healthy-hosts",
      ...common,
      ...metric,
      alarmDescription: `${model} ${version.version}: no healthy target; the load balancer answers its share with 503`,
      metricName: "HealthyHostCount",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      // Reported only while targets are registered: silence means none is, which is this alarm.
      treatMissingData: "breaching",
    },
  ];
}

/**
 * Alarms on the load balancer itself. Its own 5xx (`HTTPCode_ELB_5XX_Count`) are what clients get
 * when no target can answer, which the targets' metrics never show; rejected connections mean
 * it is at its connection limit. Both are reported only when nonzero (ALB CloudWatch metrics).
 */
export function loadBalancerAlarms(
  loadBalancer: pulumi.Input<string>,
  timing: AlarmTiming,
): AlarmDefinition<LoadBalancerAlarmKind>[] {
  const common = {
    evaluationPeriods: timing.evaluationPeriods,
    datapointsToAlarm: timing.datapointsToAlarm,
    actionsEnabled: true,
    treatMissingData: "notBreaching",
  };
  const metric = {
    namespace: ALB,
    period: timing.periodSeconds,
    dimensions: { LoadBalancer: loadBalancer },
  };
  return [
    {
      kind: "elb-5xx",
      ...common,
      alarmDescription: `load balancer: its own 5xx answers (no healthy target, timeouts) above ${ELB_5XX_PERCENT}% of requests`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: ELB_5XX_PERCENT,
      metricQueries: [
        {
          id: "errors",
          returnData: false,
          metric: { ...metric, metricName: "HTTPCode_ELB_5XX_Count", stat: "Sum" },
        },
        {
          id: "requests",
          returnData: false,
          metric: { ...metric, metricName: "RequestCount", stat: "Sum" },
        },
        {
          id: "elb_error_rate",
          label: "load balancer 5xx rate (%)",
          returnData: true,
          // Requests the load balancer could not route count in the errors, not always in
          // RequestCount: with errors and no requests the rate is 100 %.
          expression:
            "IF(requests > 0, 100 * FILL(errors, 0) / requests, IF(FILL(errors, 0) > 0, 100, 0))",
        },
      ],
    },
    {
      kind: "rejected-connections",
      ...common,
      ...metric,
      alarmDescription: "load balancer: connections rejected at its connection limit",
      metricName: "RejectedConnectionCount",
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
    },
  ];
}
