/**
 * The rollout engine's AWS calls, typed against the installed AWS SDK clients and answered by
 * aws-sdk-client-mock (the SDK's own middleware stack runs; only the network is stubbed): the
 * conditional writes of the records, the program's read of them, the metric queries and their
 * answers, the load balancer's rule weights and break-glass, the notifications.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { elbv2LoadBalancer } from "../../rollout/aws/load-balancer";
import { cloudWatchMetrics, metricQueries } from "../../rollout/aws/metrics";
import { snsNotifier } from "../../rollout/aws/notifier";
import { dynamoDbStore } from "../../rollout/aws/record-store";
import type { RolloutRecord } from "../../rollout/record";
import { dynamoDbRecords } from "../../stack/rollout-records";
import { FakeWorld, model } from "../helpers/rollout-world";

// The store and the program's read send lib-dynamodb's commands through its document client.
const dynamo = mockClient(DynamoDBDocumentClient);
const cloudWatch = mockClient(CloudWatchClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const sns = mockClient(SNSClient);
afterEach(() => {
  dynamo.reset();
  cloudWatch.reset();
  elb.reset();
  sns.reset();
});

/** A real record, as the engine writes it (a rollout started in the fake world). */
async function aRecord(): Promise<RolloutRecord> {
  const world = new FakeWorld([model("m", { a: 0, b: 100 })], { m: { a: 100, b: 0 } });
  await world.engine(0).run(world.catalogue);
  return world.record("m");
}

describe("the rollout records in DynamoDB", () => {
  it("writes the current item only if it still has the revision read, with the rollout's history item in the same transaction", async () => {
    const record = await aRecord();
    dynamo.on(TransactWriteCommand).resolves({});
    const store = dynamoDbStore("maas-prod_rollouts", "eu-west-1");
    expect(await store.put(record, record.revision - 1)).toBe(true);
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const items = call!.args[0].input.TransactItems!;
    expect(items[0]!.Put).toMatchObject({
      TableName: "maas-prod_rollouts",
      Item: { model: "m", record: "current", revision: record.revision, status: "running" },
      ConditionExpression: "revision = :expected",
      ExpressionAttributeValues: { ":expected": record.revision - 1 },
    });
    expect(items[1]!.Put!.Item).toMatchObject({ model: "m", record: `rollout/${record.id}` });
    expect(items[1]!.Put!.ConditionExpression).toBeUndefined();
  });

  it("writes a model's first record only where none exists", async () => {
    const record = await aRecord();
    dynamo.on(TransactWriteCommand).resolves({});
    await dynamoDbStore("t", "eu-west-1").put(record, undefined);
    const put = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(put.ConditionExpression).toBe("attribute_not_exists(#model)");
    expect(put.ExpressionAttributeNames).toEqual({ "#model": "model" });
  });

  it("says false when another writer came first, and passes every other error on", async () => {
    const record = await aRecord();
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: "Transaction cancelled",
        $metadata: {},
        CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }],
      }),
    );
    expect(await dynamoDbStore("t", "eu-west-1").put(record, 1)).toBe(false);
    dynamo.reset();
    dynamo.on(TransactWriteCommand).rejects(new Error("AccessDeniedException"));
    await expect(dynamoDbStore("t", "eu-west-1").put(record, 1)).rejects.toThrow("AccessDenied");
  });

  it("reads the current record with a consistent read, and refuses one it cannot parse", async () => {
    const record = await aRecord();
    dynamo.on(GetCommand).resolves({ Item: { model: "m", record: "current", rollout: record } });
    expect(await dynamoDbStore("t", "eu-west-1").get("m")).toEqual(record);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      Key: { model: "m", record: "current" },
      ConsistentRead: true,
    });
    dynamo.reset();
    dynamo.on(GetCommand).resolves({ Item: { model: "m", rollout: { schema: 9 } } });
    await expect(dynamoDbStore("t", "eu-west-1").get("m")).rejects.toThrow(
      /t m: the rollout record is unreadable/,
    );
  });
});

