/**
 * What holds history (a kind's record in kinds/, `history`) is one list for every judge. It was
 * three: RULES-26 refused deleting the registry's records, repositories, images, table, bucket
 * and key without retainOnDelete, while the review's note on history leaving the stack but staying
 * in AWS named only the first three, so a retained bucket, table or key removed from the stack
 * went unsaid. Each kind that holds history is now both refused unretained and noted retained.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "../../kinds";
import type { RecordedResource } from "../../plan/record";
import { risks } from "../../review/risk";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { BASELINE, resolvedOf } from "../helpers/catalogue";
import { planOf } from "../helpers/plan";

const HISTORY = [...KINDS.values()].filter((kind) => kind.history).map((kind) => kind.type);

/** The judges' word on `resource` leaving the stack, retained in AWS or not. */
function removed(resource: RecordedResource, retainOnDelete: boolean) {
  const { protect: _protect, retainOnDelete: _retained, ...options } = resource.options ?? {};
  const old = {
    ...resource,
    options: { ...options, ...(retainOnDelete ? { retainOnDelete: true as const } : {}) },
  };
  const t = transition([old], []);
  const findings = judgeTransition(t);
  const catalogue = resolvedOf(BASELINE);
  return {
    refused: findings.filter((f) => f.severity === "refuse").map((f) => f.rule),
    notes: risks({ transition: t, findings, base: catalogue, head: catalogue, violations: [] })
      .filter((risk) => risk.level === "note")
      .map((risk) => risk.text),
  };
}

describe("what holds history", () => {
  let resources: RecordedResource[];
  beforeAll(async () => {
    resources = (await planOf({ stack: "prod" })).plan.resources;
  });

  it("includes the registry's store as well as its records and images", () => {
    expect(HISTORY).toEqual(
      expect.arrayContaining([
        "aws:s3/bucket:Bucket",
        "aws:dynamodb/table:Table",
        "aws:kms/key:Key",
        "aws:dynamodb/tableItem:TableItem",
        "aws:ecr/repository:Repository",
        "docker-build:index:Image",
      ]),
    );
  });

  it.each(HISTORY)("%s: deleted unretained is refused (RULES-26), retained is noted", (type) => {
    const resource = resources.find((r) => r.type === type);
    expect(resource, `the prod plan has a ${type}`).toBeDefined();
    expect(removed(resource!, false).refused).toContain("RULES-26/history-kept");
    const kept = removed(resource!, true);
    expect(kept.refused).not.toContain("RULES-26/history-kept");
    expect(kept.notes.join("\n")).toMatch(/^leave the stack but stay in AWS \(registry history\)/m);
    expect(kept.notes.join("\n")).toContain(resource!.name);
  });

  it("says nothing of a kind that holds none", () => {
    const group = resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup")!;
    expect(removed(group, true).notes.join("\n")).not.toContain("registry history");
    expect(removed(group, false).refused).not.toContain("RULES-26/history-kept");
  });
});
