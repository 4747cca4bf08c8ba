/**
 * What a resource is known by at its provider, for the resource types this stack creates: two
 * resources that share one of these cannot exist at once (AWS: DuplicateLoadBalancerName,
 * DuplicateListener, PriorityInUse, EntityAlreadyExists…; Kubernetes: AlreadyExists; ECR:
 * ImageTagAlreadyExistsException for a tag). Auto-named resources have none: the provider picks
 * a fresh name for each.
 */
import type { RecordedResource } from "./record";

type Inputs = Record<string, unknown>;
type Namer = (inputs: Inputs) => (string | undefined)[];

const text = (value: unknown): string | undefined =>
  typeof value === "string" || typeof value === "number" ? String(value) : undefined;

/** `a b c`, or nothing when a part is missing (an auto-named resource). */
const joined = (...parts: unknown[]): string | undefined =>
  parts.every((part) => text(part) !== undefined) ? parts.map(text).join(" ") : undefined;

/** The key of a registry item: its table and the item's hash and range key values. */
function itemKey(inputs: Inputs): string | undefined {
  try {
    const item = JSON.parse(String(inputs.item)) as Record<string, { S?: string }>;
    return joined(
      "registry item",
      inputs.tableName,
      item[String(inputs.hashKey)]?.S,
      item[String(inputs.rangeKey)]?.S,
    );
  } catch {
    return undefined;
  }
}

/** A security group rule is known by its group, peer, protocol and ports. */
const securityGroupRule =
  (direction: "ingress" | "egress"): Namer =>
  (i) => [
    joined(
      `security group ${direction} rule`,
      i.securityGroupId,
      i.cidrIpv4 ?? i.referencedSecurityGroupId,
      i.ipProtocol,
      i.fromPort,
      i.toPort,
    ),
  ];