describe("the program's read of the records", () => {
  it("reads every deployed model's current record in batches of 100, asking again for unprocessed keys", async () => {
    const record = await aRecord();
    const models = Array.from({ length: 150 }, (_, i) => `m${i}`).concat("m");
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [] },
        UnprocessedKeys: { t: { Keys: [{ model: "m7", record: "current" }] } },
      })
      .resolvesOnce({ Responses: { t: [] } })
      .resolvesOnce({ Responses: { t: [{ model: "m", record: "current", rollout: record }] } });
    const records = await dynamoDbRecords.read("t", "eu-west-1", models);
    expect([...records.keys()]).toEqual(["m"]);
    const calls = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!);
    expect(calls.map((c) => c.Keys!.length)).toEqual([100, 1, 51]);
    expect(calls.every((c) => c.ConsistentRead === true)).toBe(true);
  });

  it("knows no record where the table does not exist yet (a stack's first update)", async () => {
    dynamo
      .on(BatchGetCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Requested resource not found", $metadata: {} }),
      );
    expect((await dynamoDbRecords.read("t", "eu-west-1", ["m"])).size).toBe(0);
  });

  it("stops the program when the table cannot be read: an update that does not know a record could undo a rollout", async () => {
    dynamo
      .on(BatchGetCommand)
      .rejects(new Error("User is not authorized to perform: dynamodb:BatchGetItem"));
    await expect(dynamoDbRecords.read("t", "eu-west-1", ["m"])).rejects.toThrow(
      /cannot read the rollout records in DynamoDB table t \(eu-west-1\): User is not authorized.*nothing was deployed; the deploying role needs dynamodb:BatchGetItem on the table/,
    );
  });
});

describe("the gates' metrics from CloudWatch", () => {
  it("asks one query per metric and target group, with both dimensions, one period over the whole window", () => {
    const queries = metricQueries("app/lb/1", ["targetgroup/a/1", "targetgroup/b/2"], 600);
    expect(queries).toHaveLength(18);
    expect(queries[5]).toEqual({
      Id: "g0_p99",
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "TargetResponseTime",
          Dimensions: [
            { Name: "TargetGroup", Value: "targetgroup/a/1" },
            { Name: "LoadBalancer", Value: "app/lb/1" },
          ],
        },
        Period: 600,
        Stat: "p99",
      },
      ReturnData: true,
    });
    expect(
      queries.map((q) => `${q.MetricStat!.Metric!.MetricName} ${q.MetricStat!.Stat}`).slice(0, 9),
    ).toEqual([
      "RequestCount Sum",
      "HTTPCode_Target_5XX_Count Sum",
      "HTTPCode_Target_2XX_Count Sum",
      "HTTPCode_Target_3XX_Count Sum",
      "HTTPCode_Target_4XX_Count Sum",
      "TargetResponseTime p99",
      "TargetResponseTime SampleCount",
      "HealthyHostCount Minimum",
      "TargetConnectionErrorCount Sum",
    ]);
  });

  it("turns the answer into each target group's window: seconds to milliseconds, a count without a datapoint is 0, a missing p99 and healthy count stay missing, and the load balancer's answers for the version (502, 504) count as its errors", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "g0_requests", Values: [1200] },
        { Id: "g0_errors", Values: [6] },
        { Id: "g0_ok2xx", Values: [1180] },
        { Id: "g0_ok4xx", Values: [10] },
        { Id: "g0_p99", Values: [0.25] },
        { Id: "g0_samples", Values: [1200] },
        { Id: "g0_healthy", Values: [3] },
        { Id: "g0_connectionErrors", Values: [] },
        { Id: "g1_requests", Values: [] },
        { Id: "g1_p99", Values: [] },
        { Id: "g1_healthy", Values: [] },
      ],
    });
    const start = new Date("2026-12-01T10:02:00Z");
    const windows = await cloudWatchMetrics("eu-west-1").window(
      "app/lb/1",
      ["tg/a", "tg/b"],
      start,
      new Date("2026-12-01T10:12:00Z"),
    );
    expect(windows).toEqual({
      "tg/a": {
        requests: 1200,
        // 1,200 requests, 1,190 answered 2xx or 4xx: 10 failed, 6 of them the version's own 5xx.
        errors: 10,
        p99Ms: 250,
        latencySamples: 1200,
        minHealthyHosts: 3,
        connectionErrors: 0,
      },
      "tg/b": { requests: 0, errors: 0, latencySamples: 0, connectionErrors: 0 },
    });
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(start);
    expect(input.EndTime).toEqual(new Date("2026-12-01T10:12:00Z"));
    expect(input.MetricDataQueries![0]!.MetricStat!.Period).toBe(600);
  });

  it("adds the pages of a paginated answer up", async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: "g0_requests", Values: [100] }],
        NextToken: "next",
      })
      .resolvesOnce({ MetricDataResults: [{ Id: "g0_requests", Values: [50] }] });
    const windows = await cloudWatchMetrics("eu-west-1").window(
      "lb",
      ["tg"],
      new Date("2026-12-01T10:00:00Z"),
      new Date("2026-12-01T10:05:00Z"),
    );
    expect(windows.tg!.requests).toBe(150);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken).toBe("next");
  });
});

