/**
 * Stack settings: the `maas:` keys of Pulumi.<stack>.yaml, read once (index.ts, and the
 * offline plan with the same function), validated with zod, and handed to deploy() as
 * plain typed values. Components never read config themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const CIDR =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:[0-9]|[12][0-9]|3[0-2])$/;
const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const SettingsSchema = z
  .object({
    environment: z
      .string({
        error: "is required: the overlay under environments: in the catalogue this stack deploys",
      })
      .min(1),
    catalogue: z.string().min(1).default("models.yaml"),
    kubeContext: z.string().min(1).optional(),
    hasKubeconfig: z.boolean(),
    vpcCidr: z
      .string({ error: "is required: the VPC CIDR the load balancer sends from, e.g. 10.0.0.0/16" })
      .regex(CIDR, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" }),
    gpuNodeSelector: z
      .record(z.string().regex(LABEL_KEY, { error: "must be a Kubernetes label key" }), z.string())
      .default({ "nvidia.com/gpu.present": "true" }),
  })
  .refine((settings) => settings.hasKubeconfig !== (settings.kubeContext !== undefined), {
    path: ["kubeconfig"],
    error:
      "set exactly one of maas:kubeconfig (secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml) or maas:kubeContext (a context of your local kubeconfig)",
  });

export interface StackSettings {
  project: string;
  stack: string;
  /** Overlay of the catalogue this stack deploys. */
  environment: string;
  /** Catalogue file, relative to the project directory. */
  catalogue: string;
  kubernetes: {
    /** Kubeconfig content from the stack's secret config. */
    kubeconfig?: pulumi.Output<string>;
    /** A context of the local kubeconfig, chosen explicitly. */
    context?: string;
  };
  network: {
    /** VPC CIDR: the load balancer reaches pods from there. */
    vpcCidr: string;
  };
  gpu: {
    nodeSelector: Record<string, string>;
  };
}

/** Raised for config problems: one line per key, naming the stack file. */
export class SettingsError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(`stack configuration is invalid:\n${problems.join("\n")}`);
  }
}

/** Reads the values a stack's config may set; objects are JSON strings, as Pulumi stores them. */
export interface ConfigSource {
  get(key: string): string | undefined;
  getSecret(key: string): pulumi.Output<string> | undefined;
}

function parseJson(source: ConfigSource, key: string, problems: string[], file: string): unknown {
  const text = source.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.push(`${file}: maas:${key}: must be a map (YAML object)`);
    return undefined;
  }
}

export function readSettings(source: ConfigSource, project: string, stack: string): StackSettings {
  const file = `Pulumi.${stack}.yaml`;
  const problems: string[] = [];
  const kubeconfig = source.getSecret("kubeconfig");
  const raw = {
    environment: source.get("environment"),
    catalogue: source.get("catalogue"),
    kubeContext: source.get("kubeContext"),
    hasKubeconfig: kubeconfig !== undefined,
    vpcCidr: source.get("vpcCidr"),
    gpuNodeSelector: parseJson(source, "gpuNodeSelector", problems, file),
  };
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const got = issue.path.length > 0 ? getIn(raw, issue.path) : undefined;
      const suffix = typeof got === "string" ? `; got ${JSON.stringify(got)}` : "";
      problems.push(`${file}: maas:${issue.path.join(".")}: ${issue.message}${suffix}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new SettingsError(problems);
  const settings = parsed.data;
  return {
    project,
    stack,
    environment: settings.environment,
    catalogue: settings.catalogue,
    kubernetes: kubeconfig ? { kubeconfig } : { context: settings.kubeContext! },
    network: { vpcCidr: settings.vpcCidr },
    gpu: { nodeSelector: settings.gpuNodeSelector },
  };
}

function getIn(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  );
}

/** The config source of the running Pulumi program. */
export function pulumiConfigSource(): ConfigSource {
  const config = new pulumi.Config("maas");
  return { get: (key) => config.get(key), getSecret: (key) => config.getSecret(key) };
}
