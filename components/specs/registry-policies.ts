/** Policy documents of the registry: TLS-only bucket access, and who may use the key. */
import { accountRootArn, alarmNamePrefix, partitionOf } from "../../catalogue/names";
import { policyDocument } from "./policy-document";
import type { PolicyDocument } from "./policy-document";

/** Deny every request to the bucket or its objects that does not use TLS (Security Hub S3.5). */
export function bucketPolicyDocument(bucketArn: string): PolicyDocument {
  return policyDocument({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
}

/**
 * The account administers the key through IAM (as the default key policy does); CloudWatch may
 * use it to publish this stack's alarms to the encrypted alarm topic, and only those: the
 * source account and alarm conditions guard against the confused deputy (SNS developer guide,
 * sns-key-management, "compatibility with AWS services", step 3).
 */
export function keyPolicyDocument(inputs: {
  accountId: string;
  region: string;
  stack: string;
}): PolicyDocument {
  const { accountId } = inputs;
  return policyDocument(
    {
      Sid: "AccountAdministersKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(inputs.region, accountId) },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: {
          "aws:SourceArn": `arn:${partitionOf(inputs.region)}:cloudwatch:${inputs.region}:${accountId}:alarm:${alarmNamePrefix(inputs.stack)}*`,
        },
      },
    },
  );
}
