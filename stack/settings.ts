/**
 * Stack settings: the keys of Pulumi.<stack>.yaml, read once (index.ts, and the offline plan
 * with the same function), validated with zod, and handed to deploy() as plain typed values.
 * Components never read config themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { stackNameProblem } from "../catalogue/names";
import { defineRules } from "../catalogue/rule";
import { closestKey } from "../catalogue/suggest";
import { SECRET_KEYS, SettingsSchema, settingsShape } from "./settings-schema";
import type { ApiDomain } from "../components/front-door-domain";
import type { IdentityBinding } from "../components/model-identity";
import type { IngressSettings } from "../components/ingress";
import type { StackLayout } from "./layout";

export interface StackSettings {
  project: string;
  stack: string;
  layout: StackLayout;
  /**
   * The name physical names carry: the stack's own, or its base's for a shard, so a model keeps
   * its names (its repository, role, alarms, history) when it moves from one shard to another.
   */
  deployment: string;
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
    /**
     * Who may reach the model port on pods (NetworkPolicy), when maas:podIngressCidrs says; else
     * deploy() chooses: the load balancers' subnets behind a front door, the VPC without one.
     */
    podIngressCidrs?: string[];
  };
  gpu: { nodeSelector: Record<string, string> };
  images: { keep: number; platform: "linux/amd64" | "linux/arm64" };
  ingress: IngressSettings & {
    routing: { mode: "path" } | { mode: "host"; domain: string };
  };
  frontDoor: {
    /** Days its access and WAF logs are kept (the audit trail, retained on delete). */
    logRetentionDays: number;
    /** The front door's custom domain (maas:apiDomain), when set: stable consumer URLs. */
    domain?: ApiDomain;
    /** maas:disableExecuteApiEndpoint: the APIs' execute-api URLs answer 403. */
    disableExecuteApiEndpoint: boolean;
    /** maas:apiEndpointAccessMode: the APIs' endpoint access mode beside their TLS policy. */
    endpointAccessMode: "STRICT" | "BASIC";
  };
  /** API Gateway quotas of the account in the region, as the stack declares them. */
  apiGateway: {
    /** The longest buffered integration allowed, in seconds (29 unless raised). */
    integrationTimeoutQuotaSeconds: number;
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
  /** Every key that is set, so a misspelt one is reported instead of silently ignored. */
  keys(): string[];
  /** Where a key's value comes from (`Pulumi.dev.yaml:12:3`, `--config`), when known. */
  where?(key: string): string | undefined;
}

/** Every `maas:` key the stack understands (the schema's, and the secret kubeconfig). */
export const KNOWN_KEYS = [
  ...Object.keys(settingsShape).filter((key) => key !== "hasKubeconfig"),
  ...Object.keys(SECRET_KEYS),
].sort();

/**
 * `maas:` keys the stack does not know: a typo (`maas:protected`) must never leave production
 * unprotected while every check passes. Other namespaces belong to providers (`aws:profile`).
 */
function unknownKeyProblems(source: ConfigSource, at: (key: string) => string): string[] {
  return source
    .keys()
    .filter((key) => key.startsWith("maas:") && !KNOWN_KEYS.includes(key))
    .sort()
    .map((key) => {
      const suggestion = closestKey(key, KNOWN_KEYS);
      return `${at(key)}: ${key}: unknown key; ${suggestion ? `did you mean ${suggestion}?` : `known keys: ${KNOWN_KEYS.join(", ")}`} [${SINGLE_KEY_RULES["known-keys"].id}]`;
    });
}

/**
 * Words for the schema's bare bounds (`.min(1)` on a string or list, a number's range), where a key
 * gives no message of its own: zod's defaults ("Too small: expected string to have >=1
 * characters") name neither what is allowed nor how to leave the key unset.
 */
export function settingsFallback(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    const words: Record<string, string> = {
      string: "text",
      array: "a list",
      number: "a number",
      int: "a whole number",
      boolean: "true or false",
      object: "a map",
    };
    return words[issue.expected] ? `must be ${words[issue.expected]}` : undefined;
  }
  if (issue.code !== "too_small" && issue.code !== "too_big") return undefined;
  const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
  const least = issue.code === "too_small";
  switch (issue.origin) {
    case "string":
      return least && bound === 1
        ? "must not be empty: give a value, or remove the key to leave it unset"
        : `must be ${least ? "at least" : "at most"} ${bound} characters long`;
    case "array":
    case "set":
      return least && bound === 1
        ? "must list at least one value: give one, or remove the key to leave it unset"
        : `must list ${least ? "at least" : "at most"} ${bound} values`;
    case "number":
    case "int":
      return `must be ${least ? "at least" : "at most"} ${bound}`;
    default:
      return undefined;
  }
}

