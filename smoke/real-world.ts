/**
 * The smoke test's real world: the stack's outputs through the Automation API (the Pulumi CLI, in
 * the project directory), the routing, region and consumers of the stack's config and catalogue
 * in the working tree, credentials from the default chain with the caller's ARN from STS, keys
 * from Secrets Manager, and HTTP with node:http(s).
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { prepareStack, readStack } from "../plan/run";
import { MAX_BODY_BYTES, SMOKE_TIMEOUT_MS } from "./world";
import type { Http, SmokeWorld } from "./world";

/** GET or POST with node:http(s): the status and up to 64 KiB of the body, or why nothing answered. */
export const nodeHttp: Http = ({ url, headers, method = "GET", body }) =>
  new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, { method, headers, timeout: SMOKE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8"),
        }),
      );
      res.on("error", (error) => resolve({ error: error.message }));
    });
    req.on("timeout", () =>
      req.destroy(new Error(`no answer within ${SMOKE_TIMEOUT_MS / 1000} s`)),
    );
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(body);
  });

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the Pulumi CLI said, without the Automation API's wrapping (`code:`, `stdout:`, `err?:`). */
function pulumiProblem(error: unknown): string {
  const text = message(error);
  if (/ENOENT/.test(text) && /pulumi/.test(text))
    return "the Pulumi CLI (pulumi) is not on PATH: it reads the stack's outputs";
  const stderr = /stderr: ([\s\S]*?)(?:\n\s*err\?:|$)/.exec(text)?.[1] ?? text;
  return stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("; ");
}

/**
 * The real world: the stack's outputs through the Automation API (the Pulumi CLI, in the
 * project directory), the routing, region and consumers of the stack's config and catalogue in
 * the working tree, credentials from the default chain (environment, SSO, profile, web identity,
 * instance role) with the caller's ARN from STS, keys from Secrets Manager in the secret's region.
 */
export async function realSmokeWorld(stack: string): Promise<SmokeWorld> {
  const notes: string[] = [];
  let routing: "path" | "host" = "path";
  let region: string | undefined;
  let declared: SmokeWorld["declared"];
  const prepared = prepareStack({ stack });
  if (prepared.ok) {
    routing = prepared.settings.ingress.routing.mode;
    region = prepared.settings.region;
    declared = Object.fromEntries(
      (prepared.catalogue.consumers ?? []).map((c) => [
        c.name,
        { principals: c.principals, ...c.rateLimit },
      ]),
    );
  } else {
    const read = readStack({ stack });
    if ("settings" in read) {
      routing = read.settings.ingress.routing.mode;
      region = read.settings.region;
    } else notes.push(`path routing assumed: the stack's config: ${read.problems.join("; ")}`);
    notes.push(
      `consumers' principals and limits unknown: the catalogue: ${prepared.problems.join("; ")}`,
    );
  }

  let outputs: OutputMap;
  try {
    const workspace = await LocalWorkspace.selectStack({
      stackName: stack,
      workDir: process.cwd(),
    });
    outputs = await workspace.outputs();
  } catch (error) {
    throw new Error(pulumiProblem(error));
  }

  const provider = fromNodeProviderChain();
  let caller: SmokeWorld["caller"];
  try {
    const credentials = await provider();
    caller = { credentials };
    try {
      const identity = await new STSClient({ region, credentials: provider }).send(
        new GetCallerIdentityCommand({}),
      );
      if (identity.Arn) caller = { credentials, arn: identity.Arn };
    } catch (error) {
      notes.push(`who signs is unknown (sts:GetCallerIdentity: ${message(error)})`);
    }
  } catch (error) {
    caller = { why: `the default credential chain: ${message(error)}` };
    notes.push(`no AWS credentials: ${message(error)}`);
  }

  const clients = new Map<string, SecretsManagerClient>();
  return {
    consumers: outputs.consumers?.value,
    caller,
    ...(declared ? { declared } : {}),
    async readSecret(secretArn) {
      const secretRegion = secretArn.split(":")[3] || region;
      let client = clients.get(secretRegion ?? "");
      if (!client) {
        client = new SecretsManagerClient({ region: secretRegion, credentials: provider });
        clients.set(secretRegion ?? "", client);
      }
      const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!secret.SecretString) throw new Error("the secret holds no SecretString");
      return secret.SecretString;
    },
    http: nodeHttp,
    routing,
    ...(region ? { region } : {}),
    notes,
  };
}
