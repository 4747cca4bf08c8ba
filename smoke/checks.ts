/**
 * The front door's smoke test (`maas smoke`): calls a deployed stack's front door as its
 * consumers do and checks what API Gateway answers (docs/front-door.md, "Smoke test in a real account"). Per consumer of the
 * stack's `consumers` output (stack/outputs.ts, DeployedConsumer) and per model it may call:
 *
 *   token           (oauth consumers, once) a client credentials grant at the consumer's token
 *                   endpoint with its client id and secret in HTTP Basic: 200 and an access token
 *   no-credentials  GET <url>/models/<m>/<path> with nothing: 401 (the gateway responses of
 *                   components/specs/front-door.ts, GATEWAY_RESPONSES)
 *   granted         the same with the consumer's credentials (sigv4: a SigV4 signature for
 *                   `execute-api` and its API key in x-api-key; oauth: the access token in
 *                   Authorization, as AWS's guide shows it, and the key; apiKey: x-api-key alone): 200,
 *                   and when the answer is JSON with a `path` (an echo route), the path the model
 *                   received: `/models/<m>/<path>` (path routing) or `/<path>` (host routing), what
 *                   the traffic rule's rewrite gives it (components/specs/routing.ts, frontDoorMatch)
 *
 * and per consumer: not-granted (a model another consumer may call, with the consumer's
 * credentials: 403, the resource policy's deny; for oauth 401 or 403, whichever AWS gives a
 * token without the route's scope, reported) and, with `--burst <n>`, burst (n requests at
 * once: at least one 429, the usage plan's throttle).
 *
 * The checks see the world through SmokeWorld (smoke/world.ts): the tests give them a fake API
 * Gateway on the loopback address, smoke/real-world.ts the real one.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type {
  AwsCredentials,
  CheckName,
  CheckResult,
  ConsumerOutput,
  HttpAnswer,
  SmokeOptions,
  SmokeWorld,
  Verdict,
} from "./world";

/** The `consumers` output, checked for the fields the checks read; or what is wrong with it. */
export function parseConsumers(
  value: unknown,
): { consumers: Record<string, ConsumerOutput> } | { problem: string } {
  if (value === undefined || value === null)
    return {
      problem:
        "the stack has no consumers output: the front door is made by a single or base stack whose catalogue declares consumers:",
    };
  if (typeof value !== "object" || Array.isArray(value))
    return { problem: "the consumers output is not a map of consumer name -> consumer" };
  const consumers: Record<string, ConsumerOutput> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const models = entry.models;
    if (
      typeof entry.auth !== "string" ||
      !Array.isArray(models) ||
      !models.every((m) => typeof m === "string")
    )
      return { problem: `consumers.${name}: expected auth and models (stack/deploy.ts)` };
    consumers[name] = {
      auth: entry.auth,
      models: [...models].sort(),
      // The URL callers use: the stable one on the custom domain when there is one (the
      // execute-api URL may be off: maas:disableExecuteApiEndpoint).
      ...(typeof entry.stableUrl === "string"
        ? { url: entry.stableUrl }
        : typeof entry.url === "string"
          ? { url: entry.url }
          : {}),
      ...(typeof entry.apiKeySecretArn === "string"
        ? { apiKeySecretArn: entry.apiKeySecretArn }
        : {}),
      ...(typeof entry.tokenEndpoint === "string" &&
      typeof entry.clientId === "string" &&
      typeof entry.clientSecretArn === "string"
        ? {
            token: {
              endpoint: entry.tokenEndpoint,
              clientId: entry.clientId,
              clientSecretArn: entry.clientSecretArn,
            },
          }
        : {}),
      ...(typeof entry.note === "string" ? { note: entry.note } : {}),
    };
  }
  return { consumers };
}

const ACCOUNT_ID = /^[0-9]{12}$/;

/** `arn:<partition>:<service>::<account>:<resource>` → account and resource. */
function arnParts(arn: string): { account: string; resource: string } | undefined {
  const match = /^arn:[a-z-]+:(?:iam|sts)::([0-9]{12}):(.+)$/.exec(arn);
  return match ? { account: match[1]!, resource: match[2]! } : undefined;
}

