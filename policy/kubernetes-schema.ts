/**
 * Validates Kubernetes objects against the Kubernetes OpenAPI schema, with the validators
 * kubernetes-models generates from it: types, required fields, formats. (Unknown fields are
 * caught earlier, by the @pulumi/kubernetes input types the spec builders are written against.)
 * The load balancer controller's CRD has its own schema (target-group-binding-schema.ts).
 */
// One module per class: the group indexes (`kubernetes-models/v1`) load every class of the
// group with its validator: some 300 ms of start-up for the seven classes used here.
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { targetGroupBindingProblem } from "./target-group-binding-schema";

type Validatable = { validate(): void };
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

/** The schema problem of `object` (naming the field), or undefined when it is valid. Unknown kinds are a problem too. */
export function kubernetesSchemaProblem(object: Record<string, unknown>): string | undefined {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  if (key === "elbv2.k8s.aws/v1beta1/TargetGroupBinding") return targetGroupBindingProblem(object);
  const Model = MODELS[key];
  if (!Model)
    return `no OpenAPI schema known for ${key}: add its kubernetes-models class to MODELS in policy/kubernetes-schema.ts`;
  try {
    new Model(object as never).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
