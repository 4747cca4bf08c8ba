/**
 * The schema of the stack's `maas:` (and `aws:region`) config keys: what each allows, with
 * messages that say so. settings.ts reads the keys and turns them into StackSettings.
 */
import { z } from "zod";
import { partitionOf, STACK_NAME, SUPPORTED_PARTITIONS } from "../catalogue/names";
import { defineRules } from "../catalogue/rule";
import type { RuleDoc } from "../catalogue/rule";
import { SHARD_NAME } from "../catalogue/schema";

const CIDR =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:[0-9]|[12][0-9]|3[0-2])$/;
/**
 * A Kubernetes label key: an optional DNS-subdomain prefix (at most 253) and `/`, then a name of
 * at most 63 (apimachinery validation.IsQualifiedName); a value is at most 63, empty or
 * alphanumeric at both ends (IsValidLabelValue).
 */
const LABEL_KEY =
  /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=[^/]{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:(?=.{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_KEY_TEXT =
  "must be a Kubernetes label key: an optional DNS prefix of at most 253 characters and /, then at most 63 letters, digits, - _ . starting and ending with a letter or digit";
/** A DNS name as API Gateway takes a custom domain: lowercase labels, at most 253 characters. */
const DNS_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/\S+$/;
/** `arn:<partition>:acm:<region>:<account>:certificate/<id>`, its partition and region captured. */
const CERTIFICATE_ARN = /^arn:(aws[a-z-]*):acm:([a-z0-9-]+):[0-9]{12}:certificate\/\S+$/;
const CERTIFICATE_ARN_TEXT =
  "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)";
/**
 * A region the stack may deploy to: rules between keys that compare with it hold for any other,
 * which aws:region reports alone.
 */
function deployableRegion(region: unknown): region is string {
  return (
    typeof region === "string" &&
    (SUPPORTED_PARTITIONS as readonly string[]).includes(partitionOf(region))
  );
}
/** "must be a list of …; got a map", or "is required: …" when the key is missing. */
function shaped(what: string, required?: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined && required
      ? `is required: ${required}`
      : `must be ${what}; got ${Array.isArray(issue.input) ? "a list" : typeof issue.input === "object" && issue.input !== null ? "a map" : JSON.stringify(issue.input)}`;
}

/**
 * The retention periods CloudWatch Logs accepts (@pulumi/aws cloudwatch/logGroup.d.ts,
 * retentionInDays); not 0 (never expire): the logs' key would then have to live forever.
 */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const BOOLEAN = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true");

/**
 * Keys read as secrets, outside the schema (their values stay Outputs), with what they mean: the
 * schema sees only whether one is set (`hasKubeconfig`). docs/setup.md lists them too.
 */
export const SECRET_KEYS = {
  "maas:kubeconfig":
    "Kubeconfig content, a secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml (instead of maas:kubeContext).",
} as const;

/**
 * Every key with what it allows and, in `describe()`, what it means: the stack configuration table
 * of docs/setup.md is generated from these (`npm run docs`).
 */
export const settingsShape = {
  "aws:region": z
    .string({ error: "is required: the AWS region of the stack, e.g. eu-west-1" })
    .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, {
      error: "must be an AWS region such as eu-west-1",
    })
    // Every ARN the stack writes names its partition; only partitions whose service principals
    // and endpoints are *.amazonaws.com are deployed to (names.ts, partitionOf).
    .refine((region) => (SUPPORTED_PARTITIONS as readonly string[]).includes(partitionOf(region)), {
      error: (issue) =>
        `is in the ${partitionOf(String(issue.input))} partition, whose service principals and endpoints maas does not write (amazonaws.com.cn, or an isolated region's own): use a region of the ${SUPPORTED_PARTITIONS.join(" or ")} partition`,
    })
    .describe(
      `The region of every AWS resource (of the ${SUPPORTED_PARTITIONS.join(" or ")} partition).`,
    ),
  "maas:environment": z
    .string({
      error: "is required: the overlay under environments: in the catalogue this stack deploys",
    })
    .min(1, {
      error:
        "must not be empty: name the overlay under environments: in the catalogue this stack deploys",
    })
    .describe("The overlay under environments: in the catalogue this stack deploys."),
  "maas:catalogue": z
    .string()
    .min(1)
    .default("models.yaml")
    .describe("The catalogue file, relative to the project directory."),
  "maas:kubeContext": z
    .string()
    .min(1)
    .optional()
    .describe("A context of your local kubeconfig, named explicitly (instead of maas:kubeconfig)."),
  hasKubeconfig: z.boolean(),
  "maas:vpcCidr": z
    .string({ error: "is required: the VPC CIDR the load balancer sends from, e.g. 10.0.0.0/16" })
    .regex(CIDR, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" })
    .describe(
      "The VPC CIDR the load balancer reaches pods from (NetworkPolicy ingress), such as 10.0.0.0/16.",
    ),
  "maas:podIngressCidrs": z
    .array(z.string().regex(CIDR, { error: "must be an IPv4 CIDR" }), {
      error: shaped("a list of IPv4 CIDRs"),
    })
    .min(1)
    .optional()
    .describe(
      "Who may reach the model servers' port on the pods (NetworkPolicy ingress). Without it: with a front door, the load balancers' subnets (maas:subnetIds' CIDRs), so nothing else in the VPC calls pods around it; without one, maas:vpcCidr. With a front door, a CIDR that holds the whole VPC is refused.",
    ),
  "maas:gpuNodeSelector": z
    .record(
      z.string().regex(LABEL_KEY, { error: LABEL_KEY_TEXT }),
      z.string({ error: "must be a label value (text)" }).regex(LABEL_VALUE, {
        error:
          "must be a Kubernetes label value: at most 63 letters, digits, - _ ., starting and ending with a letter or digit (or empty)",
      }),
      {
        // A key that is not a label key says so, not that the map is wrong.
        error: (issue) =>
          issue.code === "invalid_key"
            ? LABEL_KEY_TEXT
            : shaped("a map of node label -> value")(issue),
      },
    )
    .default({ "nvidia.com/gpu.present": "true" })
    .describe("Node labels of the GPU nodes (a map); GPU models' pods are scheduled there."),
  "maas:protect": BOOLEAN.default(false).describe(
    "true for production: protect and retain the key, bucket and table, table deletion protection, production checks.",
  ),
  "maas:identity": z
    .enum(["irsa", "pod-identity"], { error: "must be irsa or pod-identity" })
    .default("irsa")
    .describe(
      "How pods get AWS credentials: irsa (IAM roles for service accounts) or pod-identity (EKS Pod Identity).",
    ),
  "maas:oidcProviderArn": z
    .string()
    .regex(OIDC_PROVIDER_ARN, {
      error:
        "must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>)",
    })
    .optional()
    .describe(
      "The cluster's IAM OIDC provider ARN (with irsa; with pod-identity too, the roles also trust IRSA: the first step of a switch).",
    ),
  "maas:clusterName": z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "The EKS cluster name (with pod-identity; with irsa too, the roles also trust Pod Identity: the first step of a switch).",
    ),
  "maas:imageRetention": z.coerce
    .number({ error: "must be a whole number" })
    .int()
    .min(1)
    .max(1000)
    .default(20)
    .describe("How many image builds each ECR repository keeps."),
  "maas:buildPlatform": z
    .enum(["linux/amd64", "linux/arm64"], { error: "must be linux/amd64 or linux/arm64" })
    .default("linux/amd64")
    .describe("The platform model images are built for."),
  "maas:vpcId": z
    .string({
      error:
        "is required: the VPC of the load balancer and target groups, e.g. vpc-0abc123def4567890",
    })
    .regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC ID such as vpc-0abc123def4567890" })
    .describe("The VPC of the load balancer and target groups."),
  "maas:subnetIds": z
    .array(
      z.string().regex(/^subnet-[0-9a-f]{8,17}$/, {
        error: "must be a subnet ID such as subnet-0abc123def4567890",
      }),
      {
        error: shaped(
          "a list of subnet IDs",
          "a list of at least two subnet IDs in different zones, for the load balancer",
        ),
      },
    )
    .min(2, { error: "needs at least two subnets in different availability zones" })
    .refine((ids) => new Set(ids).size === ids.length, {
      error: (issue) =>
        `lists ${(issue.input as string[]).filter((id, index, ids) => ids.indexOf(id) !== index).join(", ")} more than once: list each subnet once (a load balancer needs two in different availability zones)`,
    })
    .describe("At least two subnets in different zones, for the load balancer (a list)."),
  "maas:certificateArn": z
    .string()
    .regex(CERTIFICATE_ARN, { error: CERTIFICATE_ARN_TEXT })
    .optional()
    .describe(
      "An ACM certificate: HTTPS on 443 and HTTP redirected; without it, plain HTTP on 80 (dev).",
    ),
  "maas:apiDomain": z
    .string()
    .regex(DNS_NAME, {
      error: "must be a lowercase DNS name such as api.models.example.com (no wildcard)",
    })
    .optional()
    .describe(
      "The front door's custom domain, such as api.models.example.com (a Regional API Gateway custom domain, with maas:apiCertificateArn): each consumer's stable URL is https://<domain>/<consumer>, whichever API serves it. Needs consumers in the catalogue; the DNS record is yours unless maas:apiHostedZoneId names a Route 53 zone.",
    ),
  "maas:apiCertificateArn": z
    .string()
    .regex(CERTIFICATE_ARN, { error: CERTIFICATE_ARN_TEXT })
    .optional()
    .describe(
      "The ACM certificate of maas:apiDomain, issued and in the stack's region (aws:region): a Regional custom domain takes a certificate of its own region.",
    ),
  "maas:apiHostedZoneId": z
    .string()
    .regex(/^Z[0-9A-Z]{1,31}$/, {
      error: "must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ",
    })
    .optional()
    .describe(
      "A Route 53 public hosted zone that holds maas:apiDomain: the stack writes the domain's alias record there. Without it, create the record yourself (stack output apiDomain).",
    ),
  "maas:disableExecuteApiEndpoint": BOOLEAN.default(false).describe(
    "true: the front door's execute-api URLs answer 403, so callers reach it only through maas:apiDomain. A second step, once every caller uses the stable URLs: it cuts callers of the old ones.",
  ),
  "maas:apiEndpointAccessMode": z
    .enum(["STRICT", "BASIC"], { error: "must be STRICT or BASIC" })
    .default("STRICT")
    .describe(
      "How the front door's APIs check where a request came in (API Gateway's endpoint access mode, with their TLS security policy SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09): STRICT (AWS's advice) refuses a request whose TLS SNI does not name the host it calls or that comes through another endpoint type; BASIC does not. BASIC first when moving an API deployed before this setting, then STRICT once its access logs' tlsVersion show its callers.",
    ),
  "maas:internetFacing": BOOLEAN.default(false).describe(
    "true for an internet-facing load balancer; false for an internal one.",
  ),
  "maas:ingressCidrs": z
    .array(z.string().regex(CIDR, { error: "must be an IPv4 CIDR" }), {
      error: shaped("a list of IPv4 CIDRs"),
    })
    .min(1)
    .optional()
    .describe("Who may reach the load balancer (a list of CIDRs); without it, maas:vpcCidr."),
  "maas:keepDirectAccess": BOOLEAN.default(false).describe(
    "With a front door, true keeps the load balancers admitting maas:ingressCidrs (else maas:vpcCidr) beside the door, while callers move between the load balancers' addresses and their consumers' URLs (adopting or removing the door); every review warns while it is on. Drop it once they have moved.",
  ),
  "maas:frontDoorLogRetentionDays": z.coerce
    .number()
    .int()
    .refine((days) => LOG_RETENTION_DAYS.includes(days), {
      error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(365)
    .describe(
      "Days the front door's access and WAF logs are kept (a CloudWatch Logs retention period). They outlive the door and the stack: removing either leaves the log groups and their key in the account until then.",
    ),
  "maas:pinnedRouteCidrs": z
    .array(z.string().regex(CIDR, { error: "must be an IPv4 CIDR" }), {
      error: shaped("a list of IPv4 CIDRs"),
    })
    .min(1)
    .optional()
    .describe(
      "Who may call the pinned routes of rollouts (port 9443 of the load balancers), where a version being rolled out answers at 0 %: the smoke-test runners inside the VPC (a list of CIDRs). Without it nothing reaches them, and a rollout policy's preTraffic check cannot run.",
    ),
  "maas:routing": z
    .enum(["path", "host"], { error: "must be path or host" })
    .default("path")
    .describe("path (/models/<model>/) or host (<model>.<maas:hostDomain>)."),
  "maas:hostDomain": z
    .string()
    .regex(/^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
      error: "must be a DNS domain such as models.example.com",
    })
    .optional()
    .describe("The domain of host routing, such as models.example.com."),
  "maas:apiTimeoutQuotaSeconds": z.coerce
    .number({ error: "must be a whole number of seconds from 29 to 300" })
    .int({ error: "must be a whole number of seconds from 29 to 300" })
    .min(29, { error: "must be a whole number of seconds from 29 to 300" })
    .max(300, { error: "must be a whole number of seconds from 29 to 300" })
    .default(29)
    .describe(
      "How long the account's API Gateway quota lets a buffered integration take in this region, in seconds: 29 unless AWS raised it (at most 300). A model's buffered api.timeout above it is refused; streaming needs no quota.",
    ),
  "maas:accessLogsBucket": z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" })
    .optional()
    .describe("An existing S3 bucket for the load balancers' access logs."),
  "maas:alarmEmails": z
    .array(z.email({ error: "must be an email address" }), {
      error: shaped("a list of email addresses"),
    })
    .default([])
    .describe("Addresses the alarm topic mails (a list; each confirms its subscription)."),
  "maas:alarmPeriodSeconds": z.coerce
    .number()
    .int()
    .refine((period) => period === 10 || period === 30 || (period >= 60 && period % 60 === 0), {
      error: "must be 10, 30 or a multiple of 60",
    })
    .default(60)
    .describe("The length of one alarm period in seconds: 10, 30 or a multiple of 60."),
  "maas:alarmEvaluationPeriods": z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe("N: how many periods an alarm looks at."),
  "maas:alarmDatapoints": z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe("M: how many of those N periods must breach for an alarm."),
  "maas:shards": z
    .array(
      z.string().regex(SHARD_NAME, {
        error: "must be a shard name: lowercase letters, digits and dashes, starting with a letter",
      }),
      { error: shaped("a list of shard names") },
    )
    .min(1, { error: "needs at least one shard name" })
    .optional()
    .describe(
      "Makes the stack the base of a split catalogue: the shards that have a stack (a list); without it or maas:shard, one stack deploys every model.",
    ),
  "maas:shard": z
    .string()
    .regex(SHARD_NAME, {
      error: "must be a shard name: lowercase letters, digits and dashes, starting with a letter",
    })
    .optional()
    .describe(
      "Makes the stack a shard: the shard of the catalogue it deploys (with maas:baseStack).",
    ),
  "maas:baseStack": z
    .string()
    .regex(STACK_NAME, { error: "must be the name of a stack of this project, such as prod" })
    .optional()
    .describe("A shard's base stack: the stack of this project that sets maas:shards."),
};

type Settings = z.output<z.ZodObject<typeof settingsShape>>;

/** A rule between keys: its doc (RuleDoc), the key it blames, what it says, and when it holds. */
interface CrossKeyRule extends Omit<RuleDoc, "id"> {
  path: string;
  message: string;
  holds: (settings: Settings) => boolean;
}

/**
 * Rules between keys, each `stack-config/<slug>` in docs/rules.md and in what it reports. They
 * run even when single keys are wrong (`when`), so one run reports every problem of the stack file.
 */
export const CROSS_KEY_RULES = defineRules("stack-config", {
  "kube-access": {
    description:
      "Exactly one of `maas:kubeconfig` (a secret) and `maas:kubeContext` says how the stack reaches its cluster.",
    why: "With neither the program has no cluster to deploy to; with both, which cluster it deploys to would depend on which one wins.",
    fix: "Set the kubeconfig as a secret (`pulumi config set --secret maas:kubeconfig < kubeconfig.yaml`) or name a context of your local kubeconfig, and remove the other.",
    path: "maas:kubeconfig",
    message:
      "set exactly one of maas:kubeconfig (secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml) or maas:kubeContext (a context of your local kubeconfig)",
    holds: (settings) => settings.hasKubeconfig !== (settings["maas:kubeContext"] !== undefined),
  },
  "irsa-oidc-provider": {
    description: "`maas:identity: irsa` comes with `maas:oidcProviderArn`.",
    why: "IRSA roles trust the cluster's IAM OIDC provider: without its ARN no model's role could be assumed by its pods.",
    fix: "Set `maas:oidcProviderArn` to the cluster's IAM OIDC provider ARN (`aws eks describe-cluster` gives its issuer), or use `maas:identity: pod-identity`.",
    path: "maas:oidcProviderArn",
    message: "is required with maas:identity irsa: the cluster's IAM OIDC provider ARN",
    holds: (settings) => settings["maas:identity"] !== "irsa" || !!settings["maas:oidcProviderArn"],
  },
  "pod-identity-cluster": {
    description: "`maas:identity: pod-identity` comes with `maas:clusterName`.",
    why: "A Pod Identity association names its EKS cluster: without the name none can be created.",
    fix: "Set `maas:clusterName` to the EKS cluster's name.",
    path: "maas:clusterName",
    message: "is required with maas:identity pod-identity: the EKS cluster name",
    holds: (settings) =>
      settings["maas:identity"] !== "pod-identity" || !!settings["maas:clusterName"],
  },
  "host-routing-domain": {
    description: "`maas:routing: host` comes with `maas:hostDomain`.",
    why: "Host routing serves each model at `<model>.<hostDomain>`: without the domain there is no host to route by.",
    fix: "Set `maas:hostDomain`, or use path routing.",
    path: "maas:hostDomain",
    message: "is required with maas:routing host: models are served at <model>.<hostDomain>",
    holds: (settings) => settings["maas:routing"] !== "host" || !!settings["maas:hostDomain"],
  },
  "internet-facing-https": {
    description:
      "An internet-facing load balancer (`maas:internetFacing`) has a certificate (`maas:certificateArn`).",
    why: "A load balancer on the internet serves HTTPS only: plain HTTP would carry every request and answer in clear text.",
    fix: "Set `maas:certificateArn` to an issued ACM certificate of the stack's region, or keep the load balancer internal.",
    path: "maas:internetFacing",
    message:
      "needs maas:certificateArn: a load balancer on the internet serves HTTPS only (plain HTTP would carry every request and answer in clear text)",
    holds: (settings) => !settings["maas:internetFacing"] || !!settings["maas:certificateArn"],
  },
  "api-domain-certificate": {
    description: "`maas:apiDomain` comes with `maas:apiCertificateArn`.",
    why: "A custom domain of the front door is served with an ACM certificate for that name; API Gateway cannot create the domain without one.",
    fix: "Set `maas:apiCertificateArn` to an issued ACM certificate for the domain, in the stack's region.",
    path: "maas:apiCertificateArn",
    message:
      "is required with maas:apiDomain: an issued ACM certificate for that name, in the stack's region",
    holds: (settings) => !settings["maas:apiDomain"] || !!settings["maas:apiCertificateArn"],
  },
  "api-certificate-domain": {
    description: "`maas:apiCertificateArn` comes with `maas:apiDomain`.",
    why: "A certificate without a domain would be ignored: the front door would be reached only at its execute-api endpoint, which is likely not what was meant.",
    fix: "Set `maas:apiDomain` to the name the certificate is for, or remove the certificate.",
    path: "maas:apiDomain",
    message: "is required with maas:apiCertificateArn: the custom domain the certificate is for",
    holds: (settings) => !settings["maas:apiCertificateArn"] || !!settings["maas:apiDomain"],
  },
  "api-certificate-region": {
    description: "`maas:apiCertificateArn` is a certificate of the stack's region and partition.",
    why: 'A Regional custom domain takes an ACM certificate of its own region (API Gateway developer guide, "Set up a Regional custom domain name"); another region\'s fails `pulumi up` at the domain.',
    fix: "Request or import the certificate in the stack's region (`aws:region`) and give its ARN.",
    // API Gateway guide, "Set up a Regional custom domain name": "You must provide a
    // Region-specific ACM certificate. This certificate must be in the same Region as your API."
    path: "maas:apiCertificateArn",
    message:
      'must be a certificate in the stack\'s region (aws:region) and partition: a Regional custom domain takes an ACM certificate of its own region (API Gateway developer guide, "Set up a Regional custom domain name")',
    holds: (settings) => {
      const match = CERTIFICATE_ARN.exec(settings["maas:apiCertificateArn"] ?? "");
      // A missing or malformed ARN or region is reported by its own key alone.
      return (
        match === null ||
        !deployableRegion(settings["aws:region"]) ||
        (match[2] === settings["aws:region"] && match[1] === partitionOf(settings["aws:region"]))
      );
    },
  },
  "hosted-zone-domain": {
    description: "`maas:apiHostedZoneId` comes with `maas:apiDomain`.",
    why: "The zone would hold the domain's alias record: without a domain there is nothing to write in it.",
    fix: "Set `maas:apiDomain`, or remove `maas:apiHostedZoneId`.",
    path: "maas:apiHostedZoneId",
    message: "needs maas:apiDomain: the zone would hold that domain's alias record",
    holds: (settings) => !settings["maas:apiHostedZoneId"] || !!settings["maas:apiDomain"],
  },
  "execute-api-endpoint-domain": {
    description: "`maas:disableExecuteApiEndpoint` comes with `maas:apiDomain`.",
    why: "With the execute-api endpoint off, callers reach the front door through the custom domain only: without one, nothing could reach it.",
    fix: "Set `maas:apiDomain` (with its certificate), or keep the execute-api endpoint.",
    path: "maas:disableExecuteApiEndpoint",
    message:
      "needs maas:apiDomain: with the execute-api endpoint off, callers reach the front door through the custom domain only",
    holds: (settings) =>
      !settings["maas:disableExecuteApiEndpoint"] || !!settings["maas:apiDomain"],
  },
  "base-or-shard": {
    description:
      "A stack is either the base of a split catalogue (`maas:shards`) or one of its shards (`maas:shard`), not both.",
    why: "A base stack holds what every shard shares (registry, load balancers, alarm topic); a shard reads them from its base: one stack cannot do both.",
    fix: "Remove `maas:shard` from the base stack, or `maas:shards` from the shard stack.",
    path: "maas:shard",
    message:
      "cannot be set with maas:shards: a stack is either the base of a split catalogue (maas:shards) or one of its shards (maas:shard with maas:baseStack)",
    holds: (settings) => !(settings["maas:shards"] && settings["maas:shard"]),
  },
  "shard-base-stack": {
    description: "`maas:shard` comes with `maas:baseStack`.",
    why: "A shard uses its base stack's registry, load balancers and alarm topic: without the base it has nothing to deploy onto.",
    fix: "Set `maas:baseStack` to the stack of this project that sets `maas:shards`.",
    path: "maas:baseStack",
    message:
      "is required with maas:shard: the stack of this project whose registry, load balancers and alarm topic the shard uses (it sets maas:shards)",
    holds: (settings) => !settings["maas:shard"] || !!settings["maas:baseStack"],
  },
  "base-stack-shard": {
    description: "`maas:baseStack` comes with `maas:shard`.",
    why: "A stack that names a base but no shard would not know which part of the catalogue to deploy.",
    fix: "Set `maas:shard` to one of the base stack's `maas:shards`.",
    path: "maas:shard",
    message: "is required with maas:baseStack: which shard of the catalogue this stack deploys",
    holds: (settings) => !settings["maas:baseStack"] || !!settings["maas:shard"],
  },
  "certificate-region": {
    description: "`maas:certificateArn` is a certificate of the stack's region and partition.",
    why: "A load balancer's listener takes an ACM certificate of its own region only (ACM is regional); another region's fails `pulumi up` at the listener.",
    fix: "Request or import the certificate in the stack's region (`aws:region`) and give its ARN.",
    // A load balancer's listener takes certificates of its own region only (ACM is regional).
    path: "maas:certificateArn",
    message:
      "must be a certificate of the stack's region (aws:region) and partition: a load balancer's listener takes an ACM certificate of its own region only; request or import the certificate in that region",
    holds: (settings) => {
      const match = CERTIFICATE_ARN.exec(settings["maas:certificateArn"] ?? "");
      return (
        !match ||
        !deployableRegion(settings["aws:region"]) ||
        (match[2] === settings["aws:region"] && match[1] === partitionOf(settings["aws:region"]))
      );
    },
  },
  "oidc-provider-partition": {
    description:
      "`maas:oidcProviderArn` is in the stack's partition (`arn:aws:` for most regions, `arn:aws-us-gov:` for GovCloud).",
    why: "The models' roles trust the provider: a role cannot trust a provider of another partition, so no pod could assume it.",
    fix: "Give the ARN of the cluster's OIDC provider, in the stack's region's partition.",
    path: "maas:oidcProviderArn",
    message:
      "must be in the stack's partition (aws:region's: arn:aws: for most regions, arn:aws-us-gov: for GovCloud): the roles trust it",
    holds: (settings) => {
      const partition = /^arn:([^:]+):/.exec(settings["maas:oidcProviderArn"] ?? "")?.[1];
      return (
        partition === undefined ||
        !deployableRegion(settings["aws:region"]) ||
        partition === partitionOf(settings["aws:region"])
      );
    },
  },
  "alarm-datapoints": {
    description:
      "`maas:alarmDatapoints` does not exceed `maas:alarmEvaluationPeriods` (M out of N datapoints).",
    why: "CloudWatch refuses an alarm that needs more breaching datapoints than it evaluates.",
    fix: "Lower `maas:alarmDatapoints` or raise `maas:alarmEvaluationPeriods`.",
    path: "maas:alarmDatapoints",
    message: "must not exceed maas:alarmEvaluationPeriods (M out of N datapoints)",
    holds: (settings) =>
      !(settings["maas:alarmDatapoints"] > settings["maas:alarmEvaluationPeriods"]),
  },
  "alarm-window": {
    description:
      "`maas:alarmEvaluationPeriods` times `maas:alarmPeriodSeconds` stays within CloudWatch's limit: a day for periods under an hour, a week otherwise.",
    why: "CloudWatch's PutMetricAlarm refuses a longer window: every alarm's create or update would fail.",
    fix: "Take fewer evaluation periods, or shorter ones.",
    // CloudWatch's PutMetricAlarm: Period x EvaluationPeriods at most 86,400 s (a day) for periods
    // under an hour, 604,800 s (a week) otherwise; beyond, every alarm's create or update fails.
    path: "maas:alarmEvaluationPeriods",
    message:
      "times maas:alarmPeriodSeconds must not exceed CloudWatch's limit: 86,400 seconds (a day) for periods under an hour, 604,800 (a week) for longer ones",
    // Written as "not over": a value that is not a number is reported by its own key alone.
    holds: (settings) =>
      !(
        settings["maas:alarmPeriodSeconds"] * settings["maas:alarmEvaluationPeriods"] >
        (settings["maas:alarmPeriodSeconds"] < 3600 ? 86_400 : 604_800)
      ),
  },
} satisfies Record<string, CrossKeyRule>);

export const SettingsSchema = Object.values(CROSS_KEY_RULES).reduce(
  (schema, rule) =>
    schema.refine(rule.holds, {
      path: [rule.path],
      message: rule.message,
      params: { rule: rule.id },
      when: () => true,
    }),
  z.object(settingsShape),
);
