/**
 * Every name a stack, model or version becomes, derived in one place so validation and the
 * components agree. A name that would exceed its target's limit becomes a stable short name:
 * a readable prefix plus a hash of the full name (never random, so it survives re-runs).
 *
 * Physical names are unambiguous across the project's stacks: stack and model names contain
 * only lowercase letters, digits and `-`, and `_` separates the stack, the model, the version
 * and the kind wherever the target allows it, so `dev` + `eu-x` and `dev-eu` + `x` never meet.
 * Names that must stay alphanumeric (load balancer, target groups) carry a hash of what they
 * stand for instead.
 */
import { createHash } from "node:crypto";
import { DEFAULT_LOAD_BALANCER } from "./quotas";
import type { ConsumerAuth } from "./schema";

/**
 * The AWS partition of a region: the first part of every ARN the stack writes (`arn:aws:`,
 * `arn:aws-us-gov:`, `arn:aws-cn:`). Only the partitions whose service principals and endpoints
 * are `*.amazonaws.com` are deployed to (stack settings refuse the others).
 */
export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** The partitions maas deploys to: their service principals and endpoints are `*.amazonaws.com`. */
export const SUPPORTED_PARTITIONS = ["aws", "aws-us-gov"] as const;

/** The root principal of an account, in the stack's partition. */
export function accountRootArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:root`;
}

/** Limits from the targets' own rules. */
export const NAME_LIMITS = {
  kubernetesName: 63,
  labelValue: 63,
  targetGroup: 32,
  loadBalancer: 32,
  iamRole: 64,
  ecrRepository: 256,
  alarm: 255,
  dashboard: 255,
  snsTopic: 256,
  restApi: 1024,
  apiKey: 1024,
  usagePlan: 1024,
  /** Secrets Manager: 512, of which a name prefix leaves room for the 7-character suffix. */
  secretNamePrefix: 505,
  logGroup: 512,
  /** VPC links v2: 128. */
  vpcLink: 128,
  /** Cognito app clients (ClientName: 1-128, `[\w\s+=,.@-]+`). */
  appClient: 128,
  /** Cognito user pools (PoolName: 1-128, `[\w\s+=,.@-]+`). */
  userPool: 128,
} as const;

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A hash of a shortened name's whole identity in `length` base-36 characters (lowercase letters
 * and digits, about 5.17 bits each: 10 carry 51 bits, 12 carry 62), so names shortened from
 * thousands of models and versions, in every stack of an account, do not meet by chance.
 */
export function identityHash(identity: string, length: number): string {
  const digits = BigInt(`0x${createHash("sha256").update(identity).digest("hex")}`).toString(36);
  return digits.padStart(length, "0").slice(-length);
}

/** `name` when it fits `limit`, else its prefix and an 8-character hash of the whole name. */
export function fitName(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const prefix = name.slice(0, limit - 9).replace(/[^a-zA-Z0-9]+$/, "");
  return `${prefix}-${shortHash(name)}`;
}

/**
 * Stack names maas accepts: Pulumi's own rule (`[A-Za-z0-9_.-]`) narrowed to what every derived
 * AWS name can hold (ECR repositories are lowercase; `_` and `.` are separators here).
 */
export const STACK_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export function stackNameProblem(stack: string): string | undefined {
  return STACK_NAME.test(stack)
    ? undefined
    : `stack name ${JSON.stringify(stack)} must be 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit (it becomes part of AWS names: ECR repositories, IAM roles, alarms)`;
}

/** `1.4.0` -> `1-4-0`: dots are not allowed in DNS-1035 names. */
export function versionSlug(version: string): string {
  return version.replace(/\./g, "-");
}

/** Namespace and ServiceAccount of a model: its name, which the schema keeps DNS-1035. */
export function modelNamespace(model: string): string {
  return model;
}

/**
 * Deployment, Service, HPA, PDB name of a version, and the logical name of everything else a
 * version gets: `<model>-v<version>`. The `v` keeps the name DNS-1035 after the dash; validation
 * refuses two versions (of one model or of two) that come out the same.
 */
export function workloadName(model: string, version: string): string {
  return fitName(`${model}-v${versionSlug(version)}`, NAME_LIMITS.kubernetesName);
}

/**
 * Logical names (the last part of a URN) are joined from a component's name and catalogue names
 * with `-`, as they always were. Where a catalogue name could be read as another child's fixed
 * part (a model `models` beside the API's `/models` resource, a model `a-proxy` beside model
 * `a`'s proxy, a consumer `foo-key-2` beside consumer `foo`'s key `2`, a version `1-image` beside
 * version `1`'s image record), `_` joins it instead: no stack, model, version, consumer or key
 * label can hold one, so two distinct inputs never meet. Names that could not meet keep the name
 * they had; one that moves keeps its resource through an alias to its former name, where no other
 * resource now holds that name (formerName()).
 */
export interface LogicalName {
  name: string;
  /** What it was named before `_` joined it: an alias to it keeps the deployed resource. */
  formerly?: string;
}

/** The path segment every model's API Gateway resources hang under (`/models/<model>`). */
export const API_MODELS_SEGMENT = "models";
const API_PROXY_SUFFIX = "-proxy";

/** The front door API's `/models` resource. */
export function apiModelsResourceName(api: string): string {
  return `${api}-${API_MODELS_SEGMENT}`;
}

/** A model's `/models/<model>` resource in the API named `api`. */
export function apiModelResourceName(api: string, model: string): LogicalName {
  const plain = `${api}-${model}`;
  return model === API_MODELS_SEGMENT || model.endsWith(API_PROXY_SUFFIX)
    ? { name: `${api}_${model}`, formerly: plain }
    : { name: plain };
}

/** A model's `/models/<model>/{proxy+}` resource in the API named `api`. */
export function apiProxyResourceName(api: string, model: string): string {
  return `${api}-${model}${API_PROXY_SUFFIX}`;
}

/**
 * A consumer's API key (and its usage plan key) in its ConsumerAccess component named `access`:
 * the first label keeps the component's own name, another label `<access>-key-<label>`; a
 * consumer whose name holds `-key-` could be read as another's key, and joins its labels with `_`.
 */
export function consumerKeyName(
  access: string,
  consumer: string,
  label: string,
  first: boolean,
): LogicalName {
  const plain = first ? access : `${access}-key-${label}`;
  // `a-key` + key `x` and `a` + key `key-x` meet too: a name ending in `-key` is marked as well.
  return consumer.includes("-key-") || consumer.endsWith("-key")
    ? { name: `${access}_key-${label}`, formerly: plain }
    : { name: plain };
}

const IMAGE_RECORD_SUFFIX = "-image";

/** A version's registry item: its workload name (`_record` after one that ends as image records do). */
export function versionRecordName(workload: string): LogicalName {
  return workload.endsWith(IMAGE_RECORD_SUFFIX)
    ? { name: `${workload}_record`, formerly: workload }
    : { name: workload };
}

/** The registry item of the image a version runs (and the generation drawn for it). */
export function imageRecordName(workload: string): string {
  return `${workload}${IMAGE_RECORD_SUFFIX}`;
}

/**
 * The former name a renamed resource keeps through an alias, unless another resource holds that
 * name now (`held`: its siblings' names): the engine refuses an alias that is another resource's
 * URN, and that resource is the one the stack holds under it.
 */
export function formerName(logical: LogicalName, held: ReadonlySet<string>): string | undefined {
  return logical.formerly !== undefined && !held.has(logical.formerly)
    ? logical.formerly
    : undefined;
}

/** Namespaces a model may not take: Kubernetes' own. */
export function reservedNamespaceProblem(model: string): string | undefined {
  if (model === "default" || model.startsWith("kube-")) {
    return "is a Kubernetes system namespace name; choose another model name";
  }
  return undefined;
}

/**
 * `maas/<stack>/<model>`: one ECR repository per model and stack. ECR allows one separator
 * between letters and digits (CreateRepository's repositoryName pattern:
 * `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`), so runs of dashes, which
 * model and stack names may have, become one, and a hash of the name as written keeps it apart
 * from the name with a single dash.
 */
export function repositoryName(stack: string, model: string): string {
  const written = `maas/${stack}/${model}`;
  const name = /--/.test(written)
    ? `${written.replace(/-{2,}/g, "-")}-${shortHash(written)}`
    : written;
  return fitName(name, NAME_LIMITS.ecrRepository);
}

/**
 * The IAM role of a model's pods: `maas-<stack>_<model>`. One that does not fit IAM's 64
 * characters is its prefix, `.` and a 62-bit hash of the whole name: no stack or model name holds
 * a `.`, so a shortened name never equals another model's whole one (IAM compares role names
 * case-insensitively; both forms are lowercase).
 */
export function roleName(stack: string, model: string): string {
  const name = `maas-${stack}_${model}`;
  if (name.length <= NAME_LIMITS.iamRole) return name;
  const hash = identityHash(name, 12);
  return `${name.slice(0, NAME_LIMITS.iamRole - hash.length - 1)}.${hash}`;
}

/** The stack's alarm topic. */
export function alarmTopicName(stack: string): string {
  return `maas-${stack}_alarms`;
}

/** The registry key's alias. */
export function keyAliasName(stack: string): string {
  return `alias/maas-${stack}_registry`;
}

/**
 * The rollouts table (components/rollout-table.ts): a fixed name, because every `pulumi up`
 * reads it before the program registers anything (stack/rollout-records.ts) and a shard reads
 * its base's. Its keys never change, so it is never replaced (a fixed name would collide).
 */
export function rolloutTableName(stack: string): string {
  return `maas-${stack}_rollouts`;
}

/** Every alarm of a stack starts with this (the alarm topic admits exactly these). */
export function alarmNamePrefix(stack: string): string {
  return `maas-${stack}_`;
}

/** An alarm of a model version: `maas-<stack>_<model>_<version>_<kind>`. */
export function versionAlarmName(
  stack: string,
  model: string,
  version: string,
  kind: string,
): string {
  return fitName(`${alarmNamePrefix(stack)}${model}_${version}_${kind}`, NAME_LIMITS.alarm);
}

/** An alarm of the stack's load balancer: `maas-<stack>_<kind>` (one `_` fewer than a version's). */
export function stackAlarmName(stack: string, kind: string): string {
  return `${alarmNamePrefix(stack)}${kind}`;
}

/** A model's dashboard (dashboard names allow letters, digits, `-` and `_`). */
export function dashboardName(stack: string, model: string): string {
  return fitName(`maas-${stack}_${model}`, NAME_LIMITS.dashboard);
}

/** What a load balancer's identity hangs on: its name in the catalogue, and what AWS replaces it for. */
export interface LoadBalancerIdentity {
  /** `main`, or the name models give in `routing.loadBalancer`. */
  name: string;
  internal: boolean;
  vpcId: string;
}

/**
 * The load balancer's name: `maas-<stack>[-<name>]-<hash of name, scheme and VPC>` (`main` has
 * no name part). Its scheme cannot change in place; a replacement is created before the old one
 * is deleted and so needs a name of its own (a fixed name would fail with
 * DuplicateLoadBalancerName).
 */
export function loadBalancerName(stack: string, identity: LoadBalancerIdentity): string {
  const main = identity.name === DEFAULT_LOAD_BALANCER;
  const suffix = shortHash(
    `${identity.internal ? "internal" : "internet-facing"}/${identity.vpcId}${main ? "" : `/${identity.name}`}`,
    6,
  );
  const readable = main ? `maas-${stack}` : `maas-${stack}-${identity.name}`;
  return `${fitName(readable, NAME_LIMITS.loadBalancer - suffix.length - 1)}-${suffix}`;
}

/** An alarm of a load balancer: `maas-<stack>_<kind>` for main, `maas-<stack>_<name>_<kind>` else. */
export function loadBalancerAlarmName(stack: string, loadBalancer: string, kind: string): string {
  return loadBalancer === DEFAULT_LOAD_BALANCER
    ? stackAlarmName(stack, kind)
    : `${alarmNamePrefix(stack)}${loadBalancer}_${kind}`;
}

/** The longest `<model>-<version>` a target group name holds whole (with its 6-hex suffix). */
export const TARGET_GROUP_READABLE = NAME_LIMITS.targetGroup - 7;

/**
 * Target group names are at most 32 characters and unique per account and region. The name is
 * the model and version and a hash of the stack, the model, the version and everything that
 * forces AWS to replace a target group: its VPC, and the load balancer it belongs to (a target
 * group serves one load balancer only). A replacement gets a new name, so it can be created
 * before the old one is deleted.
 *
 * `<model>-<version>` of up to 25 characters is whole, with 6 hex characters (24 bits) after it.
 * A longer one is cut, so versions of one model (and models of every stack and shard) that share
 * their first characters differ by the hash alone: it has 10 base-36 characters (51 bits). Its
 * last part (10 characters after the last `-`) can never be a whole name's (6), so a shortened
 * name never equals another model's whole one.
 */
export function targetGroupName(
  stack: string,
  model: string,
  version: string,
  loadBalancer: LoadBalancerIdentity,
): string {
  const identity = `${stack}/${model}/${version}/${loadBalancerName(stack, loadBalancer)}/${loadBalancer.vpcId}`;
  const readable = `${model}-${versionSlug(version)}`;
  if (readable.length <= TARGET_GROUP_READABLE) return `${readable}-${shortHash(identity, 6)}`;
  const hash = identityHash(identity, 10);
  const cut = readable.slice(0, NAME_LIMITS.targetGroup - hash.length - 1).replace(/-+$/, "");
  return `${cut}-${hash}`;
}

/**
 * The TargetGroupBinding of a version's target group: the workload name and the target group's
 * hash. The controller refuses to change a binding's target group (spec.targetGroupARN is
 * immutable), so a new target group gets a new binding, created before the old one goes.
 */
export function targetGroupBindingName(workload: string, targetGroup: string): string {
  const suffix = targetGroup.slice(targetGroup.lastIndexOf("-") + 1);
  return `${fitName(workload, NAME_LIMITS.kubernetesName - suffix.length - 1)}-${suffix}`;
}

/** ALB listener rule priorities run from 1 to 50000; each model needs its own. */
export const MAX_LISTENER_PRIORITY = 50000;

/**
 * The listener rule priority a model gets unless it sets `routing.priority`: a hash of its name,
 * so adding or removing a model never moves another model's rule.
 */
export function derivedListenerPriority(model: string): number {
  return 1 + (Number.parseInt(shortHash(model), 16) % MAX_LISTENER_PRIORITY);
}

/** The front door's REST API of one kind of caller: `maas-<stack>_sigv4`, `_oauth` or `_apikey`. */
export function frontDoorApiName(stack: string, auth: ConsumerAuth): string {
  return fitName(`maas-${stack}_${auth.toLowerCase()}`, NAME_LIMITS.restApi);
}

/** The VPC link the front door reaches the load balancers through. */
export function vpcLinkName(stack: string): string {
  return fitName(`maas-${stack}`, NAME_LIMITS.vpcLink);
}

/** A consumer's API key and usage plan: `maas-<stack>_<consumer>`. */
export function consumerName(stack: string, consumer: string): string {
  return fitName(`maas-${stack}_${consumer}`, Math.min(NAME_LIMITS.apiKey, NAME_LIMITS.usagePlan));
}

/**
 * The prefix of a consumer's key secret, `maas/<stack>/consumers/<consumer>/api-key-`: Secrets
 * Manager appends a suffix, so a secret re-created within the deleted one's recovery window
 * gets a new name instead of colliding with it.
 */
export function consumerSecretPrefix(stack: string, consumer: string): string {
  return fitName(`maas/${stack}/consumers/${consumer}/api-key-`, NAME_LIMITS.secretNamePrefix);
}

/**
 * The prefix of a consumer's client secret (oauth consumers), beside its key's:
 * `maas/<stack>/consumers/<consumer>/client-secret-`.
 */
export function consumerClientSecretPrefix(stack: string, consumer: string): string {
  return fitName(
    `maas/${stack}/consumers/${consumer}/client-secret-`,
    NAME_LIMITS.secretNamePrefix,
  );
}

/**
 * The user pool that issues the oauth consumers' tokens: `maas-<stack>_consumers`. Derived from
 * the stack alone (a pool's name forces its replacement: terraform-provider-aws
 * internal/service/cognitoidp/user_pool.go, `name` ForceNew), so no catalogue edit replaces it.
 */
export function tokenUserPoolName(stack: string): string {
  return fitName(`maas-${stack}_consumers`, NAME_LIMITS.userPool);
}

/** A consumer's app client in that pool: `maas-<stack>_<consumer>`. */
export function tokenClientName(stack: string, consumer: string): string {
  return fitName(`maas-${stack}_${consumer}`, NAME_LIMITS.appClient);
}

/**
 * Words Cognito refuses in a prefix domain ("You can't use the text aws, amazon, or cognito in
 * the domain prefix": Cognito developer guide, "Using the Amazon Cognito domain").
 */
const COGNITO_RESERVED = /aws|amazon|cognito/;

/**
 * The prefix of the user pool's hosted domain, whose `/oauth2/token` is the consumers' token
 * endpoint: `maas-<stack>-<hash>`. A prefix is unique among every AWS account's pools in the
 * region (`<prefix>.auth.<region>.amazoncognito.com`), so the stack's name alone would meet
 * another organisation's `maas-dev`: the hash covers the account, the region and the stack (40
 * bits, and the readable part keeps two stacks of one account apart). It changes with none of
 * the catalogue: a new prefix replaces the domain. A stack whose name holds a reserved word
 * keeps the hash alone (`maas-<hash>`); hexadecimal digits and `maas` hold none.
 * Pattern `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$` (CreateUserPoolDomain): at most 48 here.
 */
export function tokenDomainPrefix(stack: string, accountId: string, region: string): string {
  const hash = shortHash(`${accountId}/${region}/${stack}`, 10);
  return COGNITO_RESERVED.test(stack) ? `maas-${hash}` : `maas-${stack}-${hash}`;
}

/** The prefix of the front door's access log group (CloudWatch Logs appends a suffix). */
export function frontDoorLogGroupName(stack: string): string {
  return fitName(`/aws/apigateway/maas-${stack}/access-`, NAME_LIMITS.logGroup - 26);
}

/** The prefix of the WAF log group: WAF requires the `aws-waf-logs-` prefix. */
export function wafLogGroupName(stack: string): string {
  return fitName(`aws-waf-logs-maas-${stack}-`, NAME_LIMITS.logGroup - 26);
}

/** The alarm of a consumer being throttled: `maas-<stack>_consumer_<consumer>_throttled`. */
export function consumerAlarmName(stack: string, consumer: string): string {
  return fitName(`${alarmNamePrefix(stack)}consumer_${consumer}_throttled`, NAME_LIMITS.alarm);
}

/** The namespace of the front door's own metrics (its consumers' 429s, from the access logs). */
export function frontDoorMetricNamespace(stack: string): string {
  return `maas/${stack}/front-door`;
}

/**
 * The tag on a load balancer's address-range ingress kept beside a front door
 * (maas:keepDirectAccess): the rule front-door/only-way-in lets these through, and the review
 * warns of them on every change while they stand. Tag values allow letters, digits, spaces and
 * `+ - = . _ : / @` only (EC2 user guide, "Tag restrictions").
 */
export const DIRECT_ACCESS_TAG = {
  key: "maas:direct-access",
  value: "kept beside the front door while callers move",
} as const;
