/**
 * The custom domain from deployed to next: adding it only creates; a consumer that changes how it
 * calls keeps its stable URL, its mapping moving to the other API in place (the provider patches
 * restApi and stageName: terraform-provider-aws base_path_mapping.go, pull request #16147),
 * after its new stage exists and before the old one goes; a mapping created anew beside the old
 * one would fail on the same base path, which the transition rules refuse; a removed consumer's
 * mapping goes before its stage; another domain is created before the old one goes.
 */
import { describe, expect, it } from "vitest";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { API_CERTIFICATE, API_DOMAIN, withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";
import { transitionBetween } from "../helpers/transition";

const [CERTIFICATE, DOMAIN] = [API_CERTIFICATE, API_DOMAIN];
const ZONE = { "maas:apiHostedZoneId": "Z0123456789ABCDEFGHIJ" };
const withDomain = { catalogue: withConsumers(), config: DOMAIN };
const reportsByKey = withConsumers([
  "  reports:\n    principals:",
  "  reports:\n    auth: apiKey\n    principals:",
]);

describe("the custom domain, from deployed to next", () => {
  it("added to a running front door: the domain and a mapping per consumer are created, nothing else changes", async () => {
    const t = await transitionBetween(
      { catalogue: withConsumers() },
      { catalogue: withConsumers(), config: { ...DOMAIN, ...ZONE } },
    );
    expect(t.findings).toEqual([]);
    expect(t.steps.filter((s) => !s.startsWith("create"))).toEqual([]);
    expect(t.steps.filter((s) => s.startsWith("create")).sort()).toEqual([
      "create BasePathMapping::front-door-domain-checkout",
      "create BasePathMapping::front-door-domain-partner",
      "create BasePathMapping::front-door-domain-reports",
      "create DomainName::front-door-domain",
      "create Record::front-door-domain",
    ]);
  });

  it("a consumer that changes how it calls keeps its stable URL: its mapping moves to the other API in place", async () => {
    const t = await transitionBetween(withDomain, { catalogue: reportsByKey, config: DOMAIN });
    expect(t.findings).toEqual([]);
    const mapping = t.step("BasePathMapping", "front-door-domain-reports");
    expect(mapping).toMatchObject({ op: "update", causes: [] });
    expect(mapping.paths.sort()).toEqual(["restApi"]);
    // The new stage exists first; the old one goes at the end, after the mapping left it.
    expect(t.at("BasePathMapping", "front-door-domain-reports")).toBeGreaterThan(
      t.at("Stage", "front-door-apikey-reports"),
    );
    expect(t.at("Stage", "front-door-sigv4-reports")).toBeGreaterThan(
      t.at("BasePathMapping", "front-door-domain-reports"),
    );
    expect(t.step("Stage", "front-door-sigv4-reports").op).toBe("delete");
    // The other consumers' mappings do not move.
    expect(t.steps.filter((s) => s.includes("BasePathMapping::")).length).toBe(1);
  });

  it("a mapping created anew beside the old one would take its base path while the old holds it: refused", async () => {
    const base = (await planOf(withDomain)).plan.resources;
    const head = (await planOf({ catalogue: reportsByKey, config: DOMAIN })).plan.resources;
    // The mapping as if it were named after its API: a delete and a create, create first.
    const moved = head.map((r) =>
      r.type.endsWith(":BasePathMapping") && r.name === "front-door-domain-reports"
        ? {
            ...r,
            name: "front-door-apikey-reports",
            urn: r.urn.replace(/::front-door-domain-reports$/, "::front-door-apikey-reports"),
          }
        : r,
    );
    const findings = judgeTransition(transition(base, moved));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "RULES-22/create-before-delete",
        message: expect.stringContaining(
          "takes base path reports of API custom domain api.models.example.com, which BasePathMapping front-door-domain-reports holds until the end of the update",
        ),
      }),
    ]);
  });

  it("a removed consumer's mapping goes before its stage", async () => {
    const t = await transitionBetween(withDomain, {
      catalogue: withConsumers([
        "  reports:\n    principals: [arn:aws:iam::111122223333:role/reports]\n    rateLimit: { requestsPerSecond: 2, burst: 4 }\n",
        "",
      ]),
      config: DOMAIN,
    });
    expect(t.findings).toEqual([]);
    expect(t.step("BasePathMapping", "front-door-domain-reports").op).toBe("delete");
    expect(t.at("Stage", "front-door-sigv4-reports")).toBeGreaterThan(
      t.at("BasePathMapping", "front-door-domain-reports"),
    );
  });

  it("another domain: the new one and its mappings and record are created before the old ones go", async () => {
    const other = {
      ...DOMAIN,
      ...ZONE,
      "maas:apiDomain": "models.example.com",
      "maas:apiCertificateArn": CERTIFICATE.replace("0a1b2c3d", "9f8e7d6c"),
    };
    const t = await transitionBetween(
      { catalogue: withConsumers(), config: { ...DOMAIN, ...ZONE } },
      { catalogue: withConsumers(), config: other },
    );
    expect(t.findings).toEqual([]);
    expect(t.step("DomainName", "front-door-domain")).toMatchObject({
      op: "replace",
      causes: ["domainName"],
      deleteFirst: false,
    });
    expect(t.step("BasePathMapping", "front-door-domain-checkout")).toMatchObject({
      op: "replace",
      causes: ["domainName"],
    });
    expect(t.step("Record", "front-door-domain")).toMatchObject({
      op: "replace",
      causes: ["name"],
    });
    // A new certificate alone is patched onto the domain in place.
    const renewed = await transitionBetween(
      { catalogue: withConsumers(), config: DOMAIN },
      {
        catalogue: withConsumers(),
        config: { ...DOMAIN, "maas:apiCertificateArn": other["maas:apiCertificateArn"] },
      },
    );
    expect(renewed.steps).toEqual(["update DomainName::front-door-domain"]);
  });

  it("removed: the mappings and the record go before the domain; the APIs and stages stay", async () => {
    const t = await transitionBetween(
      { catalogue: withConsumers(), config: { ...DOMAIN, ...ZONE } },
      { catalogue: withConsumers() },
    );
    expect(t.findings).toEqual([]);
    expect(t.steps.filter((s) => !s.startsWith("delete"))).toEqual([]);
    const domain = t.at("DomainName", "front-door-domain");
    for (const consumer of ["checkout", "partner", "reports"])
      expect(domain).toBeGreaterThan(t.at("BasePathMapping", `front-door-domain-${consumer}`));
    expect(domain).toBeGreaterThan(t.at("Record", "front-door-domain"));
  });

  it("the execute-api endpoint turned off: the APIs change in place and new deployments make it live", async () => {
    const t = await transitionBetween(withDomain, {
      catalogue: withConsumers(),
      config: { ...DOMAIN, "maas:disableExecuteApiEndpoint": "true" },
    });
    expect(t.findings).toEqual([]);
    for (const api of ["front-door-sigv4", "front-door-apikey"]) {
      expect(t.step("RestApi", api)).toMatchObject({ op: "update" });
      expect(t.step("Deployment", api).op).toBe("replace");
      expect(t.at("Deployment", api)).toBeGreaterThan(t.at("RestApi", api));
    }
    expect(t.steps.filter((s) => s.includes("BasePathMapping"))).toEqual([]);
  });
});
