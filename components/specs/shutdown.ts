/**
 * Graceful shutdown timing, shared by the pod spec and the load balancer's target group so
 * they cannot drift apart. The sequence when a pod stops:
 *   1. the pod is marked terminating; the AWS Load Balancer Controller deregisters its IP;
 *   2. preStop sleeps while the load balancer stops sending new requests (propagation takes seconds);
 *   3. SIGTERM: the server finishes in-flight requests and exits;
 *   4. the grace period is the hard stop.
 */

/** Seconds the preStop hook waits before SIGTERM. */
export const PRE_STOP_SECONDS = 20;

/** Seconds the target group keeps a deregistering target for in-flight requests. */
export const DEREGISTRATION_DELAY_SECONDS = 30;

/** Seconds from termination to SIGKILL: preStop plus the deregistration delay plus slack. */
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + DEREGISTRATION_DELAY_SECONDS + 15;