describe("the load balancer", () => {
  it("counts only healthy targets", async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        "healthy",
        "initial",
        "draining",
        "healthy",
        "unhealthy.draining",
      ].map((State) => ({ TargetHealth: { State } })),
    } as never);
    expect(await elbv2LoadBalancer("eu-west-1").healthyTargets("arn:tg")).toBe(2);
  });

  it("reads a rule's weights by its ARN, or by its priority on a listener across pages", async () => {
    const rule = (priority: string, weights: [string, number][]) => ({
      Priority: priority,
      Actions: [
        {
          Type: "forward" as const,
          ForwardConfig: {
            TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
          },
        },
      ],
    });
    elb.on(DescribeRulesCommand, { RuleArns: ["arn:rule"] }).resolves({
      Rules: [
        rule("7", [
          ["arn:a", 90],
          ["arn:b", 10],
        ]),
      ],
    });
    const lb = elbv2LoadBalancer("eu-west-1");
    expect(await lb.ruleWeights("arn:rule")).toEqual({ "arn:a": 90, "arn:b": 10 });
    elb
      .on(DescribeRulesCommand, { ListenerArn: "arn:listener" })
      .resolves({ Rules: [rule("3", [["arn:x", 100]])], NextMarker: "more" });
    elb.on(DescribeRulesCommand, { ListenerArn: "arn:listener", Marker: "more" }).resolves({
      Rules: [
        rule("7", [
          ["arn:a", 100],
          ["arn:b", 0],
        ]),
      ],
    });
    expect(await lb.weightsAtPriority("arn:listener", 7)).toEqual({ "arn:a": 100, "arn:b": 0 });
  });

  it("breaks glass with the rule's whole forward action: every target group, stickiness off", async () => {
    elb.on(ModifyRuleCommand).resolves({});
    await elbv2LoadBalancer("eu-west-1").setRuleWeights("arn:rule", { "arn:b": 0, "arn:a": 100 });
    expect(elb.commandCalls(ModifyRuleCommand)[0]!.args[0].input).toEqual({
      RuleArn: "arn:rule",
      Actions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: "arn:a", Weight: 100 },
              { TargetGroupArn: "arn:b", Weight: 0 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
    });
  });
});

describe("notifications", () => {
  it("publish to the alarm topic with a subject SNS accepts, and nothing without a topic", async () => {
    sns.on(PublishCommand).resolves({});
    await snsNotifier("eu-west-1", "arn:topic").notify(
      `maas prod: m rolled out ✓ ${"x".repeat(200)}`,
      "body",
    );
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe("arn:topic");
    expect(input.Subject).toMatch(/^maas prod: m rolled out \? x+$/);
    expect(input.Subject!.length).toBe(100);
    await snsNotifier("eu-west-1", undefined).notify("s", "m");
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
