/**
 * RULES-34/secret-outputs: every output of the stack's resources that carries a credential is a
 * secret in the state. Each kind's record says which such outputs it has and which the provider
 * marks itself (kinds/, credentialOutputs); the installed @pulumi/aws is read to keep that true.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { KINDS, kindOf } from "../../kinds";
import { checkAwsResources } from "../../policy/aws-rules";
import { PROJECT_ROOT } from "../helpers/cli";
import { withTokens } from "../helpers/front-door";
import { planOf } from "../helpers/plan";

let resources: RecordedResource[];

beforeAll(async () => {
  resources = (await planOf({ stack: "prod", catalogue: withTokens() })).plan.resources;
});

/** The outputs a provider class marks secret itself (its constructor's additionalSecretOutputs). */
function providerSecrets(type: string): string[] {
  const [pkg, module] = type.split(":") as [string, string];
  const [folder, file] = module.split("/") as [string, string];
  const source = readFileSync(
    join(PROJECT_ROOT, "node_modules", "@pulumi", pkg, folder, `${file}.js`),
    "utf8",
  );
  const match = /additionalSecretOutputs: \[([^\]]*)\]/.exec(source);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).sort() : [];
}

describe("credentials in the state", () => {
  it("knows which outputs the installed provider marks secret itself", () => {
    const credentials = [...KINDS.values()].filter((kind) => kind.credentialOutputs);
    expect(credentials.length).toBeGreaterThan(3);
    for (const { type, credentialOutputs } of credentials)
      expect(providerSecrets(type), type).toEqual([...credentialOutputs!.markedByProvider].sort());
  });

  it("keeps every consumer's key secret in the state, the usage plan's copy too", () => {
    const keys = resources.filter((r) => r.type === "aws:apigateway/usagePlanKey:UsagePlanKey");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key.options?.additionalSecretOutputs, key.name).toEqual(["value"]);
    expect(
      checkAwsResources(resources, { production: true }).filter((v) =>
        v.rule.startsWith("RULES-34"),
      ),
    ).toEqual([]);
  });

  it("keeps every oauth consumer's client secret secret: the provider marks it, and its secret version's input is masked", () => {
    const clients = resources.filter((r) => r.type === "aws:cognito/userPoolClient:UserPoolClient");
    expect(clients.map((c) => c.name).sort()).toEqual([
      "front-door-tokens-lab",
      "front-door-tokens-portal",
    ]);
    expect(kindOf("aws:cognito/userPoolClient:UserPoolClient")?.credentialOutputs).toEqual({
      outputs: ["clientSecret"],
      markedByProvider: ["clientSecret"],
    });
    for (const client of clients) {
      const version = resources.find(
        (r) =>
          r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name === client.name,
      )!;
      expect(version.inputs.secretString, client.name).toBe("[secret]");
    }
  });

  it("reports an output that carries a credential in plain text", () => {
    const mutated = structuredClone(resources);
    const key = mutated.find((r) => r.type === "aws:apigateway/usagePlanKey:UsagePlanKey")!;
    delete key.options;
    expect(
      checkAwsResources(mutated, { production: false }).filter((v) =>
        v.rule.startsWith("RULES-34"),
      ),
    ).toEqual([
      expect.objectContaining({
        rule: "RULES-34/secret-outputs",
        message: "output value carries a credential and is not a secret in the state",
      }),
    ]);
  });
});
