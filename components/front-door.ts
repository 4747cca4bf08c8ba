/**
 * The front door: the only way to call a model when the catalogue declares consumers. An API
 * Gateway REST API per kind of consumer (front-door-api.ts: SigV4 or API key), a stage, key,
 * usage plan and secret per consumer (consumer-access.ts), behind a WAF web ACL with a
 * per-address rate rule; JSON access logs (who called which model, status, latency) in a
 * KMS-encrypted log group with retention; a metric of each consumer's 429s for its alarm.
 *
 * Prerequisite outside the stack: API Gateway's account-level CloudWatch role
 * (`aws.apigateway.Account`, one per account and region, shared by every API), without which a
 * stage with access logs cannot be created. The stack does not own it: another team's setting
 * would be overwritten.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedConsumer } from "../catalogue";
import {
  frontDoorLogGroupName,
  frontDoorMetricNamespace,
  wafLogGroupName,
} from "../catalogue/names";
import { THROTTLE_METRIC } from "./consumer-access";
import type { ConsumerAccess } from "./consumer-access";
import { FrontDoorApi } from "./front-door-api";
import type { FrontDoorBackend } from "./front-door-api";
import { frontDoorKeyPolicy, perAddressLimit } from "./specs/front-door";

/** How long access and WAF logs are kept: a year of who called what. */
export const FRONT_DOOR_LOG_RETENTION_DAYS = 365;

export interface FrontDoorArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  /** Who runs `pulumi up` (its ARN as getCallerIdentity gives it). */
  deployer: pulumi.Input<string[]>;
  consumers: ResolvedConsumer[];
  models: FrontDoorBackend[];
  vpcLinkId: pulumi.Input<string>;
  alarmTopicArn: pulumi.Input<string>;
  protect: boolean;
  tags: Record<string, string>;
}

export class FrontDoor extends pulumi.ComponentResource {
  public readonly apis: Partial<Record<ResolvedConsumer["auth"], FrontDoorApi>> = {};
  public readonly consumers: Record<string, ConsumerAccess> = {};
  public readonly metricNamespace: string;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:FrontDoor", name, {}, opts);
    const child = { parent: this };
    this.metricNamespace = frontDoorMetricNamespace(args.stack);
    // Its own key: consumers decrypt their secret with it, and with nothing else of the stack.
    const key = new aws.kms.Key(
      name,
      {
        description: `maas ${args.stack}: front door logs and consumers' API keys`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.output(args.accountId).apply((accountId) =>
          JSON.stringify(
            frontDoorKeyPolicy({
              accountId,
              region: args.region,
              readers: [...new Set(args.consumers.flatMap((c) => c.principals))].sort(),
            }),
          ),
        ),
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access`,
      {
        name: frontDoorLogGroupName(args.stack),
        kmsKeyId: key.arn,
        retentionInDays: FRONT_DOOR_LOG_RETENTION_DAYS,
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    new aws.cloudwatch.LogMetricFilter(
      `${name}-throttled`,
      {
        logGroupName: accessLogs.name,
        pattern: "{ $.status = 429 }",
        metricTransformation: {
          name: THROTTLE_METRIC.name,
          namespace: this.metricNamespace,
          value: "1",
          unit: "Count",
          // The consumer is the stage: as many values as consumers, never one per caller.
          dimensions: { [THROTTLE_METRIC.dimension]: "$.consumer" },
        },
      },
      child,
    );

    const webAcl = new aws.wafv2.WebAcl(
      name,
      {
        description: `maas ${args.stack}: front door`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: [
          {
            name: "per-address-rate",
            priority: 0,
            action: { block: { customResponse: { responseCode: 429 } } },
            statement: {
              rateBasedStatement: {
                limit: perAddressLimit(args.consumers),
                aggregateKeyType: "IP",
                evaluationWindowSec: 300,
              },
            },
            visibilityConfig: {
              cloudwatchMetricsEnabled: true,
              metricName: "per-address-rate",
              sampledRequestsEnabled: true,
            },
          },
        ],
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: `maas-${args.stack}-front-door`,
          sampledRequestsEnabled: true,
        },
        tags: args.tags,
      },
      child,
    );
    const wafLogs = new aws.cloudwatch.LogGroup(
      `${name}-waf`,
      {
        name: wafLogGroupName(args.stack),
        kmsKeyId: key.arn,
        retentionInDays: FRONT_DOOR_LOG_RETENTION_DAYS,
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      name,
      {
        resourceArn: webAcl.arn,
        logDestinationConfigs: [wafLogs.arn],
        // WAF logs request headers: the keys and signatures stay out of them.
        redactedFields: [
          { singleHeader: { name: "x-api-key" } },
          { singleHeader: { name: "authorization" } },
        ],
      },
      child,
    );

    for (const auth of ["sigv4", "apiKey"] as const) {
      const consumers = args.consumers.filter((consumer) => consumer.auth === auth);
      if (consumers.length === 0) continue;
      const api = new FrontDoorApi(
        `${name}-${auth.toLowerCase()}`,
        {
          stack: args.stack,
          auth,
          consumers,
          models: args.models,
          vpcLinkId: args.vpcLinkId,
          accessLogGroupArn: accessLogs.arn,
          webAclArn: webAcl.arn,
          keyArn: key.arn,
          deployer: args.deployer,
          alarmTopicArn: args.alarmTopicArn,
          metricNamespace: this.metricNamespace,
          tags: args.tags,
        },
        child,
      );
      this.apis[auth] = api;
      Object.assign(this.consumers, api.consumers);
    }
    this.registerOutputs({});
  }
}
