/**
 * Cost allocation: what the bill can be split by. Every AWS resource gets the stack, project and
 * environment from the provider's default tags; every AWS resource of a model whose type takes
 * tags (as the installed provider declares it) carries the model and its owner, those of a
 * version its version too; every Kubernetes object of a model carries the same as labels. The
 * types that take no tags are named in docs/review.md ("Cost"), so nobody looks for them.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { displayType } from "../../review/markdown";
import type { RecordedResource } from "../../plan/record";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { PROJECT_ROOT } from "../helpers/cli";

/** Whether the installed @pulumi/aws lets a resource type carry tags. */
function takesTags(type: string): boolean {
  const module = type.split(":")[1]!;
  const file = join(PROJECT_ROOT, "node_modules", "@pulumi", "aws", `${module}.d.ts`);
  if (!existsSync(file)) throw new Error(`no type declarations for ${type} at ${file}`);
  return /^\s+tags\?: pulumi\.Input</m.test(readFileSync(file, "utf8"));
}

/** The model a resource belongs to: the model component (or its version's) above it. */
function modelOf(
  resource: RecordedResource,
  byUrn: Map<string, RecordedResource>,
): string | undefined {
  for (let urn = resource.parent; urn; urn = byUrn.get(urn)?.parent) {
    const parent = byUrn.get(urn)!;
    if (/^maas:[a-z]+:Model/.test(parent.type) && parent.type !== "maas:registry:ModelRegistry")
      return parent.type === "maas:model:ModelVersion" ? undefined : parent.name;
  }
  return undefined;
}

for (const stack of ["dev", "prod"])
  describe(`cost allocation tags (${stack})`, () => {
    let fixture: PlanFixture;
    let byUrn: Map<string, RecordedResource>;
    beforeAll(async () => {
      fixture = await planOf({ stack });
      byUrn = new Map(fixture.plan.resources.map((r) => [r.urn, r]));
    });

    it("tags every AWS resource with the stack, project and environment, through the provider's default tags", () => {
      const provider = fixture.plan.resources.find((r) => r.type === "pulumi:providers:aws")!;
      expect(JSON.parse(String(provider.inputs.defaultTags))).toEqual({
        tags: { "maas:stack": stack, "maas:project": "maas", "maas:environment": stack },
      });
      const aws = fixture.plan.resources.filter((r) => r.type.startsWith("aws:"));
      expect(aws.filter((r) => !r.provider?.startsWith(provider.urn))).toEqual([]);
    });

    it("tags every AWS resource of a model that takes tags with its model and owner, and a version's with its version", () => {
      const untagged: string[] = [];
      const versions = new Map<string, Set<string>>();
      for (const resource of fixture.plan.resources.filter((r) => r.type.startsWith("aws:"))) {
        const model = modelOf(resource, byUrn);
        if (model === undefined) continue;
        if (!takesTags(resource.type)) {
          untagged.push(resource.type);
          continue;
        }
        const owner = fixture.catalogue.models.find((m) => m.name === model)!.owner;
        const tags = resource.inputs.tags as Record<string, string>;
        expect(tags, resource.urn).toMatchObject({ "maas:model": model, "maas:owner": owner });
        if (tags["maas:version"])
          versions.set(model, (versions.get(model) ?? new Set()).add(tags["maas:version"]));
      }
      // Every served version has resources of its own tagged with it (target groups, alarms).
      for (const model of fixture.catalogue.models)
        expect([...(versions.get(model.name) ?? [])].sort(), model.name).toEqual(
          model.versions
            .filter((v) => v.status !== "retired")
            .map((v) => v.version)
            .sort(),
        );
      // What takes no tags, by the provider's own declarations: named in the docs.
      const operations = readFileSync(join(PROJECT_ROOT, "docs", "review.md"), "utf8").replace(
        /\s+/g,
        " ",
      );
      for (const type of new Set(untagged)) expect(operations, type).toContain(displayType(type));
      expect([...new Set(untagged)].sort()).toEqual([
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:dynamodb/tableItem:TableItem",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:iam/rolePolicy:RolePolicy",
      ]);
    });

    it("labels every Kubernetes object of a model with its model and owner, a version's (and its pods) with its version", () => {
      const objects = fixture.plan.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && r.custom,
      );
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) {
        const metadata = object.inputs.metadata as {
          namespace?: string;
          name?: string;
          labels?: Record<string, string>;
        };
        const model = fixture.catalogue.models.find(
          (m) => m.name === (metadata.namespace ?? metadata.name),
        )!;
        expect(metadata.labels, object.urn).toMatchObject({
          "app.kubernetes.io/name": model.name,
          "maas/owner": model.owner,
        });
        const spec = object.inputs.spec as
          { template?: { metadata?: { labels?: object } } } | undefined;
        if (metadata.labels?.["maas/version"] && spec?.template)
          expect(spec.template.metadata?.labels, object.urn).toMatchObject({
            "app.kubernetes.io/name": model.name,
            "maas/owner": model.owner,
            "maas/version": metadata.labels["maas/version"],
          });
      }
    });
  });
