/**
 * The stack's alarm topic: KMS-encrypted (SNS.1), publishable only by this stack's CloudWatch
 * alarms (SNS.4: not public), with the configured email subscriptions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmTopicName } from "../catalogue/names";
import { alarmTopicPolicy } from "./specs/alarm-topic-policy";

export interface AlarmTopicArgs {
  stack: string;
  accountId: pulumi.Input<string>;
  region: string;
  /** Customer-managed key whose policy lets CloudWatch use it (registry key). */
  kmsKeyArn: pulumi.Input<string>;
  /** Email addresses to notify; each must confirm its subscription. */
  emails: string[];
}

export class AlarmTopic extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:alarms:AlarmTopic", name, {}, opts);
    this.topic = new aws.sns.Topic(
      name,
      {
        name: alarmTopicName(args.stack),
        kmsMasterKeyId: args.kmsKeyArn,
      },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      name,
      {
        arn: this.topic.arn,
        policy: pulumi
          .all([this.topic.arn, args.accountId])
          .apply(([topicArn, accountId]) =>
            JSON.stringify(
              alarmTopicPolicy({ topicArn, accountId, region: args.region, stack: args.stack }),
            ),
          ),
      },
      { parent: this },
    );
    for (const email of [...args.emails].sort()) {
      new aws.sns.TopicSubscription(
        `${name}-${email}`,
        { topic: this.topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    }
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
