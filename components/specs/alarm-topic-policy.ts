/** Who may use the alarm topic: the account, as by default, and this stack's alarms. */
import { accountRootArn, alarmNamePrefix, partitionOf } from "../../catalogue/names";
import { policyDocument } from "./policy-document";
import type { PolicyDocument } from "./policy-document";

export interface AlarmTopicPolicyInputs {
  topicArn: string;
  accountId: string;
  region: string;
  stack: string;
}

export function alarmTopicPolicy(inputs: AlarmTopicPolicyInputs): PolicyDocument {
  return policyDocument(
    {
      Sid: "AccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(inputs.region, inputs.accountId) },
      Action: [
        "SNS:GetTopicAttributes",
        "SNS:SetTopicAttributes",
        "SNS:AddPermission",
        "SNS:RemovePermission",
        "SNS:DeleteTopic",
        "SNS:Subscribe",
        "SNS:ListSubscriptionsByTopic",
        "SNS:Publish",
      ],
      Resource: inputs.topicArn,
    },
    {
      Sid: "StackAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "SNS:Publish",
      Resource: inputs.topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": inputs.accountId },
        ArnLike: {
          "aws:SourceArn": `arn:${partitionOf(inputs.region)}:cloudwatch:${inputs.region}:${inputs.accountId}:alarm:${alarmNamePrefix(inputs.stack)}*`,
        },
      },
    },
  );
}
