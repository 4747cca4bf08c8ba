/**
 * The CrossGuard policies of the maas guardrails pack: the same checks `maas plan` runs (the
 * Kubernetes OpenAPI schema, rules 1-14 on Kubernetes objects, 15-21 on AWS resources),
 * applied by `pulumi preview --policy-pack policy/pack` to what the engine is about to deploy.
 */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { checkAwsResources } from "../aws-rules";
import { checkKubernetesObjects } from "../index";
import type { KubernetesObject, RuleContext, Violation } from "../index";
import type { RecordedResource } from "../planned-resource";

export interface GuardrailsConfig {
  /** Apply the production rules (HPA minimum of two, deletion protection, protected data). */
  production: boolean;
}

const configSchema = {
  properties: {
    production: {
      type: "boolean" as const,
      default: false,
      description: "Apply the production rules.",
    },
  },
};

/** A resource as the plan records it, from what CrossGuard knows about it. */
export function asRecorded(resource: PolicyResource): RecordedResource {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    custom: true,
    inputs: resource.props,
    dependencies: resource.dependencies.map((dependency) => dependency.urn),
    ...(resource.opts.protect || resource.opts.additionalSecretOutputs.length > 0
      ? {
          options: {
            ...(resource.opts.protect ? { protect: true as const } : {}),
            ...(resource.opts.additionalSecretOutputs.length > 0
              ? { additionalSecretOutputs: resource.opts.additionalSecretOutputs }
              : {}),
          },
        }
      : {}),
  };
}

function contextOf(args: StackValidationArgs): RuleContext {
  // CrossGuard's resource options carry protect but not retainOnDelete.
  return {
    production: args.getConfig<GuardrailsConfig>().production === true,
    retainOnDeleteKnown: false,
  };
}

/** Reports each violation on the resource it is about. */
function report(
  violations: Violation[],
  urnOf: Map<object, string>,
  reportViolation: ReportViolation,
): void {
  for (const violation of violations)
    reportViolation(
      `${violation.rule}: ${violation.object}: ${violation.message}`,
      urnOf.get(violation.source),
    );
}

export const kubernetesWorkloads: StackValidationPolicy = {
  name: "maas-kubernetes-workloads",
  description:
    "Kubernetes objects are valid against the OpenAPI schema and follow rules 1-14 (hardened pods, rollouts, autoscaling, budgets, network policies, labels).",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const resources = args.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
    const urnOf = new Map<object, string>(
      resources.map((resource) => [resource.props, resource.urn]),
    );
    const objects = resources.map((resource) => resource.props as KubernetesObject);
    report(checkKubernetesObjects(objects, contextOf(args)), urnOf, reportViolation);
  },
};

export const awsGuardrails: StackValidationPolicy = {
  name: "maas-aws-guardrails",
  description:
    "S3, DynamoDB, ECR, CloudWatch alarms, SNS and IAM follow rules 15-21; production data is protected.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const recorded = args.resources
      .filter((resource) => resource.type.startsWith("aws:"))
      .map(asRecorded);
    const urnOf = new Map<object, string>(recorded.map((resource) => [resource, resource.urn]));
    report(checkAwsResources(recorded, contextOf(args)), urnOf, reportViolation);
  },
};

export const GUARDRAILS: StackValidationPolicy[] = [kubernetesWorkloads, awsGuardrails];
