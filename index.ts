/**
 * maas: Model-as-a-Service from models.yaml. The program lives in stack/program.ts so the
 * offline plan (`maas plan`) runs exactly what `pulumi up` runs.
 */
import { program } from "./stack/program";

const deployed = program();

/** The model registry: artifacts bucket and versions table. */
export const registry = deployed.registry;
/** The load balancers models are served through, by name (`main` unless the catalogue names others). */
export const loadBalancers = deployed.loadBalancers;
/** Per consumer of the front door (when the catalogue declares consumers): its URL, how it authenticates, the secret holding its API key and that secret's KMS key, the models it may call. */
export const consumers = deployed.consumers ?? {};
/** The SNS topic all alarms notify. */
export const alarmTopicArn = deployed.alarmTopicArn;
/** Per model: endpoint URL, dashboard URL, namespace, IAM role, ECR repository; per version: DNS name, image, target group. */
export const models = deployed.models;
