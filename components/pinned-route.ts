/**
 * A rollout's pinned route: while a model's rollout is active (rollout/effective.ts), one rule on
 * its load balancer's pinned listener (ingress.ts) forwards the model's path or host to the
 * rising version alone, at whatever weight the client rule gives it, even 0 %. The pre-traffic
 * check calls it (rollout/smoke.ts) before the version takes any client's request, and an
 * operator can call it during a bake. It exists only for the version being rolled out: one
 * rule per rolling model, counted in the load balancer's rule quota (catalogue/quotas.ts).
 *
 * Requests on it reach the version's target group, so they count in the group's metrics: the
 * pre-traffic check runs before the first weight shift, outside every bake's window.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { forwardAction, ruleConditions } from "./specs/routing";
import type { Routing } from "./specs/routing";

export interface PinnedRouteArgs {
  model: string;
  /** The model's listener rule priority: unique on the pinned listener as on the others. */
  priority: number;
  /** The pinned listener of the model's load balancer. */
  listenerArn: pulumi.Input<string>;
  /** The rising version's target group. */
  targetGroupArn: pulumi.Input<string>;
  routing: Routing;
  tags: Record<string, string>;
}

export class PinnedRoute extends pulumi.ComponentResource {
  public readonly rule: aws.lb.ListenerRule;

  constructor(name: string, args: PinnedRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:routing:PinnedRoute", name, {}, opts);
    this.rule = new aws.lb.ListenerRule(
      name,
      {
        listenerArn: args.listenerArn,
        priority: args.priority,
        conditions: ruleConditions(args.model, args.routing),
        actions: forwardAction([{ targetGroupArn: args.targetGroupArn, weight: 1 }]),
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
