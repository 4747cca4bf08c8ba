/**
 * RULES 31: no two resources share a URN, for any input. Names joined from catalogue and config
 * names cannot meet (catalogue/names.ts joins a name that could be read as another child's with
 * `_`; lists that name resources are sets), and the offline plan refuses a duplicate URN at
 * registration, whatever the program does (plan/record.ts).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  apiModelResourceName,
  apiModelsResourceName,
  apiProxyResourceName,
  consumerKeyName,
  formerName,
  imageRecordName,
  versionRecordName,
} from "../../catalogue/names";
import { transition } from "../../change/transition";
import { DuplicateUrnError, recordProgram } from "../../plan/record";
import type { RecordedResource } from "../../plan/record";
import { runPlan } from "../../plan/run";
import { TEST_PROJECT } from "../helpers/plan";

const IMAGE = `registry.example.com/m@sha256:${"a".repeat(64)}`;

/** A catalogue of `models` (each served, callable by every consumer) and `consumers`. */
function catalogue(
  models: { name: string; versions?: string[] }[],
  consumers: { name: string; keys?: string[] }[] = [],
): string {
  return [
    "apiVersion: maas/v1",
    ...(consumers.length > 0 ? ["consumers:"] : []),
    ...consumers.flatMap((consumer) => [
      `  ${consumer.name}:`,
      "    auth: apiKey",
      ...(consumer.keys ? [`    apiKeys: [${consumer.keys.map((k) => `"${k}"`).join(", ")}]`] : []),
      `    principals: [arn:aws:iam::111122223333:role/${consumer.name}]`,
      "    rateLimit: { requestsPerSecond: 5, burst: 10 }",
    ]),
    "models:",
    ...models.flatMap((model) => {
      const versions = model.versions ?? ["1.0.0"];
      return [
        `  ${model.name}:`,
        "    owner: team-a",
        `    image: ${IMAGE}`,
        ...(consumers.length > 0 ? ["    access: all-consumers"] : []),
        "    versions:",
        ...versions.map(
          (version, index) => `      "${version}": { traffic: ${index === 0 ? 100 : 0} }`,
        ),
      ];
    }),
    "environments: { dev: {} }",
    "",
  ].join("\n");
}

const planned = async (text: string, config: Record<string, string> = {}) => {
  const result = await runPlan({
    stack: "dev",
    projectDir: TEST_PROJECT,
    catalogue: written(text),
    config,
  });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.plan.resources;
};

const urnsOf = (resources: RecordedResource[]) => resources.map((resource) => resource.urn);

