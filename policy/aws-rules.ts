/**
 * rules 15-21 on the AWS resources of a plan (Security Hub FSBP, checkov, CrossGuard
 * awsguard): S3, DynamoDB, ECR, CloudWatch alarms, SNS, IAM, and protection of stateful data.
 * Pure functions over the recorded registrations; resources are related through the
 * dependencies the engine records (a bucket's settings depend on the bucket).
 */
import { DIRECT_ACCESS_TAG } from "../catalogue/names";
import { PINNED_LISTENER_PORT } from "../catalogue/quotas";
import { modelScope } from "../components/specs/front-door";
import { kindOf } from "../kinds";
import type { RuleContext, RuleDoc, Violation } from "./rule";
import type { PlannedResource } from "./planned-resource";

export type { PlannedResource } from "./planned-resource";

export interface AwsRule extends RuleDoc {
  check(resources: PlannedResource[], context: RuleContext): Violation[];
}

/** The recorded inputs the rules read, as plain JSON (the components say where each comes from). */
interface Inputs {
  [field: string]: unknown;
  blockPublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  ignorePublicAcls?: boolean;
  restrictPublicBuckets?: boolean;
  rule?: { objectOwnership?: string };
  rules?: {
    applyServerSideEncryptionByDefault?: { sseAlgorithm?: string };
    bucketKeyEnabled?: boolean;
    abortIncompleteMultipartUpload?: unknown;
  }[];
  versioningConfiguration?: { status?: string };
  policy?: string;
  assumeRolePolicy?: string;
  billingMode?: string;
  pointInTimeRecovery?: { enabled?: boolean };
  serverSideEncryption?: { enabled?: boolean; kmsKeyArn?: string };
  deletionProtectionEnabled?: boolean;
  imageTagMutability?: string;
  imageTagMutabilityExclusionFilters?: { filter: string }[];
  imageScanningConfiguration?: { scanOnPush?: boolean };
  encryptionConfigurations?: { encryptionType?: string }[];
  alarmActions?: string[];
  actionsEnabled?: boolean;
  treatMissingData?: string;
  metricName?: string;
  extendedStatistic?: string;
  evaluateLowSampleCountPercentiles?: string;
  kmsMasterKeyId?: string;
  tags?: Record<string, string>;
  name?: string;
  internal?: boolean;
  protocol?: string;
  port?: number;
  defaultActions?: unknown;
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: "*" | { AWS?: string | string[]; Service?: string | string[]; Federated?: string };
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const inputsOf = (resource: PlannedResource) => resource.inputs as Inputs;
const ofType = (resources: PlannedResource[], type: string) =>
  resources.filter((r) => r.type === type);

/** The resources of `type` that depend on `target` (its settings, policies, items). */
function attachedTo(
  resources: PlannedResource[],
  type: string,
  target: PlannedResource,
): Inputs | undefined {
  const found = ofType(resources, type).find((r) => r.dependencies.includes(target.urn));
  return found ? inputsOf(found) : undefined;
}

function report(rule: string, resource: PlannedResource, messages: string[]): Violation[] {
  return messages.map((message) => ({
    rule,
    object: `${resource.type.split(":").pop()} ${resource.name}`,
    source: resource,
    message,
  }));
}

function list<T>(value: T | T[] | undefined): T[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function statements(policy: string | undefined): Statement[] {
  try {
    return list((JSON.parse(policy ?? "{}") as { Statement?: Statement | Statement[] }).Statement);
  } catch {
    return [];
  }
}

const isPublic = (s: Statement) =>
  s.Effect === "Allow" &&
  (s.Principal === "*" || (typeof s.Principal === "object" && list(s.Principal.AWS).includes("*")));

const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

const s3: AwsRule = {
  id: "RULES-15/s3",
  why: "The registry bucket holds model artifacts: it must never be public, always encrypted, versioned and reachable over TLS only (Security Hub S3.5, S3.8, S3.12-S3.14).",
  fix: "Keep the bucket settings of components/registry.ts.",
  description:
    "Buckets block public access, disable ACLs, use SSE-KMS with a bucket key, keep versions, abort stale uploads and refuse plain HTTP.",
  check: (resources) =>
    ofType(resources, "aws:s3/bucket:Bucket").flatMap((bucket) => {
      const block = attachedTo(
        resources,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        bucket,
      );
      const ownership = attachedTo(
        resources,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        bucket,
      );
      const encryption = list(
        attachedTo(
          resources,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          bucket,
        )?.rules,
      )[0];
      const versioning = attachedTo(resources, "aws:s3/bucketVersioning:BucketVersioning", bucket);
      const lifecycle = attachedTo(
        resources,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        bucket,
      );
      const denyHttp = statements(
        attachedTo(resources, "aws:s3/bucketPolicy:BucketPolicy", bucket)?.policy,
      ).some(
        (s) =>
          s.Effect === "Deny" &&
          s.Condition?.Bool?.["aws:SecureTransport"] === "false" &&
          list(s.Action).includes("s3:*"),
      );
      return report("RULES-15/s3", bucket, [
        ...PUBLIC_ACCESS_FLAGS.filter((flag) => block?.[flag] !== true).map(
          (flag) => `public access block lacks ${flag} (S3.8)`,
        ),
        ...(ownership?.rule?.objectOwnership === "BucketOwnerEnforced"
          ? []
          : ["ACLs are not disabled (BucketOwnerEnforced, S3.12)"]),
        ...(encryption?.applyServerSideEncryptionByDefault?.sseAlgorithm === "aws:kms"
          ? []
          : ["is not encrypted with SSE-KMS"]),
        ...(encryption?.bucketKeyEnabled === true ? [] : ["has no S3 bucket key"]),
        ...(versioning?.versioningConfiguration?.status === "Enabled"
          ? []
          : ["versioning is not enabled (S3.14)"]),
        ...(list(lifecycle?.rules).some((r) => r.abortIncompleteMultipartUpload)
          ? []
          : ["does not abort incomplete multipart uploads (S3.13)"]),
        ...(denyHttp ? [] : ["does not deny requests without TLS (S3.5)"]),
      ]);
    }),
};

const dynamodb: AwsRule = {
  id: "RULES-16/dynamodb",
  why: "The registry table is the history of what ran: point-in-time recovery, KMS encryption and, in production, deletion protection (Security Hub DynamoDB.1, .2, .6).",
  fix: 'Keep the table settings of components/registry.ts; set maas:protect: "true" in production.',
  description:
    "Tables are on-demand, point-in-time recoverable, KMS-encrypted, and deletion-protected in production.",
  check: (resources, context) =>
    ofType(resources, "aws:dynamodb/table:Table").flatMap((table) => {
      const t = inputsOf(table);
      return report("RULES-16/dynamodb", table, [
        ...(t.billingMode === "PAY_PER_REQUEST" ? [] : ["is not on-demand (DynamoDB.1)"]),
        ...(t.pointInTimeRecovery?.enabled === true
          ? []
          : ["has no point-in-time recovery (DynamoDB.2)"]),
        ...(t.serverSideEncryption?.enabled === true && t.serverSideEncryption.kmsKeyArn
          ? []
          : ["is not encrypted with a customer KMS key"]),
        ...(context.production && t.deletionProtectionEnabled !== true
          ? ["has no deletion protection in production (DynamoDB.6)"]
          : []),
      ]);
    }),
};

const ecr: AwsRule = {
  id: "RULES-17/ecr",
  why: "Images must be scanned, encrypted, expire by policy and never change under a tag (Security Hub ECR.1-ECR.3).",
  fix: "Keep the repository settings of components/model-images.ts.",
  description:
    "Repositories scan on push, keep tags immutable, are KMS-encrypted, have a lifecycle policy and no public policy.",
  check: (resources) => [
    ...ofType(resources, "aws:ecr/repository:Repository").flatMap((repository) => {
      const r = inputsOf(repository);
      // IMMUTABLE_WITH_EXCLUSION passes when it exempts named tags only (the build cache), no patterns.
      const exempt = list(r.imageTagMutabilityExclusionFilters).map((f) => f.filter);
      const immutable =
        r.imageTagMutability === "IMMUTABLE" ||
        (r.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION" &&
          exempt.every((tag) => !tag.includes("*")));
      return report("RULES-17/ecr", repository, [
        ...(r.imageScanningConfiguration?.scanOnPush === true
          ? []
          : ["does not scan on push (ECR.1)"]),
        ...(immutable
          ? []
          : [
              `tags are not immutable (ECR.2): ${String(r.imageTagMutability)}${exempt.length ? ` except ${exempt.join(", ")}` : ""}`,
            ]),
        ...(list(r.encryptionConfigurations).some((c) => c.encryptionType === "KMS")
          ? []
          : ["is not KMS-encrypted"]),
        ...(attachedTo(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy", repository)
          ? []
          : ["has no lifecycle policy (ECR.3)"]),
      ]);
    }),
    ...ofType(resources, "aws:ecr/repositoryPolicy:RepositoryPolicy").flatMap((policy) =>
      report(
        "RULES-17/ecr",
        policy,
        statements(inputsOf(policy).policy).some(isPublic) ? ["makes a repository public"] : [],
      ),
    ),
  ],
};

const alarms: AwsRule = {
  id: "RULES-18/alarms",
  why: "An alarm that notifies nobody or flaps on a canary's few requests is noise (Security Hub CloudWatch.15, .17).",
  fix: "Keep the alarm definitions of components/specs/alarms.ts; tune maas:alarm* timing instead.",
  description:
    "Alarms have enabled actions, explicit missing-data handling, percentiles by extendedStatistic ignoring low-sample windows.",
  check: (resources) =>
    ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").flatMap((alarm) => {
      const a = inputsOf(alarm);
      const percentile = typeof a.extendedStatistic === "string";
      return report("RULES-18/alarms", alarm, [
        ...(list(a.alarmActions).length > 0 ? [] : ["has no alarm actions (CloudWatch.15)"]),
        ...(a.actionsEnabled === false ? ["has its actions disabled (CloudWatch.17)"] : []),
        ...(a.treatMissingData ? [] : ["leaves missing-data handling implicit"]),
        ...(a.metricName === "TargetResponseTime" && !percentile
          ? ["watches latency by an average, not a percentile"]
          : []),
        ...(percentile && a.evaluateLowSampleCountPercentiles !== "ignore"
          ? ["evaluates percentiles of low-sample windows"]
          : []),
      ]);
    }),
};

const sns: AwsRule = {
  id: "RULES-19/sns",
  why: "Alarm notifications can carry model and endpoint names: the topic is encrypted and only this stack's alarms may publish (Security Hub SNS.1, SNS.4).",
  fix: "Keep the topic and its policy (components/alarm-topic.ts).",
  description: "Topics are KMS-encrypted and their policies are not public.",
  check: (resources) => [
    ...ofType(resources, "aws:sns/topic:Topic").flatMap((topic) =>
      report(
        "RULES-19/sns",
        topic,
        inputsOf(topic).kmsMasterKeyId ? [] : ["is not KMS-encrypted (SNS.1)"],
      ),
    ),
    ...ofType(resources, "aws:sns/topicPolicy:TopicPolicy").flatMap((policy) =>
      report(
        "RULES-19/sns",
        policy,
        statements(inputsOf(policy).policy).some((s) => isPublic(s) && !s.Condition)
          ? ["allows anyone (SNS.4)"]
          : [],
      ),
    ),
  ],
};

/** IRSA pinned by `:sub` and `:aud`; Pod Identity by the namespace and ServiceAccount session tags. */
function pinnedToServiceAccount(statement: Statement): boolean {
  const equals = statement.Condition?.StringEquals ?? {};
  const keys = Object.keys(equals);
  if (statement.Action === "sts:AssumeRoleWithWebIdentity") {
    return (
      keys.some((key) => key.endsWith(":sub")) &&
      keys.some((key) => key.endsWith(":aud") && equals[key] === "sts.amazonaws.com")
    );
  }
  return (
    "aws:RequestTag/kubernetes-service-account" in equals &&
    "aws:RequestTag/kubernetes-namespace" in equals
  );
}

const iam: AwsRule = {
  id: "RULES-20/iam",
  why: "A model's role reads only its own artifacts, and only its own ServiceAccount can assume it (Security Hub IAM.1).",
  fix: "Keep the policies of components/specs/model-policies.ts.",
  description:
    "Role policies name actions and resources (no *); model roles read only their own prefix; trust is pinned to one ServiceAccount.",
  check: (resources) => [
    ...ofType(resources, "aws:iam/rolePolicy:RolePolicy").flatMap((policy) => {
      const role = resources.find(
        (r) => r.type === "aws:iam/role:Role" && policy.dependencies.includes(r.urn),
      );
      const model = role ? inputsOf(role).tags?.["maas:model"] : undefined;
      const all = statements(inputsOf(policy).policy);
      const beyondPrefix = model
        ? all.filter(
            (s) =>
              list(s.Action).includes("s3:GetObject") &&
              !list(s.Resource).every((r) => r.endsWith(`/${model}/*`)),
          )
        : [];
      return report("RULES-20/iam", policy, [
        ...all
          .filter((s) => list(s.Action).some((a) => a.includes("*")))
          .map((s) => `statement ${String(s.Sid)} allows a wildcard action (IAM.1)`),
        ...all
          .filter((s) => list(s.Resource).includes("*"))
          .map((s) => `statement ${String(s.Sid)} applies to every resource (IAM.1)`),
        ...beyondPrefix.map(
          (s) => `statement ${String(s.Sid)} reads beyond s3://<registry>/${String(model)}/`,
        ),
      ]);
    }),
    ...ofType(resources, "aws:iam/role:Role").flatMap((role) =>
      report(
        "RULES-20/iam",
        role,
        statements(inputsOf(role).assumeRolePolicy).every(pinnedToServiceAccount)
          ? []
          : ["trust is not pinned to one ServiceAccount"],
      ),
    ),
  ],
};

const secretOutputs: AwsRule = {
  id: "RULES-34/secret-outputs",
  why: "An output that carries a credential (an API key, a client secret) is kept in the stack's state: unless it is a secret there, anyone who can read the state or a checkpoint reads the credential.",
  fix: "Give the resource additionalSecretOutputs for the output (as components/consumer-access.ts does for UsagePlanKey.value), and rotate any key an older state kept in plain text.",
  description:
    "Every output that carries a credential is a secret in the state: marked by the provider, or by the program (additionalSecretOutputs).",
  check: (resources) =>
    resources.flatMap((resource) => {
      // The kind's credentialOutputs (kinds/): which outputs carry a credential, which of them
      // the provider marks secret itself. An output the provider leaves plain sits in the
      // stack's state unencrypted unless the program marks it.
      const known = kindOf(resource.type)?.credentialOutputs;
      if (!known) return [];
      const marked = new Set([
        ...known.markedByProvider,
        ...(resource.options?.additionalSecretOutputs ?? []),
      ]);
      return report(
        "RULES-34/secret-outputs",
        resource,
        known.outputs
          .filter((output) => !marked.has(output))
          .map(
            (output) => `output ${output} carries a credential and is not a secret in the state`,
          ),
      );
    }),
};

/** What encrypts the registry's data with a key (components/registry.ts). */
const ENCRYPTS_DATA = [
  "aws:dynamodb/table:Table",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
];

const protection: AwsRule = {
  id: "RULES-21/protection",
  why: "In production the registry's key, bucket and table survive a mistaken pulumi up or destroy; every key is kept, since what it encrypted (logs, backups) outlives it.",
  fix: 'Set maas:protect: "true" on production stacks.',
  description:
    "In production, the registry's bucket and table and the key that encrypts them are protected and retained on delete; any other key is retained on delete.",
  check: (resources, context) => {
    if (!context.production) return [];
    const dataKeys = new Set(
      resources.filter((r) => ENCRYPTS_DATA.includes(r.type)).flatMap((r) => r.dependencies),
    );
    return resources
      .filter((r) => kindOf(r.type)?.history?.protectInProduction)
      .flatMap((r) =>
        report("RULES-21/protection", r, [
          ...(r.options?.protect || (r.type === "aws:kms/key:Key" && !dataKeys.has(r.urn))
            ? []
            : ["is not protected in production"]),
          ...(r.options?.retainOnDelete || context.retainOnDeleteKnown === false
            ? []
            : ["is not retained on delete in production"]),
        ]),
      );
  },
};

const frontDoorAuditKept: AwsRule = {
  id: "front-door/audit-kept",
  why: "The front door's access and WAF logs are the record of who called which model: removing the door, or the stack, must not delete them before their retention ends, nor the key that decrypts them.",
  fix: "Keep the front door's log groups and key retainOnDelete whatever maas:protect says (components/front-door.ts, AUDIT_TRAIL); their retention is maas:frontDoorLogRetentionDays.",
  description:
    "In every stack, each log group is retained on delete, with a retention period, and so is the key that encrypts it.",
  check: (resources, context) => {
    const logGroups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
    const keys = new Set(logGroups.flatMap((group) => group.dependencies));
    return [
      ...logGroups.flatMap((group) =>
        report("front-door/audit-kept", group, [
          ...(group.options?.retainOnDelete || context.retainOnDeleteKnown === false
            ? []
            : ["is not retained on delete: removing the door would delete its logs"]),
          ...(typeof inputsOf(group).retentionInDays === "number"
            ? []
            : ["has no retention period"]),
        ]),
      ),
      ...ofType(resources, "aws:kms/key:Key")
        .filter((key) => keys.has(key.urn))
        .flatMap((key) =>
          report(
            "front-door/audit-kept",
            key,
            key.options?.retainOnDelete || context.retainOnDeleteKnown === false
              ? []
              : ["encrypts logs and is not retained on delete: they could no longer be read"],
          ),
        ),
    ];
  },
};

const HEALTHY_HOSTS_BREACHING = (alarm: PlannedResource) =>
  inputsOf(alarm).metricName === "HealthyHostCount" &&
  inputsOf(alarm).treatMissingData === "breaching";

const usesMetric = (alarm: PlannedResource, metric: string) =>
  JSON.stringify(alarm.inputs).includes(`"metricName":"${metric}"`);

const alarmsSeeAbsence: AwsRule = {
  id: "RULES-28/alarms-see-absence",
  why: "A version with no healthy target reports no data at all, and the load balancer's own 503s appear in no target metric: alarms must count silence and the load balancer's answers.",
  fix: "Keep the no-healthy-hosts alarm per version and the load balancer alarms (components/specs/alarms.ts).",
  description:
    "Every target group has an alarm for having no healthy target that treats missing data as breaching; the load balancer has an alarm on its own 5xx.",
  check: (resources) => {
    const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const loadBalancers = ofType(resources, "aws:lb/loadBalancer:LoadBalancer");
    // Each alarm's inputs as text once, not once per target group (300 of each in a shard).
    const absenceAlarms = alarms
      .filter(HEALTHY_HOSTS_BREACHING)
      .map((alarm) => JSON.stringify(alarm.inputs));
    return [
      ...ofType(resources, "aws:lb/targetGroup:TargetGroup").flatMap((group) => {
        const name = String(inputsOf(group).name);
        const watched = absenceAlarms.some((inputs) => inputs.includes(`targetgroup/${name}/`));
        return report(
          "RULES-28/alarms-see-absence",
          group,
          watched
            ? []
            : [
                "no alarm fires when it has no healthy target (HealthyHostCount, missing data breaching)",
              ],
        );
      }),
      ...loadBalancers.flatMap((lb) =>
        report(
          "RULES-28/alarms-see-absence",
          lb,
          alarms.some((alarm) => usesMetric(alarm, "HTTPCode_ELB_5XX_Count"))
            ? []
            : ["no alarm on the load balancer's own 5xx (HTTPCode_ELB_5XX_Count)"],
        ),
      ),
    ];
  },
};

const internetHttps: AwsRule = {
  id: "ingress/internet-https",
  why: "A load balancer on the internet carrying model requests and answers in clear text leaks them.",
  fix: "Set maas:certificateArn when maas:internetFacing is true (stack config refuses the combination otherwise).",
  description:
    "An internet-facing load balancer serves HTTPS only: its plain-HTTP listeners redirect to HTTPS.",
  check: (resources) =>
    ofType(resources, "aws:lb/loadBalancer:LoadBalancer")
      .filter((lb) => inputsOf(lb).internal === false)
      .flatMap(() =>
        ofType(resources, "aws:lb/listener:Listener")
          // Port 80 is the client port; the readiness listener is open to no client.
          .filter(
            (listener) => inputsOf(listener).protocol === "HTTP" && inputsOf(listener).port === 80,
          )
          .flatMap((listener) =>
            report(
              "ingress/internet-https",
              listener,
              (inputsOf(listener).defaultActions as { type?: string }[] | undefined)?.every(
                (action) => action.type === "redirect",
              )
                ? []
                : ["serves plain HTTP on an internet-facing load balancer; redirect it to HTTPS"],
            ),
          ),
      ),
};

/** What a method asks of a caller beyond its key: nothing, or the problem with what it asks. */
function methodCallerProblems(method: PlannedResource): string[] {
  const inputs = inputsOf(method);
  if (inputs.authorization === "NONE" && inputs.apiKeyRequired !== true)
    return [
      "accepts calls without a signature or an API key (authorization NONE, no key required)",
    ];
  if (inputs.authorization !== "COGNITO_USER_POOLS") return [];
  // Without scopes a Cognito authorizer takes any token of its pools, ID tokens included
  // (CloudFormation, AWS::ApiGateway::Method AuthorizationScopes): every consumer's token would
  // open every model. With another model's scope, that model's callers would open this one.
  const scopes = inputs.authorizationScopes;
  const model = /^front-door-oauth-(.+)-(?:get|post)$/.exec(method.name)?.[1];
  const own = model === undefined ? undefined : modelScope(model);
  return [
    ...(typeof inputs.authorizerId === "string" && inputs.authorizerId !== ""
      ? []
      : ["takes Cognito tokens but names no authorizer"]),
    ...(!Array.isArray(scopes) || scopes.length === 0
      ? [
          "takes any token of the user pool (COGNITO_USER_POOLS without authorizationScopes): every oauth consumer's token would open the model",
        ]
      : own !== undefined && (scopes.length !== 1 || scopes[0] !== own)
        ? [
            `asks for scopes ${scopes.map(String).join(", ")}, not the model's own ${own}: tokens for other models would open it`,
          ]
        : []),
  ];
}

const frontDoorAuthenticated: AwsRule = {
  id: "front-door/authenticated",
  why: "A route of the front door that needs neither a signature, a token nor a key lets anyone who reaches the API call the model, unmetered and unrecorded; a token route without the model's scope lets every oauth consumer's token open it; a SigV4 API whose policy allows every principal lets any AWS account in.",
  fix: "Keep every method AWS_IAM, COGNITO_USER_POOLS with its authorizer and the model's scope, or apiKeyRequired, and the SigV4 API's grants to the consumers' principals (components/front-door-api.ts, components/specs/front-door.ts); callers are granted in models.yaml (consumers:, access:).",
  description:
    "Every API Gateway method requires a caller: SigV4 (authorization AWS_IAM), a Cognito access token with the model's scope (COGNITO_USER_POOLS, an authorizer and authorizationScopes) or an API key (apiKeyRequired); the SigV4 API's resource policy allows named principals only.",
  check: (resources) => {
    const sigv4Apis = ofType(resources, "aws:apigateway/restApi:RestApi")
      .filter((api) => String(inputsOf(api).name).endsWith("_sigv4"))
      .map((api) => api.urn);
    return [
      ...ofType(resources, "aws:apigateway/method:Method").flatMap((method) =>
        report("front-door/authenticated", method, methodCallerProblems(method)),
      ),
      ...ofType(resources, "aws:apigateway/restApiPolicy:RestApiPolicy")
        .filter((policy) => policy.dependencies.some((urn) => sigv4Apis.includes(urn)))
        .flatMap((policy) => {
          const statements = (
            JSON.parse(String(inputsOf(policy).policy)) as {
              Statement: { Effect: string; Principal?: unknown }[];
            }
          ).Statement;
          const open = statements.some(
            (s) =>
              s.Effect === "Allow" &&
              (s.Principal === "*" || JSON.stringify(s.Principal).includes('"*"')),
          );
          return report(
            "front-door/authenticated",
            policy,
            open ? ["allows every principal on the SigV4 API: any AWS account could call"] : [],
          );
        }),
    ];
  },
};

/** What a front-door endpoint's TLS must be: an enhanced policy, which needs an access mode. */
function tlsProblems(resource: PlannedResource): string[] {
  const { securityPolicy, endpointAccessMode } = inputsOf(resource);
  if (typeof securityPolicy !== "string" || !securityPolicy.startsWith("SecurityPolicy_"))
    return [
      `security policy ${typeof securityPolicy === "string" ? securityPolicy : "unset (AWS's default TLS_1_0)"}: not an enhanced SecurityPolicy_ policy`,
    ];
  if (endpointAccessMode !== "STRICT" && endpointAccessMode !== "BASIC")
    return [`security policy ${securityPolicy} without an endpoint access mode`];
  return [];
}

const frontDoorTls: AwsRule = {
  id: "front-door/tls",
  why: "A Regional API or custom domain left at AWS's default security policy (TLS_1_0) accepts TLS 1.0 and CBC suites; a call through the custom domain negotiates the API's policy, so a strict domain does not make a lax API strict.",
  fix: "Keep the APIs' and the domain's securityPolicy an enhanced SecurityPolicy_ policy with an endpoint access mode (components/specs/front-door.ts, FRONT_DOOR_TLS_POLICY; maas:apiEndpointAccessMode).",
  description:
    "Every API Gateway REST API and custom domain name has an enhanced TLS security policy (SecurityPolicy_…) and an endpoint access mode (STRICT or BASIC).",
  check: (resources) =>
    [
      ...ofType(resources, "aws:apigateway/restApi:RestApi"),
      ...ofType(resources, "aws:apigateway/domainName:DomainName"),
    ].flatMap((resource) => report("front-door/tls", resource, tlsProblems(resource))),
};

const frontDoorOnlyWayIn: AwsRule = {
  id: "front-door/only-way-in",
  why: "A load balancer that admits other sources than the front door serves models around its authentication, limits and logs.",
  fix: "With consumers declared, keep maas:internetFacing false and the load balancers' security groups open to the VPC link's group only (components/ingress.ts).",
  description:
    "With a front door (a VPC link), every load balancer is internal and admits only security groups, never address ranges (but the rollouts' pinned listener, to maas:pinnedRouteCidrs, and the ranges maas:keepDirectAccess keeps while callers move, of which every review warns).",
  check: (resources) => {
    if (ofType(resources, "aws:apigatewayv2/vpcLink:VpcLink").length === 0) return [];
    return [
      ...ofType(resources, "aws:lb/loadBalancer:LoadBalancer").flatMap((lb) =>
        report(
          "front-door/only-way-in",
          lb,
          inputsOf(lb).internal === true
            ? []
            : ["is internet-facing: callers could reach it without the front door"],
        ),
      ),
      ...ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").flatMap(
        (rule) => {
          const inputs = inputsOf(rule);
          const range = [inputs.cidrIpv4, inputs.cidrIpv6, inputs.prefixListId].find(
            (value): value is string => typeof value === "string",
          );
          // The pinned listener serves only versions being rolled out, to their pre-traffic
          // checks' runners (maas:pinnedRouteCidrs): never a model's clients.
          const pinnedOnly =
            inputs.fromPort === PINNED_LISTENER_PORT && inputs.toPort === PINNED_LISTENER_PORT;
          // Kept on purpose while callers move (maas:keepDirectAccess): the review warns of them.
          const keptWhileMoving = inputs.tags?.[DIRECT_ACCESS_TAG.key] === DIRECT_ACCESS_TAG.value;
          return report(
            "front-door/only-way-in",
            rule,
            range === undefined || pinnedOnly || keptWhileMoving
              ? []
              : [
                  `admits ${range} directly: only the front door's security group may reach a load balancer`,
                ],
          );
        },
      ),
    ];
  },
};

export const AWS_RULES: AwsRule[] = [
  s3,
  dynamodb,
  ecr,
  alarms,
  sns,
  iam,
  protection,
  alarmsSeeAbsence,
  secretOutputs,
  internetHttps,
  frontDoorAuthenticated,
  frontDoorTls,
  frontDoorOnlyWayIn,
  frontDoorAuditKept,
];

export function checkAwsResources(resources: PlannedResource[], context: RuleContext): Violation[] {
  return AWS_RULES.flatMap((rule) => rule.check(resources, context));
}
