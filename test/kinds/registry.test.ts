/**
 * The resource-type registry (kinds/) is the checklist for a new kind of resource: every type the
 * program constructs has its record, found from the program's sources (test/helpers/
 * constructed-types.ts) and from a plan with every feature on; no record outlives the code that
 * needs it; and each record holds what its kind must say (IAM actions for AWS, apply order and
 * schema for Kubernetes).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KINDS, kindOf } from "../../kinds";
import type { RecordedResource } from "../../plan/record";
import { PROJECT_ROOT } from "../helpers/cli";
import { constructedTypes } from "../helpers/constructed-types";
import type { Constructed } from "../helpers/constructed-types";
import { API_DOMAIN, withTokens } from "../helpers/front-door";
import { planOf } from "../helpers/plan";

/** The file of kinds/ a type's record belongs in, as the failure names it. */
function homeOf(type: string): string {
  if (type.startsWith("kubernetes:")) return "kinds/kubernetes.ts";
  return "kinds/ (the file of its service: storage, identity, network, monitoring, front-door)";
}

describe("the resource-type registry (kinds/)", () => {
  let constructed: Constructed[];
  let everything: RecordedResource[];
  beforeAll(async () => {
    constructed = await constructedTypes();
    // The front door with every kind of consumer, its custom domain in a Route 53 zone.
    everything = (
      await planOf({
        stack: "prod",
        catalogue: withTokens(),
        config: { ...API_DOMAIN, "maas:apiHostedZoneId": "Z0123456789ABCDEFGHIJ" },
      })
    ).plan.resources;
  });

  it("has a record for every resource type the program's sources construct", () => {
    expect(constructed.length).toBeGreaterThan(60);
    const missing = constructed
      .filter(({ type }) => !kindOf(type))
      .map(
        ({ type, file }) => `${type} (constructed in ${file}): add its record to ${homeOf(type)}`,
      );
    expect(missing, "resource types without a record").toEqual([]);
  });

  it("has no record for a type nothing constructs", () => {
    const made = new Set(constructed.map(({ type }) => type));
    const orphans = [...KINDS.keys()].filter((type) => !made.has(type));
    expect(orphans, "records in kinds/ for types the program no longer constructs").toEqual([]);
  });

  it("has a record for every resource a plan with every feature records", () => {
    const planned = new Set(
      everything
        .filter((r) => r.custom && !r.type.startsWith("pulumi:"))
        .map((r) => r.type)
        .filter((type) => !kindOf(type)),
    );
    expect([...planned], "planned types without a record in kinds/").toEqual([]);
  });

  it("says what deploying every AWS kind takes, and no other's", () => {
    for (const kind of KINDS.values()) {
      const aws = kind.type.startsWith("aws:") || kind.type.startsWith("docker-build:");
      if (aws) expect(kind.deployer?.length ?? 0, `${kind.type}: deployer`).toBeGreaterThan(0);
      else expect(kind.deployer, `${kind.type}: IAM actions on a kind outside AWS`).toBeUndefined();
    }
  });

  it("gives every Kubernetes kind, and only those, an apply order of its own and a schema", () => {
    const kubernetes = [...KINDS.values()].filter((k) => k.type.startsWith("kubernetes:"));
    for (const kind of KINDS.values())
      expect(Boolean(kind.kubernetes), kind.type).toBe(kind.type.startsWith("kubernetes:"));
    // Each schema loads and judges: a wrong field is a problem, not an exception.
    for (const kind of kubernetes)
      expect(kind.kubernetes!.schema({ metadata: "no object" }), kind.type).toMatch(/metadata/);
    const orders = kubernetes.map((k) => k.kubernetes!.applyOrder);
    expect(new Set(orders).size, "two kinds share an apply order").toBe(orders.length);
    const order = (type: string) => kindOf(type)!.kubernetes!.applyOrder;
    // A namespace before what lives in it; a Deployment before what points at it.
    for (const kind of kubernetes.filter((k) => k.type !== "kubernetes:core/v1:Namespace"))
      expect(order(kind.type), kind.type).toBeGreaterThan(order("kubernetes:core/v1:Namespace"));
    expect(order("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toBeGreaterThan(
      order("kubernetes:apps/v1:Deployment"),
    );
  });

  it("is what the component asks replacement for: the binding's replaceOnChanges is its record's", () => {
    const bindings = everything.filter(
      (r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    );
    expect(bindings.length).toBeGreaterThan(0);
    const refused = kindOf("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")!.refusedInPlace;
    expect(refused?.length).toBeGreaterThan(0);
    for (const binding of bindings)
      expect(binding.options?.replaceOnChanges, binding.name).toEqual(refused);
  });
});

describe("the worked example of docs/maintainers.md (How to add … A new kind of resource)", () => {
  const text = readFileSync(join(PROJECT_ROOT, "docs/maintainers.md"), "utf8");
  const section = text.split("**A new kind of resource**")[1]?.split("**A catalogue setting**")[0];
  const intro = section?.split("Worked example")[0] ?? "";
  const paths = (part: string) =>
    new Set([...part.matchAll(/`([a-z-]+\/[\w./-]+\.ts)`/g)].map((match) => match[1]!));

  it("names every file of the program that reads the registry, and only those", () => {
    const readers = [
      "components",
      "stack",
      "plan",
      "change",
      "review",
      "policy",
      "cost",
      "cli",
      "rollout",
      "smoke",
    ]
      .flatMap((dir) =>
        readdirSync(join(PROJECT_ROOT, dir), { recursive: true }).map((f) => join(dir, String(f))),
      )
      .filter((file) => file.endsWith(".ts"))
      .filter((file) =>
        /from "(?:\.\.\/)+kinds(?:\/[\w-]+)?"/.test(readFileSync(join(PROJECT_ROOT, file), "utf8")),
      )
      .sort();
    expect(readers.length).toBeGreaterThan(5);
    const named = [...paths(intro)]
      .filter((file) => !file.startsWith("test/") && !file.startsWith("kinds/"))
      .sort();
    expect(named, "the files docs/maintainers.md says read kinds/").toEqual(readers);
  });

  it("names files that exist, and the files its failures name", () => {
    const created = "components/specs/pod-monitor.ts";
    for (const path of paths(section ?? ""))
      if (path !== created)
        expect(existsSync(join(PROJECT_ROOT, path)), `${path} (docs/maintainers.md)`).toBe(true);
    expect(section).toContain("`kinds/kubernetes.ts`");
    for (const file of ["storage", "identity", "network", "monitoring", "front-door"])
      expect(section, `kinds/${file}.ts`).toMatch(new RegExp(`\`(kinds/)?${file}\\.ts\``));
  });
});
