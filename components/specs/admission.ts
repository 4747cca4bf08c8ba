/**
 * What a model's pods receive only when they are admitted, named in the pod template so that a
 * change rolls the pods and the new ones are admitted with it:
 * - the TargetGroupBinding: the load balancer controller injects a readiness gate for each
 *   binding that exists when a pod is created (pkg/inject/pod_readiness/pod_readiness_gate.go),
 *   so pods admitted before a new binding would never wait for its target group;
 * - the identity: the IRSA and Pod Identity webhooks inject credentials into new pods only, so a
 *   switch of maas:identity (or a new role) must start new pods.
 */
import type * as pulumi from "@pulumi/pulumi";

export const TARGET_GROUP_BINDING_ANNOTATION = "maas/target-group-binding";
export const IDENTITY_ANNOTATION = "maas/identity";

export function admissionAnnotations(inputs: {
  targetGroupBinding: string;
  /** `<irsa|pod-identity> <role ARN>`. */
  identity: pulumi.Input<string>;
}): Record<string, pulumi.Input<string>> {
  return {
    [TARGET_GROUP_BINDING_ANNOTATION]: inputs.targetGroupBinding,
    [IDENTITY_ANNOTATION]: inputs.identity,
  };
}
