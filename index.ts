/**
 * maas: Model-as-a-Service from models.yaml. The program lives in stack/program.ts so the
 * offline plan (`maas plan`) runs exactly what `pulumi up` runs.
 */
import { program } from "./stack/program";

const deployed = program();

/** The model registry: artifacts bucket and versions table. */
export const registry = deployed.registry;
/** Per model: namespace, IAM role, ECR repository; per version: in-cluster DNS name and image. */
export const models = deployed.models;