/** A map or list written where one value belongs (`maas:environment: {a: 1}`). */
function structure(text: string): "a map" | "a list" | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value)
      ? "a list"
      : value !== null && typeof value === "object"
        ? "a map"
        : undefined;
  } catch {
    return undefined;
  }
}

/** The schema's own type of a key, under optional and default. */
function baseType(schema: z.ZodType): string {
  let def = schema.def as { type: string; innerType?: z.ZodType };
  while (def.innerType) def = def.innerType.def;
  return def.type;
}

/**
 * Keys whose values are YAML maps or lists in the stack file (JSON strings in Pulumi's config),
 * read off the schema: a new list or map key cannot be left out.
 */
const SHAPES = Object.entries(settingsShape as Record<string, z.ZodType>);
const LIST_KEYS = SHAPES.filter(([, schema]) => baseType(schema) === "array").map(([key]) => key);
const OBJECT_KEYS = SHAPES.filter(([, schema]) =>
  ["array", "record", "object"].includes(baseType(schema)),
).map(([key]) => key);

/**
 * What each key (and the stack's name) must be on its own: `stack-config/<slug>` in docs/rules.md
 * and at the end of each problem, as a catalogue's `catalogue/known-keys` and `catalogue/schema`.
 */
export const SINGLE_KEY_RULES = defineRules("stack-config", {
  "stack-name": {
    description:
      "The stack's name is 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit.",
    why: "The name becomes part of AWS names (ECR repositories, IAM roles, alarms), which allow no more; a name with other characters would fail at `pulumi up`, after other resources were created.",
    fix: "Rename the stack (`pulumi stack rename`) to such a name, and its stack file with it.",
  },
  "known-keys": {
    description:
      "Every `maas:` key of a stack file or `--config` is one the stack reads: an unknown key is an error that names the closest known one.",
    why: "A misspelt key (`maas:vpcCdir`) would otherwise be ignored and its default used without a word: a stack deployed with settings nobody chose.",
    fix: "Use the key the message suggests; setup.md's stack configuration table lists every key.",
  },
  schema: {
    description:
      "Every key's value has the form, type and bounds the stack takes: a single value, a list or a map as the key wants, CIDRs, ARNs, names and numbers well formed and in range.",
    why: "A value AWS or the cluster refuses fails at `pulumi up`, after other changes have applied; checked before anything is planned, it is refused at its line in the stack file.",
    fix: "Give the key a value the message allows; setup.md's stack configuration table states each key's values and default.",
  },
});

/** A rule between a key and the stack's own name: `stack-config/<slug>` in docs/rules.md. */
export const STACK_NAME_RULES = defineRules("stack-config", {
  "base-not-itself": {
    description:
      "A shard's `maas:baseStack` names another stack of the project, not the shard itself.",
    why: "A shard reads its base's registry, load balancers and alarm topic from the base's outputs; a stack cannot be its own base, and would wait on outputs it has not made.",
    fix: "Set `maas:baseStack` to the stack that sets `maas:shards` (such as prod), or remove `maas:shard` and `maas:baseStack` to make this stack a single one.",
  },
});

