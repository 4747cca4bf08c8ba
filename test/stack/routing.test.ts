/**
 * Routing and monitoring through the mock runtime: the load balancer and its listeners, one
 * target group + binding + alarm set per served version, rule weights from the resolved
 * traffic, SLO thresholds, alarm dimensions and actions, the alarm topic and the dashboards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { projectPlans, servedWorkloads } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

let dev: PlanFixture;
let prod: PlanFixture;

beforeAll(async () => ({ dev, prod } = await projectPlans()));

const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TGB = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
/** The model's weighted rule, and the readiness rule that keeps its target groups in use. */
const TRAFFIC = "maas:routing:ModelTraffic";
const READINESS = "maas:routing:ModelRouting";

/** A target group's ARN and ARN suffix as the placeholders give them (from the rules using it). */
function arnOf(fixture: PlanFixture, name: string): { arn: string; suffix: string } {
  const rule = fixture
    .ofType(RULE)
    .flatMap((r) => (r.inputs as any).actions[0].forward.targetGroups as { arn: string }[]);
  const tgName = fixture.inputs(TG, name).name as string;
  const arn = rule.map((g) => g.arn).find((candidate) => candidate.includes(`/${tgName}/`))!;
  return { arn, suffix: arn.slice(arn.indexOf("targetgroup/")) };
}

describe("load balancer", () => {
  it("is internal by default, in the configured subnets, dropping invalid headers", () => {
    expect(dev.inputs("aws:lb/loadBalancer:LoadBalancer", "ingress")).toMatchObject({
      name: expect.stringMatching(/^maas-dev-[0-9a-f]{6}$/),
      loadBalancerType: "application",
      internal: true,
      subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: false,
    });
  });

  it("serves plain HTTP without a certificate (dev), answering 404 where no model matches", () => {
    const listeners = dev.ofType("aws:lb/listener:Listener");
    expect(listeners.map((l) => l.name)).toEqual([
      "ingress-http",
      "ingress-pinned",
      "ingress-readiness",
    ]);
    expect(listeners[0]!.inputs).toMatchObject({
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        {
          type: "fixed-response",
          fixedResponse: { statusCode: "404", contentType: "application/json" },
        },
      ],
    });
  });

  it("serves HTTPS with the certificate and TLS 1.2+ in prod, and redirects HTTP to it", () => {
    expect(prod.inputs("aws:lb/listener:Listener", "ingress-https")).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn:
        "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678",
    });
    expect(prod.inputs("aws:lb/listener:Listener", "ingress-http")).toMatchObject({
      port: 80,
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    expect(prod.inputs("aws:lb/loadBalancer:LoadBalancer", "ingress")).toMatchObject({
      enableDeletionProtection: true,
      accessLogs: { bucket: "example-prod-alb-access-logs", prefix: "maas/prod", enabled: true },
    });
  });

  it("admits clients from the configured CIDRs (the VPC by default) and sends only to pods in the VPC", () => {
    const ingress = dev
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => r.inputs as any);
    expect(ingress.map((rule) => [rule.cidrIpv4, rule.fromPort, rule.toPort])).toEqual([
      ["10.20.0.0/16", 80, 80],
    ]);
    const egress = dev
      .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .map((r) => r.inputs as any);
    expect(
      egress.map((rule) => [rule.cidrIpv4, rule.ipProtocol, rule.fromPort, rule.toPort]),
    ).toEqual([["10.20.0.0/16", "tcp", 1024, 65535]]);
  });
});

