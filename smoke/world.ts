/**
 * What the front door's smoke test (smoke/checks.ts) sees of the world: the stack's outputs, who
 * signs, how to read a consumer's key, and HTTP; and what it reports. The tests give it a fake API
 * Gateway on the loopback address; smoke/real-world.ts is the real one.
 */

/** How long one request may take. */
export const SMOKE_TIMEOUT_MS = 30_000;

/** How much of an answer's body is kept (the echo's `path`, a gateway response's `type`). */
export const MAX_BODY_BYTES = 64 * 1024;

/** One consumer of the `consumers` output, as far as the checks read it. */
export interface ConsumerOutput {
  auth: string;
  url?: string;
  apiKeySecretArn?: string;
  /** oauth: where and as whom it gets access tokens (stack/deploy.ts, DeployedConsumer). */
  token?: { endpoint: string; clientId: string; clientSecretArn: string };
  models: string[];
  note?: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A GET of `url` with `headers` (or a POST of `body`: an oauth consumer's token request). */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  method?: "GET" | "POST";
  body?: string;
}

export type HttpAnswer = { status: number; body: string } | { error: string };
export type Http = (request: HttpRequest) => Promise<HttpAnswer>;

/** What the checks need of the world. */
export interface SmokeWorld {
  /** The stack's `consumers` output as Pulumi returns it (undefined: the stack has none). */
  consumers: unknown;
  /**
   * Who signs SigV4 requests: credentials, and the caller's ARN when known (STS
   * GetCallerIdentity); or why there are none.
   */
  caller: { credentials: AwsCredentials; arn?: string } | { why: string };
  /**
   * What the working tree's catalogue says of each consumer, when it could be read: its
   * principals (is the caller one of them?) and its rate limit (what `--burst` should send).
   */
  declared?: Record<string, { principals: string[]; requestsPerSecond: number; burst: number }>;
  /** A consumer's API key or client secret: the SecretString of the secret `secretArn`. */
  readSecret(secretArn: string): Promise<string>;
  http: Http;
  /** The stack's maas:routing: which path the model receives. */
  routing: "path" | "host";
  /** The region to sign for when the URL names none (a custom domain name, a test server). */
  region?: string;
  /** What could not be learned, printed before the checks. */
  notes: string[];
}

export interface SmokeOptions {
  /** Under each model: GET <url>/models/<m>/<path>. */
  path: string;
  /** Send this many requests at once per consumer and expect a 429 (none: the check is skipped). */
  burst?: number;
}

export type Verdict = "PASS" | "FAIL" | "SKIP";
export type CheckName = "token" | "no-credentials" | "granted" | "not-granted" | "burst";

export interface CheckResult {
  verdict: Verdict;
  consumer: string;
  check: CheckName;
  /** The model called, when one was. */
  model?: string;
  /** What was sent (`GET /<stage>/models/<m>/healthz (x-api-key)`), when something was. */
  sent?: string;
  /** What came back (`403 ACCESS_DENIED`). */
  got?: string;
  /** What was expected, or why the check was skipped, or why it failed. */
  detail: string;
  /** The path the model said it received (an echo route's `path`). */
  received?: string;
}
