/**
 * The front door's documents as pure functions of the catalogue: the REST API's resource policy
 * (who may call which model), the gateway responses (401/403/429), the access log format, the
 * usage plans' limits and the key policy. components/front-door.ts creates the resources.
 *
 * Sources: API Gateway developer guide — "How API Gateway resource policies affect authorization
 * workflow" (tables A and B), "Resource policy examples", "Gateway response types", "$context
 * variables for access logging", "Usage plans".
 *
 * Resources are full ARNs, built from the API's execution ARN (its partition, region, account
 * and id): API Gateway stores the `execute-api:/stage/METHOD/path` shorthand expanded, so a
 * policy written in it reads back different and shows a change on every preview
 * (hashicorp/terraform-provider-aws#15602).
 */
import type { ResolvedConsumer } from "../../catalogue";
import { accountRootArn, partitionOf } from "../../catalogue/names";
import { CONSUMER_AUTHS } from "../../catalogue/schema";

export type CallerAuth = ResolvedConsumer["auth"];

/** A model as the front door routes it: who may call it. */
export interface FrontDoorModel {
  name: string;
  /** Consumer names, sorted. */
  access: string[];
}

interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: string[] };
  Action: string;
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

const ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * The HTTP methods the front door passes to models: GET (health, metadata) and POST
 * (inference). Named, never `*`: in an ARN pattern `*` also matches `/`, so a grant written
 * `/<c>/<any method>/models/b/*` with `*` for the method would match
 * `/<c>/POST/models/a/models/b/x`, a call routed to model a.
 */
/**
 * The TLS of the front door, its APIs and its custom domain alike: TLS 1.3, and TLS 1.2 with
 * forward-secret AES-GCM suites only, with post-quantum hybrid key exchange: the enhanced policy
 * that drops CBC and static-RSA suites yet still admits every TLS 1.2 client of the last decade
 * (API Gateway guide, "Supported security policies": Regional APIs and custom domains). TLS 1.3
 * only (SecurityPolicy_TLS13_1_3_2025_09) would cut older clients; the legacy TLS_1_2 keeps CBC
 * suites, and TLS_1_0 (a Regional API's default) TLS 1.0. An enhanced policy needs an endpoint
 * access mode ("Security policies for REST APIs", "Endpoint access mode").
 */
export const FRONT_DOOR_TLS_POLICY = "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09";

export const FRONT_DOOR_METHODS = ["GET", "POST"] as const;

/** The method ARNs of one consumer's grant of one model: everything under it. */
export function grantResources(apiArn: string, consumer: string, model: string): string[] {
  return FRONT_DOOR_METHODS.map((method) => `${apiArn}/${consumer}/${method}/models/${model}/*`);
}

/** The models each consumer may call, by consumer. */
export function grantsByConsumer(
  consumers: ResolvedConsumer[],
  models: FrontDoorModel[],
): Map<string, string[]> {
  return new Map(
    consumers.map((consumer) => [
      consumer.name,
      models.filter((model) => model.access.includes(consumer.name)).map((model) => model.name),
    ]),
  );
}

/**
 * The resource policy of the API that serves `consumers` (all of one kind), each on its own
 * stage named after it.
 *
 * - Allow: a consumer's principals (sigv4) or anyone holding the stage's key (apiKey, oauth: the
 *   usage plan binds the key to that stage alone; oauth callers also need a token the
 *   authorizer accepts, which the policy cannot see) on the consumer's granted models. A model
 *   taken from a consumer leaves its stage's grant here, so the next deployment refuses it at
 *   once, whatever scopes the consumer's unexpired tokens still carry.
 * - Deny, sigv4: anyone but the consumer's principals on its stage. A same-account role whose
 *   own IAM policy allows `execute-api:Invoke` on `*` would otherwise get through a policy that
 *   merely allows others (table A: an IAM allow and a silent resource policy allow the call).
 * - Deny: every method not granted to the stage's consumer (NotResource: the grants), for the
 *   same reason; with no grant at all, every method.
 */
