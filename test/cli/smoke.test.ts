/**
 * The front door's smoke test (cli/smoke.ts) against a fake API Gateway on the loopback address
 * that answers as the real one does for what the checks send: 401 without credentials, with a
 * SigV4 signature that does not verify (the fake re-signs the request it received with the
 * caller's secret) or without the stage's key; 403 for a caller that is not the consumer's
 * principal or a model not granted; 429 once a stage has taken its limit; 200 with a JSON echo
 * of the path it forwarded to the model. For an oauth stage it plays Cognito's token endpoint
 * too (an access token for the app client's id and secret in HTTP Basic) and an authorizer that
 * answers 401 to a missing or unknown token and to one without the route's scope. No AWS: fake
 * credentials and a fake secret reader.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runSmokeCommand } from "../../cli/smoke";
import {
  expectedPath,
  isPrincipal,
  parseConsumers,
  regionOf,
  runSmoke,
  summarise,
} from "../../smoke/checks";
import { nodeHttp } from "../../smoke/real-world";
import type { CheckResult, SmokeWorld } from "../../smoke/world";
import { maas } from "../helpers/cli";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const CHECKOUT_ROLE = `arn:aws:iam::${ACCOUNT}:role/services/checkout-api`;
const CHECKOUT_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/checkout-api/smoke`;
const DEPLOYER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`;
const secretArn = (consumer: string) =>
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:maas-dev-${consumer}-AbCdEf`;

/** Access key id -> the secret it signs with and the ARN STS would name. */
const IDENTITIES: Record<string, { secret: string; arn: string }> = {
  AKIDCHECKOUT: { secret: "checkout-secret", arn: CHECKOUT_SESSION },
  AKIDDEPLOYER: { secret: "deployer-secret", arn: DEPLOYER_SESSION },
};
const clientSecretArn = (consumer: string) =>
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:maas-dev-${consumer}-client-AbCdEf`;
const KEYS: Record<string, string> = {
  [secretArn("checkout")]: "key-of-checkout",
  [secretArn("search-partner")]: "key-of-search-partner",
  [secretArn("mobile-app")]: "key-of-mobile-app",
  [clientSecretArn("mobile-app")]: "client-secret-of-mobile-app",
};
/** The oauth app clients the fake token endpoint knows: client id -> its secret and stage. */
const CLIENTS: Record<string, { secret: string; stage: string }> = {
  "client-of-mobile-app": { secret: "client-secret-of-mobile-app", stage: "mobile-app" },
};

/** The front door the fake plays: its stages, and how it misbehaves when a test says so. */
interface Gateway {
  stages: Record<
    string,
    { auth: "sigv4" | "apiKey" | "oauth"; key: string; principal?: string; models: string[] }
  >;
  /** Authorised requests a stage takes before it answers 429. */
  limit: number;
  /** The path the model receives; undefined: the model's answer has no path field. */
  forward: (stage: string, model: string, rest: string) => string | undefined;
  /** Misconfigurations: no authentication at all, every model granted, any signer admitted. */
  open: boolean;
  grantAll: boolean;
  anyPrincipal: boolean;
}

let gateway: Gateway;
let taken: Map<string, number>;
/** What reached the fake: per request, its path and credentials. */
let seen: { path: string; signedBy?: string; apiKey?: string; token?: string }[];

function resetGateway(): void {
  gateway = {
    stages: {
      checkout: {
        auth: "sigv4",
        key: "key-of-checkout",
        principal: CHECKOUT_SESSION,
        models: ["image-classifier"],
      },
      "search-partner": { auth: "apiKey", key: "key-of-search-partner", models: ["text-embedder"] },
      "mobile-app": { auth: "oauth", key: "key-of-mobile-app", models: ["summarizer"] },
    },
    limit: 5,
    forward: (_stage, model, rest) => `/models/${model}/${rest}`,
    open: false,
    grantAll: false,
    anyPrincipal: false,
  };
  taken = new Map();
  seen = [];
}
resetGateway();

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

/** The caller's ARN when the request's SigV4 signature verifies, else undefined. */
async function verifySignature(req: IncomingMessage): Promise<string | undefined> {
  const authorization = req.headers.authorization ?? "";
  const match = AUTHORIZATION.exec(authorization);
  const identity = match ? IDENTITIES[match[1]!] : undefined;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (!match || !identity || match[3] !== REGION || !match[4]!.split(";").includes("host"))
    return undefined;
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const headers = Object.fromEntries(
    match[4]!.split(";").map((name) => [name, String(req.headers[name] ?? "")]),
  );
  const signer = new SignatureV4({
    service: "execute-api",
    region: REGION,
    credentials: { accessKeyId: match[1]!, secretAccessKey: identity.secret },
    sha256: Sha256,
  });
  const again = await signer.sign(
    {
      method: req.method ?? "GET",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
    },
    {
      signingDate: new Date(
        amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
      ),
    },
  );
  return again.headers.authorization === authorization ? identity.arn : undefined;
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const refuse = (status: number, type: string): void => {
    res
      .writeHead(status, { "content-type": "application/json" })
      .end(JSON.stringify({ message: type.toLowerCase(), type, requestId: "fake" }));
  };
  const url = new URL(req.url ?? "/", "http://gateway");
  if (req.method === "POST" && url.pathname === "/oauth2/token") return issueToken(req, res);
  const apiKey = req.headers["x-api-key"] as string | undefined;
  const route = /^\/([^/]+)\/models\/([^/]+)\/(.*)$/.exec(url.pathname);
  const stage = route ? gateway.stages[route[1]!] : undefined;
  if (!route || !stage) return refuse(401, "MISSING_AUTHENTICATION_TOKEN");
  const [, stageName, model, rest] = route as unknown as [string, string, string, string];
  const signedBy = req.headers.authorization ? await verifySignature(req) : undefined;
  const token = stage.auth === "oauth" ? req.headers.authorization : undefined;
  seen.push({
    path: url.pathname,
    ...(signedBy ? { signedBy } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(token ? { token } : {}),
  });
  if (!gateway.open) {
    // The Cognito authorizer: a token of the pool carrying the route's scope, else 401.
    if (
      stage.auth === "oauth" &&
      (token !== `token-of-${stageName}` || !stage.models.includes(model))
    )
      return refuse(401, "UNAUTHORIZED");
    if (stage.auth === "sigv4") {
      if (!req.headers.authorization) return refuse(401, "MISSING_AUTHENTICATION_TOKEN");
      if (!signedBy) return refuse(401, "INVALID_SIGNATURE");
      if (signedBy !== stage.principal && !gateway.anyPrincipal)
        return refuse(403, "ACCESS_DENIED");
    }
    if (apiKey !== stage.key) return refuse(401, "INVALID_API_KEY");
    if (!stage.models.includes(model) && !gateway.grantAll) return refuse(403, "ACCESS_DENIED");
    const count = (taken.get(stageName) ?? 0) + 1;
    taken.set(stageName, count);
    if (count > gateway.limit) return refuse(429, "THROTTLED");
  }
  const path = gateway.forward(stageName, model, rest);
  res
    .writeHead(200, { "content-type": "application/json" })
    .end(JSON.stringify(path === undefined ? { ready: true } : { ready: true, path }));
}

/** Cognito's token endpoint: the client credentials grant, the app client in HTTP Basic. */
async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const [id, secret] = Buffer.from(basic ?? "", "base64")
    .toString("utf8")
    .split(":");
  const client = CLIENTS[id ?? ""];
  const json = (status: number, value: object) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  if (new URLSearchParams(body).get("grant_type") !== "client_credentials")
    return void json(400, { error: "unsupported_grant_type" });
  if (!client || client.secret !== secret) return void json(400, { error: "invalid_client" });
  json(200, { access_token: `token-of-${client.stage}`, expires_in: 3600, token_type: "Bearer" });
}

const server = createServer((req, res) => {
  answer(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(resetGateway);

/** The outputs of a stack with a sigv4 and an apiKey consumer, one model each. */
function consumersOutput(): Record<string, unknown> {
  return {
    checkout: {
      auth: "sigv4",
      url: `${base}/checkout`,
      apiKeySecretArn: secretArn("checkout"),
      apiKeySecretKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/front-door`,
      models: ["image-classifier"],
    },
    "search-partner": {
      auth: "apiKey",
      url: `${base}/search-partner`,
      apiKeySecretArn: secretArn("search-partner"),
      apiKeySecretKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/front-door`,
      models: ["text-embedder"],
    },
  };
}

function world(overrides: Partial<SmokeWorld> = {}): SmokeWorld {
  return {
    consumers: consumersOutput(),
    caller: {
      credentials: { accessKeyId: "AKIDCHECKOUT", secretAccessKey: "checkout-secret" },
      arn: CHECKOUT_SESSION,
    },
    declared: {
      checkout: { principals: [CHECKOUT_ROLE], requestsPerSecond: 2, burst: 3 },
      "search-partner": {
        principals: [`arn:aws:iam::${ACCOUNT}:role/partner-key-reader`],
        requestsPerSecond: 2,
        burst: 3,
      },
    },
    readSecret: (arn) =>
      KEYS[arn] !== undefined
        ? Promise.resolve(KEYS[arn])
        : Promise.reject(new Error("AccessDeniedException")),
    http: nodeHttp,
    routing: "path",
    region: REGION,
    notes: [],
    ...overrides,
  };
}

/** The verdict of each check, as `consumer check: verdict`. */
function verdicts(results: CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [`${r.consumer} ${r.check}`, r.verdict]));
}

function find(results: CheckResult[], consumer: string, check: string): CheckResult {
  const result = results.find((r) => r.consumer === consumer && r.check === check);
  if (!result) throw new Error(`no ${check} result for ${consumer}`);
  return result;
}

describe("the smoke test against a front door that behaves", () => {
  it("passes each consumer's checks: 401 bare, 200 on /models/<m>/<path>, 403 for another's model", async () => {
    const lines: string[] = [];
    const results = await runSmoke(world(), { path: "healthz" }, (line) => lines.push(line));
    expect(verdicts(results)).toEqual({
      "checkout no-credentials": "PASS",
      "checkout granted": "PASS",
      "checkout not-granted": "PASS",
      "checkout burst": "SKIP",
      "search-partner no-credentials": "PASS",
      "search-partner granted": "PASS",
      "search-partner not-granted": "PASS",
      "search-partner burst": "SKIP",
    });
    expect(find(results, "checkout", "granted").received).toBe("/models/image-classifier/healthz");
    expect(find(results, "checkout", "no-credentials").got).toBe(
      "401 MISSING_AUTHENTICATION_TOKEN",
    );
    expect(find(results, "search-partner", "no-credentials").got).toBe("401 INVALID_API_KEY");
    expect(find(results, "checkout", "not-granted")).toMatchObject({
      model: "text-embedder",
      got: "403 ACCESS_DENIED",
    });
    expect(find(results, "search-partner", "not-granted").model).toBe("image-classifier");
    // What reached the gateway: a verified signature and the key for sigv4, the key alone for apiKey.
    expect(seen).toContainEqual({
      path: "/checkout/models/image-classifier/healthz",
      signedBy: CHECKOUT_SESSION,
      apiKey: "key-of-checkout",
    });
    expect(seen).toContainEqual({
      path: "/search-partner/models/text-embedder/healthz",
      apiKey: "key-of-search-partner",
    });
    expect(summarise(results).code).toBe(0);
    // One line per check, with what was sent and what came back; the key never.
    const granted = lines.find((l) => l.includes("PASS checkout granted"));
    expect(granted).toContain(
      "GET /checkout/models/image-classifier/healthz (SigV4 + x-api-key) -> 200, the model received /models/image-classifier/healthz",
    );
    expect(lines.join("\n")).not.toContain("key-of-");
    expect(lines.find((l) => l.includes("SKIP checkout burst"))).toContain(
      "n = 5 for checkout in the catalogue",
    );
  });

  it("passes the burst check when a 429 comes back, saying how many of each", async () => {
    const results = await runSmoke(world(), { path: "healthz", burst: 8 });
    const burst = find(results, "checkout", "burst");
    expect(burst.verdict).toBe("PASS");
    expect(burst.got).toMatch(/\b\d+x 429\b/);
    expect(find(results, "search-partner", "burst").verdict).toBe("PASS");
  });

  it("expects the path host routing gives the model: /<path>", async () => {
    gateway.forward = (_stage, _model, rest) => `/${rest}`;
    const results = await runSmoke(world({ routing: "host" }), { path: "/v1/echo?x=1" });
    expect(find(results, "checkout", "granted")).toMatchObject({
      verdict: "PASS",
      received: "/v1/echo",
    });
  });

  it("passes a 200 without a path field, saying the path the model received was not checked", async () => {
    gateway.forward = () => undefined;
    const results = await runSmoke(world(), { path: "healthz" });
    const granted = find(results, "checkout", "granted");
    expect(granted.verdict).toBe("PASS");
    expect(granted.detail).toContain("not checked");
    expect(granted.received).toBeUndefined();
  });
});

describe("the smoke test against a front door that misbehaves", () => {
  it("fails when the model receives another path, and says which", async () => {
    // A private integration that puts the stage before the path, and no rewrite to take it off.
    gateway.forward = (stage, model, rest) => `/${stage}/models/${model}/${rest}`;
    const results = await runSmoke(world(), { path: "healthz" });
    const granted = find(results, "checkout", "granted");
    expect(granted).toMatchObject({
      verdict: "FAIL",
      received: "/checkout/models/image-classifier/healthz",
    });
    expect(granted.detail).toContain("/models/image-classifier/healthz");
    expect(summarise(results)).toMatchObject({ code: 1 });
  });

  it("fails a front door that answers without credentials", async () => {
    gateway.open = true;
    const results = await runSmoke(world(), { path: "healthz" });
    expect(find(results, "checkout", "no-credentials")).toMatchObject({
      verdict: "FAIL",
      got: "200",
    });
    expect(find(results, "search-partner", "no-credentials").verdict).toBe("FAIL");
  });

  it("fails a grant wider than the catalogue's", async () => {
    gateway.grantAll = true;
    const results = await runSmoke(world(), { path: "healthz" });
    expect(find(results, "checkout", "not-granted")).toMatchObject({
      verdict: "FAIL",
      got: expect.stringMatching(/^200/),
    });
  });

  it("fails the burst check when nothing is throttled, and says when it sent too few", async () => {
    gateway.limit = Number.POSITIVE_INFINITY;
    const results = await runSmoke(world(), { path: "healthz", burst: 4 });
    const burst = find(results, "checkout", "burst");
    expect(burst).toMatchObject({ verdict: "FAIL", got: "4x 200" });
    expect(burst.detail).toContain("4 is fewer than 5 for checkout");
  });

  it("fails a signature the gateway does not verify (the wrong secret)", async () => {
    const results = await runSmoke(
      world({
        caller: {
          credentials: { accessKeyId: "AKIDCHECKOUT", secretAccessKey: "not-the-secret" },
          arn: CHECKOUT_SESSION,
        },
      }),
      { path: "healthz" },
    );
    expect(find(results, "checkout", "granted")).toMatchObject({
      verdict: "FAIL",
      got: "401 INVALID_SIGNATURE",
    });
  });

  it("fails a wrong key", async () => {
    const results = await runSmoke(world({ readSecret: () => Promise.resolve("an-old-key") }), {
      path: "healthz",
    });
    expect(find(results, "search-partner", "granted")).toMatchObject({
      verdict: "FAIL",
      got: "401 INVALID_API_KEY",
    });
  });

  it("fails when nothing answers", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const consumers = consumersOutput();
    (consumers["search-partner"] as { url: string }).url =
      `http://127.0.0.1:${port}/search-partner`;
    const results = await runSmoke(world({ consumers }), { path: "healthz" });
    expect(find(results, "search-partner", "no-credentials")).toMatchObject({
      verdict: "FAIL",
      got: expect.stringMatching(/^no answer \(connect ECONNREFUSED/),
    });
  });
});

