/**
 * Validates Kubernetes objects against their kind's schema, from the kind's record in kinds/
 * (kinds/kubernetes.ts: the Kubernetes OpenAPI schema through kubernetes-models, the load
 * balancer controller's CRD by its own). A kind without a record is a problem too: the plan
 * refuses what it cannot validate.
 */
import { kindOf } from "../kinds";

/** `apps/v1` → `kubernetes:apps/v1:Deployment`; the core group (`v1`) is `core/v1` in tokens. */
function typeToken(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/** The schema problem of `object` (naming the field), or undefined when it is valid. Unknown kinds are a problem too. */
export function kubernetesSchemaProblem(object: Record<string, unknown>): string | undefined {
  const type = typeToken(String(object.apiVersion), String(object.kind));
  const schema = kindOf(type)?.kubernetes?.schema;
  if (!schema)
    return `no schema known for ${String(object.apiVersion)}/${String(object.kind)}: add the record of ${type}, with its schema, to kinds/kubernetes.ts`;
  return schema(object);
}
