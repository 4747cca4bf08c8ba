/**
 * Edits that touch the oauth consumers, as `pulumi up` applies them: scopes change in place (an
 * app client keeps its id and secret: terraform-provider-aws
 * internal/service/cognitoidp/user_pool_client.go replaces one only for user_pool_id and
 * generate_secret), a consumer moves between kinds of auth, and no catalogue edit replaces the
 * user pool (its inputs come from the stack alone).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { withConsumers, withTokens } from "../helpers/front-door";
import { transitionBetween } from "../helpers/transition";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import type { RecordedResource } from "../../plan/record";

const inputs = (resource: RecordedResource) => resource.inputs as Record<string, any>;

const poolSteps = (steps: string[]) =>
  steps.filter((s) => /::front-door-tokens$/.test(s) && /(UserPool|UserPoolDomain)::/.test(s));

describe("token edits, from deployed to next", () => {
  // The deployed state every edit below starts from, planned once (read only).
  let base: PlanFixture;
  beforeAll(async () => {
    base = await planOf({ catalogue: withTokens() });
  });

  it("take a model from an oauth consumer: its scope goes in place, its stage's grant goes with the next deployment", async () => {
    const t = await transitionBetween(base, {
      catalogue: withTokens(["    access: [checkout, portal]\n", "    access: [checkout]\n"]),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("UserPoolClient", "front-door-tokens-portal")).toMatchObject({
      op: "update",
      paths: ["allowedOauthScopes[=models/ranker]"],
    });
    // The resource server drops the scope no oauth consumer needs any more, in place.
    expect(t.step("ResourceServer", "front-door-tokens").op).toBe("update");
    // The stage's grant goes with a new deployment: calls with an unexpired token that still
    // carries the scope get 403 from then on.
    expect(t.step("RestApiPolicy", "front-door-oauth").op).toBe("update");
    expect(t.step("Deployment", "front-door-oauth").op).toBe("replace");
    expect(poolSteps(t.steps)).toEqual([]);
    expect(t.steps.filter((s) => s.startsWith("delete") || s.startsWith("replace"))).toEqual([
      "replace Deployment::front-door-oauth",
    ]);
  });

  it("give an oauth consumer its first model: its client opens the client credentials grant in place", async () => {
    const t = await transitionBetween(base, {
      catalogue: withTokens([
        "    access: [checkout, portal]\n",
        "    access: [checkout, lab, portal]\n",
      ]),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("UserPoolClient", "front-door-tokens-lab")).toMatchObject({
      op: "update",
      paths: [
        "allowedOauthFlows[=client_credentials]",
        "allowedOauthFlowsUserPoolClient",
        "allowedOauthScopes[=models/ranker]",
      ],
    });
    expect(
      t.steps.filter((s) => s.includes("UserPoolClient::") && !s.startsWith("update")),
    ).toEqual([]);
    expect(poolSteps(t.steps)).toEqual([]);
  });

  it("switch a consumer from API keys to tokens: a stage, key and app client on the oauth API; the old ones go; the pool stays", async () => {
    const t = await transitionBetween(base, {
      catalogue: withTokens(["  partner:\n    auth: apiKey\n", "  partner:\n    auth: oauth\n"]),
    });
    expect(t.findings).toEqual([]);
    for (const created of [
      "Stage::front-door-oauth-partner",
      "ApiKey::front-door-oauth-partner",
      "UserPoolClient::front-door-tokens-partner",
      "Secret::front-door-tokens-partner",
    ])
      expect(t.steps).toContain(`create ${created}`);
    expect(t.steps).toContain("delete Stage::front-door-apikey-partner");
    expect(t.steps).toContain("delete ApiKey::front-door-apikey-partner");
    // The app client names scopes of the resource server, which holds them first.
    const client = t.transition.head.find(
      (r) => r.type.endsWith(":UserPoolClient") && r.name === "front-door-tokens-partner",
    )!;
    expect(inputs(client).allowedOauthScopes).toEqual(["models/scorer"]);
    expect(client.dependencies).toContain(
      t.transition.head.find((r) => r.type.endsWith(":ResourceServer"))!.urn,
    );
    // Its alarm follows the consumer, not the API; the pool is untouched.
    expect(t.steps.filter((s) => s.includes("front-door-partner-throttled"))).toEqual([]);
    expect(poolSteps(t.steps)).toEqual([]);
  });

  it("add the first oauth consumer to a running front door: the pool, its domain and the oauth API are created, nothing replaced", async () => {
    const t = await transitionBetween(
      { catalogue: withConsumers() },
      {
        catalogue: withConsumers([
          "  partner:\n    auth: apiKey\n",
          "  partner:\n    auth: oauth\n",
        ]),
      },
    );
    expect(t.findings).toEqual([]);
    expect(poolSteps(t.steps).sort()).toEqual([
      "create UserPool::front-door-tokens",
      "create UserPoolDomain::front-door-tokens",
    ]);
    expect(t.steps).toContain("create Authorizer::front-door-oauth");
    expect(t.steps.filter((s) => s.startsWith("replace"))).toEqual([]);
  });

  it("remove the last oauth consumers: their clients and secrets go, the pool is left in AWS (deletion protection)", async () => {
    const t = await transitionBetween(base, {
      catalogue: withTokens(
        ["    auth: oauth\n", "    auth: apiKey\n"],
        ["    auth: oauth\n", "    auth: apiKey\n"],
      ),
    });
    expect(t.findings).toEqual([]);
    expect(t.steps).toContain("delete UserPoolClient::front-door-tokens-portal");
    expect(t.steps).toContain("delete Secret::front-door-tokens-portal");
    // Pulumi drops the pool from the state without deleting it (retainOnDelete): Cognito would
    // refuse to delete a pool with deletion protection, and the update would fail.
    const pool = t.transition.base.find((r) => r.type === "aws:cognito/userPool:UserPool")!;
    expect(pool.options?.retainOnDelete).toBe(true);
  });

  it("no catalogue edit replaces the user pool or its domain", async () => {
    const edits: [string, string][][] = [
      [["    access: [checkout, partner, portal]\n", "    access: all-consumers\n"]],
      [
        [
          "    rateLimit: { requestsPerSecond: 10, burst: 20 }",
          "    rateLimit: { requestsPerSecond: 20, burst: 40 }",
        ],
      ],
      [["  lab:\n", "  lab-two:\n"]],
      [['"2.0.0": { traffic: 100 }', '"2.0.0": { retired: true }']],
      [
        [
          "    principals: [arn:aws:iam::777788889999:role/portal-secret-reader]",
          "    principals: [arn:aws:iam::777788889999:role/portal-reader]",
        ],
      ],
    ];
    for (const edit of edits) {
      const t = await transitionBetween(base, { catalogue: withTokens(...edit) });
      // (Retiring a live model is warned about for its endpoint, as always.)
      expect(
        t.findings.filter((f) => f.severity === "refuse"),
        JSON.stringify(edit),
      ).toEqual([]);
      expect(poolSteps(t.steps), JSON.stringify(edit)).toEqual([]);
      expect(
        t.steps.filter((s) => s.startsWith("replace UserPoolClient::")),
        JSON.stringify(edit),
      ).toEqual([]);
    }
  });

  it("a token domain replaced after its new one is created would take a name still in use: refused, and not what the stack does", () => {
    const { plan } = base;
    const head = structuredClone(plan.resources);
    const domain = head.find((r) => r.type.endsWith(":UserPoolDomain"))!;
    domain.inputs.userPoolId = "eu-west-1_other";
    const judged = () => judgeTransition(transition(plan.resources, head)).map((f) => f.rule);
    expect(judged()).toEqual([]);
    delete domain.options!.deleteBeforeReplace;
    expect(judged()).toEqual(["RULES-22/create-before-delete"]);
  });
});
