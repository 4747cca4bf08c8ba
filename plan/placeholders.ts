/**
 * Deterministic stand-ins for what providers compute (ids, ARNs, URLs, digests), derived from
 * resource names, so an offline plan is complete and byte-identical across runs. They are
 * placeholders, not predictions: real values appear only under `pulumi up`.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../catalogue/names";
import { replacementKey } from "./replacements";

/** The account ID AWS uses in its documentation: obviously not a real one. */
export const PLACEHOLDER_ACCOUNT = "123456789012";

export interface PlaceholderContext {
  region: string;
  /** Outputs of the stacks the program references, by full name (`organization/maas/prod`): their offline plans'. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

function hex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function uuid(text: string): string {
  const h = hex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type State = Record<string, unknown>;
/**
 * `name` below is the resource's seed: its logical name plus the values of the inputs that force
 * its replacement (replacements.ts). A replacement therefore gets new ids, ARNs and auto-names,
 * as it does at the provider, and whatever refers to it changes too; an update keeps them.
 */
type Computed = (
  name: string,
  inputs: State,
  context: PlaceholderContext,
) => { id: string; state: State };

const arn = (context: PlaceholderContext, service: string, resource: string, regional = true) =>
  `arn:${partitionOf(context.region)}:${service}:${regional ? context.region : ""}:${PLACEHOLDER_ACCOUNT}:${resource}`;

/** Provider-assigned names look like Pulumi's auto-names: the logical name and a suffix. */
const autoName = (seed: string, inputs: State, key = "name") =>
  typeof inputs[key] === "string" ? inputs[key] : `${logicalName(seed)}-${hex(seed, 7)}`;

const SEED_SEPARATOR = "\n";
const logicalName = (seed: string) => seed.split(SEED_SEPARATOR)[0]!;

function seedOf(type: string, name: string, inputs: State): string {
  const key = replacementKey(type, inputs);
  return key === "[]" ? name : `${name}${SEED_SEPARATOR}${key}`;
}

const COMPUTED: Record<string, Computed> = {
  "aws:kms/key:Key": (name, inputs, context) => {
    const keyId = uuid(name);
    return { id: keyId, state: { ...inputs, keyId, arn: arn(context, "kms", `key/${keyId}`) } };
  },
  "aws:s3/bucket:Bucket": (name, inputs, context) => {
    const bucket = autoName(name, inputs, "bucket");
    return {
      id: bucket,
      state: {
        ...inputs,
        bucket,
        arn: `arn:${partitionOf(context.region)}:s3:::${bucket}`,
      },
    };
  },
  "aws:dynamodb/table:Table": (name, inputs, context) => {
    const table = autoName(name, inputs);
    return {
      id: table,
      state: { ...inputs, name: table, arn: arn(context, "dynamodb", `table/${table}`) },
    };
  },
  "aws:ecr/repository:Repository": (name, inputs, context) => {
    const repository = autoName(name, inputs);
    return {
      id: repository,
      state: {
        ...inputs,
        name: repository,
        registryId: PLACEHOLDER_ACCOUNT,
        repositoryUrl: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${context.region}.amazonaws.com/${repository}`,
        arn: arn(context, "ecr", `repository/${repository}`),
      },
    };
  },
  "aws:iam/role:Role": (name, inputs, context) => {
    const role = autoName(name, inputs);
    return {
      id: role,
      state: {
        ...inputs,
        name: role,
        arn: arn(context, "iam", `role/${role}`, false),
        uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
      },
    };
  },
  // A build's generation: drawn once by the random provider; here from the name, like every id.
  "random:index/randomId:RandomId": (name, inputs) => {
    const bytes = typeof inputs.byteLength === "number" ? inputs.byteLength : 8;
    const value = hex(`random:${name}`, bytes * 2);
    return {
      id: Buffer.from(value, "hex").toString("base64url"),
      state: {
        ...inputs,
        hex: value,
        dec: BigInt(`0x${value}`).toString(),
        b64Std: Buffer.from(value, "hex").toString("base64"),
        b64Url: Buffer.from(value, "hex").toString("base64url"),
      },
    };
  },
  "docker-build:index:Image": (name, inputs) => {
    const digest = `sha256:${hex(`${name}\n${JSON.stringify(inputs.tags)}`, 64)}`;
    const tag =
      Array.isArray(inputs.tags) && typeof inputs.tags[0] === "string"
        ? inputs.tags[0]
        : logicalName(name);
    return {
      id: digest,
      state: {
        ...inputs,
        digest,
        ref: `${tag}@${digest}`,
        contextHash: hex(`context:${name}`, 64),
      },
    };
  },
  "aws:sns/topic:Topic": (name, inputs, context) => {
    const topic = autoName(name, inputs);
    return {
      id: arn(context, "sns", topic),
      state: { ...inputs, name: topic, arn: arn(context, "sns", topic) },
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (name, inputs, context) => {
    const lb = autoName(name, inputs);
    const suffix = `app/${lb}/${hex(name, 16)}`;
    const state = {
      ...inputs,
      name: lb,
      arn: arn(context, "elasticloadbalancing", `loadbalancer/${suffix}`),
      arnSuffix: suffix,
    };
    return {
      id: state.arn,
      state: {
        ...state,
        dnsName: `${inputs.internal === false ? "" : "internal-"}${lb}-${hex(name, 10)}.${context.region}.elb.amazonaws.com`,
        zoneId: "Z0PLACEHOLDER",
      },
    };
  },
  "aws:lb/listener:Listener": (name, inputs, context) => {
    const listener = arn(
      context,
      "elasticloadbalancing",
      `listener/app/${hex(`lb:${name}`, 12)}/${hex(name, 16)}/${hex(`listener:${name}`, 16)}`,
    );
    return { id: listener, state: { ...inputs, arn: listener } };
  },
  "aws:apigateway/restApi:RestApi": (name, inputs, context) => {
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
  "aws:apigateway/stage:Stage": (_name, inputs, context) => {
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
  // A custom domain is known by its name; its Regional endpoint's host looks like AWS's
  // (d-<10 characters>.execute-api.<region>.amazonaws.com), its hosted zone is a placeholder.
  "aws:apigateway/domainName:DomainName": (name, inputs, context) => {
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
  "aws:apigateway/basePathMapping:BasePathMapping": (_name, inputs) => ({
    id: `${String(inputs.domainName)}/${typeof inputs.basePath === "string" ? inputs.basePath : ""}`,
    state: { ...inputs },
  }),
  "aws:apigateway/apiKey:ApiKey": (name, inputs, context) => {
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
  "aws:apigateway/authorizer:Authorizer": (name, inputs, context) => {
    const id = hex(`authorizer:${name}`, 6);
    return {
      id,
      state: {
        ...inputs,
        arn: `arn:${partitionOf(context.region)}:apigateway:${context.region}::/restapis/${String(inputs.restApi)}/authorizers/${id}`,
      },
    };
  },
  // Cognito: a pool id is `<region>_<9 characters>`, a client id 26 characters, a domain is
  // known by its prefix and a resource server by its pool and identifier (the provider's ids).
  "aws:cognito/userPool:UserPool": (name, inputs, context) => {
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
  "aws:cognito/userPoolClient:UserPoolClient": (name, inputs) => ({
    id: hex(`client:${name}`, 26),
    // The provider marks the secret secret (additionalSecretOutputs); it reaches the plan only
    // as the secret version's input, which is masked.
    state: { ...inputs, clientSecret: `placeholder-client-secret-${hex(`secret:${name}`, 24)}` },
  }),
  "aws:cognito/userPoolDomain:UserPoolDomain": (_name, inputs) => ({
    id: String(inputs.domain),
    state: { ...inputs, awsAccountId: PLACEHOLDER_ACCOUNT },
  }),
  "aws:cognito/resourceServer:ResourceServer": (_name, inputs) => {
    const scopes = Array.isArray(inputs.scopes) ? (inputs.scopes as { scopeName?: string }[]) : [];
    return {
      id: `${String(inputs.userPoolId)}|${String(inputs.identifier)}`,
      state: {
        ...inputs,
        scopeIdentifiers: scopes.map((scope) => `${String(inputs.identifier)}/${scope.scopeName}`),
      },
    };
  },
  "aws:lb/targetGroup:TargetGroup": (name, inputs, context) => {
    const group = autoName(name, inputs);
    const suffix = `targetgroup/${group}/${hex(name, 16)}`;
    const state = {
      ...inputs,
      name: group,
      arn: arn(context, "elasticloadbalancing", suffix),
      arnSuffix: suffix,
    };
    return { id: state.arn, state };
  },
};

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
  const computed = COMPUTED[args.type];
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
