/**
 * The front door: API Gateway, its VPC link, custom domain and DNS record, WAF, its logs, the
 * consumers' secrets and the token issuer (Cognito). Replacements from terraform-provider-aws
 * internal/service/apigateway, apigatewayv2, secretsmanager, wafv2, logs, cognitoidp and route53:
 * the ForceNew arguments, as Pulumi names them.
 */
import type { ResourceKind } from "./kind";
import { partitionOf } from "../catalogue/names";
import { PLACEHOLDER_ACCOUNT, arn, autoName, hex } from "./placeholder";
import { joined, text } from "./physical-name";

/**
 * Every API Gateway management call is an HTTP verb on the resource's path (a resource policy
 * needs its own action besides).
 */
const API_GATEWAY = [
  "apigateway:GET",
  "apigateway:POST",
  "apigateway:PUT",
  "apigateway:PATCH",
  "apigateway:DELETE",
];

export const FRONT_DOOR_KINDS: readonly ResourceKind[] = [
  {
    type: "aws:apigateway/apiKey:ApiKey",
    forcesReplacement: ["value"],
    credentialOutputs: { outputs: ["value"], markedByProvider: ["value"] },
    placeholder: (name, inputs, context) => {
      const id = hex(`key:${name}`, 10);
      // The provider marks the value secret (additionalSecretOutputs): so does the recording.
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/apikeys/${id}`,
          value: `placeholder-api-key-${hex(`value:${name}`, 24)}`,
        },
      };
    },
    deployer: API_GATEWAY,
  },
  // The token issuer (authorizer.go; cognitoidp user_pool.go, user_pool_domain.go,
  // resource_server.go and user_pool_client.go: ForceNew / RequiresReplace).
  {
    type: "aws:apigateway/authorizer:Authorizer",
    forcesReplacement: ["restApi"],
    placeholder: (name, inputs, context) => {
      const id = hex(`authorizer:${name}`, 6);
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/restapis/${String(inputs.restApi)}/authorizers/${id}`,
        },
      };
    },
    deployer: API_GATEWAY,
  },
  // A mapping's restApi, stageName and basePath are patched in place, only its domain forces
  // a new one (base_path_mapping.go; pull request #16147); it is known by its base path on
  // the domain.
  {
    type: "aws:apigateway/basePathMapping:BasePathMapping",
    forcesReplacement: ["domainName"],
    physicalName: {
      of: (i) => [joined("base path", i.basePath, "of API custom domain", i.domainName)],
      scope: "region",
    },
    placeholder: (_name, inputs) => ({
      id: `${String(inputs.domainName)}/${typeof inputs.basePath === "string" ? inputs.basePath : ""}`,
      state: { ...inputs },
    }),
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/deployment:Deployment",
    forcesReplacement: ["restApi", "triggers", "variables"],
    deployer: API_GATEWAY,
  },
  // The custom domain: its name and an uploaded certificate's PEM fields force a new domain
  // (domain_name.go); unique in a region across every account (API Gateway guide, "Custom
  // domain name for public REST APIs").
  {
    type: "aws:apigateway/domainName:DomainName",
    forcesReplacement: [
      "domainName",
      "certificateBody",
      "certificateChain",
      "certificatePrivateKey",
    ],
    physicalName: { of: (i) => [joined("API custom domain", i.domainName)], scope: "region" },
    // Known by its name; its Regional endpoint's host looks like AWS's
    // (d-<10 characters>.execute-api.<region>.amazonaws.com), its hosted zone is a placeholder.
    placeholder: (name, inputs, context) => {
      const domain = String(inputs.domainName);
      return {
        id: domain,
        state: {
          ...inputs,
          arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/domainnames/${domain}`,
          regionalDomainName: `d-${hex(`domain:${name}`, 10)}.execute-api.${context.region}.amazonaws.com`,
          regionalZoneId: "Z0PLACEHOLDERAPIGW",
        },
      };
    },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/integration:Integration",
    forcesReplacement: [
      "restApi",
      "resourceId",
      "httpMethod",
      "integrationHttpMethod",
      "type",
      "credentials",
      "passthroughBehavior",
    ],
    physicalName: { of: (i) => [joined("API integration", i.restApi, i.resourceId, i.httpMethod)] },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/method:Method",
    forcesReplacement: ["restApi", "resourceId", "httpMethod"],
    physicalName: { of: (i) => [joined("API method", i.restApi, i.resourceId, i.httpMethod)] },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/methodSettings:MethodSettings",
    forcesReplacement: ["restApi", "stageName", "methodPath"],
    physicalName: {
      of: (i) => [joined("API method settings", i.restApi, i.stageName, i.methodPath)],
    },
    deployer: API_GATEWAY,
  },
  // API Gateway knows its objects by their place in the API, WAF by the resource.
  {
    type: "aws:apigateway/resource:Resource",
    forcesReplacement: ["restApi"],
    physicalName: { of: (i) => [joined("API resource", i.restApi, i.parentId, i.pathPart)] },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/response:Response",
    forcesReplacement: ["restApiId", "responseType"],
    physicalName: { of: (i) => [joined("API gateway response", i.restApiId, i.responseType)] },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/restApi:RestApi",
    placeholder: (name, inputs, context) => {
      const id = hex(`api:${name}`, 10);
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/restapis/${id}`,
          executionArn: arn(context, "execute-api", id),
          rootResourceId: hex(`root:${name}`, 10),
        },
      };
    },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/restApiPolicy:RestApiPolicy",
    forcesReplacement: ["restApiId"],
    physicalName: { of: (i) => [joined("API policy", i.restApiId)] },
    deployer: [
      "apigateway:GET",
      "apigateway:PUT",
      "apigateway:PATCH",
      "apigateway:UpdateRestApiPolicy",
    ],
  },
  {
    type: "aws:apigateway/stage:Stage",
    forcesReplacement: ["restApi", "stageName"],
    physicalName: { of: (i) => [joined("API stage", i.restApi, i.stageName)] },
    placeholder: (_name, inputs, context) => {
      const api = String(inputs.restApi);
      const stage = String(inputs.stageName);
      return {
        id: `ags-${api}-${stage}`,
        state: {
          ...inputs,
          arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/restapis/${api}/stages/${stage}`,
          invokeUrl: `https://${api}.execute-api.${context.region}.amazonaws.com/${stage}`,
          executionArn: arn(context, "execute-api", `${api}/${stage}`),
        },
      };
    },
    deployer: API_GATEWAY,
  },
  {
    type: "aws:apigateway/usagePlan:UsagePlan",
    deployer: API_GATEWAY,
  },
  // Its value is the key itself, which the provider reads back into the state
  // (internal/service/apigateway/usage_plan_key.go) and does not mark secret.
  {
    type: "aws:apigateway/usagePlanKey:UsagePlanKey",
    forcesReplacement: ["keyId", "keyType", "usagePlanId"],
    physicalName: { of: (i) => [joined("usage plan key", i.usagePlanId, i.keyId)] },
    credentialOutputs: { outputs: ["value"], markedByProvider: [] },
    deployer: API_GATEWAY,
  },
  // Creates API Gateway's service-linked role and network interfaces through it.
  {
    type: "aws:apigatewayv2/vpcLink:VpcLink",
    forcesReplacement: ["subnetIds", "securityGroupIds"],
    deployer: [
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
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    forcesReplacement: ["name", "namePrefix", "logGroupClass"],
    deployer: [
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
  },
  {
    type: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    forcesReplacement: ["name", "logGroupName"],
    deployer: ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
  },
  {
    type: "aws:cognito/resourceServer:ResourceServer",
    forcesReplacement: ["userPoolId", "identifier", "name"],
    physicalName: { of: (i) => [joined("Cognito resource server", i.userPoolId, i.identifier)] },
    // Known by its pool and identifier.
    placeholder: (_name, inputs) => {
      const scopes = Array.isArray(inputs.scopes)
        ? (inputs.scopes as { scopeName?: string }[])
        : [];
      return {
        id: `${String(inputs.userPoolId)}|${String(inputs.identifier)}`,
        state: {
          ...inputs,
          scopeIdentifiers: scopes.map(
            (scope) => `${String(inputs.identifier)}/${scope.scopeName}`,
          ),
        },
      };
    },
    deployer: [
      "cognito-idp:CreateResourceServer",
      "cognito-idp:DescribeResourceServer",
      "cognito-idp:UpdateResourceServer",
      "cognito-idp:DeleteResourceServer",
    ],
  },
  {
    type: "aws:cognito/userPool:UserPool",
    forcesReplacement: ["name", "aliasAttributes", "usernameAttributes", "usernameConfiguration"],
    // A pool id is `<region>_<9 characters>` (the provider's).
    placeholder: (name, inputs, context) => {
      const id = `${context.region}_${hex(`pool:${name}`, 9)}`;
      return {
        id,
        state: {
          ...inputs,
          name: autoName(name, inputs),
          arn: arn(context, "cognito-idp", `userpool/${id}`),
          endpoint: `cognito-idp.${context.region}.amazonaws.com/${id}`,
        },
      };
    },
    deployer: [
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
  },
  // Its scopes, flows and token validity change in place, so its id and secret stay.
  {
    type: "aws:cognito/userPoolClient:UserPoolClient",
    forcesReplacement: ["userPoolId", "generateSecret"],
    credentialOutputs: { outputs: ["clientSecret"], markedByProvider: ["clientSecret"] },
    // A client id is 26 characters.
    placeholder: (name, inputs) => ({
      id: hex(`client:${name}`, 26),
      // The provider marks the secret secret (additionalSecretOutputs); it reaches the plan only
      // as the secret version's input, which is masked.
      state: { ...inputs, clientSecret: `placeholder-client-secret-${hex(`secret:${name}`, 24)}` },
    }),
    deployer: [
      "cognito-idp:CreateUserPoolClient",
      "cognito-idp:DescribeUserPoolClient",
      "cognito-idp:UpdateUserPoolClient",
      "cognito-idp:DeleteUserPoolClient",
    ],
  },
  // A prefix domain is unique among every account's pools in the region.
  {
    type: "aws:cognito/userPoolDomain:UserPoolDomain",
    forcesReplacement: ["domain", "userPoolId", "certificateArn"],
    physicalName: { of: (i) => [joined("Cognito domain", i.domain)], scope: "region" },
    // Known by its prefix.
    placeholder: (_name, inputs) => ({
      id: String(inputs.domain),
      state: { ...inputs, awsAccountId: PLACEHOLDER_ACCOUNT },
    }),
    deployer: [
      "cognito-idp:CreateUserPoolDomain",
      "cognito-idp:DescribeUserPoolDomain",
      "cognito-idp:UpdateUserPoolDomain",
      "cognito-idp:DeleteUserPoolDomain",
    ],
  },
  // The custom domain's alias record (maas:apiHostedZoneId): replaced for a new zone or name
  // (route53/record.go), its type and alias are upserted; known by zone, name and type in a
  // hosted zone, which is global.
  {
    type: "aws:route53/record:Record",
    forcesReplacement: ["zoneId", "name"],
    physicalName: {
      of: (i) => [joined("DNS record", i.zoneId, text(i.name)?.toLowerCase(), i.type)],
      scope: "account",
    },
    deployer: [
      "route53:ChangeResourceRecordSets",
      "route53:ListResourceRecordSets",
      "route53:GetChange",
      "route53:GetHostedZone",
    ],
  },
  {
    type: "aws:secretsmanager/secret:Secret",
    forcesReplacement: ["name", "namePrefix"],
    deployer: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:GetResourcePolicy",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
    ],
  },
  {
    type: "aws:secretsmanager/secretPolicy:SecretPolicy",
    forcesReplacement: ["secretArn"],
    deployer: [
      "secretsmanager:PutResourcePolicy",
      "secretsmanager:GetResourcePolicy",
      "secretsmanager:DeleteResourcePolicy",
    ],
  },
  {
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    forcesReplacement: ["secretId", "secretString"],
    credentialOutputs: {
      outputs: ["secretString", "secretBinary"],
      markedByProvider: ["secretBinary", "secretString", "secretStringWo"],
    },
    deployer: [
      "secretsmanager:PutSecretValue",
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
      "secretsmanager:UpdateSecretVersionStage",
    ],
  },
  {
    type: "aws:wafv2/webAcl:WebAcl",
    forcesReplacement: ["name", "scope"],
    deployer: [
      "wafv2:CreateWebACL",
      "wafv2:GetWebACL",
      "wafv2:UpdateWebACL",
      "wafv2:DeleteWebACL",
      "wafv2:ListTagsForResource",
      "wafv2:TagResource",
      "wafv2:UntagResource",
    ],
  },
  {
    type: "aws:wafv2/webAclAssociation:WebAclAssociation",
    forcesReplacement: ["resourceArn", "webAclArn"],
    physicalName: { of: (i) => [joined("WAF association of", i.resourceArn)] },
    deployer: [
      "wafv2:AssociateWebACL",
      "wafv2:DisassociateWebACL",
      "wafv2:GetWebACLForResource",
      "wafv2:GetWebACL",
      "apigateway:SetWebACL",
    ],
  },
  {
    type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    forcesReplacement: ["resourceArn", "logDestinationConfigs"],
    physicalName: { of: (i) => [joined("WAF logging of", i.resourceArn)] },
    deployer: [
      "wafv2:PutLoggingConfiguration",
      "wafv2:GetLoggingConfiguration",
      "wafv2:DeleteLoggingConfiguration",
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
  },
];
