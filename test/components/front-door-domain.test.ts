/**
 * The front door's custom domain (maas:apiDomain): a Regional API Gateway domain with the
 * stack's certificate and an enhanced TLS policy, one base path mapping per consumer to its own
 * stage, each consumer's stable URL beside its execute-api URL, and the execute-api endpoint
 * turned off only when asked, with a new deployment that makes it so.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API_DOMAIN_ACCESS_MODE,
  API_DOMAIN_SECURITY_POLICY,
} from "../../components/front-door-domain";
import { runPlan } from "../../plan/run";
import type { RecordedResource } from "../../plan/record";
import { checkAwsResources } from "../../policy/aws-rules";
import { PROJECT_ROOT } from "../helpers/cli";
import { API_CERTIFICATE, API_DOMAIN, withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { twoModels } from "../helpers/transition";

const CERTIFICATE = API_CERTIFICATE;
const DOMAIN = API_DOMAIN;
const ZONE = { "maas:apiHostedZoneId": "Z0123456789ABCDEFGHIJ" };

const DOMAIN_NAME = "aws:apigateway/domainName:DomainName";
const MAPPING = "aws:apigateway/basePathMapping:BasePathMapping";
const RECORD = "aws:route53/record:Record";
const inputs = (resource: RecordedResource) => resource.inputs as Record<string, any>;
const consumersOf = (fixture: PlanFixture) =>
  (fixture.plan.outputs as any).consumers as Record<string, Record<string, unknown>>;

describe("the front door's custom domain", () => {
  let fixture: PlanFixture;
  beforeAll(async () => {
    fixture = await planOf({ catalogue: withConsumers(), config: DOMAIN });
  });

  it("is a Regional domain with the stack's certificate, TLS 1.2+ with forward secrecy only, SNI checked", () => {
    expect(fixture.ofType(DOMAIN_NAME).map(inputs)).toEqual([
      {
        domainName: "api.models.example.com",
        endpointConfiguration: { types: "REGIONAL" },
        regionalCertificateArn: CERTIFICATE,
        securityPolicy: "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
        endpointAccessMode: "STRICT",
        tags: {},
      },
    ]);
    expect([API_DOMAIN_SECURITY_POLICY, API_DOMAIN_ACCESS_MODE]).toEqual([
      "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
      "STRICT",
    ]);
    expect(checkAwsResources(fixture.plan.resources, { production: false })).toEqual([]);
  });

  it("maps each consumer's name to its own stage, on the API of its kind", () => {
    const stages = new Map(
      fixture
        .ofType("aws:apigateway/stage:Stage")
        .map((stage) => [String(inputs(stage).stageName), stage]),
    );
    const mappings = fixture.ofType(MAPPING);
    expect(mappings.map((m) => m.name).sort()).toEqual([
      "front-door-domain-checkout",
      "front-door-domain-partner",
      "front-door-domain-reports",
    ]);
    for (const mapping of mappings) {
      const consumer = inputs(mapping).basePath as string;
      const stage = stages.get(consumer)!;
      expect(inputs(mapping)).toEqual({
        domainName: "api.models.example.com",
        basePath: consumer,
        restApi: inputs(stage).restApi,
        stageName: consumer,
      });
      // Created after the stage it maps (and deleted before it).
      expect(mapping.dependencies, mapping.name).toContain(stage.urn);
      expect(mapping.urn).toContain("maas:frontdoor:FrontDoorDomain$");
    }
    // partner calls with an API key: its stage is on the other API.
    const api = (consumer: string) =>
      inputs(mappings.find((m) => inputs(m).basePath === consumer)!).restApi;
    expect(api("partner")).not.toBe(api("checkout"));
    expect(api("reports")).toBe(api("checkout"));
  });

  it("gives each consumer its stable URL beside the execute-api one, and the DNS record's target", () => {
    const consumers = consumersOf(fixture);
    for (const name of ["checkout", "partner", "reports"]) {
      expect(consumers[name]!.stableUrl).toBe(`https://api.models.example.com/${name}`);
      expect(consumers[name]!.url).toMatch(
        new RegExp(`^https://[0-9a-f]{10}\\.execute-api\\.eu-west-1\\.amazonaws\\.com/${name}$`),
      );
    }
    expect((fixture.plan.outputs as any).apiDomain).toEqual({
      domainName: "api.models.example.com",
      regionalDomainName: expect.stringMatching(
        /^d-[0-9a-f]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/,
      ),
      regionalZoneId: expect.any(String),
      dnsRecord: expect.stringMatching(/^yours to create/),
    });
    // The DNS is the user's unless a hosted zone is named.
    expect(fixture.ofType(RECORD)).toEqual([]);
  });

  it("writes the alias record into the hosted zone named, pointing at the domain's Regional endpoint", async () => {
    const zoned = await planOf({ catalogue: withConsumers(), config: { ...DOMAIN, ...ZONE } });
    const [record] = zoned.ofType(RECORD);
    const regional = (zoned.plan.outputs as any).apiDomain.regionalDomainName;
    expect(inputs(record!)).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "api.models.example.com",
      type: "A",
      aliases: [{ name: regional, zoneId: "Z0PLACEHOLDERAPIGW", evaluateTargetHealth: false }],
    });
    expect(record!.options?.deleteBeforeReplace).toBeUndefined();
    expect((zoned.plan.outputs as any).apiDomain.dnsRecord).toMatch(
      /hosted zone Z0123456789ABCDEFGHIJ, written by the stack$/,
    );
  });

  it("leaves the execute-api endpoint on unless asked, and then redeploys so that it takes effect", async () => {
    for (const api of fixture.ofType("aws:apigateway/restApi:RestApi"))
      expect(inputs(api).disableExecuteApiEndpoint, api.name).toBe(false);
    const off = await planOf({
      catalogue: withConsumers(),
      config: { ...DOMAIN, "maas:disableExecuteApiEndpoint": "true" },
    });
    for (const api of off.ofType("aws:apigateway/restApi:RestApi"))
      expect(inputs(api).disableExecuteApiEndpoint, api.name).toBe(true);
    // API Gateway applies it with the next stage update: the deployments change with it.
    const triggers = (plan: PlanFixture) =>
      plan.ofType("aws:apigateway/deployment:Deployment").map((d) => inputs(d).triggers);
    expect(triggers(off)).not.toEqual(triggers(fixture));
    // The dead execute-api URLs are no longer handed out.
    for (const consumer of Object.values(consumersOf(off))) {
      expect(consumer.url).toBeUndefined();
      expect(consumer.stableUrl).toMatch(/^https:\/\/api\.models\.example\.com\//);
    }
  });

  it("keeps the domain while nothing is served, without mappings (no stage exists)", async () => {
    const retired = withConsumers(
      ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
      ['"1.1.0": { traffic: 10 }', '"1.1.0": { retired: true }'],
      ['"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }'],
      ['"2.0.0": { traffic: 100 }', '"2.0.0": { retired: true }'],
    );
    const idle = await planOf({ catalogue: retired, config: DOMAIN });
    expect(idle.ofType(DOMAIN_NAME)).toHaveLength(1);
    expect(idle.ofType(MAPPING)).toEqual([]);
    for (const consumer of Object.values(consumersOf(idle))) {
      expect(consumer.stableUrl).toBeUndefined();
      expect(consumer.note).toMatch(/^no model is served yet/);
    }
  });

  it("without maas:apiDomain there is no domain, and no stable URL", async () => {
    const plain = await planOf({ catalogue: withConsumers() });
    expect(plain.ofType(DOMAIN_NAME)).toEqual([]);
    expect(plain.ofType(MAPPING)).toEqual([]);
    expect((plain.plan.outputs as any).apiDomain).toBeNull();
    for (const consumer of Object.values(consumersOf(plain)))
      expect(consumer.stableUrl).toBeUndefined();
  });

  it("is refused where there is no front door to give it: no consumers, or a shard stack", async () => {
    await expect(planOf({ catalogue: twoModels(), config: DOMAIN })).rejects.toThrow(
      /\n--config: maas:apiDomain: .*models\.yaml declares no consumers, so there is no front door to give a domain/,
    );
    const shard = await runPlan({
      stack: "platform-vision",
      projectDir: join(PROJECT_ROOT, "test", "fixtures", "sharded"),
      config: DOMAIN,
    });
    expect(shard.ok ? [] : shard.problems).toEqual([
      expect.stringMatching(
        /^--config: maas:apiDomain: stack platform-vision is a shard: the front door and its domain belong to the base stack platform; set maas:apiDomain/,
      ),
    ]);
  });
});
