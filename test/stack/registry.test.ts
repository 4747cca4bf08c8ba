/**
 * The model registry through the mock runtime: KMS key, artifacts bucket, versions table,
 * one item per version (retired included), the catalogue snapshot, and prod protection.
 * Policy documents are parsed and compared whole, not searched for substrings.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { projectPlans } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";
import type { PlanFixture } from "../helpers/plan";

let dev: PlanFixture;
let prod: PlanFixture;

beforeAll(async () => ({ dev, prod } = await projectPlans()));

const BUCKET_ARN = /^arn:aws:s3:::registry-artifacts-[0-9a-f]{7}$/;

describe("KMS key", () => {
  it("rotates, and its policy lets the account administer it and CloudWatch publish alarms through it", () => {
    const key = dev.inputs("aws:kms/key:Key", "registry-key");
    expect(key.enableKeyRotation).toBe(true);
    expect(JSON.parse(key.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          // Only this account's alarms of this stack (no confused deputy).
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: {
              "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:maas-dev_*",
            },
          },
        },
      ],
    });
  });
});

describe("artifacts bucket", () => {
  it("is auto-named (global names; a rename must never replace the data's bucket)", () => {
    expect(dev.inputs("aws:s3/bucket:Bucket", "registry-artifacts").bucket).toBeUndefined();
  });

  it("blocks every kind of public access and disables ACLs", () => {
    expect(
      dev.inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "registry-artifacts"),
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      dev.inputs("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "registry-artifacts")
        .rule,
    ).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("encrypts with the registry key and a bucket key, and keeps versions", () => {
    const encryption = dev.inputs(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "registry-artifacts",
    );
    expect(encryption.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//),
        },
        bucketKeyEnabled: true,
      },
    ]);
    expect(
      dev.inputs("aws:s3/bucketVersioning:BucketVersioning", "registry-artifacts")
        .versioningConfiguration,
    ).toEqual({ status: "Enabled" });
  });

  it("aborts incomplete multipart uploads and expires old noncurrent versions", () => {
    const rules = dev.inputs(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "registry-artifacts",
    ).rules as any[];
    expect(rules).toEqual([
      {
        id: "abort-incomplete-uploads",
        status: "Enabled",
        filter: {},
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: 90, newerNoncurrentVersions: 3 },
      },
    ]);
  });

  it("denies every request without TLS, to the bucket and its objects", () => {
    const policy = JSON.parse(
      dev.inputs("aws:s3/bucketPolicy:BucketPolicy", "registry-artifacts").policy,
    );
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement.Resource[0]).toMatch(BUCKET_ARN);
    expect(statement.Resource[1]).toBe(`${statement.Resource[0]}/*`);
    const blockFirst = dev.one(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "registry-artifacts",
    ).urn;
    expect(
      dev.one("aws:s3/bucketPolicy:BucketPolicy", "registry-artifacts").dependencies,
    ).toContain(blockFirst);
  });
});

describe("versions table", () => {
  it("is on-demand, keyed by model and version, indexed by status, recoverable and encrypted with the key", () => {
    const table = dev.inputs("aws:dynamodb/table:Table", "registry-versions");
    expect(table).toMatchObject({
      billingMode: "PAY_PER_REQUEST",
      hashKey: "model",
      rangeKey: "version",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: expect.stringMatching(/^arn:aws:kms:/) },
      deletionProtectionEnabled: false,
    });
    expect(table.globalSecondaryIndexes).toEqual([
      {
        name: "by-status",
        keySchemas: [
          { attributeName: "status", keyType: "HASH" },
          { attributeName: "model", keyType: "RANGE" },
        ],
        projectionType: "ALL",
      },
    ]);
  });

  it("holds one item per version, retired included, never deleted by pulumi up, with status, traffic, image, artifacts, owner and SLO", () => {
    const items = dev
      .ofType("aws:dynamodb/tableItem:TableItem")
      .filter((item) => !item.name.endsWith("-image"));
    expect(items.map((item) => item.name)).toEqual([
      "fraud-scorer-v3-2-1",
      "image-classifier-v1-4-0",
      "image-classifier-v1-5-0",
      "text-embedder-v1-8-0",
      "text-embedder-v1-9-2",
      "text-embedder-v2-0-0",
    ]);
    for (const item of items) expect(item.options?.retainOnDelete, item.name).toBe(true);
    // A retired version claims no image: the catalogue's (here the model's, which 2.0.0 runs) is
    // not what it ran. What it ran is in its image items.
    const retired = JSON.parse(
      dev.inputs("aws:dynamodb/tableItem:TableItem", "text-embedder-v1-8-0").item,
    );
    expect(retired).toEqual({
      model: { S: "text-embedder" },
      version: { S: "1.8.0" },
      status: { S: "retired" },
      traffic: { N: "0" },
      owner: { S: "search-team" },
      environment: { S: "dev" },
      artifactUri: {
        S: expect.stringMatching(
          /^s3:\/\/registry-artifacts-[0-9a-f]{7}\/text-embedder\/1\.8\.0\/$/,
        ),
      },
      sloLatencyP99Ms: { N: "120" },
      sloErrorRatePercent: { N: "1" },
    });
    const canary = JSON.parse(
      dev.inputs("aws:dynamodb/tableItem:TableItem", "image-classifier-v1-5-0").item,
    );
    expect(canary).toMatchObject({
      status: { S: "live" },
      traffic: { N: "50" },
      imageReference: {
        S: expect.stringMatching(/maas\/dev\/image-classifier@sha256:[0-9a-f]{64}$/),
      },
    });
  });

  it("keeps what each served version runs in an image item of its own, never rewritten: a new image is a new item with a new generation, the old one stays", () => {
    const images = dev
      .ofType("aws:dynamodb/tableItem:TableItem")
      .filter((item) => item.name.endsWith("-image"));
    expect(images.map((item) => item.name.replace(/-image$/, ""))).toEqual([
      "fraud-scorer-v3-2-1",
      "image-classifier-v1-4-0",
      "image-classifier-v1-5-0",
      "text-embedder-v1-9-2",
      "text-embedder-v2-0-0",
    ]);
    for (const item of images)
      expect(item.options, item.name).toMatchObject({
        retainOnDelete: true,
        replaceOnChanges: ["item"],
      });
    const standby = images.find((item) => item.name.startsWith("text-embedder-v1-9-2"))!;
    expect(JSON.parse(standby.inputs.item as string)).toEqual({
      model: { S: "text-embedder" },
      version: {
        // The digest, and the generation drawn when the version started running it.
        S: expect.stringMatching(
          /^1\.9\.2@sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b#[0-9a-f]{8}$/,
        ),
      },
      kind: { S: "image" },
      versionKey: { S: "1.9.2" },
      environment: { S: "dev" },
      imageReference: {
        S: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/text-embedder@sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
      },
    });
  });

  it("writes a snapshot of the resolved catalogue per stack, where no model's role reads", () => {
    const snapshot = dev.inputs(
      "aws:s3/bucketObjectv2:BucketObjectv2",
      "registry-catalogue-snapshot",
    );
    expect(snapshot).toMatchObject({
      key: "_maas/catalogue/dev.json",
      contentType: "application/json",
      serverSideEncryption: "aws:kms",
    });
    const catalogue = JSON.parse(snapshot.content);
    expect(catalogue.environment).toBe("dev");
    expect(catalogue.models.map((m: any) => m.name)).toEqual([
      "fraud-scorer",
      "image-classifier",
      "text-embedder",
    ]);
  });
});

describe("protection (maas:protect, prod)", () => {
  it("protects and retains the key, bucket and table in prod, and turns on table deletion protection", () => {
    for (const [type, name] of [
      ["aws:kms/key:Key", "registry-key"],
      ["aws:s3/bucket:Bucket", "registry-artifacts"],
      ["aws:dynamodb/table:Table", "registry-versions"],
    ] as const) {
      expect(prod.one(type, name).options, `${type} in prod`).toEqual({
        protect: true,
        retainOnDelete: true,
      });
      expect(dev.one(type, name).options, `${type} in dev`).toBeUndefined();
    }
    expect(
      prod.inputs("aws:dynamodb/table:Table", "registry-versions").deletionProtectionEnabled,
    ).toBe(true);
    expect(prod.inputs("aws:s3/bucket:Bucket", "registry-artifacts").forceDestroy).toBe(false);
  });
});

describe("tags", () => {
  it("puts the stack-wide tags on the AWS provider's default tags", () => {
    const provider = dev.one("pulumi:providers:aws", "aws").inputs as Record<string, string>;
    expect(provider.region).toBe("eu-west-1");
    // Provider configuration reaches the engine as JSON strings.
    expect(JSON.parse(provider.defaultTags!)).toEqual({
      tags: { "maas:environment": "dev", "maas:project": "maas", "maas:stack": "dev" },
    });
  });

  it("sends every AWS resource through that provider", () => {
    const provider = dev.one("pulumi:providers:aws", "aws").urn;
    for (const resource of dev.plan.resources.filter((r) => r.custom && r.type.startsWith("aws:")))
      expect(resource.provider, resource.urn).toBe(provider);
  });
});

describe("what a version ran, across a change of its image", () => {
  it("replaces the version's image item and its generation, keeping the old item in the table", async () => {
    const transition = await transitionBetween(
      { catalogue: twoModels() },
      {
        catalogue: twoModels([
          `    image: registry.example.com/ranker@sha256:${"b".repeat(64)}`,
          `    image: registry.example.com/ranker@sha256:${"c".repeat(64)}`,
        ]),
      },
    );
    const item = transition.step("TableItem", "ranker-v2-0-0-image");
    expect(item.op).toBe("replace");
    expect(item.resource.options).toMatchObject({ retainOnDelete: true });
    expect(transition.step("RandomId", "ranker-v2-0-0-image").op).toBe("replace");
    // The version's own item is updated in place: it says what runs now.
    expect(transition.step("TableItem", "ranker-v2-0-0").op).toBe("update");
  });
});
