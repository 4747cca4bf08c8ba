/**
 * The model registry, once per stack: a KMS key, the S3 bucket that holds model artifacts
 * (`<model>/<version>/…`) and catalogue snapshots (`_maas/catalogue/<stack>.json`: model names
 * start with a letter, so no model's role, which reads `<model>/*`, reaches them), and the
 * DynamoDB table with one item per model version (items: model-records.ts). Encrypted,
 * versioned, point-in-time recoverable, never public, TLS only; protected from deletion when the
 * stack says so (prod).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";
import { keyAliasName } from "../catalogue/names";
import { catalogueSnapshot } from "./catalogue-snapshot";
import { bucketPolicyDocument, keyPolicyDocument } from "./specs/registry-policies";

/**
 * The rollouts table's keys: `model`, and `record`: `current` for the record every update reads,
 * `rollout/<id>` for each rollout's history (rollout/record.ts; written by maas rollout only).
 */
export const ROLLOUTS_TABLE = {
  hashKey: "model",
  rangeKey: "record",
  current: "current",
  historyPrefix: "rollout/",
} as const;

/** Partition key, sort key and the index of the registry table (docs/setup.md, "Registry schema"). */
export const REGISTRY_TABLE = {
  hashKey: "model",
  rangeKey: "version",
  statusIndex: "by-status",
} as const;

export interface ModelRegistryArgs {
  /** AWS account the key policy refers to. */
  accountId: pulumi.Input<string>;
  /** Stack name: the snapshot is written to `_maas/catalogue/<stack>.json`. */
  stack: string;
  region: string;
  /** What this stack deploys, snapshotted as JSON (catalogue-snapshot.ts). */
  catalogue: ResolvedCatalogue;
  /** Protect the key, bucket and table from deletion (`maas:protect`, prod). */
  protect: boolean;
  /** Days noncurrent artifact versions are kept before they expire. */
  noncurrentVersionDays?: number;
  /** The rollouts table's fixed name (names.ts rolloutTableName). */
  rolloutTableName: string;
}

export class ModelRegistry extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly bucket: aws.s3.Bucket;
  public readonly table: aws.dynamodb.Table;
  /** The rollout records (rollout/record.ts): every `pulumi up` reads them by name. */
  public readonly rollouts: aws.dynamodb.Table;
  public readonly bucketName: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:registry:ModelRegistry", name, {}, opts);
    // Data must survive mistakes: a protected resource cannot be deleted by `pulumi up`, and
    // retainOnDelete keeps it in AWS if it is ever removed from the stack on purpose.
    const keep: pulumi.CustomResourceOptions = {
      parent: this,
      protect: args.protect,
      retainOnDelete: args.protect,
    };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `maas ${args.stack}: model registry, images and alarms`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .output(args.accountId)
          .apply((accountId) =>
            JSON.stringify(
              keyPolicyDocument({ accountId, region: args.region, stack: args.stack }),
            ),
          ),
      },
      keep,
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: keyAliasName(args.stack), targetKeyId: this.key.keyId },
      { parent: this },
    );

    // Auto-named: bucket names are global, and a rename must never replace the data's bucket.
    this.bucket = new aws.s3.Bucket(`${name}-artifacts`, { forceDestroy: !args.protect }, keep);
    const bucket = this.bucket.id;
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-artifacts`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-artifacts`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-artifacts`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-artifacts`,
      {
        bucket,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: this.key.arn,
            },
            bucketKeyEnabled: true,
          },
        ],
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-artifacts`,
      {
        bucket,
        rules: [
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
            noncurrentVersionExpiration: {
              noncurrentDays: args.noncurrentVersionDays ?? 90,
              newerNoncurrentVersions: 3,
            },
          },
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-artifacts`,
      { bucket, policy: this.bucket.arn.apply((arn) => JSON.stringify(bucketPolicyDocument(arn))) },
      // The public access block must exist first, so the policy can never be public even briefly.
      { parent: this, dependsOn: [publicAccess] },
    );

    this.table = new aws.dynamodb.Table(
      `${name}-versions`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: REGISTRY_TABLE.hashKey,
        rangeKey: REGISTRY_TABLE.rangeKey,
        attributes: [
          { name: REGISTRY_TABLE.hashKey, type: "S" },
          { name: REGISTRY_TABLE.rangeKey, type: "S" },
          { name: "status", type: "S" },
        ],
        globalSecondaryIndexes: [
          {
            name: REGISTRY_TABLE.statusIndex,
            keySchemas: [
              { attributeName: "status", keyType: "HASH" },
              { attributeName: REGISTRY_TABLE.hashKey, keyType: "RANGE" },
            ],
            projectionType: "ALL",
          },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: args.protect,
      },
      keep,
    );

    this.rollouts = new aws.dynamodb.Table(
      `${name}-rollouts`,
      {
        // Read by name before the program registers anything (stack/rollout-records.ts). Its
        // keys never change, so the fixed name never has to make room for a replacement.
        name: args.rolloutTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: ROLLOUTS_TABLE.hashKey,
        rangeKey: ROLLOUTS_TABLE.rangeKey,
        attributes: [
          { name: ROLLOUTS_TABLE.hashKey, type: "S" },
          { name: ROLLOUTS_TABLE.rangeKey, type: "S" },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: args.protect,
      },
      // What ran is history in every stack, protected or not: a stack that drops the table
      // leaves it (and its records) in AWS.
      { parent: this, protect: args.protect, retainOnDelete: true },
    );

    catalogueSnapshot(
      `${name}-catalogue-snapshot`,
      { bucket, keyArn: this.key.arn, stack: args.stack, catalogue: args.catalogue },
      { parent: this },
    );

    this.bucketName = this.bucket.bucket;
    this.tableName = this.table.name;
    this.registerOutputs({
      bucketName: this.bucketName,
      tableName: this.tableName,
      rolloutsTableName: this.rollouts.name,
      keyArn: this.key.arn,
    });
  }
}
