/**
 * Graceful shutdown timing, shared by the pod spec and the load balancer's target group so
 * they cannot drift apart. The sequence when a pod stops:
 *   1. the pod is marked terminating; the AWS Load Balancer Controller deregisters its IP;
 *   2. preStop sleeps while the load balancer stops sending new requests (propagation takes seconds);
 *   3. SIGTERM: the server finishes in-flight requests and exits;
 *   4. the grace period is the hard stop.
 * A request may still be running for its model's whole timeout when the pod starts to stop
 * (request-timing.ts): the load balancer drains it that long, and the grace period outlasts both.
 * preStop does not grow with it: a server that finishes its requests after SIGTERM exits as soon
 * as they are done, instead of holding its node (and GPUs) for the longest request every time.
 */
import { API_DEFAULTS } from "../../catalogue/defaults";
import type { ResolvedModel } from "../../catalogue";
import { requestSeconds } from "./request-timing";

/** Seconds the preStop hook waits before SIGTERM. */
export const PRE_STOP_SECONDS = 20;

/** Seconds past the drain the grace period leaves the server to exit. */
const EXIT_SECONDS = 15;

export interface ShutdownTiming {
  preStopSeconds: number;
  /** Seconds the target group keeps a deregistering target for in-flight requests. */
  deregistrationDelaySeconds: number;
  /** Seconds from termination to SIGKILL: preStop plus the deregistration delay plus slack. */
  terminationGraceSeconds: number;
}

/**
 * A model's shutdown: a drain one second longer than its longest request, never shorter than
 * for API Gateway's default (30 s drain, 65 s grace); at most 901 s, within the target group's
 * 0-3600 s.
 */
export function shutdownTiming(model: Pick<ResolvedModel, "api">): ShutdownTiming {
  const deregistrationDelaySeconds =
    Math.max(requestSeconds(model), API_DEFAULTS.timeoutSeconds) + 1;
  return {
    preStopSeconds: PRE_STOP_SECONDS,
    deregistrationDelaySeconds,
    terminationGraceSeconds: PRE_STOP_SECONDS + deregistrationDelaySeconds + EXIT_SECONDS,
  };
}
