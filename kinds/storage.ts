/**
 * The registry's storage (S3, DynamoDB, KMS), the images (ECR, docker-build) and a build's
 * generation (random).
 */
import type { ResourceKind } from "./kind";
import { partitionOf } from "../catalogue/names";
import { PLACEHOLDER_ACCOUNT, arn, autoName, hex, logicalName, uuid } from "./placeholder";
import { itemKey, joined } from "./physical-name";

export const STORAGE_KINDS: readonly ResourceKind[] = [
  // The registry table and the rollouts table; the registry's items are its records.
  {
    type: "aws:dynamodb/table:Table",
    forcesReplacement: ["name", "hashKey", "rangeKey"],
    history: { protectInProduction: true },
    placeholder: (name, inputs, context) => {
      const table = autoName(name, inputs);
      return {
        id: table,
        state: { ...inputs, name: table, arn: arn(context, "dynamodb", `table/${table}`) },
      };
    },
    deployer: [
      "dynamodb:CreateTable",
      "dynamodb:UpdateTable",
      "dynamodb:DeleteTable",
      "dynamodb:Describe*",
      "dynamodb:List*",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
    ],
  },
  {
    type: "aws:dynamodb/tableItem:TableItem",
    forcesReplacement: ["tableName", "hashKey", "rangeKey"],
    history: { protectInProduction: false },
    physicalName: { of: (i) => [itemKey(i)] },
    deployer: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
  },
  {
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    forcesReplacement: ["repository"],
    deployer: ["ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy"],
  },
  {
    type: "aws:ecr/repository:Repository",
    forcesReplacement: ["name"],
    history: { protectInProduction: false },
    physicalName: { of: (i) => [joined("ECR repository", i.name)], scope: "region" },
    placeholder: (name, inputs, context) => {
      const repository = autoName(name, inputs);
      return {
        id: repository,
        state: {
          ...inputs,
          name: repository,
          registryId: PLACEHOLDER_ACCOUNT,
          repositoryUrl: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${context.region}.amazonaws.com/${repository}`,
          arn: arn(context, "ecr", `repository/${repository}`),
        },
      };
    },
    deployer: [
      "ecr:CreateRepository",
      "ecr:DescribeRepositories",
      "ecr:DeleteRepository",
      "ecr:PutImageTagMutability",
      "ecr:PutImageScanningConfiguration",
      "ecr:ListTagsForResource",
      "ecr:TagResource",
      "ecr:UntagResource",
    ],
  },
  {
    type: "aws:kms/alias:Alias",
    forcesReplacement: ["name"],
    physicalName: { of: (i) => [joined("KMS alias", i.name)], scope: "region" },
    deployer: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListAliases"],
  },
  // Deploying uses the keys too: for what the stack writes encrypted (objects, secrets, items;
  // a table under a customer managed key takes a grant).
  {
    type: "aws:kms/key:Key",
    forcesReplacement: ["customerMasterKeySpec", "keyUsage"],
    history: { protectInProduction: true },
    placeholder: (name, inputs, context) => {
      const keyId = uuid(name);
      return { id: keyId, state: { ...inputs, keyId, arn: arn(context, "kms", `key/${keyId}`) } };
    },
    deployer: [
      "kms:CreateKey",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:PutKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:UpdateKeyDescription",
      "kms:ListResourceTags",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:GenerateDataKey*",
      "kms:CreateGrant",
    ],
  },
  {
    type: "aws:s3/bucket:Bucket",
    forcesReplacement: ["bucket", "bucketPrefix"],
    history: { protectInProduction: true },
    placeholder: (name, inputs, context) => {
      const bucket = autoName(name, inputs, "bucket");
      return {
        id: bucket,
        state: {
          ...inputs,
          bucket,
          arn: `arn:${partitionOf(context.region)}:s3:::${bucket}`,
        },
      };
    },
    deployer: [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:ListBucket",
      "s3:GetBucket*",
      "s3:GetAccelerateConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:PutBucketTagging",
    ],
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    deployer: ["s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"],
  },
  {
    type: "aws:s3/bucketObjectv2:BucketObjectv2",
    forcesReplacement: ["bucket", "key"],
    physicalName: { of: (i) => [joined("S3 object", i.bucket, i.key)] },
    deployer: [
      "s3:PutObject",
      "s3:GetObject",
      "s3:GetObjectTagging",
      "s3:PutObjectTagging",
      "s3:DeleteObject",
      "s3:ListBucket",
    ],
  },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    deployer: ["s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"],
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    deployer: ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
  },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    deployer: ["s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"],
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    deployer: ["s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"],
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    deployer: ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
  },
  // The images docker-build pushes to ECR.
  {
    type: "docker-build:index:Image",
    history: { protectInProduction: false },
    physicalName: {
      of: (i) => (Array.isArray(i.tags) ? i.tags.map((tag) => joined("image tag", tag)) : []),
    },
    placeholder: (name, inputs) => {
      const digest = `sha256:${hex(`${name}\n${JSON.stringify(inputs.tags)}`, 64)}`;
      const tag =
        Array.isArray(inputs.tags) && typeof inputs.tags[0] === "string"
          ? inputs.tags[0]
          : logicalName(name);
      return {
        id: digest,
        state: {
          ...inputs,
          digest,
          ref: `${tag}@${digest}`,
          contextHash: hex(`context:${name}`, 64),
        },
      };
    },
    deployer: [
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ],
  },
  // A build's generation. Every argument of a RandomId forces a new draw
  // (terraform-provider-random, resource_id.go).
  {
    type: "random:index/randomId:RandomId",
    forcesReplacement: ["byteLength", "keepers", "prefix"],
    // Drawn once by the random provider; here from the name, like every id.
    placeholder: (name, inputs) => {
      const bytes = typeof inputs.byteLength === "number" ? inputs.byteLength : 8;
      const value = hex(`random:${name}`, bytes * 2);
      return {
        id: Buffer.from(value, "hex").toString("base64url"),
        state: {
          ...inputs,
          hex: value,
          dec: BigInt(`0x${value}`).toString(),
          b64Std: Buffer.from(value, "hex").toString("base64"),
          b64Url: Buffer.from(value, "hex").toString("base64url"),
        },
      };
    },
  },
];
