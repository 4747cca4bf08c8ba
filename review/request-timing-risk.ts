/**
 * What a change of how long requests may take (a model's `api:`) does on the way, read from the
 * planned resources (components/specs/request-timing.ts sets them): a load balancer's idle
 * timeout that every model on it must now outlast, target groups that drain for less time than
 * requests already running may take, and an integration left streaming.
 */
import { ALB_DEFAULT_IDLE_SECONDS } from "../components/specs/request-timing";
import { code } from "./markdown";
import type { Risk } from "./review-risk";
import type { Step, Transition } from "../change/transition";

const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const INTEGRATION = "aws:apigateway/integration:Integration";

const updates = (transition: Transition, type: string) =>
  transition.steps.filter((step) => step.op === "update" && step.type === type);
const before = (step: Step, key: string) => step.previous?.inputs[key];
const after = (step: Step, key: string) => step.resource.inputs[key];

export function requestTimingRisks(transition: Transition): Risk[] {
  const out: Risk[] = [];
  for (const step of updates(transition, LOAD_BALANCER)) {
    const from = (before(step, "idleTimeout") as number | undefined) ?? ALB_DEFAULT_IDLE_SECONDS;
    const to = (after(step, "idleTimeout") as number | undefined) ?? ALB_DEFAULT_IDLE_SECONDS;
    if (to > from)
      out.push({
        level: "warn",
        text: `load balancer ${code(step.name)} keeps idle connections ${to} s instead of ${from} s (a model on it declares longer requests): every model it serves is told (LOAD_BALANCER_IDLE_SECONDS) and its pods roll; each server must keep idle connections open longer than that, or the load balancer may answer 502. Give long-request models a load balancer of their own (routing.loadBalancer) to leave the others alone`,
      });
  }
  const shorter = updates(transition, TARGET_GROUP).filter(
    (step) =>
      typeof before(step, "deregistrationDelay") === "number" &&
      (after(step, "deregistrationDelay") as number) <
        (before(step, "deregistrationDelay") as number),
  );
  if (shorter.length > 0)
    out.push({
      level: "warn",
      text: `target groups ${shorter.map((s) => code(s.name)).join(", ")} drain for less time from this apply on (a shorter api.timeout): requests still running under the old, longer timeout on pods this apply rolls may be cut. Apply it when those requests can be retried`,
    });
  const stillStreaming = updates(transition, INTEGRATION).filter(
    (step) =>
      before(step, "responseTransferMode") === "STREAM" &&
      after(step, "responseTransferMode") === undefined,
  );
  if (stillStreaming.length > 0)
    out.push({
      level: "warn",
      text: `integrations ${stillStreaming.map((s) => code(s.name)).join(", ")} stay streaming: the provider keeps a STREAM mode it is no longer given. To stop streaming, write api: { streaming: false } (it sends BUFFERED), apply, and only then drop api: if you like`,
    });
  return out;
}
