/** Policy documents of the registry: TLS-only bucket access, and who may use the key. */
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
 * use it to publish alarms to the encrypted alarm topic (AWS knowledge center:
 * cloudwatch-configure-alarm-sns). Which alarms may publish is narrowed by the topic's policy.
 */
export function keyPolicyDocument(accountId: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "AccountAdministersKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
    },
  );
}
