/** Tells people through the stack's alarm topic (its subscribers get alarms already). */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Notifier } from "../ports";

/** SNS subjects: at most 100 printable ASCII characters (SNS API reference, Publish). */
const SUBJECT_LIMIT = 100;

export function snsNotifier(region: string, topicArn: string | undefined): Notifier {
  const client = new SNSClient({ region });
  return {
    async notify(subject, message) {
      if (!topicArn) return;
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subject.replace(/[^\x20-\x7e]/g, "?").slice(0, SUBJECT_LIMIT),
          Message: message,
        }),
      );
    },
  };
}