/**
 * Whether the caller (an ARN from STS GetCallerIdentity) is one of a consumer's principals as
 * the resource policy sees it (components/specs/front-door.ts, resourcePolicy): an account ID
 * admits the account's principals; a role, the sessions of that role (an assumed-role ARN names
 * the role without its path, and a role's name is unique in its account); a user, that user.
 */
export function isPrincipal(callerArn: string, principals: string[]): boolean {
  const caller = arnParts(callerArn);
  if (!caller) return false;
  return principals.some((principal) => {
    if (ACCOUNT_ID.test(principal)) return caller.account === principal;
    if (principal === callerArn) return true;
    const granted = arnParts(principal);
    if (!granted || granted.account !== caller.account) return false;
    const role = /^role\/(?:.*\/)?([^/]+)$/.exec(granted.resource)?.[1];
    const session = /^assumed-role\/([^/]+)\/[^/]+$/.exec(caller.resource)?.[1];
    return role !== undefined && role === session;
  });
}

/** The region of an API Gateway invoke URL (`<api>.execute-api.<region>.amazonaws.com`). */
export function regionOf(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
}

/** `--path`: what follows `/models/<m>/`, without leading slashes. */
export function normalisePath(path: string): string {
  return path.replace(/^\/+/, "");
}

/** The path the model receives for `path` under model `model` (components/specs/routing.ts). */
export function expectedPath(model: string, path: string, routing: "path" | "host"): string {
  const bare = normalisePath(path).split("?")[0] ?? "";
  return routing === "path" ? `/models/${model}/${bare}` : `/${bare}`;
}

