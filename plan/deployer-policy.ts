/**
 * What the role that runs `pulumi up` needs in AWS, derived from the resources a stack's plan
 * creates: per resource type the API calls its provider makes to create, read, update, tag and
 * delete it (terraform-provider-aws, which @pulumi/aws bridges, per resource), and the calls the
 * program itself makes (the subnet lookup, the rollout records, the image push). `maas
 * permissions --stack S` prints it as an IAM policy document.
 *
 * A resource type the plan creates that this table does not know is refused, not skipped: a new
 * kind of resource cannot ship without saying what deploying it takes (test/plan/deployer-policy
 * .test.ts plans every kind the program can create). Resources are `*`, narrowed to the stack's
 * region for regional services (`aws:RequestedRegion`): the names AWS gives many of them (ids,
 * generated suffixes) are not known before they exist. The table is what the provider's code
 * calls, not what a real account has confirmed: IAM Access Analyzer's policy generation from the
 * deploying role's CloudTrail events is the check (docs/setup.md, "The first pulumi up").
 */
import type { RecordedResource } from "./record";

/** The IAM actions each resource type's provider calls, by Pulumi type token. */
export const DEPLOYER_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // S3 (the registry bucket and its settings, each its own resource).
  "aws:s3/bucket:Bucket": [
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:ListBucket",
    "s3:GetBucket*",
    "s3:GetAccelerateConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:PutBucketTagging",
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
  ],
  "aws:s3/bucketObjectv2:BucketObjectv2": [
    "s3:PutObject",
    "s3:GetObject",
    "s3:GetObjectTagging",
    "s3:PutObjectTagging",
    "s3:DeleteObject",
    "s3:ListBucket",
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [
    "s3:GetBucketOwnershipControls",
    "s3:PutBucketOwnershipControls",
  ],
  "aws:s3/bucketPolicy:BucketPolicy": [
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
  ],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
    "s3:GetBucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "s3:GetEncryptionConfiguration",
    "s3:PutEncryptionConfiguration",
  ],
  "aws:s3/bucketVersioning:BucketVersioning": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
  // DynamoDB (the registry table and its items; the rollouts table).
  "aws:dynamodb/table:Table": [
    "dynamodb:CreateTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:Describe*",
    "dynamodb:List*",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
  ],
  "aws:dynamodb/tableItem:TableItem": [
    "dynamodb:PutItem",
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
  ],
  // KMS: the keys, and using them for what the stack writes encrypted (objects, secrets, items;
  // a table under a customer managed key takes a grant).
  "aws:kms/key:Key": [
    "kms:CreateKey",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:UpdateKeyDescription",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:GenerateDataKey*",
    "kms:CreateGrant",
  ],
  "aws:kms/alias:Alias": [
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:ListAliases",
  ],
  // ECR: repositories, their lifecycle, and the images docker-build pushes.
  "aws:ecr/repository:Repository": [
    "ecr:CreateRepository",
    "ecr:DescribeRepositories",
    "ecr:DeleteRepository",
    "ecr:PutImageTagMutability",
    "ecr:PutImageScanningConfiguration",
    "ecr:ListTagsForResource",
    "ecr:TagResource",
    "ecr:UntagResource",
  ],
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": [
    "ecr:PutLifecyclePolicy",
    "ecr:GetLifecyclePolicy",
    "ecr:DeleteLifecyclePolicy",
  ],
  "docker-build:index:Image": [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ],
  // IAM: the models' roles (and handing them to EKS Pod Identity).
  "aws:iam/role:Role": [
    "iam:CreateRole",
    "iam:GetRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRole",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    "iam:PutRolePolicy",
    "iam:GetRolePolicy",
    "iam:DeleteRolePolicy",
  ],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": [
    "eks:CreatePodIdentityAssociation",
    "eks:DescribePodIdentityAssociation",
    "eks:UpdatePodIdentityAssociation",
    "eks:DeletePodIdentityAssociation",
    "eks:TagResource",
    "eks:UntagResource",
    "iam:GetRole",
    "iam:PassRole",
  ],
  // EC2: the load balancers' and the VPC link's security groups and their rules.
  "aws:ec2/securityGroup:SecurityGroup": [
    "ec2:CreateSecurityGroup",
    "ec2:DeleteSecurityGroup",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeNetworkInterfaces",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:CreateTags",
    "ec2:DeleteTags",
  ],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:ModifySecurityGroupRules",
    "ec2:DescribeSecurityGroupRules",
    "ec2:CreateTags",
    "ec2:DeleteTags",
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules",
    "ec2:DescribeSecurityGroupRules",
    "ec2:CreateTags",
    "ec2:DeleteTags",
  ],
  // Elastic Load Balancing (the first load balancer of an account creates ELB's service-linked
  // role).
  "aws:lb/loadBalancer:LoadBalancer": [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:DescribeTags",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeAccountAttributes",
    "iam:CreateServiceLinkedRole",
  ],
  "aws:lb/listener:Listener": [
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:DescribeTags",
  ],
  "aws:lb/listenerRule:ListenerRule": [
    "elasticloadbalancing:CreateRule",
    "elasticloadbalancing:DeleteRule",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:ModifyRule",
    "elasticloadbalancing:SetRulePriorities",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:DescribeTags",
  ],
  "aws:lb/targetGroup:TargetGroup": [
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:DescribeTags",
  ],
  // CloudWatch: alarms, dashboards, the front door's log groups and metric filter.
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:ListTagsForResource",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
  ],
  "aws:cloudwatch/dashboard:Dashboard": [
    "cloudwatch:PutDashboard",
    "cloudwatch:GetDashboard",
    "cloudwatch:DeleteDashboards",
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    "logs:CreateLogGroup",
    "logs:DeleteLogGroup",
    "logs:DescribeLogGroups",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:AssociateKmsKey",
    "logs:DisassociateKmsKey",
    "logs:ListTagsForResource",
    "logs:TagResource",
    "logs:UntagResource",
  ],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    "logs:PutMetricFilter",
    "logs:DescribeMetricFilters",
    "logs:DeleteMetricFilter",
  ],
  // SNS: the alarm topic.
  "aws:sns/topic:Topic": [
    "sns:CreateTopic",
    "sns:DeleteTopic",
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:ListTagsForResource",
    "sns:TagResource",
    "sns:UntagResource",
  ],
  "aws:sns/topicPolicy:TopicPolicy": ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
  "aws:sns/topicSubscription:TopicSubscription": [
    "sns:Subscribe",
    "sns:Unsubscribe",
    "sns:GetSubscriptionAttributes",
    "sns:SetSubscriptionAttributes",
  ],
  // Secrets Manager: the consumers' keys and client secrets.
  "aws:secretsmanager/secret:Secret": [
    "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:DescribeSecret",
    "secretsmanager:UpdateSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
  ],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [
    "secretsmanager:PutResourcePolicy",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:DeleteResourcePolicy",
  ],
  "aws:secretsmanager/secretVersion:SecretVersion": [
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
    "secretsmanager:UpdateSecretVersionStage",
  ],
  // API Gateway: every management call is an HTTP verb on the resource's path; a resource
  // policy needs its own action; the VPC link (apigatewayv2) creates API Gateway's
  // service-linked role and network interfaces through it.
  ...Object.fromEntries(
    [
      "apigateway/apiKey:ApiKey",
      "apigateway/authorizer:Authorizer",
      "apigateway/basePathMapping:BasePathMapping",
      "apigateway/deployment:Deployment",
      "apigateway/domainName:DomainName",
      "apigateway/integration:Integration",
      "apigateway/method:Method",
      "apigateway/methodSettings:MethodSettings",
      "apigateway/resource:Resource",
      "apigateway/response:Response",
      "apigateway/restApi:RestApi",
      "apigateway/stage:Stage",
      "apigateway/usagePlan:UsagePlan",
      "apigateway/usagePlanKey:UsagePlanKey",
    ].map((type) => [
      `aws:${type}`,
      [
        "apigateway:GET",
        "apigateway:POST",
        "apigateway:PUT",
        "apigateway:PATCH",
        "apigateway:DELETE",
      ],
    ]),
  ),
  "aws:apigateway/restApiPolicy:RestApiPolicy": [
    "apigateway:GET",
    "apigateway:PUT",
    "apigateway:PATCH",
    "apigateway:UpdateRestApiPolicy",
  ],
  "aws:apigatewayv2/vpcLink:VpcLink": [
    "apigateway:GET",
    "apigateway:POST",
    "apigateway:PATCH",
    "apigateway:DELETE",
    "iam:CreateServiceLinkedRole",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcs",
  ],
  // WAF on the front door's stages, and its logging to CloudWatch Logs.
  "aws:wafv2/webAcl:WebAcl": [
    "wafv2:CreateWebACL",
    "wafv2:GetWebACL",
    "wafv2:UpdateWebACL",
    "wafv2:DeleteWebACL",
    "wafv2:ListTagsForResource",
    "wafv2:TagResource",
    "wafv2:UntagResource",
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": [
    "wafv2:AssociateWebACL",
    "wafv2:DisassociateWebACL",
    "wafv2:GetWebACLForResource",
    "wafv2:GetWebACL",
    "apigateway:SetWebACL",
  ],
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": [
    "wafv2:PutLoggingConfiguration",
    "wafv2:GetLoggingConfiguration",
    "wafv2:DeleteLoggingConfiguration",
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  // Cognito: the oauth consumers' token issuer.
  "aws:cognito/userPool:UserPool": [
    "cognito-idp:CreateUserPool",
    "cognito-idp:DescribeUserPool",
    "cognito-idp:UpdateUserPool",
    "cognito-idp:DeleteUserPool",
    "cognito-idp:GetUserPoolMfaConfig",
    "cognito-idp:SetUserPoolMfaConfig",
    "cognito-idp:ListTagsForResource",
    "cognito-idp:TagResource",
    "cognito-idp:UntagResource",
  ],
  "aws:cognito/userPoolDomain:UserPoolDomain": [
    "cognito-idp:CreateUserPoolDomain",
    "cognito-idp:DescribeUserPoolDomain",
    "cognito-idp:UpdateUserPoolDomain",
    "cognito-idp:DeleteUserPoolDomain",
  ],
  "aws:cognito/resourceServer:ResourceServer": [
    "cognito-idp:CreateResourceServer",
    "cognito-idp:DescribeResourceServer",
    "cognito-idp:UpdateResourceServer",
    "cognito-idp:DeleteResourceServer",
  ],
  "aws:cognito/userPoolClient:UserPoolClient": [
    "cognito-idp:CreateUserPoolClient",
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:UpdateUserPoolClient",
    "cognito-idp:DeleteUserPoolClient",
  ],
  // Route 53: the custom domain's alias record (maas:apiHostedZoneId).
  "aws:route53/record:Record": [
    "route53:ChangeResourceRecordSets",
    "route53:ListResourceRecordSets",
    "route53:GetChange",
    "route53:GetHostedZone",
  ],
};

