/**
 * The Kubernetes objects a version and the platform get. `applyOrder` numbers the manifests so
 * `kubectl apply -f <dir>` creates what others live in or point at first (a namespace before
 * what is in it, a Deployment before the Service, binding and autoscaler that refer to it). The
 * schemas are the Kubernetes OpenAPI schema's, through the validators kubernetes-models generates
 * from it (types, required fields, formats; unknown fields are caught earlier, by the
 * @pulumi/kubernetes input types the spec builders are written against); the load balancer
 * controller's CRD has its own (target-group-binding-schema.ts).
 */
// One module per class: the group indexes (`kubernetes-models/v1`) load every class of the
// group with its validator: some 300 ms of start-up for the seven classes used here.
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { ResourceKind, SchemaCheck } from "./kind";
import { targetGroupBindingProblem } from "./target-group-binding-schema";

/** The schema check of a kubernetes-models class: its validator's message (naming the field). */
function openApi(Model: new (data: never) => { validate(): void }): SchemaCheck {
  return (object) => {
    try {
      new Model(object as never).validate();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

export const KUBERNETES_KINDS: readonly ResourceKind[] = [
  {
    type: "kubernetes:core/v1:Namespace",
    kubernetes: { applyOrder: 0, schema: openApi(Namespace) },
  },
  {
    type: "kubernetes:core/v1:ServiceAccount",
    kubernetes: { applyOrder: 1, schema: openApi(ServiceAccount) },
  },
  {
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    kubernetes: { applyOrder: 2, schema: openApi(NetworkPolicy) },
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    // The selector is immutable in apps/v1 (the API server refuses an update of it).
    forcesReplacement: ["spec.selector"],
    kubernetes: { applyOrder: 3, schema: openApi(Deployment) },
  },
  { type: "kubernetes:core/v1:Service", kubernetes: { applyOrder: 4, schema: openApi(Service) } },
  {
    type: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    // The AWS Load Balancer Controller's webhook refuses updates of these
    // (webhooks/elbv2/targetgroupbinding_validator.go, checkImmutableFields).
    refusedInPlace: ["spec.targetGroupARN", "spec.targetType", "spec.vpcID", "spec.ipAddressType"],
    kubernetes: { applyOrder: 5, schema: targetGroupBindingProblem },
  },
  {
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    kubernetes: { applyOrder: 6, schema: openApi(HorizontalPodAutoscaler) },
  },
  {
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    kubernetes: { applyOrder: 7, schema: openApi(PodDisruptionBudget) },
  },
];