export function resourcePolicy(
  auth: CallerAuth,
  consumers: ResolvedConsumer[],
  models: FrontDoorModel[],
  /** The API's execution ARN: `arn:<partition>:execute-api:<region>:<account>:<api id>`. */
  apiArn: string,
): object {
  const grants = grantsByConsumer(consumers, models);
  const statements: Statement[] = [];
  const granted: string[] = [];
  for (const consumer of consumers) {
    const resources = (grants.get(consumer.name) ?? []).flatMap((model) =>
      grantResources(apiArn, consumer.name, model),
    );
    granted.push(...resources);
    if (resources.length > 0)
      statements.push({
        Sid: `Allow-${consumer.name}`,
        Effect: "Allow",
        Principal: auth === "sigv4" ? { AWS: consumer.principals } : "*",
        Action: "execute-api:Invoke",
        Resource: resources,
      });
    if (auth === "sigv4") {
      const roles = consumer.principals.filter((p) => !ACCOUNT_ID.test(p));
      const accounts = consumer.principals.filter((p) => ACCOUNT_ID.test(p));
      statements.push({
        Sid: `Deny-others-on-${consumer.name}`,
        Effect: "Deny",
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: [`${apiArn}/${consumer.name}/*`],
        // Both conditions must hold to deny: neither one of its roles nor of its accounts.
        Condition: {
          ...(roles.length > 0 ? { ArnNotLike: { "aws:PrincipalArn": roles } } : {}),
          ...(accounts.length > 0 ? { StringNotEquals: { "aws:PrincipalAccount": accounts } } : {}),
        },
      });
    }
  }
  statements.push(
    granted.length > 0
      ? {
          Sid: "Deny-not-granted",
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          NotResource: granted,
        }
      : {
          Sid: "Deny-not-granted",
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: [`${apiArn}/*`],
        },
  );
  return { Version: "2012-10-17", Statement: statements };
}

/** API Gateway's limit on a resource policy's length ("Length of a resource policy", adjustable). */
export const MAX_RESOURCE_POLICY_LENGTH = 8192;

/** The longest execution ARN an API can have (GovCloud's partition and region): the size check counts with it. */
const LONGEST_API_ARN = "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abcdefghij";

/**
 * What the front door of these consumers and models cannot be: a resource policy over API
 * Gateway's length quota (every grant takes two method ARNs in the allow and two in the deny).
 */
export function frontDoorProblems(
  consumers: ResolvedConsumer[],
  models: FrontDoorModel[],
): string[] {
  return CONSUMER_AUTHS.flatMap((auth) => {
    const of = consumers.filter((consumer) => consumer.auth === auth);
    if (of.length === 0) return [];
    const length = JSON.stringify(resourcePolicy(auth, of, models, LONGEST_API_ARN)).length;
    return length > MAX_RESOURCE_POLICY_LENGTH
      ? [
          `consumers: the ${auth} API's resource policy would be ${length} characters, over API Gateway's ${MAX_RESOURCE_POLICY_LENGTH} (quota "Length of a resource policy", adjustable): grant fewer models per ${auth} consumer, or raise the quota and MAX_RESOURCE_POLICY_LENGTH in components/specs/front-door.ts`,
        ]
      : [];
  });
}

/**
 * How each API's methods authenticate a caller (API Gateway's `authorization`), and for oauth
 * the scope the token must carry: the model's own, so a consumer's token opens only the models
 * its app client was given (components/specs/tokens.ts). Never NONE without a key required
 * (rule front-door/authenticated).
 */
export function methodAuthorization(
  auth: CallerAuth,
  model: string,
): { authorization: string; authorizationScopes?: string[] } {
  switch (auth) {
    case "sigv4":
      return { authorization: "AWS_IAM" };
    case "oauth":
      // With scopes the authorizer takes access tokens only, never ID tokens (CloudFormation,
      // AWS::ApiGateway::Method AuthorizationScopes).
      return { authorization: "COGNITO_USER_POOLS", authorizationScopes: [modelScope(model)] };
    case "apiKey":
      return { authorization: "NONE" };
  }
}