/** Types that are not AWS resources: Pulumi's own, the cluster's (Kubernetes RBAC, not IAM). */
function outsideIam(type: string): boolean {
  return (
    type.startsWith("pulumi:") ||
    type.startsWith("kubernetes:") ||
    type.startsWith("random:") ||
    type.startsWith("maas:")
  );
}

/**
 * What the program calls besides its resources: the subnets' CIDRs behind a front door
 * (stack/pod-ingress.ts), the rollout records every `pulumi up` reads first
 * (stack/rollout-records.ts), the identity the stack's policies name.
 */
const PROGRAM_ACTIONS = [
  "ec2:DescribeSubnets",
  "dynamodb:BatchGetItem",
  "dynamodb:GetItem",
  "kms:Decrypt",
  "sts:GetCallerIdentity",
];

/** Services whose calls go to one region; IAM and Route 53 are global. */
const GLOBAL_SERVICES = new Set(["iam", "route53", "sts"]);

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: "*";
  Condition?: Record<string, Record<string, string>>;
}

export interface DeployerPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * The deploying role's policy for the resources of a plan: one statement per service, actions
 * sorted; regional services limited to `region`; iam:PassRole only to EKS Pod Identity. Throws
 * naming every resource type the table does not know.
 */
export function deployerPolicy(
  resources: readonly RecordedResource[],
  region: string,
): DeployerPolicy {
  const types = [...new Set(resources.map((r) => r.type))].filter((type) => !outsideIam(type));
  const unknown = types.filter((type) => !(type in DEPLOYER_ACTIONS)).sort();
  if (unknown.length > 0)
    throw new Error(
      `no deploying permissions known for ${unknown.join(", ")}: add them to DEPLOYER_ACTIONS (plan/deployer-policy.ts)`,
    );
  const actions = new Set([
    ...PROGRAM_ACTIONS,
    ...types.flatMap((type) => DEPLOYER_ACTIONS[type]!),
  ]);
  const byService = new Map<string, Set<string>>();
  for (const action of actions) {
    if (action === "iam:PassRole") continue;
    const service = action.split(":")[0]!;
    if (!byService.has(service)) byService.set(service, new Set());
    byService.get(service)!.add(action);
  }
  const sid = (service: string) =>
    service
      .split("-")
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join("");
  const statements: PolicyStatement[] = [...byService.keys()].sort().map((service) => ({
    Sid: sid(service),
    Effect: "Allow",
    Action: [...byService.get(service)!].sort(),
    Resource: "*",
    ...(GLOBAL_SERVICES.has(service)
      ? {}
      : { Condition: { StringEquals: { "aws:RequestedRegion": region } } }),
  }));
  if (actions.has("iam:PassRole"))
    statements.push({
      Sid: "PassModelRolesToPodIdentity",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
    });
  return { Version: "2012-10-17", Statement: statements };
}