function modelUrl(base: string, model: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/models/${model}/${normalisePath(path)}`;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function fieldOf(body: string, field: string): string | undefined {
  const json = parseJson(body);
  if (json === null || typeof json !== "object") return undefined;
  const value = (json as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

/** `403 ACCESS_DENIED` (a gateway response's type), `200`, or why nothing answered. */
export function describeAnswer(answer: HttpAnswer): string {
  if ("error" in answer) return `no answer (${answer.error})`;
  const type = fieldOf(answer.body, "type");
  return type ? `${answer.status} ${type}` : String(answer.status);
}

/** `3x 200, 1x 429`: how many answers of each kind, in the order first seen. */
function tally(answers: string[]): string {
  return [...new Set(answers)]
    .map((a) => `${answers.filter((x) => x === a).length}x ${a}`)
    .join(", ");
}

/** The token check of an oauth consumer: what was sent for a token and what came back. */
type TokenCheck = Pick<CheckResult, "verdict" | "sent" | "got" | "detail">;

/** How a consumer's requests are made, once its key and the caller are known. */
interface Credentialed {
  /** `SigV4 (arn) + x-api-key`, `x-api-key`: what the lines say was sent. */
  how: string;
  headers(url: string): Promise<Record<string, string>>;
  /** Set for a sigv4 consumer whose principals do not include the caller: 200 is not expected. */
  notPrincipal?: string;
  /** Set when the caller's ARN is unknown: a 403 may mean the caller is not a principal. */
  unknownCaller?: string;
  /** oauth: how its access token was got. */
  token?: TokenCheck;
}

/** Why the checks that need a consumer's credentials are skipped (oauth: and the token check). */
interface Uncredentialed {
  why: string;
  token?: TokenCheck;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An oauth consumer's access token: the client credentials grant at its token endpoint, the app
 * client's id and secret in HTTP Basic (Cognito's token endpoint, "Client credentials grant").
 * No `scope` parameter: the token then carries every scope of the app client, which are exactly
 * its models' (components/token-issuer.ts).
 */
async function accessToken(
  token: NonNullable<ConsumerOutput["token"]>,
  secret: string,
  world: SmokeWorld,
): Promise<{ token: string; check: TokenCheck } | { check: TokenCheck }> {
  const sent = `POST ${new URL(token.endpoint).pathname} grant_type=client_credentials (app client ${token.clientId} in HTTP Basic)`;
  const detail = "expects 200 and an access token";
  const answer = await world.http({
    url: token.endpoint,
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${token.clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  if (!("status" in answer))
    return { check: { verdict: "FAIL", sent, got: describeAnswer(answer), detail } };
  const issued = fieldOf(answer.body, "access_token");
  if (answer.status === 200 && issued)
    return {
      token: issued,
      check: { verdict: "PASS", sent, got: "200 with an access token", detail },
    };
  // Cognito names what it refused in `error` (invalid_client, unauthorized_client, invalid_scope).
  const refused = fieldOf(answer.body, "error");
  return {
    check: {
      verdict: "FAIL",
      sent,
      got: refused ? `${answer.status} ${refused}` : describeAnswer(answer),
      detail,
    },
  };
}

async function sigv4Headers(
  url: string,
  key: string,
  credentials: AwsCredentials,
  region: string,
): Promise<Record<string, string>> {
  const target = new URL(url);
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(target.searchParams.keys())) {
    const values = target.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: "GET",
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: target.pathname,
    query,
    headers: { host: target.host, "x-api-key": key },
  });
  return signed.headers;
}

/** The consumer's credentials, or why the checks that need them are skipped. */
async function credentialsOf(
  name: string,
  consumer: ConsumerOutput & { url: string },
  world: SmokeWorld,
): Promise<Credentialed | Uncredentialed> {
  if (consumer.auth !== "sigv4" && consumer.auth !== "apiKey" && consumer.auth !== "oauth")
    return { why: `auth ${consumer.auth} is none of sigv4, oauth and apiKey` };
  if (!consumer.apiKeySecretArn) return { why: "the output names no API key secret" };
  if (consumer.auth === "oauth" && !consumer.token)
    return { why: "the output names no token endpoint, app client or client secret" };
  if (consumer.auth === "sigv4" && !("credentials" in world.caller))
    return { why: `no AWS credentials to sign with (${world.caller.why})` };
  const unreadable = (what: string, arn: string, error: unknown) => ({
    why: `could not read its ${what} from ${arn} (${errorMessage(error)}): the secret admits its principals and the deployer, with kms:Decrypt on the front door's key`,
  });
  let key: string;
  try {
    key = await world.readSecret(consumer.apiKeySecretArn);
  } catch (error) {
    return unreadable("API key", consumer.apiKeySecretArn, error);
  }
  if (consumer.auth === "apiKey")
    return { how: "x-api-key", headers: () => Promise.resolve({ "x-api-key": key }) };
  if (consumer.auth === "oauth") {
    const token = consumer.token!;
    let secret: string;
    try {
      secret = await world.readSecret(token.clientSecretArn);
    } catch (error) {
      return unreadable("client secret", token.clientSecretArn, error);
    }
    const issued = await accessToken(token, secret, world);
    if (!("token" in issued))
      return { why: "no access token: the token check failed", token: issued.check };
    // The token alone in Authorization, as AWS's guide for Cognito authorizers shows it.
    return {
      how: "access token + x-api-key",
      headers: () => Promise.resolve({ authorization: issued.token, "x-api-key": key }),
      token: issued.check,
    };
  }
  const caller = world.caller as { credentials: AwsCredentials; arn?: string };
  const region = regionOf(consumer.url) ?? world.region;
  if (!region) return { why: `no region to sign for: ${consumer.url} names none` };
  const principals = world.declared?.[name]?.principals;
  return {
    how: "SigV4 + x-api-key",
    headers: (url) => sigv4Headers(url, key, caller.credentials, region),
    ...(caller.arn && principals && !isPrincipal(caller.arn, principals)
      ? {
          notPrincipal: `the caller ${caller.arn} is not one of ${name}'s principals in the catalogue (${principals.join(", ")}), and the stage denies every other principal`,
        }
      : {}),
    ...(!caller.arn || !principals
      ? {
          unknownCaller: !caller.arn
            ? "the caller's ARN is unknown"
            : `${name}'s principals are unknown (the catalogue could not be read)`,
        }
      : {}),
  };
}

/**
 * Runs the checks, handing each line to `line` as it comes (the consumer's heading, then one
 * line per check), and returns the results.
 */
