/**
 * Typed access to the Kubernetes objects of a plan, for the rules in this folder. The types are
 * kubernetes-models' interfaces, generated from the same OpenAPI schema the objects are
 * validated against.
 */
import type { RuleContext, RuleDoc, Violation } from "./rule";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { INamespace, IPodSpec, IService, IServiceAccount } from "kubernetes-models/v1";

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface Kinds {
  Deployment: IDeployment;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  NetworkPolicy: INetworkPolicy;
  PodDisruptionBudget: IPodDisruptionBudget;
  Namespace: INamespace;
  Service: IService;
  ServiceAccount: IServiceAccount;
}

export type Typed<K extends keyof Kinds> = Kinds[K] & KubernetesObject;

/** A rule on the Kubernetes objects of a plan. */
export interface Rule extends RuleDoc {
  check(objects: KubernetesObject[], context: RuleContext): Violation[];
}

export function describeObject(object: KubernetesObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
}

export function ofKind<K extends keyof Kinds>(objects: KubernetesObject[], kind: K): Typed<K>[] {
  return objects.filter((object) => object.kind === kind) as Typed<K>[];
}

export function sameNamespace(a: KubernetesObject, b: KubernetesObject): boolean {
  return a.metadata.namespace === b.metadata.namespace;
}

/**
 * A label selector's matchLabels (a Deployment's, a PodDisruptionBudget's, a NetworkPolicy's
 * podSelector, a topology spread constraint's): true when every label of `selector` is on
 * `labels`. As the API server reads a LabelSelector, an absent one selects nothing and an empty
 * one everything (a NetworkPolicy's `podSelector: {}` is every pod of its namespace).
 */
export function labelSelectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return !!selector && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/**
 * A Service's selector: true when it has labels and every one is on `labels`. Unlike a label
 * selector, an empty one selects nothing: a Service without a selector has its endpoints managed
 * elsewhere, not by the pods of any Deployment.
 */
export function serviceSelects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels?.[key] === value)
  );
}

export interface PodTemplate {
  owner: Typed<"Deployment">;
  labels: Record<string, string>;
  spec: IPodSpec;
}

/** Pod templates with the Deployment that owns them. */
export function podTemplates(objects: KubernetesObject[]): PodTemplate[] {
  return ofKind(objects, "Deployment").map((owner) => ({
    owner,
    labels: owner.spec?.template.metadata?.labels ?? {},
    spec: owner.spec?.template.spec ?? { containers: [] },
  }));
}

export function report(rule: string, object: KubernetesObject, messages: string[]): Violation[] {
  return messages.map((message) => ({
    rule,
    object: describeObject(object),
    message,
    source: object,
  }));
}