describe("the smoke test of an oauth consumer", () => {
  /** The outputs with an oauth consumer beside the others (stack/deploy.ts, DeployedConsumer). */
  function withOauth(): Record<string, unknown> {
    return {
      ...consumersOutput(),
      "mobile-app": {
        auth: "oauth",
        url: `${base}/mobile-app`,
        apiKeySecretArn: secretArn("mobile-app"),
        tokenEndpoint: `${base}/oauth2/token`,
        clientId: "client-of-mobile-app",
        clientSecretArn: clientSecretArn("mobile-app"),
        scopes: ["models/summarizer"],
        models: ["summarizer"],
      },
    };
  }

  it("gets a token with its app client, calls with it and its key, and takes the authorizer's 401 on another model for a pass", async () => {
    const lines: string[] = [];
    const results = await runSmoke(world({ consumers: withOauth() }), { path: "healthz" }, (l) =>
      lines.push(l),
    );
    expect(
      results.filter((r) => r.consumer === "mobile-app").map((r) => [r.check, r.verdict]),
    ).toEqual([
      ["token", "PASS"],
      ["no-credentials", "PASS"],
      ["granted", "PASS"],
      ["not-granted", "PASS"],
      ["burst", "SKIP"],
    ]);
    expect(find(results, "mobile-app", "token")).toMatchObject({
      sent: "POST /oauth2/token grant_type=client_credentials (app client client-of-mobile-app in HTTP Basic)",
      got: "200 with an access token",
    });
    expect(find(results, "mobile-app", "no-credentials").got).toBe("401 UNAUTHORIZED");
    expect(find(results, "mobile-app", "not-granted")).toMatchObject({
      model: "image-classifier",
      got: "401 UNAUTHORIZED",
    });
    expect(find(results, "mobile-app", "not-granted").detail).toContain(
      "expects 401 or 403: image-classifier is not granted to mobile-app",
    );
    // The token alone in Authorization, and the key: what AWS's guide shows.
    expect(seen).toContainEqual({
      path: "/mobile-app/models/summarizer/healthz",
      apiKey: "key-of-mobile-app",
      token: "token-of-mobile-app",
    });
    // Neither the client secret nor the token is printed.
    expect(lines.join("\n")).not.toMatch(/client-secret-of|token-of-/);
    expect(summarise(results).code).toBe(0);
  });

  it("fails the token check when the token endpoint refuses the app client, and skips what needs a token", async () => {
    const results = await runSmoke(
      world({
        consumers: withOauth(),
        readSecret: (arn) =>
          Promise.resolve(arn === clientSecretArn("mobile-app") ? "a-rotated-secret" : KEYS[arn]!),
      }),
      { path: "healthz", burst: 8 },
    );
    expect(find(results, "mobile-app", "token")).toMatchObject({
      verdict: "FAIL",
      got: "400 invalid_client",
    });
    for (const check of ["granted", "not-granted", "burst"])
      expect(find(results, "mobile-app", check)).toMatchObject({
        verdict: "SKIP",
        detail: "no access token: the token check failed",
      });
    expect(summarise(results).code).toBe(1);
  });

  it("skips the token check when the client secret cannot be read, saying who may read it", async () => {
    const results = await runSmoke(
      world({
        consumers: withOauth(),
        readSecret: (arn) =>
          arn === clientSecretArn("mobile-app")
            ? Promise.reject(new Error("AccessDeniedException"))
            : Promise.resolve(KEYS[arn]!),
      }),
      { path: "healthz" },
    );
    const token = find(results, "mobile-app", "token");
    expect(token.verdict).toBe("SKIP");
    expect(token.detail).toContain("could not read its client secret");
    expect(token.detail).toContain("the secret admits its principals and the deployer");
    expect(find(results, "mobile-app", "no-credentials").verdict).toBe("PASS");
  });

  it("reads the token endpoint, app client and client secret from the output", () => {
    const parsed = parseConsumers(withOauth());
    expect("consumers" in parsed && parsed.consumers["mobile-app"]).toMatchObject({
      auth: "oauth",
      token: {
        endpoint: `${base}/oauth2/token`,
        clientId: "client-of-mobile-app",
        clientSecretArn: clientSecretArn("mobile-app"),
      },
    });
  });
});