/**
 * The token issuer's resource server, the first half of every scope (`models/<model>`). Fixed: it
 * forces the resource server's replacement (terraform-provider-aws
 * internal/service/cognitoidp/resource_server.go, `identifier` and `name` ForceNew).
 */
export const TOKEN_RESOURCE_SERVER = { identifier: "models", name: "maas models" } as const;

/** The scope a token must carry to call `model`: its methods' authorizationScopes. */
export function modelScope(model: string): string {
  return `${TOKEN_RESOURCE_SERVER.identifier}/${model}`;
}

/**
 * Gateway responses: API Gateway answers 403 for a missing or invalid credential by default;
 * the front door says 401 for those, keeps 403 for a caller that is known but not granted, and
 * 429 for a caller over its rate or quota (the defaults of THROTTLED and QUOTA_EXCEEDED).
 */
export const GATEWAY_RESPONSES: { type: string; status: string; meaning: string }[] = [
  {
    type: "MISSING_AUTHENTICATION_TOKEN",
    status: "401",
    meaning: "no credentials (or no such route)",
  },
  { type: "INVALID_SIGNATURE", status: "401", meaning: "a SigV4 signature that does not verify" },
  { type: "EXPIRED_TOKEN", status: "401", meaning: "expired AWS credentials" },
  {
    type: "INVALID_API_KEY",
    status: "401",
    meaning: "no API key, or one not issued for this stage",
  },
  {
    type: "ACCESS_DENIED",
    status: "403",
    meaning: "a known caller the catalogue does not grant the model",
  },
  { type: "THROTTLED", status: "429", meaning: "over the consumer's rate limit or burst" },
  {
    type: "QUOTA_EXCEEDED",
    status: "429",
    meaning: "the consumer's quota for the period is spent",
  },
];

/**
 * The oauth API's own: the Cognito authorizer refused the token (none, not the pool's, expired;
 * and, AWS's guide leaves it open, perhaps one without the model's scope: docs/front-door.md,
 * "Token authentication: to confirm in a real account"), which API Gateway answers 401 by
 * default ("Gateway response types", UNAUTHORIZED). Listed so its body is the front door's like
 * every other, with its Bearer challenge.
 */
const TOKEN_RESPONSES: typeof GATEWAY_RESPONSES = [
  {
    type: "UNAUTHORIZED",
    status: "401",
    meaning:
      "no access token, or one the user pool did not issue, expired or without the model's scope",
  },
];

/** The gateway responses of the API of `auth`. */
export function gatewayResponses(auth: CallerAuth): typeof GATEWAY_RESPONSES {
  return auth === "oauth" ? [...GATEWAY_RESPONSES, ...TOKEN_RESPONSES] : GATEWAY_RESPONSES;
}

/**
 * The `WWW-Authenticate` challenge of the API's 401s, which says what credential it wants (RFC
 * 9110 §11.6.1; RFC 6750 §3 for bearer tokens). The API-key API has no scheme to name.
 */
export function authenticationChallenge(auth: CallerAuth): string | undefined {
  switch (auth) {
    case "sigv4":
      return "AWS4-HMAC-SHA256";
    case "oauth":
      return "Bearer";
    case "apiKey":
      return undefined;
  }
}

/**
 * What a deployment of one API snapshots, which its triggers hash (front-door-api.ts): the
 * routes, what each integration calls and how (timeout, streaming), the resource policy, the
 * gateway responses, whether the execute-api endpoint is on, and how the methods authenticate. For oauth that is the authorizer (its id, user pools and header) and
 * each method's scope, which a stage serves from its deployment only; sigv4's and apiKey's
 * methods authenticate as their kind fixes, and their configuration keeps the shape it had, so
 * their deployments stay as they are.
 */
