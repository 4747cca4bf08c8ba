/**
 * The CloudWatch dashboard body of a model: latency percentiles, requests, 5xx and healthy
 * hosts per version side by side (a canary beside the stable version), the load balancer's own
 * 5xx and rejected connections (what clients get when no target can answer), and the alarm states.
 * Nothing here depends on traffic weights, so shifting traffic leaves the dashboard unchanged.
 */

export interface DashboardVersion {
  version: string;
  /** `targetgroup/<name>/<id>`. */
  targetGroup: string;
}

export interface DashboardInputs {
  model: string;
  owner: string;
  region: string;
  /** `app/<name>/<id>`. */
  loadBalancer: string;
  versions: DashboardVersion[];
  alarmArns: string[];
  /** With a front door: the consumers that may call the model, each with its API's name. */
  callers?: { consumer: string; api: string }[];
  /** The front door's metric namespace (its consumers' 429s). */
  frontDoorNamespace?: string;
}

const NAMESPACE = "AWS/ApplicationELB";
const WIDTH = 12;
const HEIGHT = 6;

type Metric = (string | { stat: string; label: string })[];

function series(inputs: DashboardInputs, metricName: string, stats: string[]): Metric[] {
  return inputs.versions.flatMap(({ version, targetGroup }) =>
    stats.map((stat) => [
      NAMESPACE,
      metricName,
      "LoadBalancer",
      inputs.loadBalancer,
      "TargetGroup",
      targetGroup,
      { stat, label: `${version} ${stat}` },
    ]),
  );
}

function metricWidget(
  inputs: DashboardInputs,
  position: { x: number; y: number },
  title: string,
  metrics: Metric[],
  unit?: string,
) {
  return {
    type: "metric",
    ...position,
    width: WIDTH,
    height: HEIGHT,
    properties: {
      title,
      region: inputs.region,
      view: "timeSeries",
      stacked: false,
      period: 60,
      metrics,
      ...(unit ? { yAxis: { left: { label: unit, showUnits: false } } } : {}),
    },
  };
}

/**
 * API Gateway's per-route metrics of the model's routes (detailed metrics are on for every
 * stage: components/consumer-access.ts), one series per consumer: the stage is the consumer.
 */
function frontDoorSeries(inputs: DashboardInputs, metricName: string): Metric[] {
  return (inputs.callers ?? []).flatMap(({ consumer, api }) =>
    [`/models/${inputs.model}`, `/models/${inputs.model}/{proxy+}`].map((resource) => [
      "AWS/ApiGateway",
      metricName,
      "ApiName",
      api,
      "Method",
      "ANY",
      "Resource",
      resource,
      "Stage",
      consumer,
      { stat: "Sum", label: `${consumer}${resource.endsWith("}") ? "" : " (root)"}` },
    ]),
  );
}

function frontDoorWidgets(inputs: DashboardInputs, y: number): object[] {
  if (!inputs.callers || inputs.callers.length === 0) return [];
  return [
    metricWidget(
      inputs,
      { x: 0, y },
      "Front door: requests by consumer",
      frontDoorSeries(inputs, "Count"),
    ),
    metricWidget(
      inputs,
      { x: WIDTH, y },
      "Front door: 4xx by consumer (401, 403, 429)",
      frontDoorSeries(inputs, "4XXError"),
    ),
    metricWidget(
      inputs,
      { x: 0, y: y + HEIGHT },
      "Front door: 5xx by consumer",
      frontDoorSeries(inputs, "5XXError"),
    ),
    metricWidget(
      inputs,
      { x: WIDTH, y: y + HEIGHT },
      "Front door: throttled requests (429) by consumer, all its models",
      inputs.callers.map(({ consumer }) => [
        inputs.frontDoorNamespace ?? "",
        "ThrottledRequests",
        "Consumer",
        consumer,
        { stat: "Sum", label: consumer },
      ]),
    ),
  ];
}

export function dashboardBody(inputs: DashboardInputs): object {
  const frontDoor = frontDoorWidgets(inputs, 2 + 3 * HEIGHT);
  const alarmsAt = 2 + 3 * HEIGHT + (frontDoor.length > 0 ? 2 * HEIGHT : 0);
  return {
    widgets: [
      {
        type: "text",
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: {
          markdown: `# ${inputs.model}\nOwner: ${inputs.owner}. Per version: latency, requests, errors and healthy targets.`,
        },
      },
      metricWidget(
        inputs,
        { x: 0, y: 2 },
        "Latency p50 / p90 / p99",
        series(inputs, "TargetResponseTime", ["p50", "p90", "p99"]),
        "seconds",
      ),
      metricWidget(inputs, { x: WIDTH, y: 2 }, "Requests", series(inputs, "RequestCount", ["Sum"])),
      metricWidget(
        inputs,
        { x: 0, y: 2 + HEIGHT },
        "Target 5xx responses",
        series(inputs, "HTTPCode_Target_5XX_Count", ["Sum"]),
      ),
      metricWidget(
        inputs,
        { x: WIDTH, y: 2 + HEIGHT },
        "Healthy targets",
        series(inputs, "HealthyHostCount", ["Minimum"]),
      ),
      metricWidget(
        inputs,
        { x: 0, y: 2 + 2 * HEIGHT },
        "Load balancer 5xx (all models: no healthy target, timeouts)",
        ["HTTPCode_ELB_502_Count", "HTTPCode_ELB_503_Count", "HTTPCode_ELB_504_Count"].map(
          (metric) => [
            NAMESPACE,
            metric,
            "LoadBalancer",
            inputs.loadBalancer,
            { stat: "Sum", label: metric.replace(/^HTTPCode_ELB_|_Count$/g, "") },
          ],
        ),
      ),
      metricWidget(inputs, { x: WIDTH, y: 2 + 2 * HEIGHT }, "Rejected connections (all models)", [
        [
          NAMESPACE,
          "RejectedConnectionCount",
          "LoadBalancer",
          inputs.loadBalancer,
          { stat: "Sum", label: "rejected" },
        ],
      ]),
      ...frontDoor,
      {
        type: "alarm",
        x: 0,
        y: alarmsAt,
        width: 24,
        height: 4,
        properties: { title: "Alarms", alarms: inputs.alarmArns, sortBy: "stateUpdatedTimestamp" },
      },
    ],
  };
}

export function dashboardUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${name}`;
}