const NAMERS: Record<string, Namer> = {
  "aws:lb/loadBalancer:LoadBalancer": (i) => [joined("load balancer", i.name)],
  "aws:lb/targetGroup:TargetGroup": (i) => [joined("target group", i.name)],
  "aws:lb/listener:Listener": (i) => [joined("listener on port", i.port, "of", i.loadBalancerArn)],
  "aws:lb/listenerRule:ListenerRule": (i) => [
    joined("listener rule priority", i.priority, "of", i.listenerArn),
  ],
  "aws:ecr/repository:Repository": (i) => [joined("ECR repository", i.name)],
  // IAM names are unique case-insensitively.
  "aws:iam/role:Role": (i) => [joined("IAM role", text(i.name)?.toLowerCase())],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (i) => [joined("alarm", i.name)],
  "aws:cloudwatch/dashboard:Dashboard": (i) => [joined("dashboard", i.dashboardName)],
  "aws:sns/topic:Topic": (i) => [joined("SNS topic", i.name)],
  "aws:kms/alias:Alias": (i) => [joined("KMS alias", i.name)],
  "aws:dynamodb/tableItem:TableItem": (i) => [itemKey(i)],
  "aws:s3/bucketObjectv2:BucketObjectv2": (i) => [joined("S3 object", i.bucket, i.key)],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (i) => [
    joined("Pod Identity association", i.clusterName, i.namespace, i.serviceAccount),
  ],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule("ingress"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule("egress"),
  // The front door: API Gateway knows these by their place in the API, WAF by the resource.
  "aws:apigateway/resource:Resource": (i) => [
    joined("API resource", i.restApi, i.parentId, i.pathPart),
  ],
  "aws:apigateway/method:Method": (i) => [
    joined("API method", i.restApi, i.resourceId, i.httpMethod),
  ],
  "aws:apigateway/integration:Integration": (i) => [
    joined("API integration", i.restApi, i.resourceId, i.httpMethod),
  ],
  "aws:apigateway/stage:Stage": (i) => [joined("API stage", i.restApi, i.stageName)],
  "aws:apigateway/methodSettings:MethodSettings": (i) => [
    joined("API method settings", i.restApi, i.stageName, i.methodPath),
  ],
  "aws:apigateway/response:Response": (i) => [
    joined("API gateway response", i.restApiId, i.responseType),
  ],
  "aws:apigateway/restApiPolicy:RestApiPolicy": (i) => [joined("API policy", i.restApiId)],
  "aws:apigateway/usagePlanKey:UsagePlanKey": (i) => [
    joined("usage plan key", i.usagePlanId, i.keyId),
  ],
  // Unique in a region across every account (API Gateway guide, "Custom domain name for public
  // REST APIs"); a mapping by its base path on the domain; a DNS record by zone, name and type.
  "aws:apigateway/domainName:DomainName": (i) => [joined("API custom domain", i.domainName)],
  "aws:apigateway/basePathMapping:BasePathMapping": (i) => [
    joined("base path", i.basePath, "of API custom domain", i.domainName),
  ],
  "aws:route53/record:Record": (i) => [
    joined("DNS record", i.zoneId, text(i.name)?.toLowerCase(), i.type),
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": (i) => [
    joined("WAF association of", i.resourceArn),
  ],
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (i) => [
    joined("WAF logging of", i.resourceArn),
  ],
  // A prefix domain is unique among every account's pools in the region; a resource server
  // is known by its pool and identifier.
  "aws:cognito/userPoolDomain:UserPoolDomain": (i) => [joined("Cognito domain", i.domain)],
  "aws:cognito/resourceServer:ResourceServer": (i) => [
    joined("Cognito resource server", i.userPoolId, i.identifier),
  ],
  "docker-build:index:Image": (i) =>
    Array.isArray(i.tags) ? i.tags.map((tag) => joined("image tag", tag)) : [],
};

/** `apps/v1` -> `apps`, `core/v1` -> `core`: one object, whatever version it is served at. */
function kubernetesName(resource: RecordedResource): string | undefined {
  const [, groupVersion = "", kind = ""] = resource.type.split(":");
  const metadata = (resource.inputs.metadata ?? {}) as Inputs;
  if (text(metadata.name) === undefined) return undefined;
  return joined(
    "Kubernetes",
    `${groupVersion.split("/")[0]}/${kind}`,
    `${text(metadata.namespace) ?? ""}/${text(metadata.name)}`,
  );
}

export function physicalNames(resource: RecordedResource): string[] {
  if (!resource.custom) return [];
  const names = resource.type.startsWith("kubernetes:")
    ? [kubernetesName(resource)]
    : (NAMERS[resource.type]?.(resource.inputs) ?? []);
  return names.filter((name): name is string => name !== undefined);
}

/**
 * Names the program sets itself (from the catalogue and the stack's name), which are the same in
 * the offline plan as in AWS: two stacks that set one collide in the account. Every other AWS
 * physical name holds a provider-computed value (an ARN, an id, an auto-named table), which the
 * plan only stands in for, the same in every stack: those are compared within a layout only, where
 * a shard's stand-ins are its base's real resources.
 */
const PROGRAM_NAMED = new Set([
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:ecr/repository:Repository",
  "aws:iam/role:Role",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:cloudwatch/dashboard:Dashboard",
  "aws:sns/topic:Topic",
  "aws:kms/alias:Alias",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  // The front door's domain and token issuer: from stack config and the stack's name.
  "aws:apigateway/domainName:DomainName",
  "aws:apigateway/basePathMapping:BasePathMapping",
  "aws:route53/record:Record",
  "aws:cognito/userPoolDomain:UserPoolDomain",
]);

/** What a stack's names live in: its region, its cluster, its layout (a base and its shards). */
export interface StackScope {
  stack: string;
  region: string;
  /** Its deployment: a shard's base stack, else the stack itself. */
  layout: string;
  /** The cluster's kube context, or `kubeconfig of <layout>` where the kubeconfig is a secret. */
  cluster: string;
  resources: RecordedResource[];
}

/**
 * A plan's scope, read from its providers; `layout` is its deployment (a shard's base stack, else
 * the stack itself), whose registry and load balancers its placeholders stand for.
 */
export function stackScope(
  stack: string,
  layout: string,
  resources: RecordedResource[],
): StackScope {
  const of = (type: string) => resources.find((r) => r.type === type)?.inputs ?? {};
  const context = text(of("pulumi:providers:kubernetes").context);
  return {
    stack,
    region: text(of("pulumi:providers:aws").region) ?? "",
    layout,
    cluster: context ? `kube context ${context}` : `the kubeconfig of ${layout}`,
    resources,
  };
}

/** Where a resource's physical name must be unique across stacks. */
function scopeOf(resource: RecordedResource, stack: StackScope): string {
  if (resource.type.startsWith("kubernetes:")) return `on cluster ${stack.cluster}`;
  // IAM is global: its names are unique in the account, whatever the region.
  if (resource.type === "aws:iam/role:Role") return "in the account";
  // A hosted zone is global too: its records are the zone's, whatever the region.
  if (resource.type === "aws:route53/record:Record") return "in the account";
  if (PROGRAM_NAMED.has(resource.type)) return `in region ${stack.region}`;
  return `in layout ${stack.layout}, region ${stack.region}`;
}

/**
 * RULES 27 and 32 across a project's stacks: the physical names that two stacks would create in
 * one scope (an account and region, a cluster), one problem per group of stacks that share some.
 */
export function crossStackCollisions(stacks: StackScope[]): string[] {
  const holders = new Map<string, Set<string>>();
  for (const stack of stacks)
    for (const resource of stack.resources)
      for (const name of physicalNames(resource)) {
        const key = `${name} ${scopeOf(resource, stack)}`;
        holders.set(key, (holders.get(key) ?? new Set()).add(stack.stack));
      }
  const shared = new Map<string, string[]>();
  for (const [name, owners] of holders)
    if (owners.size > 1) {
      const key = [...owners].sort().join(" and ");
      shared.set(key, [...(shared.get(key) ?? []), name]);
    }
  return [...shared].sort().map(([owners, names]) => {
    const shown = names.sort().slice(0, 4).join("; ");
    const more = names.length > 4 ? `; and ${names.length - 4} more` : "";
    return `stacks ${owners} would each create ${names.length === 1 ? "a physical name" : `${names.length} physical names`} (${shown}${more}): the second create fails, or, for an alarm, silently takes the first's place. A model belongs to one stack of its layout (its shard's), and stacks that share an account, region or cluster need names of their own (RULES-27, RULES-32)`;
  });
}

/** RULES 27 within one plan: a physical name that two of its resources hold. */
export function duplicateNames(
  resources: RecordedResource[],
): { resource: RecordedResource; name: string; other: RecordedResource }[] {
  const owners = new Map<string, RecordedResource>();
  const found: { resource: RecordedResource; name: string; other: RecordedResource }[] = [];
  for (const resource of resources)
    for (const name of physicalNames(resource)) {
      const other = owners.get(name);
      if (other && other.urn !== resource.urn) found.push({ resource, name, other });
      else owners.set(name, resource);
    }
  return found;
}
