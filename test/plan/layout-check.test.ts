/**
 * A split catalogue checked as a whole (RULES 27, 32 and the sharded layout): every shard a base
 * lists has exactly one stack, and no physical name is created by two stacks of one account,
 * region or cluster. `maas plan --all-stacks` and `maas diff --all-stacks` refuse what these find
 * (as a process: test/cli/process.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layoutProblems } from "../../plan/layout-check";
import type { LayoutStack } from "../../plan/layout-check";
import { crossStackCollisions, duplicateNames, stackScope } from "../../plan/physical-names";
import type { RecordedResource } from "../../plan/record";
import { PROJECT_ROOT } from "../helpers/cli";
import { API_DOMAIN, withConsumers } from "../helpers/front-door";
import { planOf, projectPlans } from "../helpers/plan";

/** Where a stack file writes a key, as stack-config.ts gives it. */
const at = (stack: string) => () => `Pulumi.${stack}.yaml:14:3`;
const base: LayoutStack = {
  stack: "platform",
  layout: { kind: "base", shards: ["risk", "vision"] },
  where: at("platform"),
};
const shard = (stack: string, name: string): LayoutStack => ({
  stack,
  layout: { kind: "shard", shard: name, baseStack: "platform" },
  where: at(stack),
});
const models = (_base: string, name: string) =>
  name === "vision" ? ["image-classifier"] : ["fraud-scorer", "text-embedder"];

describe("the layout of a split catalogue", () => {
  it("passes when every shard of the base has exactly one stack", () => {
    expect(
      layoutProblems([base, shard("platform-risk", "risk"), shard("platform-vision", "vision")]),
    ).toEqual([]);
  });

  it("refuses a shard with no stack: its models would be deployed by none", () => {
    expect(layoutProblems([base, shard("platform-vision", "vision")], models)).toEqual([
      "Pulumi.platform.yaml:14:3: maas:shards: shard risk has no stack: its models (fraud-scorer, text-embedder) would be deployed by none, and a model moved to it would only be removed from the stack it leaves. Create a stack for it (maas:shard: risk, maas:baseStack: platform), or remove risk from maas:shards and move its models to a shard that has one [layout/shard-has-stack]",
    ]);
  });

  it("refuses two stacks of one shard: each would deploy its models again", () => {
    const problems = layoutProblems(
      [
        base,
        shard("platform-risk", "risk"),
        shard("platform-vision", "vision"),
        shard("platform-vision-2", "vision"),
      ],
      models,
    );
    expect(problems).toEqual([
      "Pulumi.platform-vision.yaml:14:3 and Pulumi.platform-vision-2.yaml:14:3: maas:shard: stacks platform-vision, platform-vision-2 all deploy shard vision of base stack platform: each would create its models (image-classifier) again, under the same names, and the second create fails. A shard has exactly one stack: keep one of them [layout/one-stack-per-shard]",
    ]);
  });

  it("leaves single stacks alone: each deploys every model of its environment", () => {
    expect(
      layoutProblems([
        { stack: "dev", layout: { kind: "single" }, where: at("dev") },
        { stack: "prod", layout: { kind: "single" }, where: at("prod") },
      ]),
    ).toEqual([]);
  });
});

/** The sharded test project, with its vision shard's stack file copied under another name. */
function shardedWithTwin(): string {
  const project = mkdtempSync(join(tmpdir(), "maas-layout-"));
  cpSync(join(PROJECT_ROOT, "test", "fixtures", "sharded"), project, { recursive: true });
  const file = join(project, "Pulumi.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^main: .*$/m, `main: ${PROJECT_ROOT}`));
  cpSync(join(project, "Pulumi.platform-vision.yaml"), join(project, "Pulumi.platform-twin.yaml"));
  return project;
}

describe("physical names across stacks", () => {
  it("the test project's dev and prod share none", async () => {
    const { dev, prod } = await projectPlans();
    expect(
      crossStackCollisions([
        stackScope("dev", "dev", dev.plan.resources),
        stackScope("prod", "prod", prod.plan.resources),
      ]),
    ).toEqual([]);
  });

  it("two stacks of one shard create every name of its models twice", async () => {
    const project = shardedWithTwin();
    // One plan at a time: the Pulumi runtime is the process's.
    const scopes = [];
    for (const stack of ["platform", "platform-vision", "platform-twin", "platform-risk"])
      scopes.push(
        stackScope(
          stack,
          "platform",
          (await planOf({ stack, projectDir: project })).plan.resources,
        ),
      );
    const collisions = crossStackCollisions(scopes);
    expect(collisions).toHaveLength(1);
    expect(collisions[0]).toMatch(
      /^stacks platform-twin and platform-vision would each create \d+ physical names \(IAM role maas-platform_image-classifier in the account; .*\): the second create fails.* \[layout\/unique-names\]$/,
    );
    // Without the twin, the layout's stacks share nothing.
    expect(crossStackCollisions(scopes.filter((s) => s.stack !== "platform-twin"))).toEqual([]);
  });
});

describe("physical names two projects' stacks set from their config", () => {
  it("one front door domain in two stacks of a region: the second create fails", async () => {
    const catalogue = withConsumers();
    const dev = await planOf({ catalogue, config: API_DOMAIN });
    const prod = await planOf({ stack: "prod", catalogue, config: API_DOMAIN });
    const [collision, ...more] = crossStackCollisions([
      stackScope("dev", "dev", dev.plan.resources),
      stackScope("prod", "prod", prod.plan.resources),
    ]);
    expect(more).toEqual([]);
    expect(collision).toMatch(
      /^stacks dev and prod would each create \d+ physical names \(.*API custom domain api\.models\.example\.com in region eu-west-1.*\)/,
    );
  });
});

describe("physical names within a stack", () => {
  const resource = (name: string, alarm: string): RecordedResource => ({
    urn: `urn:pulumi:dev::maas::aws:cloudwatch/metricAlarm:MetricAlarm::${name}`,
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name,
    custom: true,
    inputs: { name: alarm },
    dependencies: [],
  });

  it("finds two resources that hold one name (an alarm would silently replace the other)", () => {
    const [a, b] = [resource("a", "maas-dev_x"), resource("b", "maas-dev_x")];
    expect(duplicateNames([a, b, resource("c", "maas-dev_y")])).toEqual([
      { resource: b, name: "alarm maas-dev_x", other: a },
    ]);
  });
});
