/**
 * The oauth consumers' tokens, planned from a catalogue with two oauth consumers (portal may
 * call both models, lab none): a user pool that issues them, an app client per consumer allowed
 * exactly its models' scopes, a Cognito authorizer on the oauth API whose every method asks for
 * its model's scope and a key, client secrets that stay secret, and the outputs a consumer needs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { checkAwsResources } from "../../policy/aws-rules";
import { ACCESS_TOKEN_MINUTES } from "../../components/specs/tokens";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { withTokens } from "../helpers/front-door";

const inputs = (resource: RecordedResource) => resource.inputs as Record<string, any>;

/** The models each oauth consumer may call (helpers/front-door.ts withTokens). */
const TOKEN_GRANTS: Record<string, string[]> = { portal: ["ranker", "scorer"], lab: [] };

describe("the front door's tokens", () => {
  let fixture: PlanFixture;
  let resources: RecordedResource[];
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string, name: string) => {
    const found = resources.filter((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name}`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    fixture = await planOf({ catalogue: withTokens() });
    resources = fixture.plan.resources;
  });

  it("issue them from one user pool: deletion protection, kept when the stack lets it go, nobody signs up, threat protection enforced", () => {
    const [pool, ...others] = ofType("aws:cognito/userPool:UserPool");
    expect(others).toEqual([]);
    expect(inputs(pool!)).toMatchObject({
      name: "maas-dev_consumers",
      deletionProtection: "ACTIVE",
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      userPoolTier: "PLUS",
      userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
    });
    expect(pool!.options?.retainOnDelete).toBe(true);
    // Its hosted domain serves the token endpoint; a fixed name, so deleted before a replacement.
    const domain = one("aws:cognito/userPoolDomain:UserPoolDomain", "front-door-tokens");
    expect(inputs(domain).domain).toMatch(/^maas-dev-[0-9a-f]{10}$/);
    expect(domain.dependencies).toContain(pool!.urn);
    expect(domain.options?.deleteBeforeReplace).toBe(true);
  });

  it("define one scope per model an oauth consumer may call, and give each app client exactly its own", () => {
    const server = one("aws:cognito/resourceServer:ResourceServer", "front-door-tokens");
    expect(inputs(server)).toMatchObject({ identifier: "models", name: "maas models" });
    expect(inputs(server).scopes.map((s: { scopeName: string }) => s.scopeName)).toEqual([
      "ranker",
      "scorer",
    ]);
    const clients = ofType("aws:cognito/userPoolClient:UserPoolClient");
    expect(clients.map((c) => c.name).sort()).toEqual([
      "front-door-tokens-lab",
      "front-door-tokens-portal",
    ]);
    for (const [consumer, models] of Object.entries(TOKEN_GRANTS)) {
      const client = one(
        "aws:cognito/userPoolClient:UserPoolClient",
        `front-door-tokens-${consumer}`,
      );
      expect(inputs(client).allowedOauthScopes, consumer).toEqual(models.map((m) => `models/${m}`));
      // Scopes must exist before a client names them.
      expect(client.dependencies, consumer).toContain(server.urn);
      expect(inputs(client), consumer).toMatchObject({
        name: `maas-dev_${consumer}`,
        generateSecret: true,
        accessTokenValidity: ACCESS_TOKEN_MINUTES,
        tokenValidityUnits: { accessToken: "minutes" },
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      });
    }
    // Client credentials only, and a consumer that may call nothing cannot get a token at all.
    expect(
      inputs(one("aws:cognito/userPoolClient:UserPoolClient", "front-door-tokens-portal")),
    ).toMatchObject({
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["client_credentials"],
    });
    expect(
      inputs(one("aws:cognito/userPoolClient:UserPoolClient", "front-door-tokens-lab")),
    ).toMatchObject({
      allowedOauthFlowsUserPoolClient: false,
      allowedOauthFlows: [],
    });
  });

  it("ask every route of the oauth API for a token with the model's scope, through the pool's authorizer, and the key", () => {
    const [pool] = ofType("aws:cognito/userPool:UserPool");
    const authorizer = one("aws:apigateway/authorizer:Authorizer", "front-door-oauth");
    expect(inputs(authorizer)).toMatchObject({
      type: "COGNITO_USER_POOLS",
      identitySource: "method.request.header.Authorization",
    });
    expect(authorizer.dependencies).toContain(pool!.urn);
    expect(inputs(authorizer).providerArns).toEqual([
      expect.stringMatching(/^arn:aws:cognito-idp:eu-west-1:123456789012:userpool\/eu-west-1_/),
    ]);
    const methods = ofType("aws:apigateway/method:Method").filter((m) =>
      m.name.startsWith("front-door-oauth-"),
    );
    expect(methods).toHaveLength(2 * 2);
    for (const method of methods) {
      const model = /^front-door-oauth-([a-z]+)-(get|post)$/.exec(method.name)![1]!;
      expect(inputs(method), method.name).toMatchObject({
        authorization: "COGNITO_USER_POOLS",
        authorizationScopes: [`models/${model}`],
        authorizerId: expect.any(String),
        apiKeyRequired: true,
      });
      expect(method.dependencies, method.name).toContain(authorizer.urn);
    }
    // The other APIs have no authorizer; nothing breaks a rule.
    expect(ofType("aws:apigateway/authorizer:Authorizer")).toHaveLength(1);
    expect(checkAwsResources(resources, { production: false })).toEqual([]);
  });

  it("grant each oauth consumer's stage exactly its models in the resource policy, which revokes at once", () => {
    const policy = one("aws:apigateway/restApiPolicy:RestApiPolicy", "front-door-oauth");
    const statements = JSON.parse(inputs(policy).policy).Statement as {
      Sid: string;
      Effect: string;
      Principal: unknown;
      Resource?: string[];
      NotResource?: string[];
    }[];
    const allowed = statements.filter((s) => s.Effect === "Allow");
    // lab may call nothing: no Allow; the token proves who calls, the key opens its stage alone.
    expect(allowed.map((s) => s.Sid)).toEqual(["Allow-portal"]);
    expect(allowed[0]!.Principal).toBe("*");
    const models = new Set(
      allowed[0]!.Resource!.map(
        (arn) => /\/portal\/(?:GET|POST)\/models\/([^/]+)\/\*$/.exec(arn)![1],
      ),
    );
    expect([...models].sort()).toEqual(TOKEN_GRANTS.portal);
    expect(statements.find((s) => s.Sid === "Deny-not-granted")).toMatchObject({
      Effect: "Deny",
      NotResource: allowed[0]!.Resource,
    });
  });

  it("answer 401 with a Bearer challenge on the oauth API, SigV4's scheme on the SigV4 API, none on the key's", () => {
    const challenges = (api: string) =>
      Object.fromEntries(
        ofType("aws:apigateway/response:Response")
          .filter((r) => r.name.startsWith(`front-door-${api}-`))
          .filter((r) => inputs(r).statusCode === "401")
          .map((r) => [
            inputs(r).responseType,
            inputs(r).responseParameters?.["gatewayresponse.header.WWW-Authenticate"],
          ]),
      );
    const oauth = challenges("oauth");
    expect(oauth.UNAUTHORIZED).toBe("'Bearer'");
    expect(Object.values(oauth).every((value) => value === "'Bearer'")).toBe(true);
    expect(Object.values(challenges("sigv4")).every((v) => v === "'AWS4-HMAC-SHA256'")).toBe(true);
    expect(Object.values(challenges("apikey"))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(challenges("sigv4").UNAUTHORIZED).toBeUndefined();
  });

  it("keep every client secret out of the plan, in a secret only the consumer's principals and the deployer read", () => {
    const text = JSON.stringify({ plan: fixture.plan, manifests: fixture.manifests });
    expect(text).not.toContain("placeholder-client-secret");
    for (const consumer of Object.keys(TOKEN_GRANTS)) {
      const client = one(
        "aws:cognito/userPoolClient:UserPoolClient",
        `front-door-tokens-${consumer}`,
      );
      // The provider marks it secret itself (RULES-34/secret-outputs keeps that checked).
      expect(client.options?.additionalSecretOutputs).toContain("clientSecret");
      const version = one(
        "aws:secretsmanager/secretVersion:SecretVersion",
        `front-door-tokens-${consumer}`,
      );
      expect(inputs(version).secretString).toBe("[secret]");
      expect(version.dependencies).toContain(client.urn);
      const secret = one("aws:secretsmanager/secret:Secret", `front-door-tokens-${consumer}`);
      expect(inputs(secret).namePrefix).toBe(`maas/dev/consumers/${consumer}/client-secret-`);
      const [allow, deny] = JSON.parse(
        inputs(one("aws:secretsmanager/secretPolicy:SecretPolicy", `front-door-tokens-${consumer}`))
          .policy,
      ).Statement;
      expect(allow.Principal).toEqual({
        AWS: [`arn:aws:iam::777788889999:role/${consumer}-secret-reader`],
      });
      expect(deny.Condition.ArnNotLike["aws:PrincipalArn"]).toEqual([
        `arn:aws:iam::777788889999:role/${consumer}-secret-reader`,
        "arn:aws:iam::123456789012:user/placeholder",
      ]);
    }
  });

  it("output each oauth consumer's token endpoint, client id, client secret's ARN and scopes; the others none", () => {
    const consumers = fixture.plan.outputs.consumers as Record<string, Record<string, unknown>>;
    expect(consumers.portal).toMatchObject({
      auth: "oauth",
      tokenEndpoint: expect.stringMatching(
        /^https:\/\/maas-dev-[0-9a-f]{10}\.auth\.eu-west-1\.amazoncognito\.com\/oauth2\/token$/,
      ),
      clientId: expect.stringMatching(/^[0-9a-f]{26}$/),
      clientSecretArn: expect.stringContaining(":secretsmanager:"),
      scopes: ["models/ranker", "models/scorer"],
      models: ["ranker", "scorer"],
      url: expect.stringMatching(/\/portal$/),
    });
    expect(consumers.lab).toMatchObject({ auth: "oauth", scopes: [], models: [] });
    for (const other of ["checkout", "partner", "reports"])
      expect(Object.keys(consumers[other]!), other).not.toContain("clientId");
  });
});

describe("the offline plan of tokens", () => {
  it("is complete and the same on every run: placeholders for every value the provider computes", async () => {
    const first = await planOf({ catalogue: withTokens() });
    const second = await planOf({ catalogue: withTokens() });
    // (Each plan reads its catalogue from a temporary file: everything but that path is equal.)
    expect(JSON.stringify({ ...second.plan, catalogue: "" })).toBe(
      JSON.stringify({ ...first.plan, catalogue: "" }),
    );
    const tokenParts = first.plan.resources.filter(
      (r) =>
        r.type.startsWith("aws:cognito/") ||
        r.type.endsWith(":Authorizer") ||
        r.name.startsWith("front-door-oauth"),
    );
    expect(tokenParts.length).toBeGreaterThan(0);
    expect(JSON.stringify(tokenParts)).not.toContain("[unknown]");
    expect(JSON.stringify(first.plan.outputs)).not.toContain("[unknown]");
  });
});

describe("a front door without oauth consumers", () => {
  it("has no user pool, authorizer or oauth API", async () => {
    const { plan } = await planOf({
      catalogue: withTokens(
        ["    auth: oauth\n", "    auth: apiKey\n"],
        ["    auth: oauth\n", "    auth: apiKey\n"],
      ),
    });
    expect(plan.resources.filter((r) => r.type.startsWith("aws:cognito/"))).toEqual([]);
    expect(plan.resources.filter((r) => r.type.endsWith(":Authorizer"))).toEqual([]);
    expect(plan.resources.filter((r) => r.name.startsWith("front-door-oauth"))).toEqual([]);
  });
});

describe("oauth consumers with nothing served", () => {
  it("keep their pool and app clients, without scopes, while no model is served", async () => {
    const retired = withTokens(
      ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
      ['"1.1.0": { traffic: 10 }', '"1.1.0": { retired: true }'],
      ['"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }'],
      ['"2.0.0": { traffic: 100 }', '"2.0.0": { retired: true }'],
    );
    const plan = await planOf({ catalogue: retired });
    expect(plan.ofType("aws:apigateway/authorizer:Authorizer")).toEqual([]);
    expect(plan.ofType("aws:cognito/userPool:UserPool")).toHaveLength(1);
    for (const client of plan.ofType("aws:cognito/userPoolClient:UserPoolClient"))
      expect(inputs(client).allowedOauthScopes, client.name).toEqual([]);
    const consumers = (plan.plan.outputs as any).consumers as Record<string, any>;
    expect(consumers.portal).toMatchObject({ scopes: [], clientId: expect.any(String) });
    expect(consumers.portal.url).toBeUndefined();
  });
});

describe("the front door's rules on token routes", () => {
  it("refuse a Cognito route without the model's own scope, or without an authorizer", async () => {
    const { plan } = await planOf({ catalogue: withTokens() });
    const mutated = (change: (inputs: Record<string, unknown>) => void) =>
      checkAwsResources(
        plan.resources.map((r) => {
          if (
            r.type !== "aws:apigateway/method:Method" ||
            r.name !== "front-door-oauth-scorer-post"
          )
            return r;
          const copy = structuredClone(r);
          change(copy.inputs);
          return copy;
        }),
        { production: false },
      ).map((v) => `${v.rule}: ${v.message}`);
    expect(mutated(() => undefined)).toEqual([]);
    expect(mutated((i) => delete i.authorizationScopes)).toEqual([
      "front-door/authenticated: takes any token of the user pool (COGNITO_USER_POOLS without authorizationScopes): every oauth consumer's token would open the model",
    ]);
    expect(mutated((i) => (i.authorizationScopes = ["models/ranker"]))).toEqual([
      "front-door/authenticated: asks for scopes models/ranker, not the model's own models/scorer: tokens for other models would open it",
    ]);
    expect(mutated((i) => delete i.authorizerId)).toEqual([
      "front-door/authenticated: takes Cognito tokens but names no authorizer",
    ]);
  });
});

describe("Cognito's limits in the plan", () => {
  it("refuse an oauth consumer granted more models than its app client takes, naming the catalogue", async () => {
    const models = Array.from({ length: 51 }, (_, i) => [
      `  model-${i}:`,
      "    owner: team-c",
      "    access: [portal]",
      // Half on a second load balancer: one holds 50 models' rules.
      ...(i % 2 === 0 ? ["    routing: { loadBalancer: extra }"] : []),
      `    image: registry.example.com/m@sha256:${"c".repeat(64)}`,
      '    versions: { "1.0.0": { traffic: 100 } }',
    ]).flat();
    const catalogue = withTokens(["  ranker:\n", `${models.join("\n")}\n  ranker:\n`]);
    await expect(planOf({ catalogue })).rejects.toThrow(
      /models\.yaml: consumers\.portal: may call 53 models, each a scope of its app client, which takes 50 \(Cognito, CreateUserPoolClient AllowedOAuthScopes\)/,
    );
  });
});