export function deploymentConfiguration(args: {
  auth: CallerAuth;
  routes: string[];
  backends: unknown;
  /** How each model with a declared `api:` is answered (timeout, streaming); none: absent. */
  transfers: readonly (readonly [string, unknown])[];
  policy: string;
  authorizer?: { id: string; pools: string[]; source: string } | undefined;
  disableExecuteApiEndpoint: boolean;
  /** The API's TLS security policy and endpoint access mode. */
  tls: { policy: string; accessMode: string };
}): object {
  return {
    routes: args.routes,
    backends: args.backends,
    ...(args.transfers.length > 0 ? { transfers: args.transfers } : {}),
    policy: args.policy,
    responses: gatewayResponses(args.auth),
    body: GATEWAY_RESPONSE_BODY,
    // Takes effect only with a stage update, such as a new deployment (API Gateway guide,
    // "Disable the default endpoint for REST APIs"); absent while off, so existing deployments
    // keep their hash.
    ...(args.disableExecuteApiEndpoint ? { executeApiEndpoint: "disabled" } : {}),
    // A changed security policy or access mode takes effect with a redeployment (API Gateway
    // guide, "How to change a security policy": "Redeploy your API for the changes to take
    // effect").
    tls: args.tls,
    ...(args.auth === "oauth"
      ? {
          authentication: {
            authorizer: args.authorizer,
            methods: args.routes.map((model) => methodAuthorization(args.auth, model)),
            challenge: authenticationChallenge(args.auth),
          },
        }
      : {}),
  };
}

/** The JSON body of every gateway response: the status's reason, never request data. */
export const GATEWAY_RESPONSE_BODY =
  '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}';

/**
 * One JSON line per request. Caller identity (the consumer is the stage; the principal that
 * signed; the key's id, never the key; the token's app client), model route, status, error
 * type, latencies and the trace id that joins it to the load balancer's access log (the version
 * served). The status is unquoted so metric filters compare it as a number.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  time: "$context.requestTimeEpoch",
  consumer: "$context.stage",
  caller: "$context.identity.caller",
  userArn: "$context.identity.userArn",
  accountId: "$context.identity.accountId",
  apiKeyId: "$context.identity.apiKeyId",
  // The app client whose token the oauth API accepted (the Cognito authorizer's claims): which
  // consumer's token came with the stage's key.
  clientId: "$context.authorizer.claims.client_id",
  sourceIp: "$context.identity.sourceIp",
  // Which host the caller used, the custom domain (maas:apiDomain) or the execute-api one: who
  // still calls an old URL before maas:disableExecuteApiEndpoint turns it off; and the TLS
  // version it negotiated (API Gateway guide, "Security policies for REST APIs").
  domainName: "$context.domainName",
  tlsVersion: "$context.tlsVersion",
  method: "$context.httpMethod",
  route: "$context.resourcePath",
  path: "$context.path",
  status: "$STATUS",
  error: "$context.error.responseType",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationStatus: "$context.integration.status",
  waf: "$context.wafResponseCode",
  // The stage traces with X-Ray and sends the trace header on; the load balancer's access log
  // records it (trace_id) beside the target group, which names the version that answered.
  traceId: "$context.xrayTraceId",
}).replace('"$STATUS"', "$context.status");

/** A usage plan's limits from the catalogue (`quota.per` day/week/month → DAY/WEEK/MONTH). */
export function usagePlanLimits(consumer: ResolvedConsumer): {
  throttleSettings: { rateLimit: number; burstLimit: number };
  quotaSettings?: { limit: number; period: string };
} {
  return {
    throttleSettings: {
      rateLimit: consumer.rateLimit.requestsPerSecond,
      burstLimit: consumer.rateLimit.burst,
    },
    ...(consumer.quota
      ? {
          quotaSettings: {
            limit: consumer.quota.requests,
            period: consumer.quota.per.toUpperCase(),
          },
        }
      : {}),
  };
}

