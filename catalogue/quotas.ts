/**
 * The AWS quotas a stack's load balancers live within, checked on the catalogue so that an
 * edit that would exceed one is refused before `pulumi up` fails half-way. From "Quotas for your
 * Application Load Balancers" (docs.aws.amazon.com/elasticloadbalancing/latest/application/
 * load-balancer-limits.html); the first three cannot be raised, the rule quota can (by request).
 */
export const ALB_QUOTAS = {
  /** "Target Groups per Action per Application Load Balancer": 5 (not adjustable). */
  targetGroupsPerAction: 5,
  /** "Target Groups per Application Load Balancer": 100 (not adjustable). */
  targetGroupsPerLoadBalancer: 100,
  /** "Rules per Application Load Balancer (excluding default rules)": 100 (adjustable). */
  rulesPerLoadBalancer: 100,
  /** "Application Load Balancers per Region": 50 (adjustable; other stacks count too). */
  loadBalancersPerRegion: 50,
} as const;

/**
 * Listener rules a served model takes on its load balancer: its traffic rule on the client
 * listener and its readiness rule on the readiness listener (components/model-routing.ts).
 */
export const RULES_PER_MODEL = 2;

/**
 * The pinned route of a version being rolled out (components/pinned-route.ts): one rule on the
 * load balancer's pinned listener while the model's rollout runs. Counted for every model with
 * a stepped rollout policy, as if all of them rolled at once, so no rollout can find the load
 * balancer full.
 */
export const PINNED_ROUTE_RULES_PER_MODEL = 1;

/**
 * The port of the load balancers' pinned listener (components/ingress.ts): the only port a
 * security group may open to address ranges behind a front door, and only to
 * maas:pinnedRouteCidrs (policy/aws-rules.ts, front-door/only-way-in).
 */
export const PINNED_LISTENER_PORT = 9443;

/** The load balancer a model is served through unless it names one (`routing.loadBalancer`). */
export const DEFAULT_LOAD_BALANCER = "main";

/** The stack shard a model belongs to unless it names one (`shard`). */
export const DEFAULT_SHARD = "main";

/**
 * API Gateway quotas the front door counts against (API Gateway developer guide, "Amazon API
 * Gateway quotas", REST API section).
 */
export const API_GATEWAY_QUOTAS = {
  /** "Stages per API": 10 (adjustable). Each consumer is a stage of the API of its kind. */
  stagesPerApi: 10,
  /** "Resources per API": 300 (adjustable). A model takes /models/<m> and /models/<m>/{proxy+}. */
  resourcesPerApi: 300,
} as const;

/** API resources a model takes on each front-door API: `/models/<m>` and `/models/<m>/{proxy+}`. */
export const API_RESOURCES_PER_MODEL = 2;

/**
 * How long API Gateway lets a REST API's integration take (API Gateway developer guide:
 * "Quotas for configuring and running a REST API in API Gateway", row "Integration timeout for
 * Regional APIs": 50 milliseconds to 29 seconds, raised above 29 s by request for Regional and
 * private APIs, which "might require a reduction in your account-level throttle quota"; "Stream
 * the integration response for your proxy integrations in API Gateway": a streamed response
 * lasts at most 15 minutes; aws.apigateway.Integration, timeoutMilliseconds: at most 300,000
 * buffered and 900,000 streamed).
 */
export const API_GATEWAY_TIMEOUTS = {
  /** The default integration timeout: the most a buffered one takes unless the quota is raised. */
  defaultSeconds: 29,
  /** The most a buffered integration may take once the quota is raised. */
  bufferedMaxSeconds: 300,
  /** The most a streamed response may take (no quota to raise). */
  streamedMaxSeconds: 900,
} as const;

/**
 * Cognito limits the front door's token issuer counts against (Cognito API reference:
 * ResourceServerType `Scopes`, "Maximum number of 100 items"; CreateUserPoolClient
 * `AllowedOAuthScopes`, "Maximum number of 50 items"; terraform-provider-aws
 * internal/service/cognitoidp/user_pool_client.go validates the same 50). Neither is a quota
 * AWS raises on request.
 */
export const COGNITO_QUOTAS = {
  /** Scopes of one resource server: one per model an oauth consumer may call. */
  scopesPerResourceServer: 100,
  /** Scopes one app client may be allowed: one per model its consumer may call. */
  scopesPerAppClient: 50,
} as const;
