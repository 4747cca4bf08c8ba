/**
 * What follows from the longest request a model declares (`api.timeout`, catalogue/model-api.ts)
 * on the way from the front door to its pods: how long the front door waits and whether it
 * streams, how long the load balancer keeps a connection that carries no data, and how long a
 * stopping pod keeps serving (shutdown.ts). A model that declares
 * none has API Gateway's default integration timeout, 29 s, which the timings were always made
 * for: they stay what they were, and a stack of such models plans no change.
 */
import type * as aws from "@pulumi/aws";
import { servedVersions } from "../../catalogue";
import type { ResolvedApi, ResolvedModel } from "../../catalogue";
import { API_DEFAULTS } from "../../catalogue/defaults";

/** The longest request a model's servers take, in seconds. */
export function requestSeconds(model: Pick<ResolvedModel, "api">): number {
  return (model.api ?? API_DEFAULTS).timeoutSeconds;
}

/** ALB's idle timeout unless set (ALB guide, "Edit attributes", "Connection idle timeout"). */
export const ALB_DEFAULT_IDLE_SECONDS = 60;

/**
 * How much longer than a request the load balancer keeps its connections: the front door's
 * timeout fires first and answers the caller, instead of the load balancer cutting the request.
 */
const IDLE_MARGIN_SECONDS = 5;

/**
 * Per load balancer, its idle timeout where the default would cut a request: above the longest
 * request of the served models on it, as a buffered response sends nothing until it is done (a
 * stream's gaps are shorter still). Only those needing more than ALB's 60 s are listed: the idle
 * timeout applies to every model on a load balancer, so one long model raises it for all (the
 * longest is 15 minutes, within ALB's 1-4000 s). `models` are the whole catalogue's: a base's
 * load balancers serve every shard's models.
 */
export function loadBalancerIdleTimeouts(models: ResolvedModel[]): Record<string, number> {
  const idle: Record<string, number> = {};
  for (const model of models) {
    if (servedVersions(model).length === 0) continue;
    const needed = requestSeconds(model) + IDLE_MARGIN_SECONDS;
    const name = model.routing.loadBalancer;
    if (needed > Math.max(ALB_DEFAULT_IDLE_SECONDS, idle[name] ?? 0)) idle[name] = needed;
  }
  return idle;
}

/**
 * The front door's integration of a model (aws.apigateway.Integration): its timeout and whether
 * it streams, once the model declares `api:`; nothing otherwise, so its integrations keep API
 * Gateway's defaults and plan no change. Both are explicit once declared: the provider keeps a
 * STREAM mode it is no longer given (its responseTransferMode: "setting the value to BUFFERED
 * requires explicitly specifying BUFFERED, rather than removing this argument"), so
 * `streaming: false` sends BUFFERED.
 */
export function integrationTransfer(
  api: ResolvedApi | undefined,
): Pick<aws.apigateway.IntegrationArgs, "timeoutMilliseconds" | "responseTransferMode"> {
  if (!api) return {};
  return {
    timeoutMilliseconds: api.timeoutSeconds * 1000,
    responseTransferMode: api.streaming ? "STREAM" : "BUFFERED",
  };
}
