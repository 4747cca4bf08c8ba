/**
 * Blast radius, by comparing plans of the example catalogue before and after one edit:
 * a traffic shift touches only the model's listener rule, its registry items and the catalogue
 * snapshot; a new version adds its own resources and leaves the other versions alone; a new
 * model leaves every other model's resources alone, listener rule priorities included.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { comparePlans } from "../../change/compare";
import { FIXTURE_CONTEXT, planOf, TEST_PROJECT } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

/** The test project's catalogue, written elsewhere: its build context made absolute. */
function exampleCatalogue(
  edit: (document: ReturnType<typeof parseDocument>) => void = () => undefined,
): string {
  const document = parseDocument(readFileSync(join(TEST_PROJECT, "models.yaml"), "utf8"));
  document.setIn(["models", "image-classifier", "build", "context"], FIXTURE_CONTEXT);
  edit(document);
  return String(document);
}

const shortName = (urn: string) => urn.split("::").slice(2).join("::").replace(/^.*\$/, "");
const touched = (fixture: PlanFixture, after: PlanFixture) => {
  const { added, removed, changed } = comparePlans(fixture.plan.resources, after.plan.resources);
  return {
    added: added.map((r) => shortName(r.urn)).sort(),
    removed: removed.map((r) => shortName(r.urn)).sort(),
    changed: changed.map((c) => shortName(c.urn)).sort(),
  };
};

let base: PlanFixture;

beforeAll(async () => {
  base = await planOf({ stack: "dev", catalogue: exampleCatalogue() });
});

describe("blast radius", () => {
  it("a traffic-only edit changes only the model's listener rule, its registry items and the snapshot", async () => {
    const shifted = await planOf({
      stack: "dev",
      catalogue: exampleCatalogue((document) => {
        document.setIn(
          ["environments", "dev", "models", "image-classifier", "versions", "1.4.0", "traffic"],
          80,
        );
        document.setIn(
          ["environments", "dev", "models", "image-classifier", "versions", "1.5.0", "traffic"],
          20,
        );
      }),
    });
    expect(touched(base, shifted)).toEqual({
      added: [],
      removed: [],
      changed: [
        "aws:dynamodb/tableItem:TableItem::image-classifier-v1-4-0",
        "aws:dynamodb/tableItem:TableItem::image-classifier-v1-5-0",
        "aws:lb/listenerRule:ListenerRule::image-classifier",
        "aws:s3/bucketObjectv2:BucketObjectv2::registry-catalogue-snapshot",
      ],
    });
    const rule = comparePlans(base.plan.resources, shifted.plan.resources).changed.find(
      (c) => c.type === "aws:lb/listenerRule:ListenerRule",
    )!;
    expect(rule.paths).toEqual([
      "inputs.actions.0.forward.targetGroups[arn=targetgroup/image-classifier-1-4-0-e23092].weight",
      "inputs.actions.0.forward.targetGroups[arn=targetgroup/image-classifier-1-5-0-26a73f].weight",
    ]);
  });

  it("a rollback (standby to live) is the same kind of edit: rule, items, snapshot, no pod restarts", async () => {
    const rolledBack = await planOf({
      stack: "dev",
      catalogue: exampleCatalogue((document) => {
        document.setIn(["models", "text-embedder", "versions", "2.0.0", "traffic"], 0);
        document.setIn(["models", "text-embedder", "versions", "1.9.2", "traffic"], 100);
      }),
    });
    const { changed } = touched(base, rolledBack);
    expect(changed).toEqual([
      "aws:dynamodb/tableItem:TableItem::text-embedder-v1-9-2",
      "aws:dynamodb/tableItem:TableItem::text-embedder-v2-0-0",
      "aws:lb/listenerRule:ListenerRule::text-embedder",
      "aws:s3/bucketObjectv2:BucketObjectv2::registry-catalogue-snapshot",
    ]);
  });

  it("adding a version adds its resources and changes nothing of the other versions", async () => {
    const withCanary = await planOf({
      stack: "dev",
      catalogue: exampleCatalogue((document) => {
        document.setIn(
          ["models", "fraud-scorer", "versions", "3.3.0"],
          document.createNode({ traffic: 0, image: "ghcr.io/acme-risk/fraud-scorer:3.3.0" }),
        );
      }),
    });
    const { added, removed, changed } = touched(base, withCanary);
    expect(removed).toEqual([]);
    expect(added).toEqual([
      "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-scorer-v3-3-0-error-rate",
      "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-scorer-v3-3-0-no-healthy-hosts",
      "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-scorer-v3-3-0-p99-latency",
      "aws:cloudwatch/metricAlarm:MetricAlarm::fraud-scorer-v3-3-0-unhealthy-hosts",
      "aws:dynamodb/tableItem:TableItem::fraud-scorer-v3-3-0",
      "aws:dynamodb/tableItem:TableItem::fraud-scorer-v3-3-0-image",
      "aws:lb/targetGroup:TargetGroup::fraud-scorer-v3-3-0",
      "kubernetes:apps/v1:Deployment::fraud-scorer-v3-3-0",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::fraud-scorer-v3-3-0",
      "kubernetes:core/v1:Service::fraud-scorer-v3-3-0",
      "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding::fraud-scorer-v3-3-0",
      "kubernetes:policy/v1:PodDisruptionBudget::fraud-scorer-v3-3-0",
      "maas:model:ModelVersion::fraud-scorer-v3-3-0",
      "random:index/randomId:RandomId::fraud-scorer-v3-3-0-image",
    ]);
    // The model's shared pieces change (its rules gain a target, its dashboard a series);
    // nothing that belongs to version 3.2.1 does.
    expect(changed).toEqual([
      "aws:cloudwatch/dashboard:Dashboard::fraud-scorer",
      "aws:lb/listenerRule:ListenerRule::fraud-scorer",
      "aws:lb/listenerRule:ListenerRule::fraud-scorer-readiness",
      "aws:s3/bucketObjectv2:BucketObjectv2::registry-catalogue-snapshot",
    ]);
  });

  it("adding a model changes no other model's resources, listener rule priorities included", async () => {
    const withModel = await planOf({
      stack: "dev",
      catalogue: exampleCatalogue((document) => {
        document.setIn(
          ["models", "churn-predictor"],
          document.createNode({
            owner: "growth-team",
            image: "ghcr.io/acme-growth/churn:1.0.0",
            versions: { "1.0.0": { traffic: 100 } },
          }),
        );
      }),
    });
    const { added, removed, changed } = touched(base, withModel);
    expect(removed).toEqual([]);
    expect(changed).toEqual(["aws:s3/bucketObjectv2:BucketObjectv2::registry-catalogue-snapshot"]);
    expect(added.every((name) => name.includes("churn-predictor"))).toBe(true);
    expect(added).toContain("aws:lb/listenerRule:ListenerRule::churn-predictor");
  });
});
