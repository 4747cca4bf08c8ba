/**
 * The oauth consumers' tokens as pure functions (components/specs/tokens.ts and the methods'
 * authorization in specs/front-door.ts): scopes per consumer, the app client's flows, Cognito's
 * limits, and what a deployment snapshots of how methods authenticate.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ResolvedConsumer } from "../../catalogue";
import {
  deploymentConfiguration,
  GATEWAY_RESPONSE_BODY,
  GATEWAY_RESPONSES,
  methodAuthorization,
} from "../../components/specs/front-door";
import {
  appClientOauth,
  clientScopes,
  tokenEndpoint,
  tokenModels,
  tokenProblems,
} from "../../components/specs/tokens";

const consumer = (name: string, auth: ResolvedConsumer["auth"]): ResolvedConsumer => ({
  name,
  auth,
  principals: [`arn:aws:iam::111122223333:role/${name}`],
  rateLimit: { requestsPerSecond: 1, burst: 1 },
  apiKeys: ["1"],
});

const CONSUMERS = [
  consumer("portal", "oauth"),
  consumer("lab", "oauth"),
  consumer("batch", "apiKey"),
];
const MODELS = [
  { name: "ranker", access: ["portal"] },
  { name: "scorer", access: ["batch", "portal"] },
  { name: "tagger", access: ["batch"] },
];

describe("token scopes", () => {
  it("give each oauth consumer exactly the scopes of the models it may call, and nobody else any", () => {
    expect(clientScopes(CONSUMERS, MODELS)).toEqual(
      new Map([
        ["portal", ["models/ranker", "models/scorer"]],
        ["lab", []],
      ]),
    );
  });

  it("define scopes only for models an oauth consumer may call", () => {
    expect(tokenModels(CONSUMERS, MODELS)).toEqual(["ranker", "scorer"]);
    expect(tokenModels([consumer("batch", "apiKey")], MODELS)).toEqual([]);
  });

  it("open the client credentials grant only to a client with scopes", () => {
    expect(appClientOauth(["models/scorer", "models/ranker"])).toEqual({
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["client_credentials"],
      allowedOauthScopes: ["models/ranker", "models/scorer"],
    });
    // Lists given empty, not left out: the provider would keep the old scopes for a missing one.
    expect(appClientOauth([])).toEqual({
      allowedOauthFlowsUserPoolClient: false,
      allowedOauthFlows: [],
      allowedOauthScopes: [],
    });
  });

  it("ask each oauth method for its model's scope; the other kinds for their own credential", () => {
    expect(methodAuthorization("oauth", "scorer")).toEqual({
      authorization: "COGNITO_USER_POOLS",
      authorizationScopes: ["models/scorer"],
    });
    expect(methodAuthorization("sigv4", "scorer")).toEqual({ authorization: "AWS_IAM" });
    expect(methodAuthorization("apiKey", "scorer")).toEqual({ authorization: "NONE" });
  });

  it("are fetched from the hosted domain's token endpoint", () => {
    expect(tokenEndpoint("maas-dev-0123456789", "eu-west-1")).toBe(
      "https://maas-dev-0123456789.auth.eu-west-1.amazoncognito.com/oauth2/token",
    );
  });
});

describe("Cognito's limits", () => {
  const models = (count: number, access: string[]) =>
    Array.from({ length: count }, (_, i) => ({ name: `m${i}`, access }));

  it("accept up to 50 models per oauth consumer and 100 for all of them", () => {
    expect(tokenProblems(CONSUMERS, models(50, ["portal"]))).toEqual([]);
    expect(
      tokenProblems(CONSUMERS, [...models(50, ["portal"]), ...models(100, ["lab"])].slice(0, 100)),
    ).toEqual([]);
  });

  it("refuse a consumer granted more models than an app client takes, saying what to do", () => {
    expect(tokenProblems(CONSUMERS, models(51, ["portal"]))).toEqual([
      "consumers.portal: may call 51 models, each a scope of its app client, which takes 50 (Cognito, CreateUserPoolClient AllowedOAuthScopes): grant it fewer models, or split it into two consumers",
    ]);
  });

  it("refuse more models for oauth consumers than the resource server holds", () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      name: `m${i}`,
      access: [i % 2 === 0 ? "portal" : "lab"],
    }));
    expect(tokenProblems(CONSUMERS, many)).toEqual([
      "consumers: oauth consumers may call 101 models, each a scope of the token issuer's resource server, which holds 100 (Cognito, ResourceServerType Scopes): grant fewer models to oauth consumers",
      "consumers.portal: may call 51 models, each a scope of its app client, which takes 50 (Cognito, CreateUserPoolClient AllowedOAuthScopes): grant it fewer models, or split it into two consumers",
    ]);
  });
});

describe("what a deployment snapshots", () => {
  const base = {
    routes: ["ranker", "scorer"],
    backends: [["uri", "lb", "link"]],
    transfers: [],
    policy: "{}",
    disableExecuteApiEndpoint: false,
  };
  const shape = { routes: base.routes, backends: base.backends, policy: base.policy };
  const authorizer = {
    id: "abc123",
    pools: ["arn:pool"],
    source: "method.request.header.Authorization",
  };
  const hash = (value: object) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

  it("keeps the shape it had for SigV4 and API-key APIs, so their deployments stay", () => {
    for (const auth of ["sigv4", "apiKey"] as const)
      expect(hash(deploymentConfiguration({ auth, ...base }))).toBe(
        hash({ ...shape, responses: GATEWAY_RESPONSES, body: GATEWAY_RESPONSE_BODY }),
      );
  });

  it("covers how the oauth API authenticates: a new authorizer, pool or scope is a new deployment", () => {
    const of = (changes: Partial<typeof authorizer>, routes = base.routes) =>
      hash(
        deploymentConfiguration({
          auth: "oauth",
          ...base,
          routes,
          authorizer: { ...authorizer, ...changes },
        }),
      );
    const deployed = of({});
    expect(of({ id: "def456" })).not.toBe(deployed);
    expect(of({ pools: ["arn:other-pool"] })).not.toBe(deployed);
    expect(of({ source: "method.request.header.X-Token" })).not.toBe(deployed);
    expect(deploymentConfiguration({ auth: "oauth", ...base, authorizer })).toMatchObject({
      authentication: {
        methods: [
          { authorization: "COGNITO_USER_POOLS", authorizationScopes: ["models/ranker"] },
          { authorization: "COGNITO_USER_POOLS", authorizationScopes: ["models/scorer"] },
        ],
        challenge: "Bearer",
      },
    });
  });
});
