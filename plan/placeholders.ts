/**
 * Deterministic stand-ins for what providers compute (ids, ARNs, URLs, digests), derived from
 * resource names, so an offline plan is complete and byte-identical across runs: a kind's own
 * from its record in kinds/ (`placeholder`), the rest here. They are placeholders, not
 * predictions: real values appear only under `pulumi up`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { kindOf } from "../kinds";
import { arn, hex, logicalName, PLACEHOLDER_ACCOUNT, SEED_SEPARATOR } from "../kinds/placeholder";
import type { PlaceholderContext, State } from "../kinds/placeholder";
import { replacementKey } from "./replacements";

export type { PlaceholderContext } from "../kinds/placeholder";

/**
 * A resource's seed: its logical name plus the values of the inputs that force its replacement
 * (replacements.ts). A replacement therefore gets new ids, ARNs and auto-names, as it does at the
 * provider, and whatever refers to it changes too; an update keeps them.
 */
function seedOf(type: string, name: string, inputs: State): string {
  const key = replacementKey(type, inputs);
  return key === "[]" ? name : `${name}${SEED_SEPARATOR}${key}`;
}

/** Kubernetes objects: the provider auto-names those without metadata.name. */
function kubernetesObject(seed: string, inputs: State): { id: string; state: State } {
  const metadata = (inputs.metadata ?? {}) as State;
  const objectName =
    typeof metadata.name === "string" ? metadata.name : `${logicalName(seed)}-${hex(seed, 8)}`;
  const namespace = typeof metadata.namespace === "string" ? `${metadata.namespace}/` : "";
  return {
    id: `${namespace}${objectName}`,
    state: { ...inputs, metadata: { ...metadata, name: objectName } },
  };
}

export function placeholderResource(
  args: pulumi.runtime.MockResourceArgs,
  context: PlaceholderContext,
): { id: string; state: State } {
  const inputs = (args.inputs ?? {}) as State;
  if (args.type === "pulumi:pulumi:StackReference") {
    // Read, not created: the referenced stack's outputs as its own plan has them (none if unplanned).
    const name = String(inputs.name);
    return {
      id: name,
      state: { name, outputs: context.stackOutputs?.[name] ?? {}, secretOutputNames: [] },
    };
  }
  const seed = seedOf(args.type, args.name, inputs);
  const computed = kindOf(args.type)?.placeholder;
  if (computed) return computed(seed, inputs, context);
  if (args.type.startsWith("kubernetes:") && !args.type.startsWith("kubernetes:helm"))
    return kubernetesObject(seed, inputs);
  const id = `${args.name}-${hex(seed, 8)}`;
  if (args.type.startsWith("aws:")) {
    // Every other AWS resource: an ARN from its module and id; a name given as a prefix gets
    // the provider's 26-character unique suffix, so what reads the name (a metric filter's log
    // group) is planned with it.
    const [, module = "aws"] = args.type.split(":");
    const service = module.split("/")[0] ?? module;
    const named =
      typeof inputs.namePrefix === "string" && inputs.name === undefined
        ? { name: `${inputs.namePrefix}${hex(seed, 26)}` }
        : {};
    return { id, state: { ...inputs, ...named, arn: arn(context, service, id) } };
  }
  return { id, state: inputs };
}

/** Provider functions the program calls, with placeholder answers; anything else is a bug here. */
export function placeholderCall(
  args: pulumi.runtime.MockCallArgs,
  context: PlaceholderContext,
): Record<string, unknown> {
  const inputs = (args.inputs ?? {}) as State;
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: PLACEHOLDER_ACCOUNT,
        arn: arn(context, "iam", "user/placeholder", false),
        userId: "PLACEHOLDER",
        id: PLACEHOLDER_ACCOUNT,
      };
    case "aws:index/getRegion:getRegion":
      return { name: context.region, region: context.region, id: context.region };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return {
        userName: "AWS",
        password: "placeholder-ecr-password",
        authorizationToken: "placeholder-ecr-token",
        proxyEndpoint: `https://${PLACEHOLDER_ACCOUNT}.dkr.ecr.${context.region}.amazonaws.com`,
        expiresAt: "placeholder",
        id: context.region,
        region: context.region,
      };
    case "aws:ec2/getSubnet:getSubnet": {
      // A /24 of its own per subnet, the same on every run.
      const id = String(inputs.id);
      const digest = hex(`subnet:${id}`, 4);
      const cidrBlock = `10.${Number.parseInt(digest.slice(0, 2), 16)}.${Number.parseInt(digest.slice(2, 4), 16)}.0/24`;
      return { id, cidrBlock, arn: arn(context, "ec2", `subnet/${id}`) };
    }
    case "docker:index/getRegistryImage:getRegistryImage":
      return {
        name: inputs.name,
        sha256Digest: `sha256:${hex(`registry:${String(inputs.name)}`, 64)}`,
        id: String(inputs.name),
      };
    default:
      throw new Error(
        `unexpected provider function ${args.token}: the offline plan has no placeholder for it (plan/placeholders.ts)`,
      );
  }
}