export async function runSmoke(
  world: SmokeWorld,
  options: SmokeOptions,
  line: (text: string) => void = () => undefined,
): Promise<CheckResult[]> {
  const parsed = parseConsumers(world.consumers);
  if ("problem" in parsed) throw new Error(parsed.problem);
  const { consumers } = parsed;
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    line(formatResult(result));
  };
  const sent = (url: string, how: string) => {
    const target = new URL(url);
    return `GET ${target.pathname}${target.search} (${how})`;
  };
  const names = Object.keys(consumers).sort();
  for (const name of names) {
    const consumer = consumers[name]!;
    line(
      `${name} (${consumer.auth}): ${consumer.url ?? "no URL"}; may call ${consumer.models.join(", ") || "no model"}`,
    );
    const skip = (check: CheckName, detail: string, model?: string) =>
      record({ verdict: "SKIP", consumer: name, check, ...(model ? { model } : {}), detail });
    if (!consumer.url) {
      const why = `no URL: ${consumer.note ?? "the output has none"}`;
      for (const check of ["no-credentials", "granted", "not-granted", "burst"] as const)
        skip(check, why);
      continue;
    }
    const withUrl = { ...consumer, url: consumer.url };
    const credentialed = await credentialsOf(name, withUrl, world);
    if (consumer.auth === "oauth") {
      if (credentialed.token) record({ consumer: name, check: "token", ...credentialed.token });
      else if ("why" in credentialed) skip("token", credentialed.why);
    }
    if (consumer.models.length === 0) {
      skip("no-credentials", `${name} may call no model`);
      skip("granted", `${name} may call no model`);
    }

    for (const model of consumer.models) {
      const url = modelUrl(consumer.url, model, options.path);
      const base = { consumer: name, model };

      // (a) Nothing at all: a missing credential is 401 (MISSING_AUTHENTICATION_TOKEN for sigv4,
      // INVALID_API_KEY for apiKey), never the model.
      const bare = await world.http({ url, headers: {} });
      const bareGot = describeAnswer(bare);
      record({
        ...base,
        check: "no-credentials",
        verdict: "status" in bare && bare.status === 401 ? "PASS" : "FAIL",
        sent: sent(url, "no credentials"),
        got: bareGot,
        detail: "expects 401",
      });

      // (b) The consumer's own credentials: the model answers, on the path its rule gives it.
      if ("why" in credentialed) {
        skip("granted", credentialed.why, model);
        continue;
      }
      const answer = await world.http({ url, headers: await credentialed.headers(url) });
      const got = describeAnswer(answer);
      const status = "status" in answer ? answer.status : undefined;
      const what = { ...base, check: "granted" as const, sent: sent(url, credentialed.how), got };
      if (credentialed.notPrincipal) {
        record({
          ...what,
          verdict: status === 200 ? "FAIL" : "SKIP",
          detail:
            status === 200
              ? `a 200 for a caller that is not one of its principals: ${credentialed.notPrincipal}`
              : `a 200 is not expected: ${credentialed.notPrincipal}; run as one of them to check it`,
        });
        continue;
      }
      if (status !== 200 || !("body" in answer)) {
        const hint =
          status === 403 && credentialed.unknownCaller
            ? ` (${credentialed.unknownCaller}: a 403 also answers a caller that is not one of its principals)`
            : "";
        record({ ...what, verdict: "FAIL", detail: `expects 200${hint}` });
        continue;
      }
      const expected = expectedPath(model, options.path, world.routing);
      const received = fieldOf(answer.body, "path");
      if (received === undefined) {
        record({
          ...what,
          verdict: "PASS",
          detail: `expects 200; the answer has no path field, so the path the model received (${expected} expected) is not checked: --path to an echo route checks it`,
        });
        continue;
      }
      const receivedPath = received.split("?")[0] ?? received;
      record({
        ...what,
        got: `${got}, the model received ${received}`,
        received,
        verdict: receivedPath === expected ? "PASS" : "FAIL",
        detail: `expects 200 and ${expected} (${world.routing} routing)`,
      });
    }

    // (c) A model the catalogue serves to another consumer: the resource policy denies it (403).
    const others = [
      ...new Set(
        Object.entries(consumers)
          .filter(([other]) => other !== name)
          .flatMap(([, c]) => c.models),
      ),
    ]
      .filter((model) => !consumer.models.includes(model))
      .sort();
    const other = others[0];
    if (other === undefined)
      skip(
        "not-granted",
        `no model it may not call: every model of the consumers output is ${name}'s, so nothing proves a 403`,
      );
    else if ("why" in credentialed) skip("not-granted", credentialed.why, other);
    else if (credentialed.notPrincipal)
      skip(
        "not-granted",
        `a 403 would prove nothing of the grant: ${credentialed.notPrincipal}`,
        other,
      );
    else {
      const url = modelUrl(consumer.url, other, options.path);
      const answer = await world.http({ url, headers: await credentialed.headers(url) });
      const status = "status" in answer ? answer.status : undefined;
      // A token without the route's scope is refused by the authorizer before the resource
      // policy, with 401 or 403: AWS's guide leaves it open (docs/front-door.md, "Token
      // authentication: to confirm in a real account"); the line says which came back.
      const oauth = consumer.auth === "oauth";
      record({
        consumer: name,
        model: other,
        check: "not-granted",
        verdict: status === 403 || (oauth && status === 401) ? "PASS" : "FAIL",
        sent: sent(url, credentialed.how),
        got: describeAnswer(answer),
        detail: oauth
          ? `expects 401 or 403: ${other} is not granted to ${name}, its token lacks the scope models/${other}`
          : `expects 403: ${other} is not granted to ${name}`,
      });
    }

    // (d) Over the rate limit: the usage plan's throttle (429), best effort by AWS's account.
    const declared = world.declared?.[name];
    const enough = declared ? declared.burst + declared.requestsPerSecond : undefined;
    const advice = enough
      ? `${enough} for ${name} in the catalogue (burst ${declared!.burst} + requestsPerSecond ${declared!.requestsPerSecond})`
      : "its burst + requestsPerSecond in the catalogue";
    const target = consumer.models[0];
    if (options.burst === undefined)
      skip("burst", `not asked for: --burst <n> sends n requests at once, n = ${advice}`);
    else if (target === undefined) skip("burst", `${name} may call no model`);
    else if ("why" in credentialed) skip("burst", credentialed.why, target);
    else if (credentialed.notPrincipal)
      skip("burst", `its requests would be denied before any limit: ${credentialed.notPrincipal}`);
    else {
      const url = modelUrl(consumer.url, target, options.path);
      const answers = await Promise.all(
        Array.from({ length: options.burst }, async () =>
          world.http({ url, headers: await credentialed.headers(url) }),
        ),
      );
      const throttled = answers.some((a) => "status" in a && a.status === 429);
      const short =
        !throttled && enough !== undefined && options.burst < enough
          ? `; ${options.burst} is fewer than ${advice}`
          : "";
      record({
        consumer: name,
        model: target,
        check: "burst",
        verdict: throttled ? "PASS" : "FAIL",
        sent: `${options.burst}x ${sent(url, credentialed.how)} at once`,
        got: tally(answers.map(describeAnswer)),
        detail: `expects at least one 429${short}`,
      });
    }
  }
  return results;
}

/** `PASS checkout granted: GET /checkout/models/m/healthz (x-api-key) -> 200; expects 200`. */
export function formatResult(result: CheckResult): string {
  const exchange = result.sent ? `${result.sent} -> ${result.got ?? ""}; ` : "";
  const model = result.sent || !result.model ? "" : ` (${result.model})`;
  return `  ${result.verdict} ${result.consumer} ${result.check}${model}: ${exchange}${result.detail}`;
}

/** The summary line, and the exit code: 1 when a check failed or none ran. */
export function summarise(results: CheckResult[]): { text: string; code: number } {
  const count = (verdict: Verdict) => results.filter((r) => r.verdict === verdict).length;
  const [passed, failed, skipped] = [count("PASS"), count("FAIL"), count("SKIP")];
  const text = `${passed} passed, ${failed} failed, ${skipped} skipped`;
  if (failed > 0) return { text: `smoke test FAILED: ${text}`, code: 1 };
  if (passed === 0) return { text: `smoke test checked nothing: ${text}`, code: 1 };
  return { text: `smoke test passed: ${text}`, code: 0 };
}
