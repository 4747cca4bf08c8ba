/** The Kubernetes checks run on every plan: the OpenAPI schema and the rules of RULES.md items 1-14. */
import { CLUSTER_RULES } from "./cluster-rules";
import { describeObject } from "./kubernetes-objects";
import type { KubernetesObject, Rule, RuleContext, Violation } from "./kubernetes-objects";
import { kubernetesSchemaProblem } from "./kubernetes-schema";
import { WORKLOAD_RULES } from "./workload-rules";

export type { KubernetesObject, Rule, RuleContext, Violation } from "./kubernetes-objects";

export const KUBERNETES_RULES: Rule[] = [...WORKLOAD_RULES, ...CLUSTER_RULES];

/** Schema problems first (rule `openapi-schema`), then RULES.md 1-14. */
export function checkKubernetesObjects(
  objects: KubernetesObject[],
  context: RuleContext,
): Violation[] {
  const schema = objects.flatMap((object) => {
    const problem = kubernetesSchemaProblem(object);
    return problem
      ? [
          {
            rule: "openapi-schema",
            object: describeObject(object),
            message: problem,
            source: object,
          },
        ]
      : [];
  });
  return [...schema, ...KUBERNETES_RULES.flatMap((rule) => rule.check(objects, context))];
}
