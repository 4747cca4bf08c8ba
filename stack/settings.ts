/**
 * Stack settings: the keys of Pulumi.<stack>.yaml, read once (index.ts, and the offline plan
 * with the same function), validated with zod, and handed to deploy() as plain typed values.
 * Components never read config themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { IdentityBinding } from "../components/model-identity";

const CIDR =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:[0-9]|[12][0-9]|3[0-2])$/;
const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/\S+$/;
const BOOLEAN = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true");

const settingsShape = {
  "aws:region": z
    .string({ error: "is required: the AWS region of the stack, e.g. eu-west-1" })
    .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, {
      error: "must be an AWS region such as eu-west-1",
    }),
  "maas:environment": z
    .string({
      error: "is required: the overlay under environments: in the catalogue this stack deploys",
    })
    .min(1),
  "maas:catalogue": z.string().min(1).default("models.yaml"),
  "maas:kubeContext": z.string().min(1).optional(),
  hasKubeconfig: z.boolean(),
  "maas:vpcCidr": z
    .string({ error: "is required: the VPC CIDR the load balancer sends from, e.g. 10.0.0.0/16" })
    .regex(CIDR, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" }),
  "maas:gpuNodeSelector": z
    .record(z.string().regex(LABEL_KEY, { error: "must be a Kubernetes label key" }), z.string())
    .default({ "nvidia.com/gpu.present": "true" }),
  "maas:protect": BOOLEAN.default(false),
  "maas:identity": z
    .enum(["irsa", "pod-identity"], { error: "must be irsa or pod-identity" })
    .default("irsa"),
  "maas:oidcProviderArn": z
    .string()
    .regex(OIDC_PROVIDER_ARN, {
      error:
        "must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>)",
    })
    .optional(),
  "maas:clusterName": z.string().min(1).max(100).optional(),
  "maas:imageRetention": z.coerce
    .number({ error: "must be a whole number" })
    .int()
    .min(1)
    .max(1000)
    .default(20),
  "maas:buildPlatform": z
    .enum(["linux/amd64", "linux/arm64"], { error: "must be linux/amd64 or linux/arm64" })
    .default("linux/amd64"),
  "maas:vpcId": z
    .string({
      error:
        "is required: the VPC of the load balancer and target groups, e.g. vpc-0abc123def4567890",
    })
    .regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC ID such as vpc-0abc123def4567890" }),
  "maas:subnetIds": z
    .array(
      z.string().regex(/^subnet-[0-9a-f]{8,17}$/, {
        error: "must be a subnet ID such as subnet-0abc123def4567890",
      }),
      {
        error:
          "is required: a list of at least two subnet IDs in different zones, for the load balancer",
      },
    )
    .min(2, { error: "needs at least two subnets in different availability zones" }),
  "maas:certificateArn": z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/\S+$/, {
      error: "must be an ACM certificate ARN",
    })
    .optional(),
  "maas:internetFacing": BOOLEAN.default(false),
  "maas:ingressCidrs": z
    .array(z.string().regex(CIDR, { error: "must be an IPv4 CIDR" }))
    .min(1)
    .optional(),
  "maas:routing": z.enum(["path", "host"], { error: "must be path or host" }).default("path"),
  "maas:hostDomain": z
    .string()
    .regex(/^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
      error: "must be a DNS domain such as models.example.com",
    })
    .optional(),
  "maas:accessLogsBucket": z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" })
    .optional(),
  "maas:alarmEmails": z.array(z.email({ error: "must be an email address" })).default([]),
  "maas:alarmPeriodSeconds": z.coerce
    .number()
    .int()
    .refine((period) => period === 10 || period === 30 || (period >= 60 && period % 60 === 0), {
      error: "must be 10, 30 or a multiple of 60",
    })
    .default(60),
  "maas:alarmEvaluationPeriods": z.coerce.number().int().min(1).max(100).default(5),
  "maas:alarmDatapoints": z.coerce.number().int().min(1).max(100).default(3),
};

const SettingsSchema = z.object(settingsShape).superRefine((settings, context) => {
  if (settings.hasKubeconfig === (settings["maas:kubeContext"] !== undefined)) {
    context.addIssue({
      code: "custom",
      path: ["maas:kubeconfig"],
      message:
        "set exactly one of maas:kubeconfig (secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml) or maas:kubeContext (a context of your local kubeconfig)",
    });
  }
  if (settings["maas:identity"] === "irsa" && !settings["maas:oidcProviderArn"]) {
    context.addIssue({
      code: "custom",
      path: ["maas:oidcProviderArn"],
      message: "is required with maas:identity irsa: the cluster's IAM OIDC provider ARN",
    });
  }
  if (settings["maas:routing"] === "host" && !settings["maas:hostDomain"]) {
    context.addIssue({
      code: "custom",
      path: ["maas:hostDomain"],
      message: "is required with maas:routing host: models are served at <model>.<hostDomain>",
    });
  }
  if (settings["maas:alarmDatapoints"] > settings["maas:alarmEvaluationPeriods"]) {
    context.addIssue({
      code: "custom",
      path: ["maas:alarmDatapoints"],
      message: "must not exceed maas:alarmEvaluationPeriods (M out of N datapoints)",
    });
  }
  if (settings["maas:identity"] === "pod-identity" && !settings["maas:clusterName"]) {
    context.addIssue({
      code: "custom",
      path: ["maas:clusterName"],
      message: "is required with maas:identity pod-identity: the EKS cluster name",
    });
  }
});

export interface StackSettings {
  project: string;
  stack: string;
  region: string;
  /** Overlay of the catalogue this stack deploys. */
  environment: string;
  /** Catalogue file, relative to the project directory. */
  catalogue: string;
  /** Protect stateful resources from deletion (prod). */
  protect: boolean;
  kubernetes: {
    /** Kubeconfig content from the stack's secret config. */
    kubeconfig?: pulumi.Output<string>;
    /** A context of the local kubeconfig, chosen explicitly. */
    context?: string;
  };
  identity: IdentityBinding;
  network: {
    /** VPC CIDR: the load balancer reaches pods from there. */
    vpcCidr: string;
  };
  gpu: { nodeSelector: Record<string, string> };
  images: { keep: number; platform: "linux/amd64" | "linux/arm64" };
  ingress: {
    vpcId: string;
    subnetIds: string[];
    /** HTTPS with this ACM certificate (and HTTP redirected); plain HTTP without one. */
    certificateArn?: string;
    internetFacing: boolean;
    /** Who may reach the load balancer (default: the VPC). */
    allowedCidrs: string[];
    routing: { mode: "path" } | { mode: "host"; domain: string };
    accessLogsBucket?: string;
  };
  alarms: {
    emails: string[];
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
  };
}

