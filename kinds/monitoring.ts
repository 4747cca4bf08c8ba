/** Alarms, dashboards and the alarm topic. */
import type { ResourceKind } from "./kind";
import { arn, autoName } from "./placeholder";
import { joined } from "./physical-name";

export const MONITORING_KINDS: readonly ResourceKind[] = [
  {
    type: "aws:cloudwatch/dashboard:Dashboard",
    forcesReplacement: ["dashboardName"],
    physicalName: { of: (i) => [joined("dashboard", i.dashboardName)], scope: "region" },
    deployer: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    forcesReplacement: ["name"],
    physicalName: { of: (i) => [joined("alarm", i.name)], scope: "region" },
    deployer: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ],
  },
  {
    type: "aws:sns/topic:Topic",
    forcesReplacement: ["name"],
    physicalName: { of: (i) => [joined("SNS topic", i.name)], scope: "region" },
    placeholder: (name, inputs, context) => {
      const topic = autoName(name, inputs);
      return {
        id: arn(context, "sns", topic),
        state: { ...inputs, name: topic, arn: arn(context, "sns", topic) },
      };
    },
    deployer: [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:ListTagsForResource",
      "sns:TagResource",
      "sns:UntagResource",
    ],
  },
  {
    type: "aws:sns/topicPolicy:TopicPolicy",
    forcesReplacement: ["arn"],
    deployer: ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
  },
  {
    type: "aws:sns/topicSubscription:TopicSubscription",
    forcesReplacement: ["topic", "protocol", "endpoint"],
    deployer: [
      "sns:Subscribe",
      "sns:Unsubscribe",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
    ],
  },
];