export function readSettings(source: ConfigSource, project: string, stack: string): StackSettings {
  const file = `Pulumi.${stack}.yaml`;
  /** Where to blame a key: its line in a stack file, `--config`, or the stack file it belongs in. */
  const at = (key: string) => source.where?.(key) ?? file;
  const stackProblem = stackNameProblem(stack);
  const problems: string[] = [
    ...(stackProblem ? [`${file}: ${stackProblem} [${SINGLE_KEY_RULES["stack-name"].id}]`] : []),
    ...unknownKeyProblems(source, at),
  ];
  const kubeconfig = source.getSecret("maas:kubeconfig");
  const raw: Record<string, unknown> = { hasKubeconfig: kubeconfig !== undefined };
  const unreadable = new Set<string>();
  for (const key of Object.keys(settingsShape)) {
    if (key === "hasKubeconfig") continue;
    const text = source.get(key);
    if (text === undefined) continue;
    if (!OBJECT_KEYS.includes(key)) {
      const written = structure(text);
      if (written) {
        problems.push(
          `${at(key)}: ${key}: must be a single value, not ${written} [${SINGLE_KEY_RULES.schema.id}]`,
        );
        unreadable.add(key);
      } else raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text) as unknown;
    } catch {
      // A scalar where a map or list belongs: say which, and let the schema report nothing more for it.
      problems.push(
        `${at(key)}: ${key}: must be ${LIST_KEYS.includes(key) ? "a list" : "a map"}; got ${JSON.stringify(text)} [${SINGLE_KEY_RULES.schema.id}]`,
      );
      unreadable.add(key);
    }
  }
  const parsed = SettingsSchema.safeParse(raw, { error: settingsFallback });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      if (unreadable.has(key)) continue;
      const got = raw[key];
      const suffix =
        typeof got === "string" && issue.path.length === 1 ? `; got ${JSON.stringify(got)}` : "";
      // Every line closes with its rule's id, as a catalogue problem does: a rule between keys
      // names its own, a key's own form, type or bounds is the schema's.
      const rule =
        (issue.code === "custom"
          ? (issue.params as { rule?: string } | undefined)?.rule
          : undefined) ?? SINGLE_KEY_RULES.schema.id;
      problems.push(`${at(key)}: ${issue.path.join(".")}: ${issue.message}${suffix} [${rule}]`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new SettingsError(problems);
  const s = parsed.data;
  if (s["maas:baseStack"] === stack)
    throw new SettingsError([
      `${at("maas:baseStack")}: maas:baseStack: names this stack itself; a shard's base is another stack of the project (the one that sets maas:shards) [${STACK_NAME_RULES["base-not-itself"].id}]`,
    ]);
  const layout: StackLayout = s["maas:shards"]
    ? { kind: "base", shards: [...new Set(s["maas:shards"])].sort() }
    : s["maas:shard"]
      ? { kind: "shard", shard: s["maas:shard"], baseStack: s["maas:baseStack"]! }
      : { kind: "single" };
  return {
    project,
    stack,
    layout,
    deployment: layout.kind === "shard" ? layout.baseStack : stack,
    region: s["aws:region"],
    environment: s["maas:environment"],
    catalogue: s["maas:catalogue"],
    protect: s["maas:protect"],
    kubernetes: kubeconfig ? { kubeconfig } : { context: s["maas:kubeContext"]! },
    identity:
      s["maas:identity"] === "irsa"
        ? {
            mode: "irsa",
            oidcProviderArn: s["maas:oidcProviderArn"]!,
            ...(s["maas:clusterName"] ? { clusterName: s["maas:clusterName"] } : {}),
          }
        : {
            mode: "pod-identity",
            clusterName: s["maas:clusterName"]!,
            ...(s["maas:oidcProviderArn"] ? { oidcProviderArn: s["maas:oidcProviderArn"] } : {}),
          },
    network: {
      vpcCidr: s["maas:vpcCidr"],
      ...(s["maas:podIngressCidrs"] ? { podIngressCidrs: s["maas:podIngressCidrs"] } : {}),
    },
    gpu: { nodeSelector: s["maas:gpuNodeSelector"] },
    images: { keep: s["maas:imageRetention"], platform: s["maas:buildPlatform"] },
    ingress: {
      vpcId: s["maas:vpcId"],
      // A set to AWS (the load balancer's and the VPC link's subnets): in one order, so listing
      // them in another changes no input, as it changes nothing in AWS.
      subnetIds: [...s["maas:subnetIds"]].sort(),
      ...(s["maas:certificateArn"] ? { certificateArn: s["maas:certificateArn"] } : {}),
      internetFacing: s["maas:internetFacing"],
      // Deduplicated, as pinnedRouteCidrs: each CIDR is one security group rule per port, named after it.
      allowedCidrs: [...new Set(s["maas:ingressCidrs"] ?? [s["maas:vpcCidr"]])],
      keepDirectAccess: s["maas:keepDirectAccess"],
      // A set to AWS, deduplicated: each CIDR is one security group rule named after it.
      pinnedRouteCidrs: [...new Set(s["maas:pinnedRouteCidrs"] ?? [])].sort(),
      routing:
        s["maas:routing"] === "host"
          ? { mode: "host", domain: s["maas:hostDomain"]! }
          : { mode: "path" },
      ...(s["maas:accessLogsBucket"] ? { accessLogsBucket: s["maas:accessLogsBucket"] } : {}),
    },
    frontDoor: {
      logRetentionDays: s["maas:frontDoorLogRetentionDays"],
      ...(s["maas:apiDomain"]
        ? {
            domain: {
              name: s["maas:apiDomain"],
              certificateArn: s["maas:apiCertificateArn"]!,
              ...(s["maas:apiHostedZoneId"] ? { hostedZoneId: s["maas:apiHostedZoneId"] } : {}),
            },
          }
        : {}),
      disableExecuteApiEndpoint: s["maas:disableExecuteApiEndpoint"],
      endpointAccessMode: s["maas:apiEndpointAccessMode"],
    },
    apiGateway: { integrationTimeoutQuotaSeconds: s["maas:apiTimeoutQuotaSeconds"] },
    alarms: {
      // Each address is one subscription, named after it: an address listed twice is one.
      emails: [...new Set(s["maas:alarmEmails"])],
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
    keys: () => Object.keys(pulumi.runtime.allConfig()),
  };
}
