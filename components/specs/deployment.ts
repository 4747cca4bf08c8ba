/** The Deployment of a model version: zero-downtime rolling updates, and no replica count of its own. */
import type * as k8s from "@pulumi/kubernetes";
import { podTemplate } from "./pod";
import type { PodInputs } from "./pod";
import { versionSelector } from "./labels";

/** Seconds a new pod must stay ready before it counts as available. */
export const MIN_READY_SECONDS = 10;

/**
 * How long a rollout may make no progress before Kubernetes (and so `pulumi up`) calls it
 * failed: the model's load time plus room for scheduling and image pulls, never under 10 minutes.
 */
export function progressDeadlineSeconds(startupSeconds: number): number {
  return Math.max(600, startupSeconds + 300);
}

export function deploymentSpec(inputs: PodInputs): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    // The first rollout starts at the autoscaler's minimum: pulumi-kubernetes waits for the
    // ReplicaSet's `spec.replicas` pods to be Ready (provider/pkg/await/deployment.go), and the
    // model's traffic rule waits for that, so a version never takes its share on one new pod
    // (a Deployment without replicas starts at 1). After creation the HorizontalPodAutoscaler
    // owns the field: model-version.ts ignores changes to it, and with server-side apply the
    // provider then leaves a field another manager owns out of its patch (provider/pkg/await/
    // await.go, handleSSAIgnoreFields), so no `pulumi up` fights the autoscaler (#2491, #2569).
    replicas: inputs.version.autoscaling.minReplicas,
    selector: { matchLabels: versionSelector(inputs.model.name, inputs.version.version) },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    minReadySeconds: MIN_READY_SECONDS,
    progressDeadlineSeconds: progressDeadlineSeconds(inputs.version.healthCheck.startupSeconds),
    revisionHistoryLimit: 5,
    template: podTemplate(inputs),
  };
}