/** Raised for config problems: one line per key, naming the stack file. */
export class SettingsError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(`stack configuration is invalid:\n${problems.join("\n")}`);
  }
}

/** Reads config values by full key (`maas:environment`); objects are JSON strings, as Pulumi stores them. */
export interface ConfigSource {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
}

/** Keys whose values are YAML maps or lists in the stack file (JSON strings in Pulumi's config). */
const OBJECT_KEYS = [
  "maas:gpuNodeSelector",
  "maas:subnetIds",
  "maas:ingressCidrs",
  "maas:alarmEmails",
];

export function readSettings(source: ConfigSource, project: string, stack: string): StackSettings {
  const file = `Pulumi.${stack}.yaml`;
  const problems: string[] = [];
  const kubeconfig = source.getSecret("maas:kubeconfig");
  const raw: Record<string, unknown> = { hasKubeconfig: kubeconfig !== undefined };
  for (const key of Object.keys(settingsShape)) {
    if (key === "hasKubeconfig") continue;
    const text = source.get(key);
    if (text === undefined) continue;
    if (!OBJECT_KEYS.includes(key)) {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text) as unknown;
    } catch {
      problems.push(`${file}: ${key}: must be a map`);
    }
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const got = raw[key];
      const suffix =
        typeof got === "string" && issue.path.length === 1 ? `; got ${JSON.stringify(got)}` : "";
      problems.push(`${file}: ${issue.path.join(".")}: ${issue.message}${suffix}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new SettingsError(problems);
  const s = parsed.data;
  return {
    project,
    stack,
    region: s["aws:region"],
    environment: s["maas:environment"],
    catalogue: s["maas:catalogue"],
    protect: s["maas:protect"],
    kubernetes: kubeconfig ? { kubeconfig } : { context: s["maas:kubeContext"]! },
    identity:
      s["maas:identity"] === "irsa"
        ? { mode: "irsa", oidcProviderArn: s["maas:oidcProviderArn"]! }
        : { mode: "pod-identity", clusterName: s["maas:clusterName"]! },
    network: { vpcCidr: s["maas:vpcCidr"] },
    gpu: { nodeSelector: s["maas:gpuNodeSelector"] },
    images: { keep: s["maas:imageRetention"], platform: s["maas:buildPlatform"] },
    ingress: {
      vpcId: s["maas:vpcId"],
      subnetIds: s["maas:subnetIds"],
      ...(s["maas:certificateArn"] ? { certificateArn: s["maas:certificateArn"] } : {}),
      internetFacing: s["maas:internetFacing"],
      allowedCidrs: s["maas:ingressCidrs"] ?? [s["maas:vpcCidr"]],
      routing:
        s["maas:routing"] === "host"
          ? { mode: "host", domain: s["maas:hostDomain"]! }
          : { mode: "path" },
      ...(s["maas:accessLogsBucket"] ? { accessLogsBucket: s["maas:accessLogsBucket"] } : {}),
    },
    alarms: {
      emails: s["maas:alarmEmails"],
      periodSeconds: s["maas:alarmPeriodSeconds"],
      evaluationPeriods: s["maas:alarmEvaluationPeriods"],
      datapointsToAlarm: s["maas:alarmDatapoints"],
    },
  };
}

/** The config of the running Pulumi program, by full key. */
export function pulumiConfigSource(): ConfigSource {
  const namespaces = new Map<string, pulumi.Config>();
  const config = (key: string): [pulumi.Config, string] => {
    const [namespace, name] = key.split(":") as [string, string];
    if (!namespaces.has(namespace)) namespaces.set(namespace, new pulumi.Config(namespace));
    return [namespaces.get(namespace)!, name];
  };
  return {
    get: (key) => {
      const [namespaceConfig, name] = config(key);
      return namespaceConfig.get(name);
    },
    getSecret: (key) => {
      const [namespaceConfig, name] = config(key);
      return namespaceConfig.getSecret(name);
    },
  };
}
