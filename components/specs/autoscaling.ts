/** HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget of a model version. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedVersion } from "../../catalogue";
import { versionSelector } from "./labels";

export function autoscalerSpec(
  version: ResolvedVersion,
  deploymentName: pulumi.Input<string>,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas: version.autoscaling.minReplicas,
    maxReplicas: version.autoscaling.maxReplicas,
    // CPU utilisation is measured against the CPU request, which every version has.
    metrics: [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: {
            type: "Utilization",
            averageUtilization: version.autoscaling.targetCPUUtilization,
          },
        },
      },
    ],
    behavior: {
      // Scale up fast (latency suffers first), down slowly: five minutes of lower load, then at
      // most half the pods per minute, so a traffic dip does not drop warm capacity.
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 30 },
          { type: "Pods", value: 4, periodSeconds: 30 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: "Min",
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
    },
  };
}

/**
 * One pod may be evicted at a time, at any scale. RULES 9 asks for `minAvailable` below the
 * HPA minimum; `maxUnavailable: 1` meets its intent (never zero allowed disruptions, never a
 * blocked node drain) and, unlike an absolute minAvailable, does not allow evicting most pods
 * at once when the autoscaler has scaled far above the minimum.
 */
export function disruptionBudgetSpec(
  model: string,
  version: ResolvedVersion,
): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
  return {
    selector: { matchLabels: versionSelector(model, version.version) },
    maxUnavailable: 1,
    // Evicting a pod that is not ready cannot hurt availability; without this a crash-looping
    // pod would block every node drain.
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  };
}
