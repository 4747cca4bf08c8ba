/**
 * Load balancer shards: models name the load balancer they are served through (`main` unless
 * they say otherwise); each name is one Application Load Balancer with its listeners, alarms and
 * the target groups of its models. Assignment is declared, so adding or removing a model never
 * moves another; moving one is a reviewed edit that `pulumi up` applies without a gap.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dependencyClosure } from "../../change/transition";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";

const onSearch = twoModels([
  "    owner: team-b",
  "    owner: team-b\n    routing: { loadBalancer: search }",
]);
let plan: PlanFixture;

beforeAll(async () => {
  plan = await planOf({ catalogue: onSearch });
});

const LB = "aws:lb/loadBalancer:LoadBalancer";
const RULE = "aws:lb/listenerRule:ListenerRule";

describe("load balancer shards", () => {
  it("creates one load balancer per name, with its own listeners, security group and alarms", () => {
    expect(plan.ofType(LB).map((r) => [r.name, r.inputs.name])).toEqual([
      ["ingress", expect.stringMatching(/^maas-dev-[0-9a-f]{6}$/)],
      ["ingress-search", expect.stringMatching(/^maas-dev-search-[0-9a-f]{6}$/)],
    ]);
    expect(plan.ofType("aws:lb/listener:Listener").map((r) => r.name)).toEqual([
      "ingress-http",
      "ingress-pinned",
      "ingress-readiness",
      "ingress-search-http",
      "ingress-search-pinned",
      "ingress-search-readiness",
    ]);
    expect(
      plan
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm", "maas:monitoring:LoadBalancerAlarms")
        .map((r) => r.inputs.name),
    ).toEqual([
      "maas-dev_elb-5xx",
      "maas-dev_rejected-connections",
      "maas-dev_search_elb-5xx",
      "maas-dev_search_rejected-connections",
    ]);
  });

  it("routes each model through its own load balancer and publishes both addresses", () => {
    const listenerOf = (model: string) =>
      plan.inputs(RULE, model, "maas:routing:ModelTraffic").listenerArn as string;
    expect(listenerOf("ranker")).not.toBe(listenerOf("scorer"));
    const outputs = plan.plan.outputs as any;
    expect(Object.keys(outputs.loadBalancers)).toEqual(["main", "search"]);
    expect(outputs.models.ranker.endpoint).toContain(outputs.loadBalancers.search.dnsName);
    expect(outputs.models.scorer.endpoint).toContain(outputs.loadBalancers.main.dnsName);
  });

  it("adding a model on another load balancer changes nothing of the others", async () => {
    const t = await transitionBetween(
      { catalogue: onSearch },
      {
        catalogue: onSearch.replace(
          "environments:",
          `  churn:\n    owner: team-c\n    image: registry.example.com/churn@sha256:${"c".repeat(64)}\n    routing: { loadBalancer: search }\n    versions: { "1.0.0": { traffic: 100 } }\nenvironments:`,
        ),
      },
    );
    expect(t.findings).toEqual([]);
    expect(t.steps.filter((s) => !s.includes("churn") && !s.includes("snapshot"))).toEqual([]);
  });

  it("moving a model to another load balancer serves it there before it leaves the old one", async () => {
    const t = await transitionBetween({ catalogue: twoModels() }, { catalogue: onSearch });
    expect(t.findings.filter((f) => f.severity === "refuse")).toEqual([]);
    expect(t.step("LoadBalancer", "ingress-search").op).toBe("create");
    expect(t.step("TargetGroup", "ranker-v2-0-0").op).toBe("replace");
    const rule = t.step("ListenerRule", "ranker");
    expect(rule).toMatchObject({ op: "replace", deleteFirst: false });
    // The new rule waits for the pods to be healthy behind the new target group.
    expect(
      dependencyClosure(t.transition.head)(rule.urn).has(t.step("Deployment", "ranker-v2-0-0").urn),
    ).toBe(true);
  });
});