/**
 * The WAF's per-address rate rule: a flood guard in front of authentication, not the consumers'
 * limits (WAF counts approximately, per 5-minute window, from 10 up). Twice what every consumer
 * together may send in the window, so no legitimate caller behind one address is cut off.
 */
export function perAddressLimit(consumers: ResolvedConsumer[]): number {
  const window = 300;
  const total = consumers.reduce((sum, c) => sum + c.rateLimit.requestsPerSecond, 0);
  return Math.min(2_000_000_000, Math.max(100, 2 * total * window));
}

/**
 * The front door key's policy: the account administers it; CloudWatch Logs encrypts the access
 * and WAF logs of this account; each consumer's principals decrypt through Secrets Manager
 * only (a cross-account reader needs a customer managed key: Secrets Manager guide,
 * "Access AWS Secrets Manager secrets from a different account").
 */
export function frontDoorKeyPolicy(args: {
  accountId: string;
  region: string;
  readers: string[];
}): object {
  const readers = args.readers.map((p) =>
    ACCOUNT_ID.test(p) ? accountRootArn(args.region, p) : p,
  );
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Administer",
        Effect: "Allow",
        Principal: { AWS: accountRootArn(args.region, args.accountId) },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "Logs",
        Effect: "Allow",
        Principal: { Service: `logs.${args.region}.amazonaws.com` },
        Action: [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ],
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partitionOf(args.region)}:logs:${args.region}:${args.accountId}:log-group:*`,
          },
        },
      },
      ...(readers.length > 0
        ? [
            {
              Sid: "ConsumersReadTheirKeys",
              Effect: "Allow",
              Principal: { AWS: readers },
              Action: "kms:Decrypt",
              Resource: "*",
              Condition: {
                StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` },
              },
            },
          ]
        : []),
    ],
  };
}

/**
 * The principal that runs `pulumi up`, as `aws:PrincipalArn` sees it: the provider reads the
 * secret's value back on every refresh and update (GetSecretValue), so the deny below must not
 * lock the stack out of its own secret. An assumed role's session ARN names the role without
 * its path, hence both forms.
 */
export function deployerPrincipalArns(callerArn: string): string[] {
  const assumed = /^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (!assumed) return [callerArn];
  const [, partition, account, role] = assumed;
  return [
    `arn:${partition}:iam::${account}:role/${role}`,
    `arn:${partition}:iam::${account}:role/*/${role}`,
  ];
}

/**
 * A consumer's key secret: its principals read it, nobody else but the deployer (an explicit
 * deny for the rest, so a same-account role with broad Secrets Manager rights cannot).
 */
export function consumerSecretPolicy(consumer: ResolvedConsumer, deployer: string[]): object {
  const roles = [...consumer.principals.filter((p) => !ACCOUNT_ID.test(p)), ...deployer];
  const accounts = consumer.principals.filter((p) => ACCOUNT_ID.test(p));
  // The deployer's ARN (getCallerIdentity's) is in the stack's partition.
  const partition = /^arn:([^:]+):/.exec(deployer[0] ?? "")?.[1] ?? "aws";
  const principals = consumer.principals.map((p) =>
    ACCOUNT_ID.test(p) ? `arn:${partition}:iam::${p}:root` : p,
  );
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConsumerReads",
        Effect: "Allow",
        Principal: { AWS: principals },
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: "*",
      },
      {
        Sid: "NobodyElseReads",
        Effect: "Deny",
        Principal: "*",
        Action: "secretsmanager:GetSecretValue",
        Resource: "*",
        Condition: {
          ...(roles.length > 0 ? { ArnNotLike: { "aws:PrincipalArn": roles } } : {}),
          ...(accounts.length > 0 ? { StringNotEquals: { "aws:PrincipalAccount": accounts } } : {}),
        },
      },
    ],
  };
}
