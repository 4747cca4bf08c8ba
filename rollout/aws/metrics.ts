/**
 * The gates' evidence from CloudWatch: one GetMetricData call per judgement, one datapoint per
 * metric covering the whole window (Period = the window's length, a multiple of 60 seconds, with
 * start and end on whole minutes; CloudWatch computes a percentile from all samples of a period,
 * not from per-minute percentiles). Metrics of the Application Load Balancer's AWS/ApplicationELB
 * namespace with the TargetGroup + LoadBalancer dimensions ("CloudWatch metrics for your
 * Application Load Balancer"): Sum of RequestCount, HTTPCode_Target_2XX/3XX/4XX/5XX_Count and
 * TargetConnectionErrorCount; p99 and SampleCount of TargetResponseTime (seconds); Minimum of
 * HealthyHostCount. The load balancer publishes only when requests flow, and never zeros: a
 * count without a datapoint is 0, a request count of 0 is no evidence (gates.ts).
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { WindowMetrics } from "../gates";
import type { MetricSource } from "../ports";

const NAMESPACE = "AWS/ApplicationELB";
/** GetMetricData's limit of queries per request. */
const MAX_QUERIES = 500;

const QUERIES = [
  { key: "requests", metric: "RequestCount", stat: "Sum" },
  { key: "errors", metric: "HTTPCode_Target_5XX_Count", stat: "Sum" },
  { key: "ok2xx", metric: "HTTPCode_Target_2XX_Count", stat: "Sum" },
  { key: "ok3xx", metric: "HTTPCode_Target_3XX_Count", stat: "Sum" },
  { key: "ok4xx", metric: "HTTPCode_Target_4XX_Count", stat: "Sum" },
  { key: "p99", metric: "TargetResponseTime", stat: "p99" },
  { key: "samples", metric: "TargetResponseTime", stat: "SampleCount" },
  { key: "healthy", metric: "HealthyHostCount", stat: "Minimum" },
  { key: "connectionErrors", metric: "TargetConnectionErrorCount", stat: "Sum" },
] as const;

/** The queries of one judgement: every metric of every target group, ids `g<index>_<key>`. */
export function metricQueries(
  loadBalancer: string,
  targetGroups: string[],
  periodSeconds: number,
): MetricDataQuery[] {
  return targetGroups.flatMap((targetGroup, index) =>
    QUERIES.map((query) => ({
      Id: `g${index}_${query.key}`,
      MetricStat: {
        Metric: {
          Namespace: NAMESPACE,
          MetricName: query.metric,
          Dimensions: [
            { Name: "TargetGroup", Value: targetGroup },
            { Name: "LoadBalancer", Value: loadBalancer },
          ],
        },
        Period: periodSeconds,
        Stat: query.stat,
      },
      ReturnData: true,
    })),
  );
}

/** The window's metrics per target group from GetMetricData's results. */
export function windowsFromResults(
  targetGroups: string[],
  results: MetricDataResult[],
): Record<string, WindowMetrics> {
  // One datapoint per query when the window is aligned; should CloudWatch split it, counts add
  // up, and the worst p99 and the fewest healthy hosts stand for the whole window.
  const value = (id: string, combine: (values: number[]) => number): number | undefined => {
    const values = results.find((result) => result.Id === id)?.Values ?? [];
    return values.length === 0 ? undefined : combine(values);
  };
  const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
  return Object.fromEntries(
    targetGroups.map((targetGroup, index) => {
      const of = (key: string) => value(`g${index}_${key}`, sum);
      const p99 = value(`g${index}_p99`, (values) => Math.max(...values));
      const healthy = value(`g${index}_healthy`, (values) => Math.min(...values));
      const requests = of("requests") ?? 0;
      // Requests the version answered well or as the caller's fault; the rest failed, whether
      // it answered 5xx itself or the load balancer answered for it (502, 504: a timeout, a
      // dropped connection), which no target-group 5xx metric counts.
      const answered = (of("ok2xx") ?? 0) + (of("ok3xx") ?? 0) + (of("ok4xx") ?? 0);
      return [
        targetGroup,
        {
          requests,
          errors: Math.max(of("errors") ?? 0, requests - answered),
          ...(p99 === undefined ? {} : { p99Ms: p99 * 1000 }),
          latencySamples: of("samples") ?? 0,
          ...(healthy === undefined ? {} : { minHealthyHosts: healthy }),
          connectionErrors: of("connectionErrors") ?? 0,
        },
      ];
    }),
  );
}

export function cloudWatchMetrics(region: string): MetricSource {
  const client = new CloudWatchClient({ region });
  return {
    async window(loadBalancer, targetGroups, start, end) {
      const periodSeconds = Math.max(
        60,
        Math.round((end.getTime() - start.getTime()) / 60_000) * 60,
      );
      const queries = metricQueries(loadBalancer, targetGroups, periodSeconds);
      if (queries.length > MAX_QUERIES)
        throw new Error(
          `${targetGroups.length} target groups need more than ${MAX_QUERIES} queries`,
        );
      const results: MetricDataResult[] = [];
      let nextToken: string | undefined;
      do {
        const answer = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: start,
            EndTime: new Date(start.getTime() + periodSeconds * 1000),
            ScanBy: "TimestampAscending",
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        results.push(...(answer.MetricDataResults ?? []));
        nextToken = answer.NextToken;
      } while (nextToken);
      // The same query id may come back in several pages: their values add up (windowsFromResults).
      const merged = new Map<string, MetricDataResult>();
      for (const result of results) {
        const found = merged.get(result.Id!);
        merged.set(
          result.Id!,
          found
            ? { ...found, Values: [...(found.Values ?? []), ...(result.Values ?? [])] }
            : result,
        );
      }
      return windowsFromResults(targetGroups, [...merged.values()]);
    },
  };
}
