/**
 * The load balancer as the engine sees it now, through ELBv2: healthy targets
 * (DescribeTargetHealth: only `healthy` counts; initial, draining, unhealthy.draining, unused and
 * unavailable do not serve), the rule's weights (DescribeRules), and the break-glass path:
 * ModifyRule with the rule's whole forward action ("Any properties that you do not specify are
 * unchanged"; a list is replaced whole, so every target group is given, weights 0-999, and the
 * stickiness the program sets, components/specs/routing.ts).
 */
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { LoadBalancerState } from "../ports";

/** A rule's forward weights by target group ARN. */
function forwardWeights(actions: Action[] | undefined): Record<string, number> {
  const forward = actions?.find((action) => action.Type === "forward");
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((group) => [
      group.TargetGroupArn!,
      group.Weight ?? 0,
    ]),
  );
}

export function elbv2LoadBalancer(region: string): LoadBalancerState {
  const client = new ElasticLoadBalancingV2Client({ region });
  return {
    async healthyTargets(targetGroupArn) {
      const answer = await client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
      );
      return (answer.TargetHealthDescriptions ?? []).filter(
        (t) => t.TargetHealth?.State === "healthy",
      ).length;
    },
    async ruleWeights(ruleArn) {
      const answer = await client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
      return forwardWeights(answer.Rules?.[0]?.Actions);
    },
    async weightsAtPriority(listenerArn, priority) {
      let marker: string | undefined;
      do {
        const answer = await client.send(
          new DescribeRulesCommand({
            ListenerArn: listenerArn,
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        const rule = answer.Rules?.find((r) => r.Priority === String(priority));
        if (rule) return forwardWeights(rule.Actions);
        marker = answer.NextMarker;
      } while (marker);
      return undefined;
    },
    async setRuleWeights(ruleArn, weights) {
      await client.send(
        new ModifyRuleCommand({
          RuleArn: ruleArn,
          Actions: [
            {
              Type: "forward",
              ForwardConfig: {
                TargetGroups: Object.entries(weights)
                  .sort(([a], [b]) => (a < b ? -1 : 1))
                  .map(([arn, weight]) => ({ TargetGroupArn: arn, Weight: weight })),
                TargetGroupStickinessConfig: { Enabled: false },
              },
            },
          ],
        }),
      );
    },
  };
}
