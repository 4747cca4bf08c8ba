/** The Kubernetes checks run on every plan: the OpenAPI schema and rules 1-14 (docs/rules.md). */
import { CLUSTER_RULES } from "./cluster-rules";
import { describeObject } from "./kubernetes-objects";
import type { KubernetesObject, Rule, RuleContext, RuleDoc, Violation } from "./kubernetes-objects";
import { kubernetesSchemaProblem } from "./kubernetes-schema";
import { WORKLOAD_RULES } from "./workload-rules";
import { AWS_RULES } from "./aws-rules";

export type { KubernetesObject, Rule, RuleContext, RuleDoc, Violation } from "./kubernetes-objects";

export const KUBERNETES_RULES: Rule[] = [...WORKLOAD_RULES, ...CLUSTER_RULES];

export const SCHEMA_RULE: RuleDoc = {
  id: "openapi-schema",
  description:
    "Every Kubernetes object is valid against the Kubernetes OpenAPI schema (the TargetGroupBinding against its CRD).",
  why: "An object the API server refuses fails pulumi up half-way, after the resources before it were changed.",
  fix: "The message names the field; it comes from a component's spec builder (components/specs/).",
};

/** How to comply with a plan rule, by its id (docs/rules.md). */
export function ruleFix(id: string): string | undefined {
  return [SCHEMA_RULE, ...KUBERNETES_RULES, ...AWS_RULES].find((rule) => rule.id === id)?.fix;
}

/** Schema problems first (rule `openapi-schema`), then rules 1-14. */
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
  return [...schema, ...KUBERNETES_RULES.flatMap((rule) => rule.check(objects, context))];
}
