/**
 * rules 15-21 on the AWS resources of the plans: the example plans pass every rule;
 * one mutation per rule fails it with that rule's id and message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { AWS_RULES, checkAwsResources } from "../../policy/aws-rules";
import { withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";

let dev: RecordedResource[];
let prod: RecordedResource[];

beforeAll(async () => {
  dev = (await planOf({ stack: "dev" })).plan.resources;
  prod = (await planOf({ stack: "prod" })).plan.resources;
});

function find(resources: RecordedResource[], type: string, name: string): any {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}
const inputs = (resources: RecordedResource[], type: string, name: string) =>
  find(resources, type, name).inputs;
const editPolicy = (resource: any, field: string, edit: (policy: any) => void) => {
  const policy = JSON.parse(resource[field]);
  edit(policy);
  resource[field] = JSON.stringify(policy);
};

const cases: {
  name: string;
  rule: string;
  message: string;
  production?: boolean;
  mutate: (r: RecordedResource[]) => void;
}[] = [
  {
    name: "s3-public-access-fail",
    rule: "RULES-15/s3",
    message: "public access block lacks restrictPublicBuckets (S3.8)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "registry-artifacts",
      ).restrictPublicBuckets = false),
  },
  {
    name: "s3-acls-fail",
    rule: "RULES-15/s3",
    message: "ACLs are not disabled (BucketOwnerEnforced, S3.12)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "registry-artifacts",
      ).rule.objectOwnership = "ObjectWriter"),
  },
  {
    name: "s3-sse-fail",
    rule: "RULES-15/s3",
    message: "is not encrypted with SSE-KMS",
    mutate: (r) =>
      (inputs(
        r,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "registry-artifacts",
      ).rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = "AES256"),
  },
  {
    name: "s3-versioning-fail",
    rule: "RULES-15/s3",
    message: "versioning is not enabled (S3.14)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:s3/bucketVersioning:BucketVersioning",
        "registry-artifacts",
      ).versioningConfiguration.status = "Suspended"),
  },
  {
    name: "s3-multipart-fail",
    rule: "RULES-15/s3",
    message: "does not abort incomplete multipart uploads (S3.13)",
    mutate: (r) =>
      inputs(
        r,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "registry-artifacts",
      ).rules.shift(),
  },
  {
    name: "s3-tls-fail",
    rule: "RULES-15/s3",
    message: "does not deny requests without TLS (S3.5)",
    mutate: (r) =>
      editPolicy(
        inputs(r, "aws:s3/bucketPolicy:BucketPolicy", "registry-artifacts"),
        "policy",
        (p) => (p.Statement = []),
      ),
  },
  {
    name: "dynamodb-pitr-fail",
    rule: "RULES-16/dynamodb",
    message: "has no point-in-time recovery (DynamoDB.2)",
    mutate: (r) =>
      (inputs(r, "aws:dynamodb/table:Table", "registry-versions").pointInTimeRecovery.enabled =
        false),
  },
  {
    name: "dynamodb-provisioned-fail",
    rule: "RULES-16/dynamodb",
    message: "is not on-demand (DynamoDB.1)",
    mutate: (r) =>
      (inputs(r, "aws:dynamodb/table:Table", "registry-versions").billingMode = "PROVISIONED"),
  },
  {
    name: "dynamodb-deletion-protection-prod-fail",
    rule: "RULES-16/dynamodb",
    message: "has no deletion protection in production (DynamoDB.6)",
    production: true,
    mutate: (r) =>
      (inputs(r, "aws:dynamodb/table:Table", "registry-versions").deletionProtectionEnabled =
        false),
  },
  {
    name: "ecr-scan-fail",
    rule: "RULES-17/ecr",
    message: "does not scan on push (ECR.1)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:ecr/repository:Repository",
        "image-classifier",
      ).imageScanningConfiguration.scanOnPush = false),
  },
  {
    name: "ecr-mutable-fail",
    rule: "RULES-17/ecr",
    message: "tags are not immutable (ECR.2): IMMUTABLE_WITH_EXCLUSION except *",
    mutate: (r) =>
      (inputs(
        r,
        "aws:ecr/repository:Repository",
        "image-classifier",
      ).imageTagMutabilityExclusionFilters[0].filter = "*"),
  },
  {
    name: "ecr-lifecycle-fail",
    rule: "RULES-17/ecr",
    message: "has no lifecycle policy (ECR.3)",
    mutate: (r) =>
      r.splice(
        r.indexOf(find(r, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "image-classifier")),
        1,
      ),
  },
  {
    name: "alarm-actions-fail",
    rule: "RULES-18/alarms",
    message: "has no alarm actions (CloudWatch.15)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "fraud-scorer-v3-2-1-p99-latency",
      ).alarmActions = []),
  },
  {
    name: "alarm-low-samples-fail",
    rule: "RULES-18/alarms",
    message: "evaluates percentiles of low-sample windows",
    mutate: (r) =>
      (inputs(
        r,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "fraud-scorer-v3-2-1-p99-latency",
      ).evaluateLowSampleCountPercentiles = "evaluate"),
  },
  {
    name: "alarm-average-latency-fail",
    rule: "RULES-18/alarms",
    message: "watches latency by an average, not a percentile",
    mutate: (r) => {
      const alarm = inputs(
        r,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "fraud-scorer-v3-2-1-p99-latency",
      );
      delete alarm.extendedStatistic;
      delete alarm.evaluateLowSampleCountPercentiles;
      alarm.statistic = "Average";
    },
  },
  {
    name: "sns-kms-fail",
    rule: "RULES-19/sns",
    message: "is not KMS-encrypted (SNS.1)",
    mutate: (r) => delete inputs(r, "aws:sns/topic:Topic", "alarms").kmsMasterKeyId,
  },
  {
    name: "sns-public-fail",
    rule: "RULES-19/sns",
    message: "allows anyone (SNS.4)",
    mutate: (r) =>
      editPolicy(inputs(r, "aws:sns/topicPolicy:TopicPolicy", "alarms"), "policy", (p) => {
        p.Statement[1].Principal = "*";
        delete p.Statement[1].Condition;
      }),
  },
  {
    name: "iam-wildcard-fail",
    rule: "RULES-20/iam",
    message: "statement ReadOwnArtifacts allows a wildcard action (IAM.1)",
    mutate: (r) =>
      editPolicy(
        inputs(r, "aws:iam/rolePolicy:RolePolicy", "image-classifier-artifacts"),
        "policy",
        (p) => (p.Statement[0].Action = "s3:*"),
      ),
  },
  {
    name: "iam-other-model-fail",
    rule: "RULES-20/iam",
    message: "statement ReadOwnArtifacts reads beyond s3://<registry>/image-classifier/",
    mutate: (r) =>
      editPolicy(
        inputs(r, "aws:iam/rolePolicy:RolePolicy", "image-classifier-artifacts"),
        "policy",
        (p) =>
          (p.Statement[0].Resource = p.Statement[0].Resource.replace("/image-classifier/*", "/*")),
      ),
  },
  {
    name: "iam-trust-fail",
    rule: "RULES-20/iam",
    message: "trust is not pinned to one ServiceAccount",
    mutate: (r) =>
      editPolicy(
        inputs(r, "aws:iam/role:Role", "image-classifier"),
        "assumeRolePolicy",
        (p) =>
          delete p.Statement[0].Condition.StringEquals[
            Object.keys(p.Statement[0].Condition.StringEquals)[0]!
          ],
      ),
  },
  {
    name: "no-healthy-hosts-alarm-fail",
    rule: "RULES-28/alarms-see-absence",
    message:
      "no alarm fires when it has no healthy target (HealthyHostCount, missing data breaching)",
    mutate: (r) =>
      (inputs(
        r,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "fraud-scorer-v3-2-1-no-healthy-hosts",
      ).treatMissingData = "notBreaching"),
  },
  {
    name: "elb-5xx-alarm-fail",
    rule: "RULES-28/alarms-see-absence",
    message: "no alarm on the load balancer's own 5xx (HTTPCode_ELB_5XX_Count)",
    mutate: (r) =>
      r.splice(
        r.indexOf(find(r, "aws:cloudwatch/metricAlarm:MetricAlarm", "load-balancer-elb-5xx")),
        1,
      ),
  },
  {
    name: "internet-plain-http-fail",
    rule: "ingress/internet-https",
    message: "serves plain HTTP on an internet-facing load balancer; redirect it to HTTPS",
    mutate: (r) => (inputs(r, "aws:lb/loadBalancer:LoadBalancer", "ingress").internal = false),
  },
  {
    name: "protection-prod-fail",
    rule: "RULES-21/protection",
    message: "is not retained on delete in production",
    production: true,
    mutate: (r) => (find(r, "aws:kms/key:Key", "registry-key").options = { protect: true }),
  },
  {
    name: "protection-prod-data-key-fail",
    rule: "RULES-21/protection",
    message: "is not protected in production",
    production: true,
    mutate: (r) => (find(r, "aws:kms/key:Key", "registry-key").options = { retainOnDelete: true }),
  },
];

describe("AWS rules (rules 15-21)", () => {
  it("has one rule per item, the ingress rule and the front door's", () => {
    expect(AWS_RULES.map((rule) => rule.id.split("/")[0])).toEqual([
      ...Array.from({ length: 7 }, (_, i) => `RULES-${i + 15}`),
      "RULES-28",
      "RULES-34",
      "ingress",
      "front-door",
      "front-door",
      "front-door",
      "front-door",
    ]);
  });

  it("baseline-ok: the dev and prod plans pass every rule", () => {
    expect(checkAwsResources(dev, { production: false })).toEqual([]);
    expect(checkAwsResources(prod, { production: true })).toEqual([]);
  });

  it("production rules apply to production only: dev's unprotected registry fails them", () => {
    expect(checkAwsResources(dev, { production: true }).map((v) => v.rule)).toContain(
      "RULES-21/protection",
    );
  });

  it.each(cases)("$name", ({ mutate, rule, message, production }) => {
    const resources = structuredClone(production ? prod : dev);
    mutate(resources);
    const found = checkAwsResources(resources, { production: production ?? false });
    expect(found.map((v) => `${v.rule}: ${v.message}`)).toContain(`${rule}: ${message}`);
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set([rule]));
  });
});

describe("the front door's audit trail (front-door/audit-kept)", () => {
  let door: RecordedResource[];
  beforeAll(async () => {
    door = (await planOf({ stack: "prod", catalogue: withConsumers() })).plan.resources;
  });
  const violations = (resources: RecordedResource[]) =>
    checkAwsResources(resources, { production: true }).map(
      (v) => `${v.rule} ${v.object}: ${v.message}`,
    );

  it("passes as planned: log groups and their key retained, not protected (production too)", () => {
    expect(violations(door)).toEqual([]);
    expect(find(door, "aws:kms/key:Key", "front-door").options).toEqual({ retainOnDelete: true });
  });

  it("fails a log group or its key not retained on delete, and a log group kept forever", () => {
    const resources = structuredClone(door);
    delete find(resources, "aws:cloudwatch/logGroup:LogGroup", "front-door-waf").options;
    delete find(resources, "aws:kms/key:Key", "front-door").options;
    delete inputs(resources, "aws:cloudwatch/logGroup:LogGroup", "front-door-access")
      .retentionInDays;
    expect(violations(resources).sort()).toEqual([
      "RULES-21/protection Key front-door: is not retained on delete in production",
      "front-door/audit-kept Key front-door: encrypts logs and is not retained on delete: they could no longer be read",
      "front-door/audit-kept LogGroup front-door-access: has no retention period",
      "front-door/audit-kept LogGroup front-door-waf: is not retained on delete: removing the door would delete its logs",
    ]);
  });
});

describe("the front door's TLS (front-door/tls)", () => {
  it("passes as planned, and fails an API at AWS's default policy or an enhanced one without an access mode", async () => {
    const door = (await planOf({ catalogue: withConsumers() })).plan.resources;
    const violations = (resources: RecordedResource[]) =>
      checkAwsResources(resources, { production: false }).map(
        (v) => `${v.rule} ${v.object}: ${v.message}`,
      );
    expect(violations(door)).toEqual([]);
    const resources = structuredClone(door);
    const [sigv4, apiKey] = resources.filter((r) => r.type === "aws:apigateway/restApi:RestApi");
    delete sigv4!.inputs.securityPolicy;
    delete apiKey!.inputs.endpointAccessMode;
    expect(violations(resources)).toEqual([
      `front-door/tls RestApi ${sigv4!.name}: security policy unset (AWS's default TLS_1_0): not an enhanced SecurityPolicy_ policy`,
      `front-door/tls RestApi ${apiKey!.name}: security policy SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09 without an endpoint access mode`,
    ]);
  });
});
