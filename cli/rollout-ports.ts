/**
 * The real world of `maas rollout`: the stack's rollouts table, CloudWatch, ELBv2 and SNS in the
 * stack's region with the default credential chain (environment, web identity, profile), the
 * Pulumi CLI through the Automation API in the project directory, and the wall clock.
 */
import { dynamoDbStore } from "../rollout/aws/record-store";
import { elbv2LoadBalancer } from "../rollout/aws/load-balancer";
import { cloudWatchMetrics } from "../rollout/aws/metrics";
import { snsNotifier } from "../rollout/aws/notifier";
import type { Ports } from "../rollout/ports";
import { PulumiDeployer } from "../rollout/pulumi-deployer";
import { httpPreTraffic } from "../rollout/smoke";
import type { Io } from "./io";
import type { RolloutContext } from "./rollout";
import { progressLine } from "./rollout";

export async function realPorts(context: RolloutContext, io: Io): Promise<Ports> {
  const { settings } = context;
  const deployer = new PulumiDeployer({
    workDir: process.cwd(),
    stack: settings.stack,
    onOutput: (line) => io.stdout.write(`  | ${line}\n`),
  });
  const topic = await deployer.alarmTopicArn();
  return {
    store: dynamoDbStore(context.table, settings.region),
    deployer,
    metrics: cloudWatchMetrics(settings.region),
    loadBalancer: elbv2LoadBalancer(settings.region),
    preTraffic: httpPreTraffic,
    notifier: snsNotifier(settings.region, topic),
    clock: {
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    log: { line: (model, text) => io.stdout.write(progressLine(new Date(), model, text)) },
  };
}
