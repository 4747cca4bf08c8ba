/**
 * Input changes that make a provider replace a resource instead of updating it, for the
 * resource types this stack creates (from the providers' "forces new resource" / immutable
 * field documentation). The offline plan has no provider to ask, so this table is how a diff
 * calls out replacements; a type or field missing here is shown as an update.
 */
const FORCES_REPLACEMENT: Record<string, string[]> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
  "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey"],
  "aws:dynamodb/tableItem:TableItem": ["tableName", "hashKey", "rangeKey"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage"],
  "aws:ecr/repository:Repository": ["name"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "role"],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": [
    "clusterName",
    "namespace",
    "serviceAccount",
  ],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
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
  "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint"],
  "kubernetes:apps/v1:Deployment": ["spec.selector"],
};

/** Kubernetes objects are replaced when their name or namespace changes. */
const KUBERNETES_IDENTITY = ["metadata.name", "metadata.namespace"];

/** The changed input paths (dotted, from plan/compare.ts) that force a replacement of `type`. */
export function replacementCauses(type: string, changedPaths: string[]): string[] {
  const fields = [
    ...(FORCES_REPLACEMENT[type] ?? []),
    ...(type.startsWith("kubernetes:") ? KUBERNETES_IDENTITY : []),
  ];
  return changedPaths.filter((path) => {
    const input = path.replace(/^inputs\./, "");
    return fields.some((field) => input === field || input.startsWith(`${field}.`));
  });
}