describe("per served version", () => {
  it("creates one target group, one TargetGroupBinding and four alarms per served version, none for the retired", () => {
    // Served and retired as the catalogue resolves them; the fixture has both.
    const served = servedWorkloads(dev);
    const retired = dev.catalogue.models.flatMap((m) =>
      m.versions.filter((v) => v.status === "retired").map((v) => v.workloadName),
    );
    expect(served.length).toBeGreaterThan(1);
    expect(retired.length).toBeGreaterThan(0);
    expect(dev.ofType(TG).map((r) => r.name)).toEqual(served);
    expect(dev.ofType(TGB).map((r) => r.name)).toEqual(served);
    expect(dev.ofType(ALARM, "maas:monitoring:ModelMonitoring").map((r) => r.name)).toEqual(
      served
        .flatMap((v) => [
          `${v}-error-rate`,
          `${v}-no-healthy-hosts`,
          `${v}-p99-latency`,
          `${v}-unhealthy-hosts`,
        ])
        .sort(),
    );
    // A retired version keeps only its registry item.
    for (const workload of retired)
      expect(
        dev.plan.resources.filter((r) => r.name.startsWith(workload)).map((r) => r.type),
        workload,
      ).toEqual(["aws:dynamodb/tableItem:TableItem"]);
  });

  it("targets pod IPs (each on its own port), health-checks the version's path, and drains within the pod's shutdown", () => {
    const group = dev.inputs(TG, "text-embedder-v2-0-0");
    expect(group).toMatchObject({
      targetType: "ip",
      // Only a default: the controller registers every pod with its endpoint's port.
      port: 80,
      protocol: "HTTP",
      vpcId: "vpc-0a1b2c3d4e5f60718",
      healthCheck: { path: "/healthz", port: "traffic-port", matcher: "200-299" },
      tags: { "maas:model": "text-embedder", "maas:version": "2.0.0", "maas:owner": "search-team" },
    });
    expect(group.name.length).toBeLessThanOrEqual(32);
    // The version's pods outlast the drain: preStop, then the deregistration delay, then SIGKILL.
    const pod = dev.inputs("kubernetes:apps/v1:Deployment", "text-embedder-v2-0-0").spec.template
      .spec;
    const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds as number;
    expect(group.deregistrationDelay).toBeGreaterThan(preStop);
    expect(group.deregistrationDelay + preStop).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it("binds the version's Service to its target group and lets the load balancer's security group reach the pods", () => {
    const binding = dev.inputs(TGB, "image-classifier-v1-5-0");
    const groupName = dev.inputs(TG, "image-classifier-v1-5-0").name as string;
    expect(binding.metadata).toMatchObject({
      // Named after its target group: a new group is a new binding (the controller never lets
      // a binding change its group).
      name: `image-classifier-v1-5-0-${groupName.slice(-6)}`,
      namespace: "image-classifier",
    });
    expect(binding.spec).toMatchObject({
      serviceRef: { name: "image-classifier-v1-5-0", port: 80 },
      targetGroupARN: arnOf(dev, "image-classifier-v1-5-0").arn,
      targetType: "ip",
      vpcID: "vpc-0a1b2c3d4e5f60718",
      networking: { ingress: [{ ports: [{ protocol: "TCP" }] }] },
    });
    expect(binding.spec.networking.ingress[0].from[0].securityGroup.groupID).toMatch(/^ingress-/);
  });
});

describe("listener rules", () => {
  const weights = (fixture: PlanFixture, rule: string, parent = TRAFFIC) =>
    (
      fixture.inputs(RULE, rule, parent).actions[0].forward.targetGroups as {
        arn: string;
        weight: number;
      }[]
    ).map((group) => group.weight);

  it("forward with the resolved traffic as weights, per environment, standbys at 0", () => {
    expect(weights(dev, "image-classifier")).toEqual([50, 50]);
    expect(weights(prod, "image-classifier")).toEqual([90, 10]);
    expect(weights(dev, "text-embedder")).toEqual([0, 100]);
    expect(dev.inputs(RULE, "image-classifier", TRAFFIC).actions[0].forward.stickiness).toEqual({
      enabled: false,
      duration: 1,
    });
  });

  it("send each version's share to that version's target group", () => {
    const groups = dev.inputs(RULE, "image-classifier", TRAFFIC).actions[0].forward
      .targetGroups as {
      arn: string;
    }[];
    expect(groups.map((g) => g.arn)).toEqual([
      arnOf(dev, "image-classifier-v1-4-0").arn,
      arnOf(dev, "image-classifier-v1-5-0").arn,
    ]);
  });

  it("match the model's path in dev and its host in prod, at a stable priority per model", () => {
    expect(dev.inputs(RULE, "fraud-scorer", TRAFFIC).conditions).toEqual([
      { pathPattern: { values: ["/models/fraud-scorer", "/models/fraud-scorer/*"] } },
    ]);
    expect(prod.inputs(RULE, "fraud-scorer", TRAFFIC).conditions).toEqual([
      { hostHeader: { values: ["fraud-scorer.models.example.com"] } },
    ]);
    const priorities = dev.ofType(RULE, TRAFFIC).map((r) => (r.inputs as any).priority as number);
    expect(new Set(priorities).size).toBe(3);
    expect(prod.ofType(RULE, TRAFFIC).map((r) => (r.inputs as any).priority)).toEqual(priorities);
  });

  it("keep every served version's target group in use on the readiness listener, which no client reaches", () => {
    expect(weights(dev, "text-embedder-readiness", READINESS)).toEqual([1, 1]);
    const readiness = dev.inputs(RULE, "text-embedder-readiness", READINESS);
    const traffic = dev.inputs(RULE, "text-embedder", TRAFFIC);
    expect(readiness.conditions).toEqual(traffic.conditions);
    expect(readiness.priority).toBe(traffic.priority);
    expect(readiness.listenerArn).not.toBe(traffic.listenerArn);
    expect(dev.inputs("aws:lb/listener:Listener", "ingress-readiness")).toMatchObject({
      port: 9080,
      protocol: "HTTP",
    });
    const open = dev
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => (r.inputs as any).fromPort);
    expect(open).not.toContain(9080);
  });

  it("publish each model's endpoint", () => {
    expect((dev.plan.outputs as any).models["image-classifier"].endpoint).toMatch(
      /^http:\/\/internal-maas-dev-[0-9a-f]{6}-[0-9a-f]+\.eu-west-1\.elb\.amazonaws\.com\/models\/image-classifier\/$/,
    );
    expect((prod.plan.outputs as any).models["image-classifier"].endpoint).toBe(
      "https://image-classifier.models.example.com/",
    );
  });
});

describe("alarms", () => {
  const alarm = (fixture: PlanFixture, name: string) => fixture.inputs(ALARM, name);

  it("alarm on p99 latency above the version's SLO, ignoring low-sample percentiles", () => {
    expect(alarm(dev, "image-classifier-v1-5-0-p99-latency")).toMatchObject({
      name: "maas-dev_image-classifier_1.5.0_p99-latency",
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      extendedStatistic: "p99",
      threshold: 0.3,
      comparisonOperator: "GreaterThanThreshold",
      evaluateLowSampleCountPercentiles: "ignore",
      treatMissingData: "notBreaching",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
  });

  it("take thresholds from model and version SLO overrides", () => {
    expect(alarm(dev, "text-embedder-v2-0-0-p99-latency").threshold).toBe(0.12);
    expect(alarm(dev, "fraud-scorer-v3-2-1-p99-latency").threshold).toBe(0.08);
    expect(alarm(dev, "fraud-scorer-v3-2-1-error-rate").threshold).toBe(0.5);
    expect(alarm(dev, "image-classifier-v1-4-0-error-rate").threshold).toBe(1);
  });

  it("compute the 5xx error rate with metric math over target 5xx and requests", () => {
    const queries = alarm(dev, "image-classifier-v1-5-0-error-rate").metricQueries as any[];
    expect(queries.map((q) => [q.id, q.metric?.metricName ?? q.expression, q.returnData])).toEqual([
      ["errors", "HTTPCode_Target_5XX_Count", false],
      ["requests", "RequestCount", false],
      ["error_rate", "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)", true],
    ]);
  });

  it("name the load balancer and the version's own target group in their dimensions", () => {
    const loadBalancer = /^app\/maas-dev-[0-9a-f]{6}\/[0-9a-f]{16}$/;
    for (const version of servedWorkloads(dev)) {
      const expected = arnOf(dev, version).suffix;
      const latency = alarm(dev, `${version}-p99-latency`);
      expect(latency.dimensions.TargetGroup, version).toBe(expected);
      expect(latency.dimensions.LoadBalancer).toMatch(loadBalancer);
      for (const query of (alarm(dev, `${version}-error-rate`).metricQueries as any[]).filter(
        (q) => q.metric,
      )) {
        expect(query.metric.dimensions.TargetGroup, version).toBe(expected);
      }
      expect(alarm(dev, `${version}-unhealthy-hosts`).dimensions.TargetGroup).toBe(expected);
      expect(alarm(dev, `${version}-no-healthy-hosts`).dimensions.TargetGroup).toBe(expected);
    }
  });

  it("raise an alarm when a version has no healthy target, also when nothing is reported at all", () => {
    expect(alarm(dev, "image-classifier-v1-5-0-no-healthy-hosts")).toMatchObject({
      name: "maas-dev_image-classifier_1.5.0_no-healthy-hosts",
      metricName: "HealthyHostCount",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
  });

  it("watch the load balancer's own 5xx and rejected connections, which no target metric shows", () => {
    const elb = alarm(dev, "load-balancer-elb-5xx");
    expect(elb.name).toBe("maas-dev_elb-5xx");
    expect((elb.metricQueries as any[]).map((q) => q.metric?.metricName ?? q.expression)).toEqual([
      "HTTPCode_ELB_5XX_Count",
      "RequestCount",
      "IF(requests > 0, 100 * FILL(errors, 0) / requests, IF(FILL(errors, 0) > 0, 100, 0))",
    ]);
    expect((elb.metricQueries as any[])[0].metric.dimensions).toEqual({
      LoadBalancer: expect.stringMatching(/^app\/maas-dev-/),
    });
    expect(alarm(dev, "load-balancer-rejected-connections")).toMatchObject({
      name: "maas-dev_rejected-connections",
      metricName: "RejectedConnectionCount",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  });

  it("all notify the alarm topic, with actions enabled and names unique to the stack", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:maas-dev_alarms";
    const alarms = dev.ofType(ALARM).map((r) => r.inputs as any);
    for (const definition of alarms) {
      expect(definition.alarmActions, definition.name).toEqual([topic]);
      expect(definition.okActions).toEqual([topic]);
      expect(definition.actionsEnabled).toBe(true);
      expect(definition.treatMissingData).toBeDefined();
      expect(definition.name).toMatch(/^maas-dev_/);
    }
    expect(new Set(alarms.map((a) => a.name)).size).toBe(alarms.length);
  });
});

describe("alarm topic", () => {
  it("is encrypted with the registry key, publishable only by this stack's alarms, and mails the configured addresses", () => {
    expect(dev.inputs("aws:sns/topic:Topic", "alarms")).toMatchObject({
      name: "maas-dev_alarms",
      kmsMasterKeyId: expect.stringMatching(/^arn:aws:kms:/),
    });
    const policy = JSON.parse(dev.inputs("aws:sns/topicPolicy:TopicPolicy", "alarms").policy);
    expect(policy.Statement[1]).toEqual({
      Sid: "StackAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "SNS:Publish",
      Resource: "arn:aws:sns:eu-west-1:123456789012:maas-dev_alarms",
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:maas-dev_*" },
      },
    });
    expect(
      policy.Statement.every((s: any) => s.Principal !== "*" && s.Principal?.AWS !== "*"),
    ).toBe(true);
    expect(dev.ofType("aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs)).toEqual([
      {
        topic: "arn:aws:sns:eu-west-1:123456789012:maas-dev_alarms",
        protocol: "email",
        endpoint: "ml-platform-dev@example.com",
      },
    ]);
  });
});

describe("dashboards", () => {
  it("show latency percentiles, requests, 5xx and healthy hosts per version side by side, and the alarms", () => {
    const dashboard = dev.inputs("aws:cloudwatch/dashboard:Dashboard", "image-classifier");
    expect(dashboard.dashboardName).toBe("maas-dev_image-classifier");
    const body = JSON.parse(dashboard.dashboardBody);
    const titles = body.widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles).toEqual([
      "Latency p50 / p90 / p99",
      "Requests",
      "Target 5xx responses",
      "Healthy targets",
      "Load balancer 5xx (all models: no healthy target, timeouts)",
      "Rejected connections (all models)",
      "Alarms",
    ]);
    const latency = body.widgets.find((w: any) => w.properties.title === "Latency p50 / p90 / p99");
    expect(latency.properties.metrics.map((m: any[]) => m[m.length - 1].label)).toEqual([
      "1.4.0 p50",
      "1.4.0 p90",
      "1.4.0 p99",
      "1.5.0 p50",
      "1.5.0 p90",
      "1.5.0 p99",
    ]);
    expect(latency.properties.metrics[3][5]).toBe(arnOf(dev, "image-classifier-v1-5-0").suffix);
    // The alarm widget: every alarm of the model's served versions, and no other model's.
    const alarms = body.widgets.find((w: any) => w.type === "alarm");
    const own = dev
      .ofType(ALARM, "maas:monitoring:ModelMonitoring")
      .map((r) => r.name)
      .filter((name) =>
        servedWorkloads(dev, "image-classifier").some((v) => name.startsWith(`${v}-`)),
      );
    expect(own.length).toBeGreaterThan(0);
    expect(alarms.properties.alarms).toHaveLength(own.length);
    for (const name of own)
      expect(
        alarms.properties.alarms.filter((arn: string) => arn.includes(`:${name}-`)),
        name,
      ).toHaveLength(1);
    expect((dev.plan.outputs as any).models["image-classifier"].dashboardUrl).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=maas-dev_image-classifier",
    );
  });
});
