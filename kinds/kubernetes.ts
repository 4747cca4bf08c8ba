/**
 * The Kubernetes objects a version and the platform get. `applyOrder` numbers the manifests so
 * `kubectl apply -f <dir>` creates what others live in or point at first (a namespace before
 * what is in it, a Deployment before the Service, binding and autoscaler that refer to it). The
 * schemas are the Kubernetes OpenAPI schema's, through the validators kubernetes-models generates
 * from it (types, required fields, formats; unknown fields are caught earlier, by the
 * @pulumi/kubernetes input types the spec builders are written against); the load balancer
 * controller's CRD has its own (target-group-binding-schema.ts).
 */
import { createRequire } from "node:module";
import type { ResourceKind, SchemaCheck } from "./kind";
import { targetGroupBindingProblem } from "./target-group-binding-schema";

type ModelClass = new (data: never) => { validate(): void };
const load = createRequire(__filename);

/**
 * The schema check of a kubernetes-models class, by its module (`kubernetes-models/apps/v1/
 * Deployment`; the class is named as the module's last part), loaded when first used: the Pulumi
 * program reads these records too (a component's replaceOnChanges) and needs no validator, nor,
 * under the language host's type-checking ts-node, their types (some 0.8 s of start-up). One
 * module per class: the group indexes (`kubernetes-models/v1`) load every class of the group
 * with its validator, some 300 ms. test/kinds/registry.test.ts loads every kind's.
 */
function openApi(model: string): SchemaCheck {
  let Model: ModelClass | undefined;
  return (object) => {
    Model ??= (load(model) as Record<string, ModelClass>)[model.split("/").at(-1)!]!;
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
    kubernetes: { applyOrder: 0, schema: openApi("kubernetes-models/v1/Namespace") },
  },
  {
    type: "kubernetes:core/v1:ServiceAccount",
    kubernetes: { applyOrder: 1, schema: openApi("kubernetes-models/v1/ServiceAccount") },
  },
  {
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    kubernetes: {
      applyOrder: 2,
      schema: openApi("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"),
    },
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    // The selector is immutable in apps/v1 (the API server refuses an update of it).
    forcesReplacement: ["spec.selector"],
    kubernetes: { applyOrder: 3, schema: openApi("kubernetes-models/apps/v1/Deployment") },
  },
  {
    type: "kubernetes:core/v1:Service",
    kubernetes: { applyOrder: 4, schema: openApi("kubernetes-models/v1/Service") },
  },
  {
    type: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    // The AWS Load Balancer Controller's webhook refuses updates of these
    // (webhooks/elbv2/targetgroupbinding_validator.go, checkImmutableFields).
    refusedInPlace: ["spec.targetGroupARN", "spec.targetType", "spec.vpcID", "spec.ipAddressType"],
    kubernetes: { applyOrder: 5, schema: targetGroupBindingProblem },
  },
  {
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    kubernetes: {
      applyOrder: 6,
      schema: openApi("kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler"),
    },
  },
  {
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    kubernetes: {
      applyOrder: 7,
      schema: openApi("kubernetes-models/policy/v1/PodDisruptionBudget"),
    },
  },
];
