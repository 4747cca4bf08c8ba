/**
 * maas: Model-as-a-Service from models.yaml. The program lives in stack/program.ts so the
 * offline plan (`maas plan`) runs exactly what `pulumi up` runs. It reads the rollout records
 * before it registers anything, so the outputs below are promises Pulumi awaits.
 */
import { program } from "./stack/program";

const deployed = program();

/** One output of the stack; a failed program is reported once (by the first output Pulumi awaits). */
function output<T>(read: (stack: Awaited<typeof deployed>) => T): Promise<T> {
  const value = deployed.then(read);
  value.catch(() => undefined);
  return value;
}

/** The model registry: artifacts bucket, versions table and rollouts table. */
export const registry = output((stack) => stack.registry);
/** The load balancers models are served through, by name (`main` unless the catalogue names others). */
export const loadBalancers = output((stack) => stack.loadBalancers);
/** Per consumer of the front door (when the catalogue declares consumers): its URL (execute-api) and, with maas:apiDomain, its stable URL, how it authenticates, the secret holding its API key and that secret's KMS key, the models it may call; for an oauth consumer also its token endpoint, app client id, client secret's secret and scopes. */
export const consumers = output((stack) => stack.consumers ?? {});
/** The front door's custom domain (with maas:apiDomain; null without): its name, and the target and hosted zone its DNS alias record points at. */
export const apiDomain = output((stack) => stack.apiDomain ?? null);
/** The SNS topic all alarms notify. */
export const alarmTopicArn = output((stack) => stack.alarmTopicArn);
/** Per model: endpoint URL, dashboard URL, namespace, IAM role, ECR repository, what maas rollout addresses; per version: DNS name, image, target group. */
export const models = output((stack) => stack.models);
