import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedModel } from "../../catalogue";
import { modelNamespace } from "../../catalogue/names";
import { modelLabels } from "./labels";

/** Pod Security Admission at `restricted` for enforce, warn and audit (Pod Security Standards). */
export const POD_SECURITY_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
};

/**
 * The AWS Load Balancer Controller's pod webhook injects readiness gates only in namespaces with
 * this label (its Helm chart's namespaceSelector): a rolling update then waits until the load
 * balancer sees each new pod healthy before it removes an old one.
 */
export const READINESS_GATE_LABEL = {
  key: "elbv2.k8s.aws/pod-readiness-gate-inject",
  value: "enabled",
} as const;
export const READINESS_GATE_LABELS = { [READINESS_GATE_LABEL.key]: READINESS_GATE_LABEL.value };

export function namespaceMetadata(model: ResolvedModel): k8s.types.input.meta.v1.ObjectMeta {
  return {
    name: modelNamespace(model.name),
    labels: { ...modelLabels(model), ...POD_SECURITY_LABELS, ...READINESS_GATE_LABELS },
  };
}