describe("what the smoke test skips, and why", () => {
  it("skips the 403 when no other model exists to prove it", async () => {
    const { checkout } = consumersOutput();
    const results = await runSmoke(world({ consumers: { checkout } }), { path: "healthz" });
    const notGranted = find(results, "checkout", "not-granted");
    expect(notGranted.verdict).toBe("SKIP");
    expect(notGranted.detail).toContain("nothing proves a 403");
    expect(notGranted.sent).toBeUndefined();
  });

  it("does not take a sigv4 403 for a pass when the caller is not the consumer's principal", async () => {
    const caller = {
      credentials: { accessKeyId: "AKIDDEPLOYER", secretAccessKey: "deployer-secret" },
      arn: DEPLOYER_SESSION,
    };
    const results = await runSmoke(world({ caller }), { path: "healthz", burst: 8 });
    const granted = find(results, "checkout", "granted");
    expect(granted).toMatchObject({ verdict: "SKIP", got: "403 ACCESS_DENIED" });
    expect(granted.detail).toContain(`the caller ${DEPLOYER_SESSION} is not one of checkout's`);
    expect(find(results, "checkout", "not-granted").verdict).toBe("SKIP");
    expect(find(results, "checkout", "burst").verdict).toBe("SKIP");
    // The apiKey consumer needs only its key: its checks run whoever the caller is.
    expect(find(results, "search-partner", "granted").verdict).toBe("PASS");
    expect(find(results, "search-partner", "burst").verdict).toBe("PASS");
  });

  it("fails a 200 for a caller that is not the consumer's principal", async () => {
    gateway.anyPrincipal = true;
    const caller = {
      credentials: { accessKeyId: "AKIDDEPLOYER", secretAccessKey: "deployer-secret" },
      arn: DEPLOYER_SESSION,
    };
    const results = await runSmoke(world({ caller }), { path: "healthz" });
    expect(find(results, "checkout", "granted")).toMatchObject({ verdict: "FAIL", got: "200" });
  });

  it("says a 403 may mean the caller is not a principal when who calls is unknown", async () => {
    const caller = {
      credentials: { accessKeyId: "AKIDDEPLOYER", secretAccessKey: "deployer-secret" },
    };
    const results = await runSmoke(world({ caller }), { path: "healthz" });
    const granted = find(results, "checkout", "granted");
    expect(granted).toMatchObject({ verdict: "FAIL", got: "403 ACCESS_DENIED" });
    expect(granted.detail).toContain("the caller's ARN is unknown");
  });

  it("skips the signed checks without AWS credentials, and the keyed ones without the key", async () => {
    const results = await runSmoke(
      world({
        caller: { why: "the default credential chain: could not load credentials" },
        readSecret: (arn) =>
          arn === secretArn("checkout")
            ? Promise.resolve("key-of-checkout")
            : Promise.reject(new Error("AccessDeniedException")),
      }),
      { path: "healthz", burst: 8 },
    );
    for (const check of ["granted", "not-granted", "burst"]) {
      expect(find(results, "checkout", check).detail).toContain("no AWS credentials to sign with");
      expect(find(results, "search-partner", check).detail).toContain("could not read its API key");
    }
    expect(find(results, "search-partner", "granted").detail).toContain("kms:Decrypt");
    expect(results.filter((r) => r.verdict !== "SKIP").map((r) => r.check)).toEqual([
      "no-credentials",
      "no-credentials",
    ]);
  });

  it("skips a consumer without a URL, with the output's note", async () => {
    const consumers = {
      checkout: {
        auth: "sigv4",
        apiKeySecretKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
        models: [],
        note: "no model is served yet",
      },
    };
    const results = await runSmoke(world({ consumers }), { path: "healthz" });
    expect(results.map((r) => [r.check, r.verdict])).toEqual([
      ["no-credentials", "SKIP"],
      ["granted", "SKIP"],
      ["not-granted", "SKIP"],
      ["burst", "SKIP"],
    ]);
    expect(results[0]!.detail).toContain("no model is served yet");
    expect(summarise(results)).toMatchObject({ code: 1 });
  });
});

