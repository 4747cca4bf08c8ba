/**
 * Input changes that make a provider replace a resource instead of updating it, for the
 * resource types this stack creates (from the providers' "forces new resource" / immutable
 * field documentation). The offline plan has no provider to ask, so this table is how the
 * transition model (transition.ts) and the diff tell a replacement from an update; a type or
 * field missing here is treated as an update.
 */
const FORCES_REPLACEMENT: Record<string, string[]> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
  "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"],
  "aws:dynamodb/tableItem:TableItem": ["tableName", "hashKey", "rangeKey"],
  // Every argument of a RandomId forces a new draw (terraform-provider-random, resource_id.go).
  "random:index/randomId:RandomId": ["byteLength", "keepers", "prefix"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage"],
  "aws:kms/alias:Alias": ["name"],
  "aws:ecr/repository:Repository": ["name"],
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["repository"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "role"],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": [
    "clusterName",
    "namespace",
    "serviceAccount",
  ],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "internal", "loadBalancerType"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
  "aws:lb/targetGroup:TargetGroup": [
    "name",
    "port",
    "protocol",
    "protocolVersion",
    "targetType",
    "vpcId",
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
  "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
  "aws:sns/topic:Topic": ["name"],
  "aws:sns/topicPolicy:TopicPolicy": ["arn"],
  "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint"],
  "kubernetes:apps/v1:Deployment": ["spec.selector"],
  // The front door (terraform-provider-aws internal/service/apigateway, apigatewayv2,
  // secretsmanager, wafv2, logs: the ForceNew arguments, as Pulumi names them).
  "aws:apigateway/resource:Resource": ["restApi"],
  "aws:apigateway/method:Method": ["restApi", "resourceId", "httpMethod"],
  "aws:apigateway/integration:Integration": [
    "restApi",
    "resourceId",
    "httpMethod",
    "integrationHttpMethod",
    "type",
    "credentials",
    "passthroughBehavior",
  ],
  "aws:apigateway/deployment:Deployment": ["restApi", "triggers", "variables"],
  "aws:apigateway/stage:Stage": ["restApi", "stageName"],
  "aws:apigateway/methodSettings:MethodSettings": ["restApi", "stageName", "methodPath"],
  "aws:apigateway/response:Response": ["restApiId", "responseType"],
  "aws:apigateway/restApiPolicy:RestApiPolicy": ["restApiId"],
  "aws:apigateway/apiKey:ApiKey": ["value"],
  "aws:apigateway/usagePlanKey:UsagePlanKey": ["keyId", "keyType", "usagePlanId"],
  "aws:apigatewayv2/vpcLink:VpcLink": ["subnetIds", "securityGroupIds"],
  // The custom domain: its name and an uploaded certificate's PEM fields force a new domain
  // (domain_name.go); a mapping's restApi, stageName and basePath are patched in place, only its
  // domain forces a new one (base_path_mapping.go; pull request #16147); a DNS record is
  // replaced for a new zone or name (route53/record.go), its type and alias are upserted.
  "aws:apigateway/domainName:DomainName": [
    "domainName",
    "certificateBody",
    "certificateChain",
    "certificatePrivateKey",
  ],
  "aws:apigateway/basePathMapping:BasePathMapping": ["domainName"],
  "aws:route53/record:Record": ["zoneId", "name"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretId", "secretString"],
  "aws:secretsmanager/secretPolicy:SecretPolicy": ["secretArn"],
  "aws:wafv2/webAcl:WebAcl": ["name", "scope"],
  "aws:wafv2/webAclAssociation:WebAclAssociation": ["resourceArn", "webAclArn"],
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": [
    "resourceArn",
    "logDestinationConfigs",
  ],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": ["name", "logGroupName"],
  // The token issuer (terraform-provider-aws internal/service/apigateway/authorizer.go;
  // internal/service/cognitoidp user_pool.go, user_pool_domain.go, resource_server.go and
  // user_pool_client.go: ForceNew / RequiresReplace). A client's scopes, flows and token
  // validity change in place, so its id and secret stay.
  "aws:apigateway/authorizer:Authorizer": ["restApi"],
  "aws:cognito/userPool:UserPool": [
    "name",
    "aliasAttributes",
    "usernameAttributes",
    "usernameConfiguration",
  ],
  "aws:cognito/userPoolDomain:UserPoolDomain": ["domain", "userPoolId", "certificateArn"],
  "aws:cognito/resourceServer:ResourceServer": ["userPoolId", "identifier", "name"],
  "aws:cognito/userPoolClient:UserPoolClient": ["userPoolId", "generateSecret"],
};

/**
 * Fields an admission webhook refuses to update although the provider would try: Pulumi does
 * not know a custom resource's schema, so a change is an update unless the resource asks for
 * replacement itself (`replaceOnChanges`). The AWS Load Balancer Controller refuses these
 * (webhooks/elbv2/targetgroupbinding_validator.go, checkImmutableFields).
 */
export const REFUSED_IN_PLACE: Record<string, string[]> = {
  "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": [
    "spec.targetGroupARN",
    "spec.targetType",
    "spec.vpcID",
    "spec.ipAddressType",
  ],
};

/** Kubernetes objects are replaced when their name or namespace changes. */
const KUBERNETES_IDENTITY = ["metadata.name", "metadata.namespace"];

/**
 * The input fields whose change replaces a resource of `type` as the engine sees it: the
 * provider's immutable fields and the resource's own replaceOnChanges.
 */
export function replacementFields(type: string, replaceOnChanges: string[] = []): string[] {
  return [
    ...(FORCES_REPLACEMENT[type] ?? []),
    ...(type.startsWith("kubernetes:") ? KUBERNETES_IDENTITY : []),
    ...replaceOnChanges,
  ];
}

/** The changed paths (dotted, optionally `inputs.`-prefixed) that touch one of `fields`. */
export function pathsTouching(fields: string[], changedPaths: string[]): string[] {
  return changedPaths.filter((path) => {
    const input = path.replace(/^inputs\./, "");
    return fields.some(
      (field) =>
        input === field ||
        input.startsWith(`${field}.`) ||
        // An item of a list matched by identity (`subnets[=subnet-1]`, `containers[name=server]`).
        input.startsWith(`${field}[`) ||
        field.startsWith(`${input}.`),
    );
  });
}

/**
 * The changed input paths that cannot be applied in place: what the provider replaces for
 * (plus replaceOnChanges), and what a webhook would refuse to update. The diff calls all of
 * them out; transition.ts tells the two apart.
 */
export function replacementCauses(
  type: string,
  changedPaths: string[],
  replaceOnChanges: string[] = [],
): string[] {
  return pathsTouching(
    [...replacementFields(type, replaceOnChanges), ...(REFUSED_IN_PLACE[type] ?? [])],
    changedPaths,
  );
}

function valueAt(inputs: Record<string, unknown>, path: string): unknown {
  let node: unknown = inputs;
  for (const segment of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * What a resource's identity at the provider hangs on: the values of the fields that force its
 * replacement. Placeholders derive ids and ARNs from it, so a replacement gets a new ARN (as it
 * does in AWS) and what refers to the resource changes with it; an update keeps them.
 */
export function replacementKey(type: string, inputs: Record<string, unknown>): string {
  return JSON.stringify(
    replacementFields(type).map((field) => [field, valueAt(inputs, field) ?? null]),
  );
}
