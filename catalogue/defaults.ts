import type { ResolvedSettings } from "./resolved";

/**
 * Built-in defaults, the lowest layer of precedence. Chosen for a small CPU model server:
 * two replicas so a node drain never takes the model down, a p99 objective of 300 ms.
 */
export const BUILT_IN_DEFAULTS: ResolvedSettings = {
  port: 8080,
  healthCheck: { path: "/healthz", startupSeconds: 300 },
  resources: { cpu: "500m", memory: "1Gi", modelCache: "2Gi" },
  autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 },
  slo: { latencyP99Ms: 300, errorRatePercent: 1 },
  env: {},
};

/** A build's Dockerfile, relative to its context, unless `build.dockerfile` names another. */
export const DEFAULT_DOCKERFILE = "Dockerfile";
