import { API_GATEWAY_TIMEOUTS } from "./quotas";
import type { ResolvedApi, ResolvedRolloutPolicy, ResolvedSettings } from "./resolved";

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

/**
 * A model's `api:` for what it leaves out: buffered, within API Gateway's default integration
 * timeout (29 s). A model that declares no `api:` has the same longest request: what its
 * pods' shutdown and its load balancer's idle timeout were always timed for.
 */
export const API_DEFAULTS: ResolvedApi = {
  streaming: false,
  timeoutSeconds: API_GATEWAY_TIMEOUTS.defaultSeconds,
};

/** A build's Dockerfile, relative to its context, unless `build.dockerfile` names another. */
export const DEFAULT_DOCKERFILE = "Dockerfile";

/**
 * A rollout policy's defaults, for what a `rollout:` leaves out: ten-minute bakes (two of the
 * default five-minute alarm windows), extended up to an hour while evidence is short, a day in
 * all. The margins keep a version from failing on noise the baseline shows as well.
 */
export const ROLLOUT_DEFAULTS: Omit<ResolvedRolloutPolicy, "schedule" | "preTraffic"> = {
  mode: "auto",
  bakeMinutes: 10,
  maxBakeMinutes: 60,
  warmupMinutes: 2,
  timeoutMinutes: 1440,
  minRequests: 1,
  latencyMarginPercent: 10,
  errorMarginPoints: 0.5,
};

/** Requests a pre-traffic check sends unless `preTraffic.requests` says otherwise. */
export const PRE_TRAFFIC_REQUESTS = 5;

/**
 * How long after a weight shift a step's first verdict can come at the earliest, besides its
 * warm-up and bake: the load balancer's datapoints take up to three minutes to be visible, and
 * windows are whole minutes (rollout/engine.ts waits this long; the durations the review and
 * validation give include it).
 */
export const ROLLOUT_METRIC_DELAY_MINUTES = 3;
export const ROLLOUT_STEP_OVERHEAD_MINUTES = ROLLOUT_METRIC_DELAY_MINUTES + 1;