describe("maas smoke", () => {
  async function command(
    options: { path?: string; burst?: string },
    smokeWorld: () => Promise<SmokeWorld>,
  ) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const status = await runSmokeCommand(
      { stack: "dev", ...options },
      {
        stdout: { write: (t: string) => stdout.push(t) },
        stderr: { write: (t: string) => stderr.push(t) },
        env: {},
      },
      smokeWorld,
    );
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
  }

  it("exits 0 when every check that ran passed, with a summary", async () => {
    const result = await command({}, () =>
      Promise.resolve(world({ notes: ["who signs is unknown"] })),
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`signing as: ${CHECKOUT_SESSION}\n`);
    expect(result.stdout).toContain("note: who signs is unknown");
    expect(result.stdout).toMatch(/smoke test passed: 6 passed, 0 failed, 2 skipped\n$/);
  });

  it("exits 1 on a failed check", async () => {
    gateway.open = true;
    const result = await command({ path: "/healthz" }, () => Promise.resolve(world()));
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^ {2}FAIL checkout no-credentials: GET /m);
    expect(result.stdout).toMatch(/smoke test FAILED: /);
  });

  it("exits 1 when the stack has no front door or cannot be read", async () => {
    const none = await command({}, () => Promise.resolve(world({ consumers: undefined })));
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("no consumers output");
    const unreadable = await command({}, () =>
      Promise.reject(new Error("the Pulumi CLI (pulumi) is not on PATH")),
    );
    expect(unreadable).toMatchObject({ status: 1, stdout: "" });
    expect(unreadable.stderr).toContain("could not read stack dev: the Pulumi CLI");
  });

  it("refuses a --burst that is not a count of requests, before reading anything", async () => {
    for (const burst of ["0", "many", "1.5", "100000"]) {
      const result = await command({ burst }, () => Promise.reject(new Error("not reached")));
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`--burst ${burst}: must be a number of requests`);
    }
  });

  it("is a maas command: --stack is required, a bad --burst is a usage error", async () => {
    expect((await maas(["smoke"])).status).toBe(2);
    const result = await maas(["smoke", "--stack", "dev", "--burst", "lots"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--burst lots");
  });
});

