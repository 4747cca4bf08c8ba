/**
 * Changes of who may call a model, as `pulumi up` applies them: each plans the base and the
 * head, derives the engine's steps and asserts what happens between them, and that no transition
 * rule objects. A grant or revocation takes effect through a new API deployment, which Pulumi
 * creates before the stages move to it and deletes the old one last (deployments are replaced on
 * a change of triggers: terraform-provider-aws, internal/service/apigateway/deployment.go).
 */
import { describe, expect, it } from "vitest";
import { withConsumers } from "../helpers/front-door";
import { dependencyClosure, transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { planOf } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";

const HOST = { "maas:routing": "host", "maas:hostDomain": "models.example.com" };
const CERTIFICATE = {
  "maas:certificateArn":
    "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678",
};

const base = { catalogue: withConsumers() };

describe("front door edits, from deployed to next", () => {
  it("grant a consumer a model: the policy changes and a new deployment serves it; nothing else is replaced", async () => {
    const t = await transitionBetween(base, {
      catalogue: withConsumers(["    access: [checkout]\n", "    access: [checkout, reports]\n"]),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("RestApiPolicy", "front-door-sigv4").op).toBe("update");
    expect(t.step("Deployment", "front-door-sigv4").op).toBe("replace");
    // The stages move to the new deployment before the old one goes.
    expect(t.step("Deployment", "front-door-sigv4")).toMatchObject({
      deleteFirst: false,
      causes: ["triggers.configuration"],
    });
    expect(t.at("Stage", "front-door-sigv4-reports")).toBeGreaterThan(
      t.at("Deployment", "front-door-sigv4"),
    );
    // The other API, keys, usage plans and secrets stay as they are.
    expect(t.steps.filter((s) => /front-door-apikey|ApiKey|UsagePlan|Secret/.test(s))).toEqual([]);
    expect(t.steps.filter((s) => s.startsWith("delete"))).toEqual([]);
  });

  it("add consumers to a running stack: the load balancer stays, only the front door opens it", async () => {
    const t = await transitionBetween({ catalogue: twoModels() }, base);
    expect(t.findings).toEqual([]);
    expect(t.steps.filter((s) => s.includes("LoadBalancer::") && !s.startsWith("create"))).toEqual(
      [],
    );
    expect(t.steps).toContain("create SecurityGroupIngressRule::ingress-from-front-door");
    // The CIDR rules go last: the front door's rule exists before they are removed.
    const removed = t.steps.filter((s) =>
      s.startsWith("delete SecurityGroupIngressRule::ingress-from-"),
    );
    expect(removed.length).toBeGreaterThan(0);
    for (const step of removed)
      expect(t.steps.indexOf(step)).toBeGreaterThan(
        t.steps.indexOf("create SecurityGroupIngressRule::ingress-from-front-door"),
      );
  });

  it("move a model to another load balancer: the front door calls the new one only once the model's rule is there", async () => {
    const t = await transitionBetween(base, {
      catalogue: withConsumers([
        "    owner: team-b\n",
        "    owner: team-b\n    routing: { loadBalancer: search }\n",
      ]),
    });
    expect(t.findings).toEqual([]);
    const after = dependencyClosure(t.transition.head);
    // The model's rule on the new listener waits for its pods there (RULES-25)…
    const rule = t.transition.head.find(
      (r) =>
        r.type.endsWith(":ListenerRule") && r.name === "ranker" && r.urn.includes("ModelTraffic"),
    )!;
    expect(after(rule.urn).has(t.step("Deployment", "ranker-v2-0-0").urn)).toBe(true);
    // …and each integration moved to the new load balancer waits for that rule, so no call
    // reaches a listener without it (which answers 404); the stages move after the integrations.
    for (const api of ["sigv4", "apikey"])
      for (const method of ["get", "post"]) {
        const integration = t.step("Integration", `front-door-${api}-ranker-${method}`);
        expect(integration.paths).toEqual(expect.arrayContaining(["integrationTarget", "uri"]));
        expect(after(integration.urn).has(rule.urn), integration.urn).toBe(true);
      }
    expect(t.at("Stage", "front-door-sigv4-checkout")).toBeGreaterThan(
      t.at("Integration", "front-door-sigv4-ranker-get"),
    );
  });

  it("remove a consumer: its stage, key, plan and secret go; the others' stay", async () => {
    const t = await transitionBetween(base, {
      catalogue: withConsumers([
        "  reports:\n    principals: [arn:aws:iam::111122223333:role/reports]\n    rateLimit: { requestsPerSecond: 2, burst: 4 }\n",
        "",
      ]),
    });
    expect(t.findings).toEqual([]);
    const deleted = t.steps.filter((s) => s.startsWith("delete")).map((s) => s.split("::")[1]);
    expect(new Set(deleted)).toEqual(
      new Set(["front-door-sigv4-reports", "front-door-reports-throttled"]),
    );
    expect(t.steps).toContain("delete Secret::front-door-sigv4-reports");
    // Only the front door's key changes besides: one reader fewer may decrypt.
    expect(t.steps.filter((s) => s.startsWith("update"))).toContain("update Key::front-door");
  });

  it("add a certificate: the integrations call HTTPS and a new deployment makes it live", async () => {
    const t = await transitionBetween(
      { catalogue: withConsumers(), config: HOST },
      { catalogue: withConsumers(), config: { ...HOST, ...CERTIFICATE } },
    );
    expect(t.step("Integration", "front-door-sigv4-scorer-post").op).toBe("update");
    // Without a new deployment the stages would go on calling port 80, which is then closed.
    for (const api of ["front-door-sigv4", "front-door-apikey"])
      expect(t.step("Deployment", api).op).toBe("replace");
    expect(t.at("Deployment", "front-door-sigv4")).toBeGreaterThan(
      t.at("Integration", "front-door-sigv4-scorer-post"),
    );
  });

  it("refuses a certificate with path routing: API Gateway could not verify the load balancer's name", async () => {
    await expect(planOf({ catalogue: withConsumers(), config: CERTIFICATE })).rejects.toThrow(
      /\n--config: maas:certificateArn: with consumers in .*models\.yaml, the front door calls the load balancers over HTTPS .* Set maas:routing: host/,
    );
  });

  it("switch a consumer to API keys: its resources move to the other API, its alarm stays", async () => {
    const t = await transitionBetween(base, {
      catalogue: withConsumers([
        "  reports:\n    principals:",
        "  reports:\n    auth: apiKey\n    principals:",
      ]),
    });
    expect(t.findings).toEqual([]);
    expect(t.steps).toContain("create Stage::front-door-apikey-reports");
    expect(t.steps).toContain("delete Stage::front-door-sigv4-reports");
    expect(t.steps.filter((s) => s.includes("front-door-reports-throttled"))).toEqual([]);
  });

  it("a WAF association replaced after its new one is created would remove it: refused, and not what the stack does", async () => {
    const { plan } = await planOf({ catalogue: withConsumers() });
    const head = structuredClone(plan.resources);
    const association = head.find(
      (r) => r.type.endsWith(":WebAclAssociation") && r.name === "front-door-sigv4-checkout",
    )!;
    association.inputs.webAclArn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/other/1";
    const judged = (after: typeof head) =>
      judgeTransition(transition(plan.resources, after)).map((f) => f.rule);
    expect(judged(head)).toEqual([]);
    delete association.options!.deleteBeforeReplace;
    expect(judged(head)).toEqual(["RULES-22/create-before-delete"]);
  });
});

describe("rotating a consumer's key", () => {
  const rotating = (labels: string) =>
    withConsumers([
      "    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n",
      `    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n    apiKeys: [${labels}]\n`,
    ]);

  it("adds a second key beside the first, and the secret takes the new one; then the old one goes alone", async () => {
    const adding = await transitionBetween(base, { catalogue: rotating('"1", "2"') });
    expect(adding.findings).toEqual([]);
    expect(adding.steps).toContain("create ApiKey::front-door-apikey-partner-key-2");
    expect(adding.steps).toContain("create UsagePlanKey::front-door-apikey-partner-key-2");
    expect(adding.steps.filter((s) => s.startsWith("delete"))).toEqual([]);
    // The secret now holds the new key: its version takes the new key's value. (Secret values
    // are masked in plans, so the transition sees the dependency, not the value.)
    const head = adding.transition.head;
    const newKey = head.find(
      (r) => r.name === "front-door-apikey-partner-key-2" && r.type.endsWith(":ApiKey"),
    )!;
    const version = head.find(
      (r) => r.name === "front-door-apikey-partner" && r.type.endsWith(":SecretVersion"),
    )!;
    expect(version.dependencies).toContain(newKey.urn);
    // The first key stays as it was: callers not yet switched keep working.
    expect(adding.steps.filter((s) => s.endsWith("ApiKey::front-door-apikey-partner"))).toEqual([]);

    const retiring = await transitionBetween(
      { catalogue: rotating('"1", "2"') },
      { catalogue: rotating('"2"') },
    );
    expect(retiring.findings).toEqual([]);
    expect(retiring.steps.filter((s) => s.startsWith("delete")).sort()).toEqual([
      "delete ApiKey::front-door-apikey-partner",
      "delete UsagePlanKey::front-door-apikey-partner",
    ]);
    expect(retiring.steps.filter((s) => s.includes("SecretVersion"))).toEqual([]);
  });
});
