/**
 * The Kubernetes checks run on every plan: the OpenAPI schema, etcd's size limit and rules 1-14
 * (docs/rules.md).
 */
import { CLUSTER_RULES } from "./cluster-rules";
import { describeObject, report } from "./kubernetes-objects";
import type { KubernetesObject, Rule } from "./kubernetes-objects";
import type { RuleContext, RuleDoc, Violation } from "./rule";
import { kubernetesSchemaProblem } from "./kubernetes-schema";
import { WORKLOAD_RULES } from "./workload-rules";
import { AWS_RULES } from "./aws-rules";

export type { KubernetesObject, Rule } from "./kubernetes-objects";
export type { RuleContext, RuleDoc, Violation } from "./rule";

export const KUBERNETES_RULES: Rule[] = [...WORKLOAD_RULES, ...CLUSTER_RULES];

export const SCHEMA_RULE: RuleDoc = {
  id: "openapi-schema",
  description:
    "Every Kubernetes object is valid against the Kubernetes OpenAPI schema (the TargetGroupBinding against its CRD).",
  why: "An object the API server refuses fails pulumi up half-way, after the resources before it were changed.",
  fix: "The message names the field; it comes from a component's spec builder (components/specs/).",
};

/**
 * The API server keeps every object in etcd, which refuses a request above its
 * --max-request-bytes, 1.5 MiB by default (etcd's and EKS's): such an object never exists, and
 * pulumi up fails on it. The object's JSON is measured, a little larger than what etcd stores.
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export const OBJECT_SIZE_RULE: Rule = {
  id: "kubernetes/object-size",
  why: "etcd refuses a request above 1.5 MiB (its default --max-request-bytes): the API server cannot store a larger object, and pulumi up fails on it.",
  fix: "Keep a version's env small (models.<model>.versions.<version>.env in the catalogue, and the model's and defaults' env it inherits): large values belong in the model's artifacts (s3://<registry>/<model>/<version>/), which the pod reads at start.",
  description: "Every Kubernetes object's manifest is below etcd's request limit (1.5 MiB).",
  check: (objects) =>
    objects.flatMap((object) => {
      const bytes = Buffer.byteLength(JSON.stringify(object));
      return report(
        "kubernetes/object-size",
        object,
        bytes <= MAX_OBJECT_BYTES
          ? []
          : [
              `is ${(bytes / 1024 / 1024).toFixed(2)} MiB; etcd stores at most 1.5 MiB per object (its default --max-request-bytes). ${object.kind === "Deployment" ? `Its size is the version's env (models.${String(object.metadata.labels?.["app.kubernetes.io/name"] ?? object.metadata.namespace)}.versions.${String(object.metadata.labels?.["app.kubernetes.io/version"] ?? "<version>")}.env in the catalogue, with the model's and defaults' env): move large values into the model's artifacts` : "Shorten what the catalogue puts in it"}`,
            ],
      );
    }),
};

/** How to comply with a plan rule, by its id (docs/rules.md). */
export function ruleFix(id: string): string | undefined {
  return [SCHEMA_RULE, OBJECT_SIZE_RULE, ...KUBERNETES_RULES, ...AWS_RULES].find(
    (rule) => rule.id === id,
  )?.fix;
}

/** Schema problems first (rule `openapi-schema`), then objects too large to store, then rules 1-14. */
export function checkKubernetesObjects(
  objects: KubernetesObject[],
  context: RuleContext,
): Violation[] {
  const schema = objects.flatMap((object) => {
    const problem = kubernetesSchemaProblem(object);
    return problem
      ? [
          {
            rule: SCHEMA_RULE.id,
            object: describeObject(object),
            message: problem,
            source: object,
          },
        ]
      : [];
  });
  return [
    ...schema,
    ...OBJECT_SIZE_RULE.check(objects, context),
    ...KUBERNETES_RULES.flatMap((rule) => rule.check(objects, context)),
  ];
}
