/**
 * Adopting the front door on a running stack and removing it, as `pulumi up` applies each step:
 * with maas:keepDirectAccess the load balancers' address-range ingress stays beside the door
 * (the same rules, tagged) while callers move, then goes in a later edit; removing the door keeps
 * its audit trail (log groups and key retained on delete, not protected, so production removes
 * it without lifting maas:protect). Each plans base and head and asserts the engine's steps, the
 * transition rules and the review's words.
 */
import { describe, expect, it } from "vitest";
import { DIRECT_ACCESS_TAG } from "../../catalogue/names";
import { accessRisks } from "../../review/access-risk";
import { risks } from "../../review/risk";
import { transition } from "../../change/transition";
import { checkAwsResources } from "../../policy/aws-rules";
import { withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";
import type { PlanRequest } from "../helpers/plan";
import { transitionBetween, twoModels } from "../helpers/transition";

const KEEP = { "maas:keepDirectAccess": "true" };
const noDoor = { catalogue: twoModels() };
const door = { catalogue: withConsumers() };
const doorKeeping = { catalogue: withConsumers(), config: KEEP };

const risksAt = async (level: string, base: PlanRequest, head: PlanRequest) =>
  accessRisks((await transitionBetween(base, head)).transition)
    .filter((risk) => risk.level === level)
    .map((risk) => risk.text);
const warnings = (base: PlanRequest, head: PlanRequest) => risksAt("warn", base, head);
/** What cuts callers where another way would not: maas diff refuses it. */
const refusals = (base: PlanRequest, head: PlanRequest) => risksAt("refuse", base, head);

const directRules = (t: Awaited<ReturnType<typeof transitionBetween>>, op: string) =>
  t.steps.filter((s) => s.startsWith(`${op} SecurityGroupIngressRule::ingress-from-10-`));

describe("adopting the front door on a running stack", () => {
  it("with maas:keepDirectAccess: the load balancer keeps admitting its callers, the same rules tagged, beside the door", async () => {
    const t = await transitionBetween(noDoor, doorKeeping);
    expect(t.findings).toEqual([]);
    expect(directRules(t, "delete")).toEqual([]);
    expect(directRules(t, "replace")).toEqual([]);
    // Only the tag changes: an in-place update, the rule never leaves the security group.
    expect(directRules(t, "update")).toEqual([
      "update SecurityGroupIngressRule::ingress-from-10-20-0-0-16-80",
    ]);
    expect(t.step("SecurityGroupIngressRule", "ingress-from-10-20-0-0-16-80").paths).toEqual([
      "tags",
    ]);
    expect(t.steps).toContain("create SecurityGroupIngressRule::ingress-from-front-door");
    // The door's rule tolerates them (front-door/only-way-in): tagged as kept on purpose.
    const head = await planOf(doorKeeping);
    expect(
      checkAwsResources(head.plan.resources, { production: false }).filter(
        (v) => v.rule === "front-door/only-way-in",
      ),
    ).toEqual([]);
    expect(
      head.inputs(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "ingress-from-10-20-0-0-16-80",
      ).tags,
    ).toEqual({ [DIRECT_ACCESS_TAG.key]: DIRECT_ACCESS_TAG.value });
    expect((await warnings(noDoor, doorKeeping))[0]).toEqual(
      "the front door opens: models are called through API Gateway by the consumers their access: lists; this apply creates their URLs (outputs: consumers), and the load balancers keep admitting `10.20.0.0/16` beside it (maas:keepDirectAccess) while callers move. Once no caller uses the load balancers' addresses (their access logs, or RequestCount by address), drop maas:keepDirectAccess: until then those callers skip the door's credentials, limits and logs",
    );
  });

  it("every review while it stands warns of the callers around the door", async () => {
    expect(await warnings(doorKeeping, doorKeeping)).toEqual([
      "the load balancers still admit `10.20.0.0/16` beside the front door (maas:keepDirectAccess): callers there skip its credentials, limits and logs. Drop it once they have moved",
    ]);
  });

  it("then dropping it removes the rules, and the review says who is cut off", async () => {
    const t = await transitionBetween(doorKeeping, door);
    expect(t.findings).toEqual([]);
    expect(directRules(t, "delete")).toEqual([
      "delete SecurityGroupIngressRule::ingress-from-10-20-0-0-16-80",
    ]);
    expect(t.steps.filter((s) => s.includes("front-door") && !s.startsWith("same"))).toEqual([]);
    expect(await warnings(doorKeeping, door)).toEqual([
      "the load balancers stop admitting `10.20.0.0/16` (maas:keepDirectAccess dropped): a caller still using their addresses is cut off. Check their access logs first: no request but the front door's",
    ]);
  });

  it("without it the review refuses: callers are cut off in the same apply, and it says how to avoid it", async () => {
    const [warning] = await refusals(noDoor, door);
    expect(warning).toMatch(
      /^the front door opens: .* this apply creates their URLs \(outputs: consumers\), and in the same apply the load balancers stop admitting `10\.20\.0\.0\/16`: their callers are cut off before any of them can hold a consumer's URL\. To adopt the door without an outage, set maas:keepDirectAccess: true in this change/,
    );
  });

  it("it means nothing without a door: the load balancer admits its callers anyway", async () => {
    const t = await transitionBetween(noDoor, { catalogue: twoModels(), config: KEEP });
    expect(t.steps.filter((s) => !s.startsWith("same"))).toEqual([]);
  });
});

describe("removing the front door", () => {
  const prodDoor = { stack: "prod", catalogue: withConsumers() };
  const prodDoorKeeping = { ...prodDoor, config: KEEP };
  const prodNoDoor = { stack: "prod", catalogue: twoModels() };

  it("in production, in one apply without lifting maas:protect: the audit trail leaves the stack, not the account", async () => {
    const t = await transitionBetween(prodDoor, prodNoDoor);
    // No protected resource is deleted (RULES-21/protected would refuse the preview).
    expect(t.findings).toEqual([]);
    for (const [type, name] of [
      ["LogGroup", "front-door-access"],
      ["LogGroup", "front-door-waf"],
      ["Key", "front-door"],
    ] as const) {
      const step = t.step(type, name);
      expect(step.op).toBe("delete");
      // Pulumi deletes it from the state only (retainOnDelete): the logs expire by their retention.
      expect(step.previous?.options).toEqual({ retainOnDelete: true });
    }
    // Its callers are cut before they can move: refused, with the way that cuts nobody.
    const [goes] = await refusals(prodDoor, prodNoDoor);
    expect(goes).toMatch(
      /^the front door goes: .* the load balancers admit `10\.30\.0\.0\/16`; the consumers' URLs stop working in this apply, .* first set maas:keepDirectAccess: true .*\. Its access and WAF logs and their key stay in the account \(retained on delete\) and the logs expire after 365 days; schedule the key's deletion after that/,
    );
  });

  it("without an outage: direct access first, callers move, then the door goes", async () => {
    const first = await transitionBetween(prodDoor, prodDoorKeeping);
    expect(first.findings).toEqual([]);
    expect(directRules(first, "create").sort()).toEqual([
      "create SecurityGroupIngressRule::ingress-from-10-30-0-0-16-443",
      "create SecurityGroupIngressRule::ingress-from-10-30-0-0-16-80",
    ]);
    const second = await transitionBetween(prodDoorKeeping, prodNoDoor);
    expect(second.findings).toEqual([]);
    // The rules stay (their tag goes): no caller of the load balancers is cut off.
    expect(directRules(second, "delete")).toEqual([]);
    expect(directRules(second, "update").length).toBe(2);
    const [goes] = await warnings(prodDoorKeeping, prodNoDoor);
    expect(goes).not.toMatch(/stop working in this apply/);
  });

  it("an upgraded stack's audit trail, protected before, is not reported as exposed to deletion", async () => {
    const head = (await planOf(prodDoor)).plan.resources;
    // As an older maas deployed it: the audit trail protected (and retained) in production.
    const base = head.map((r) =>
      r.options?.retainOnDelete && r.name.startsWith("front-door")
        ? { ...r, options: { ...r.options, protect: true as const } }
        : r,
    );
    expect(base.filter((r) => r.options?.protect && r.name.startsWith("front-door")).length).toBe(
      3,
    );
    const texts = risks({
      transition: transition(base, head),
      findings: [],
      base: { models: [] },
      head: { models: [] },
      violations: [],
    }).map((risk) => risk.text);
    expect(texts.filter((text) => text.includes("protection turned off"))).toEqual([]);
  });
});

describe("the audit trail's retention", () => {
  it("is maas:frontDoorLogRetentionDays on both log groups", async () => {
    const plan = await planOf({
      catalogue: withConsumers(),
      config: { "maas:frontDoorLogRetentionDays": "2557" },
    });
    for (const name of ["front-door-access", "front-door-waf"])
      expect(plan.inputs("aws:cloudwatch/logGroup:LogGroup", name).retentionInDays).toBe(2557);
  });

  it("refuses a period CloudWatch Logs does not offer, naming the key and the choices", async () => {
    await expect(
      planOf({ catalogue: withConsumers(), config: { "maas:frontDoorLogRetentionDays": "100" } }),
    ).rejects.toThrow(
      /maas:frontDoorLogRetentionDays: must be one of CloudWatch Logs' retention periods: 1, 3, 5, .*, 3653/,
    );
  });
});