describe("the offline plan refuses two resources of one URN at registration", () => {
  const options = {
    project: "maas",
    stack: "dev",
    config: { "aws:region": "eu-west-1" },
    secretKeys: [],
    placeholders: { region: "eu-west-1" },
  };

  it("fails the plan with the URN, also when the program registers on regardless", async () => {
    const refused = await recordProgram(options, () => {
      new aws.sns.Topic("alarms", {});
      new aws.sns.Topic("alarms", {});
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DuplicateUrnError);
    expect((refused as DuplicateUrnError).problems).toEqual([
      expect.stringMatching(
        /^urn:pulumi:dev::maas::aws:sns\/topic:Topic::alarms: two resources have this URN, which Pulumi's engine refuses \(Duplicate resource URN\)/,
      ),
    ]);
  });

  it("refuses an alias that is another resource's URN, which the engine refuses once the stack holds it", async () => {
    const refused = await recordProgram(options, () => {
      new aws.sns.Topic("old", {});
      new aws.sns.Topic("new", {}, { aliases: [{ name: "old" }] });
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DuplicateUrnError);
    expect(String(refused)).toContain(
      "urn:pulumi:dev::maas::aws:sns/topic:Topic::new: its alias urn:pulumi:dev::maas::aws:sns/topic:Topic::old is also a resource's URN",
    );
  });

  it("records a renamed resource's aliases, and keeps its placeholder ids", async () => {
    const renamed = await recordProgram(options, () => {
      const topic = new aws.sns.Topic("new", {}, { aliases: [{ name: "old" }] });
      new aws.sns.TopicPolicy("policy", { arn: topic.arn, policy: "{}" });
    });
    const before = await recordProgram(options, () => {
      const topic = new aws.sns.Topic("old", {});
      new aws.sns.TopicPolicy("policy", { arn: topic.arn, policy: "{}" });
    });
    const topic = renamed.resources.find((r) => r.type === "aws:sns/topic:Topic");
    expect(topic!.options?.aliases).toEqual(["urn:pulumi:dev::maas::aws:sns/topic:Topic::old"]);
    // The same topic: the engine takes it under its former URN, and updates nothing (what refers
    // to it reads the ARN it had).
    expect(transition(before.resources, renamed.resources).steps).toEqual([]);
  });
});

describe("names joined from catalogue names never meet (the issue's examples)", () => {
  it("consumer foo's key 2 and a consumer foo-key-2", async () => {
    const resources = await planned(
      catalogue([{ name: "scorer" }], [{ name: "foo", keys: ["1", "2"] }, { name: "foo-key-2" }]),
    );
    const keys = resources.filter((r) => r.type === "aws:apigateway/apiKey:ApiKey");
    expect(keys.map((key) => key.name).sort()).toEqual([
      "front-door-apikey-foo",
      "front-door-apikey-foo-key-2",
      "front-door-apikey-foo-key-2_key-1",
    ]);
    // Where nothing else holds its former name, the renamed key keeps its deployed self.
    const renamed = keys.find((key) => key.name.endsWith("_key-1"))!;
    expect(renamed.options?.aliases).toBeUndefined();
  });

  it("a model named models, and models a and a-proxy, behind the front door", async () => {
    const resources = await planned(
      catalogue([{ name: "models" }, { name: "a" }, { name: "a-proxy" }], [{ name: "caller" }]),
    );
    const paths = resources
      .filter((r) => r.type === "aws:apigateway/resource:Resource")
      .map((r) => r.name)
      .sort();
    expect(paths).toEqual([
      "front-door-apikey-a",
      "front-door-apikey-a-proxy",
      "front-door-apikey-a-proxy-proxy",
      "front-door-apikey-models",
      "front-door-apikey-models-proxy",
      "front-door-apikey_a-proxy",
      "front-door-apikey_models",
    ]);
  });

  it("a lone model a-proxy keeps its deployed API resource through an alias", async () => {
    const resources = await planned(catalogue([{ name: "a-proxy" }], [{ name: "caller" }]));
    const root = resources.find((r) => r.name === "front-door-apikey_a-proxy")!;
    expect(root.options?.aliases).toEqual([
      root.urn.replace(/::[^:]+$/, "::front-door-apikey-a-proxy"),
    ]);
  });

  it("versions 1 and 1-image of one model: the version's record and the image's", async () => {
    const resources = await planned(catalogue([{ name: "m", versions: ["1", "1-image"] }]));
    const items = resources
      .filter((r) => r.type === "aws:dynamodb/tableItem:TableItem")
      .map((r) => r.name)
      .sort();
    expect(items).toEqual(["m-v1", "m-v1-image", "m-v1-image-image", "m-v1-image_record"]);
  });

  it("an address or a CIDR listed twice in maas:alarmEmails or maas:ingressCidrs is one", async () => {
    const resources = await planned(catalogue([{ name: "m" }]), {
      "maas:alarmEmails": JSON.stringify(["ops@example.com", "ops@example.com"]),
      "maas:ingressCidrs": JSON.stringify(["10.1.0.0/16", "10.1.0.0/16"]),
    });
    expect(
      resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription"),
    ).toHaveLength(1);
    expect(
      resources.filter((r) => String(r.inputs.cidrIpv4) === "10.1.0.0/16").map((r) => r.name),
    ).toEqual(["ingress-from-10-1-0-0-16-80"]);
  });
});

describe("names joined from catalogue names never meet (generated)", () => {
  /** Names built from the fixed parts the program appends, so generated ones hit them often. */
  const part = fc.constantFrom("a", "b", "1", "models", "proxy", "key", "image", "v1", "get", "2");
  const dashed = (max: number) =>
    fc
      .array(part, { minLength: 1, maxLength: max })
      .map((parts) => parts.join("-"))
      .filter((name) => /^[a-z]/.test(name) && name.length <= 32);
  const label = fc
    .array(fc.constantFrom("1", "2", "key", "a"), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join("-"));
  const api = "front-door-apikey";

  it("a front door API's resources: /models, each model's and its proxy", () => {
    fc.assert(
      fc.property(fc.uniqueArray(dashed(4), { minLength: 1, maxLength: 6 }), (models) => {
        const names = [
          apiModelsResourceName(api),
          ...models.flatMap((m) => [
            apiModelResourceName(api, m).name,
            apiProxyResourceName(api, m),
          ]),
        ];
        expect(new Set(names).size).toBe(names.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("consumers' keys, and the aliases renamed keys keep", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            consumer: dashed(4),
            labels: fc.uniqueArray(label, { minLength: 1, maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 5, selector: (c) => c.consumer },
        ),
        (consumers) => {
          const logical = consumers.flatMap(({ consumer, labels }) =>
            labels.map((l) => consumerKeyName(`${api}-${consumer}`, consumer, l, l === "1")),
          );
          const names = logical.map((l) => l.name);
          expect(new Set(names).size).toBe(names.length);
          const held = new Set(names);
          const aliases = logical.flatMap((l) => formerName(l, held) ?? []);
          // No alias is another key's name, and no two keys claim one.
          expect(aliases.filter((alias) => held.has(alias))).toEqual([]);
          expect(new Set(aliases).size).toBe(aliases.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("version records and image records", () => {
    fc.assert(
      fc.property(fc.uniqueArray(dashed(5), { minLength: 1, maxLength: 8 }), (workloads) => {
        const names = workloads.flatMap((w) => [versionRecordName(w).name, imageRecordName(w)]);
        expect(new Set(names).size).toBe(names.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("a whole plan of generated models, versions, consumers and keys registers each URN once", async () => {
    const version = fc.constantFrom("1", "1-image", "2", "2-image", "1.0", "v1", "image");
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(dashed(3), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(version, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(
          fc.record({
            name: dashed(3),
            keys: fc.uniqueArray(label, { minLength: 1, maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 3, selector: (c) => c.name },
        ),
        async (models, versions, consumers) => {
          // Workload names must differ (validation refuses two that meet, as it says why).
          const workloads = models.flatMap((m) =>
            versions.map((v) => `${m}-v${v.replace(/\./g, "-")}`),
          );
          fc.pre(new Set(workloads).size === workloads.length);
          const resources = await planned(
            catalogue(
              models.map((name) => ({ name, versions })),
              consumers,
            ),
          );
          const urns = urnsOf(resources);
          expect(new Set(urns).size).toBe(urns.length);
        },
      ),
      { numRuns: 6 },
    );
  });
});

/** A catalogue file holding `text`. */
function written(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "maas-names-")), "models.yaml");
  writeFileSync(file, text);
  return file;
}
