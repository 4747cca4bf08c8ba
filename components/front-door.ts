/**
 * The front door: the only way to call a model when the catalogue declares consumers. An API
 * Gateway REST API per kind of consumer (front-door-api.ts: SigV4, OAuth token or API key), a
 * stage, key, usage plan and secret per consumer (consumer-access.ts), the token issuer of the
 * oauth consumers (token-issuer.ts), behind a WAF web ACL with a
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
import { CONSUMER_AUTHS } from "../catalogue/schema";
import {
  consumerAlarmName,
  frontDoorLogGroupName,
  frontDoorMetricNamespace,
  wafLogGroupName,
} from "../catalogue/names";
import type { ConsumerAccess } from "./consumer-access";
import { FrontDoorApi } from "./front-door-api";
import { FrontDoorDomain } from "./front-door-domain";
import type { ApiDomain } from "./front-door-domain";
import type { FrontDoorBackend } from "./front-door-api";
import { frontDoorKeyPolicy, perAddressLimit } from "./specs/front-door";
import { TokenIssuer } from "./token-issuer";

/** The metric the access logs' filter counts a consumer's 429s in. */
export const THROTTLE_METRIC = { name: "ThrottledRequests", dimension: "Consumer" } as const;

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
  /** Days the access and WAF logs are kept (maas:frontDoorLogRetentionDays). */
  logRetentionDays: number;
  /** The custom domain of stable consumer URLs (maas:apiDomain), when set. */
  domain?: ApiDomain;
  /** The APIs' execute-api URLs answer 403 (maas:disableExecuteApiEndpoint; needs `domain`). */
  disableExecuteApiEndpoint: boolean;
  tags: Record<string, string>;
}

/**
 * The audit trail (who called which model, what WAF blocked) and the key it is encrypted with
 * outlive the door and the stack: retained on delete whatever maas:protect says, so removing the
 * door, or the stack, leaves them in the account and the logs expire by their own retention.
 * Not protected: protection would refuse removing the door, and lifting it (maas:protect false)
 * would lift the registry's and load balancers' guards too. A replacement is harmless: the log
 * groups are named by prefix, and the old key stays to read what it encrypted.
 */
const AUDIT_TRAIL: pulumi.CustomResourceOptions = { retainOnDelete: true };

export class FrontDoor extends pulumi.ComponentResource {
  public readonly apis: Partial<Record<ResolvedConsumer["auth"], FrontDoorApi>> = {};
  public readonly consumers: Record<string, ConsumerAccess> = {};
  public readonly metricNamespace: string;
  /** Encrypts the logs and the consumers' key secrets; a reader in another account needs kms:Decrypt on it. */
  public readonly key: aws.kms.Key;
  /** The custom domain and its mappings, when maas:apiDomain is set. */
  public readonly domain?: FrontDoorDomain;
  /** The oauth consumers' token issuer, when the catalogue has oauth consumers. */
  public readonly tokens?: TokenIssuer;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:FrontDoor", name, {}, opts);
    const child = { parent: this };
    this.metricNamespace = frontDoorMetricNamespace(args.stack);
    // Its own key: consumers decrypt their secret with it, and with nothing else of the stack.
    this.key = new aws.kms.Key(
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
      { parent: this, ...AUDIT_TRAIL },
    );
    const key = this.key;
    // By prefix, not name: a log group outlives the stack's resource (retainOnDelete), and a
    // later front door must not collide with it.
    const logGroup = (suffix: string, namePrefix: string) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${suffix}`,
        {
          namePrefix,
          kmsKeyId: key.arn,
          retentionInDays: args.logRetentionDays,
          tags: args.tags,
        },
        { parent: this, ...AUDIT_TRAIL },
      );
    const accessLogs = logGroup("access", frontDoorLogGroupName(args.stack));
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
              // Sampled requests show headers unredacted (x-api-key, authorization).
              sampledRequestsEnabled: false,
            },
          },
        ],
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: `maas-${args.stack}-front-door`,
          sampledRequestsEnabled: false,
        },
        tags: args.tags,
      },
      child,
    );
    const wafLogs = logGroup("waf", wafLogGroupName(args.stack));
    // Deleted before its replacement: it is known by the web ACL's ARN (see the associations).
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
      { parent: this, deleteBeforeReplace: true },
    );

    // The oauth consumers' app clients exist as long as the consumers do, served models or not:
    // a pool and its clients that came and went with the APIs would give them new ids and secrets.
    const oauth = args.consumers.filter((consumer) => consumer.auth === "oauth");
    if (oauth.length > 0)
      this.tokens = new TokenIssuer(
        `${name}-tokens`,
        {
          stack: args.stack,
          region: args.region,
          accountId: args.accountId,
          consumers: oauth,
          models: args.models,
          keyArn: key.arn,
          deployer: args.deployer,
          tags: args.tags,
        },
        child,
      );

    // An API with no method cannot be deployed: none while no model is served.
    for (const auth of args.models.length > 0 ? CONSUMER_AUTHS : []) {
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
          ...(auth === "oauth" && this.tokens ? { userPoolArn: this.tokens.userPool.arn } : {}),
          deployer: args.deployer,
          disableExecuteApiEndpoint: args.disableExecuteApiEndpoint,
          tags: args.tags,
        },
        child,
      );
      this.apis[auth] = api;
      Object.assign(this.consumers, api.consumers);
    }
    // The domain exists while the front door does (served or not); a consumer's mapping while it
    // has a stage, on whichever API serves it.
    if (args.domain)
      this.domain = new FrontDoorDomain(
        `${name}-domain`,
        {
          domain: args.domain,
          stages: Object.fromEntries(
            Object.entries(this.consumers).map(([consumer, access]) => [
              consumer,
              { restApiId: access.stage.restApi, stageName: access.stage.stageName },
            ]),
          ),
          tags: args.tags,
        },
        child,
      );
    // Throttled in 5 of the last 6 minutes: a limit too low, or a runaway client. Named after
    // the consumer alone: an alarm is known by its name, so one that followed the consumer's
    // API would be deleted by name when the consumer changes its auth.
    for (const consumer of args.consumers)
      new aws.cloudwatch.MetricAlarm(
        `${name}-${consumer.name}-throttled`,
        {
          name: consumerAlarmName(args.stack, consumer.name),
          alarmDescription: `Consumer ${consumer.name} is being throttled (429) persistently: raise its rateLimit or quota in models.yaml, or ask its owners why it calls more.`,
          namespace: this.metricNamespace,
          metricName: THROTTLE_METRIC.name,
          dimensions: { [THROTTLE_METRIC.dimension]: consumer.name },
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 6,
          datapointsToAlarm: 5,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.alarmTopicArn],
          okActions: [args.alarmTopicArn],
          tags: args.tags,
        },
        child,
      );
    this.registerOutputs({});
  }
}