describe("the smoke test's reading of its inputs", () => {
  it("tells the consumer's principals from other callers as the resource policy does", () => {
    expect(isPrincipal(CHECKOUT_SESSION, [CHECKOUT_ROLE])).toBe(true);
    expect(isPrincipal(DEPLOYER_SESSION, [CHECKOUT_ROLE])).toBe(false);
    expect(isPrincipal(DEPLOYER_SESSION, [ACCOUNT])).toBe(true);
    expect(
      isPrincipal("arn:aws:sts::444455556666:assumed-role/checkout-api/s", [CHECKOUT_ROLE]),
    ).toBe(false);
    const user = `arn:aws:iam::${ACCOUNT}:user/ci/smoke`;
    expect(isPrincipal(user, [user])).toBe(true);
    expect(isPrincipal(user, [CHECKOUT_ROLE])).toBe(false);
  });

  it("signs for the region of the invoke URL", () => {
    expect(regionOf("https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/checkout")).toBe(
      "eu-central-1",
    );
    expect(regionOf("https://models.example.com/checkout")).toBeUndefined();
  });

  it("expects /models/<m>/<path> with path routing, /<path> with host routing", () => {
    expect(expectedPath("m", "/healthz", "path")).toBe("/models/m/healthz");
    expect(expectedPath("m", "v1/echo?x=1", "host")).toBe("/v1/echo");
  });

  it("refuses an output that is not the consumers map", () => {
    expect(parseConsumers(undefined)).toMatchObject({
      problem: expect.stringContaining("no consumers output"),
    });
    expect(parseConsumers({ c: { url: "x" } })).toEqual({
      problem: "consumers.c: expected auth and models (stack/deploy.ts)",
    });
  });

  it("calls a consumer's stable URL when the front door has a custom domain", () => {
    const consumer = { auth: "apiKey", models: ["m"], apiKeySecretArn: "arn" };
    expect(
      parseConsumers({
        c: {
          ...consumer,
          url: "https://a.execute-api.eu-west-1.amazonaws.com/c",
          stableUrl: "https://api.example.com/c",
        },
        d: { ...consumer, stableUrl: "https://api.example.com/d" },
      }),
    ).toEqual({
      consumers: {
        c: { ...consumer, url: "https://api.example.com/c" },
        d: { ...consumer, url: "https://api.example.com/d" },
      },
    });
  });
});
