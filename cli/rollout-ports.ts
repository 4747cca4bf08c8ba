/**
 * The real world of `maas rollout`: the stack's rollouts table, CloudWatch, ELBv2 and SNS in the
 * stack's region with the default credential chain (environment, web identity, profile), the
 * Pulumi CLI through the Automation API in the project directory, and the wall clock.
 */
import { dynamoDbStore } from "../rollout/aws/record-store";
import { elbv2LoadBalancer } from "../rollout/aws/load-balancer";
import { cloudWatchMetrics } from "../rollout/aws/metrics";
import { snsNotifier } from "../rollout/aws/notifier";
import type { Notifier, Ports } from "../rollout/ports";
import { PulumiDeployer } from "../rollout/pulumi-deployer";
import { httpPreTraffic } from "../rollout/smoke";
import type { Io } from "./io";
import type { RolloutContext } from "./rollout";
import { progressLine } from "./rollout";

export function realPorts(context: RolloutContext, io: Io): Promise<Ports> {
  const { settings } = context;
  // Nothing starts the Pulumi CLI until a verb needs the stack: a break-glass abort needs only
  // the record and ELBv2, and must work when the CLI or its backend does not.
  const deployer = new PulumiDeployer({
    workDir: process.cwd(),
    stack: settings.stack,
    onOutput: (line) => io.stdout.write(`  | ${line}\n`),
  });
  const log = (model: string, text: string) =>
    io.stdout.write(progressLine(new Date(), model, text));
  let sns: Notifier | undefined;
  const notifier: Notifier = {
    async notify(subject, message) {
      try {
        sns ??= snsNotifier(settings.region, await deployer.alarmTopicArn());
        await sns.notify(subject, message);
      } catch (error) {
        // Telling people is worth a line in the log, never a failed abort.
        log(
          "*",
          `could not notify the alarm topic: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
  return Promise.resolve({
    store: dynamoDbStore(context.table, settings.region),
    deployer,
    metrics: cloudWatchMetrics(settings.region),
    loadBalancer: elbv2LoadBalancer(settings.region),
    preTraffic: httpPreTraffic,
    notifier,
    clock: {
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    log: { line: log },
  });
}
