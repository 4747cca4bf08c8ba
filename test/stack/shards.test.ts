/**
 * Stack shards: one catalogue deployed as a base stack (registry, key, alarm topic, load
 * balancers) and shard stacks that each deploy the models naming their shard, on the base's
 * shared infrastructure read through a StackReference. The test project test/fixtures/sharded
 * has a base `platform` and shards `platform-vision` and `platform-risk`.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPlan } from "../../plan/run";
import { transition } from "../../change/transition";
import { afterStateMoves, findShardMoves, modelRoots, subtree } from "../../change/shard-moves";
import { PROJECT_ROOT } from "../helpers/cli";
import { FIXTURE_CONTEXT, planOf, servedWorkloads } from "../helpers/plan";
import type { PlanFixture, PlanRequest } from "../helpers/plan";

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");
const CATALOGUE = readFileSync(join(SHARDED, "models.yaml"), "utf8");
const plan = (stack: string, request: Omit<PlanRequest, "stack" | "projectDir"> = {}) =>
  planOf({ ...request, stack, projectDir: SHARDED });
const problemsOf = async (
  stack: string,
  config: Record<string, string> = {},
  catalogue?: string,
) => {
  let file: string | undefined;
  if (catalogue !== undefined) {
    file = join(mkdtempSync(join(tmpdir(), "maas-shards-")), "models.yaml");
    writeFileSync(file, catalogue);
  }
  const result = await runPlan({
    stack,
    projectDir: SHARDED,
    config,
    ...(file === undefined ? {} : { catalogue: file }),
  });
  return result.ok ? [] : result.problems;
};

const LB = "aws:lb/loadBalancer:LoadBalancer";
const RULE = "aws:lb/listenerRule:ListenerRule";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SHARED_TYPES = [
  LB,
  "aws:dynamodb/table:Table",
  "aws:kms/key:Key",
  "aws:s3/bucket:Bucket",
  "aws:sns/topic:Topic",
];

let base: PlanFixture;
let vision: PlanFixture;
let risk: PlanFixture;

beforeAll(async () => {
  base = await plan("platform");
  vision = await plan("platform-vision");
  risk = await plan("platform-risk");
});

/** A plan as one side of a diff: its resources, and the models its catalogue snapshot records. */
const side = (fixture: PlanFixture) => ({
  plan: fixture.plan,
  catalogue: {
    models: JSON.parse(
      fixture.plan.resources.find((r) => r.name.endsWith("catalogue-snapshot"))!.inputs
        .content as string,
    ).models,
  },
});

const deploymentsOf = (fixture: PlanFixture) =>
  fixture
    .ofType(DEPLOYMENT)
    .map((r) => r.name)
    .sort();

describe("a base stack", () => {
  it("owns what the shards share, with a load balancer for every shard's models, and no model", () => {
    expect(base.ofType(LB).map((r) => r.name)).toEqual(["ingress", "ingress-batch"]);
    // One of each, and two tables: the registry's versions and its rollout records.
    for (const type of SHARED_TYPES.slice(1))
      expect(base.ofType(type)).toHaveLength(type === "aws:dynamodb/table:Table" ? 2 : 1);
    expect(deploymentsOf(base)).toEqual([]);
    // No cluster access needed: no Kubernetes provider at all.
    expect(
      base.plan.resources.filter((r) => r.type.startsWith("pulumi:providers:kubernetes")),
    ).toEqual([]);
    const snapshot = base.one(
      "aws:s3/bucketObjectv2:BucketObjectv2",
      "registry-catalogue-snapshot",
    );
    expect(JSON.parse(snapshot.inputs.content as string).models).toEqual([]);
  });

  it("exports what a shard needs to attach its models", () => {
    const outputs = base.plan.outputs as any;
    expect(Object.keys(outputs.registry).sort()).toEqual([
      "bucket",
      "bucketArn",
      "keyArn",
      "rolloutsTable",
      "table",
    ]);
    expect(Object.keys(outputs.loadBalancers)).toEqual(["batch", "main"]);
    expect(Object.keys(outputs.loadBalancers.main).sort()).toEqual([
      "arnSuffix",
      "dnsName",
      "listenerArn",
      "pinnedListenerArn",
      "readinessListenerArn",
      "scheme",
      "securityGroupId",
    ]);
    expect(outputs.models).toEqual({});
  });
});

describe("a shard stack", () => {
  it("deploys only the models of its shard, and nothing shared", () => {
    expect(deploymentsOf(vision)).toEqual(["image-classifier-v1-4-0", "image-classifier-v1-5-0"]);
    expect(deploymentsOf(risk)).toEqual(["churn-predictor-v1-0-0", "fraud-scorer-v3-2-1"]);
    for (const type of SHARED_TYPES) {
      expect(vision.ofType(type)).toEqual([]);
      expect(risk.ofType(type)).toEqual([]);
    }
  });

  it("attaches its models to the base's listeners, security group, registry and alarm topic", () => {
    const outputs = base.plan.outputs as any;
    const main = outputs.loadBalancers.main;
    const batch = outputs.loadBalancers.batch;
    expect(vision.inputs(RULE, "image-classifier", "maas:routing:ModelTraffic").listenerArn).toBe(
      main.listenerArn,
    );
    expect(risk.inputs(RULE, "churn-predictor", "maas:routing:ModelTraffic").listenerArn).toBe(
      batch.listenerArn,
    );
    expect(risk.inputs(RULE, "fraud-scorer-readiness").listenerArn).toBe(main.readinessListenerArn);
    const binding = vision.inputs(
      "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
      "image-classifier-v1-4-0",
    );
    expect(JSON.stringify(binding.spec.networking)).toContain(main.securityGroupId);
    const item = vision.inputs("aws:dynamodb/tableItem:TableItem", "image-classifier-v1-4-0");
    expect(item.tableName).toBe(outputs.registry.table);
    const alarm = vision.inputs(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "image-classifier-v1-4-0-error-rate",
    );
    expect(alarm.alarmActions).toEqual([outputs.alarmTopicArn]);
    const snapshot = vision.one("aws:s3/bucketObjectv2:BucketObjectv2", "catalogue-snapshot");
    expect(snapshot.inputs.bucket).toBe(outputs.registry.bucket);
    expect(snapshot.inputs.key).toBe("_maas/catalogue/platform-vision.json");
    expect(JSON.parse(snapshot.inputs.content as string).models.map((m: any) => m.name)).toEqual([
      "image-classifier",
    ]);
  });

  it("counts image retention only where the builds are: the shard deploying the model, not the base or another shard", async () => {
    const project = mkdtempSync(join(tmpdir(), "maas-shards-built-"));
    cpSync(SHARDED, project, { recursive: true });
    cpSync(FIXTURE_CONTEXT, join(project, "server"), { recursive: true });
    const projectFile = join(project, "Pulumi.yaml");
    writeFileSync(
      projectFile,
      readFileSync(projectFile, "utf8").replace(/^main: .*$/m, `main: ${PROJECT_ROOT}`),
    );
    const built = CATALOGUE.replace(
      / {4}image: 123456789012\.dkr\.ecr\.[^\n]*\n {4}versions:\n {6}"1\.4\.0": \{ traffic: 90 \}\n {6}"1\.5\.0": \{ traffic: 10 \}/,
      '    build: { context: server }\n    versions:\n      "1.4.0": { traffic: 90 }\n      "1.5.0": { traffic: 10, build: { context: server, args: { MODE: "canary" } } }',
    );
    expect(built).not.toBe(CATALOGUE);
    writeFileSync(join(project, "models.yaml"), built);
    const problems = async (stack: string) => {
      const result = await runPlan({
        stack,
        projectDir: project,
        config: { "maas:imageRetention": "1" },
      });
      return result.ok ? [] : result.problems;
    };
    expect(await problems("platform-vision")).toEqual([
      expect.stringContaining(
        "maas:imageRetention: 1 keeps fewer builds than model image-classifier serves at once (2)",
      ),
    ]);
    expect(await problems("platform")).toEqual([]);
    expect(await problems("platform-risk")).toEqual([]);
  });

  it("names what it creates after the base, so names do not depend on the shard", () => {
    const role = risk.inputs("aws:iam/role:Role", "fraud-scorer");
    expect(role.name).toMatch(/^maas-platform_fraud-scorer/);
    const alarm = risk.inputs(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "fraud-scorer-v3-2-1-error-rate",
    );
    expect(alarm.name).toMatch(/^maas-platform_fraud-scorer_/);
  });

  it("configures its AWS provider as the base and every other shard do (a state move reuses it)", () => {
    const provider = (fixture: PlanFixture) =>
      fixture.plan.resources.find((r) => r.type === "pulumi:providers:aws")!.inputs;
    expect(provider(vision)).toEqual(provider(base));
    expect(provider(risk)).toEqual(provider(base));
    expect(JSON.parse(provider(vision).defaultTags as string).tags["maas:stack"]).toBe("platform");
  });
});

describe("moving a model between shards", () => {
  const moved = CATALOGUE.replace(
    "    owner: risk-team\n    shard: risk\n    image: ghcr.io/acme-risk/fraud-scorer",
    "    owner: risk-team\n    shard: vision\n    image: ghcr.io/acme-risk/fraud-scorer",
  );

  it("keeps every resource once its state has moved: the destination changes only its snapshot", async () => {
    expect(moved).not.toBe(CATALOGUE);
    const head = {
      vision: await plan("platform-vision", { catalogue: moved }),
      risk: await plan("platform-risk", { catalogue: moved }),
    };
    const diffs = [
      { base: side(vision), head: side(head.vision) },
      { base: side(risk), head: side(head.risk) },
    ];
    const moves = findShardMoves(diffs);
    expect(moves.map((m) => [m.model, m.from, m.to])).toEqual([
      ["fraud-scorer", "platform-risk", "platform-vision"],
    ]);
    // Only top-level components are named: `pulumi state move` takes their children along.
    expect(moves[0]!.urns.every((urn) => urn.endsWith("::fraud-scorer"))).toBe(true);
    const everyResourceOfTheModel = risk.plan.resources.filter(
      (r) =>
        r.custom &&
        JSON.stringify(r).includes("fraud-scorer") &&
        !r.name.endsWith("catalogue-snapshot"),
    );
    const taken = subtree(risk.plan.resources, modelRoots(risk.plan.resources, "fraud-scorer"));
    for (const resource of everyResourceOfTheModel) expect(taken.has(resource.urn)).toBe(true);

    const after = afterStateMoves(diffs, moves);
    for (const diff of after) {
      const steps = transition(diff.base.plan.resources, diff.head.plan.resources).steps;
      expect(steps.map((s) => `${s.op} ${s.name}`)).toEqual(["update catalogue-snapshot"]);
    }
  });

  it("without the state move, the source would delete the model and the destination create it anew", async () => {
    const head = await plan("platform-risk", { catalogue: moved });
    const steps = transition(risk.plan.resources, head.plan.resources).steps;
    expect(steps.filter((s) => s.op === "delete").map((s) => s.name)).toContain(
      "fraud-scorer-v3-2-1",
    );
  });
});

describe("splitting a single stack", () => {
  it("keeps every model's resources: the base keeps the shared ones, each shard adopts its models'", async () => {
    // Before: `platform` as a single stack deploying every model (no maas:shards).
    const project = mkdtempSync(join(tmpdir(), "maas-split-"));
    cpSync(SHARDED, project, { recursive: true });
    const pulumiYaml = join(project, "Pulumi.yaml");
    writeFileSync(
      pulumiYaml,
      readFileSync(pulumiYaml, "utf8").replace(/^main: .*$/m, `main: ${PROJECT_ROOT}`),
    );
    const stackFile = join(project, "Pulumi.platform.yaml");
    writeFileSync(
      stackFile,
      readFileSync(stackFile, "utf8").replace(/^ {2}maas:shards: .*\n/m, ""),
    );
    const single = await planOf({ stack: "platform", projectDir: project });
    // Every version the catalogue serves, each now deployed by the shard its model is in.
    expect(deploymentsOf(single)).toEqual(servedWorkloads(single));
    expect(deploymentsOf(single)).toEqual(
      [...deploymentsOf(vision), ...deploymentsOf(risk)].sort(),
    );

    const nothing = (fixture: PlanFixture) => ({
      plan: { ...fixture.plan, resources: [] },
      catalogue: { models: [] },
    });
    const diffs = [
      { base: side(single), head: side(base) },
      { base: nothing(vision), head: side(vision) },
      { base: nothing(risk), head: side(risk) },
    ];
    const moves = findShardMoves(diffs);
    expect(moves.map((m) => `${m.model}: ${m.from} -> ${m.to}`)).toEqual([
      "churn-predictor: platform -> platform-risk",
      "fraud-scorer: platform -> platform-risk",
      "image-classifier: platform -> platform-vision",
    ]);
    const steps = afterStateMoves(diffs, moves).map((diff) =>
      transition(diff.base.plan.resources, diff.head.plan.resources).steps.map(
        (s) => `${s.op} ${s.name}`,
      ),
    );
    // The base rewrites its snapshot and drops the cluster provider it no longer needs; each
    // shard adds only its own snapshot: every other resource is adopted as it is.
    expect(steps).toEqual([
      ["update registry-catalogue-snapshot", "delete kubernetes"],
      ["create catalogue-snapshot"],
      ["create catalogue-snapshot"],
    ]);
  });
});

describe("refused layouts", () => {
  it("a model whose shard has no stack", async () => {
    const problems = await problemsOf(
      "platform",
      {},
      CATALOGUE.replace("shard: vision", "shard: visoin"),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /models\.yaml:14:12: models\.image-classifier\.shard: shard visoin is not one of the base stack's maas:shards \(risk, vision\): no stack would deploy the model; did you mean vision\? .* \[catalogue\/known-shard\]$/,
      ),
    ]);
  });

  it("a model that names no shard where main has no stack", async () => {
    const problems = await problemsOf("platform", {}, CATALOGUE.replace("    shard: vision\n", ""));
    expect(problems).toEqual([
      expect.stringMatching(
        /models\.image-classifier: no shard given, so shard main, is not one of the base stack's maas:shards .* \[catalogue\/known-shard\]$/,
      ),
    ]);
  });

  it("a shard stack whose shard the base does not list, or no model names", async () => {
    expect(await problemsOf("platform-vision", { "maas:shard": "nlp" })).toEqual([
      "--config: maas:shard: nlp is not one of base stack platform's maas:shards (risk, vision); add it there",
    ]);
    const emptied = CATALOGUE.replace("shard: vision", "shard: risk");
    const problems = await problemsOf("platform-vision", {}, emptied);
    expect(problems).toEqual([
      expect.stringMatching(
        /models: no model belongs to shard vision \(this stack's maas:shard\), so the stack would delete every model it deploys; .* \[catalogue\/shard-not-empty\]$/,
      ),
    ]);
  });

  it("a shard whose shared keys differ from its base's", async () => {
    expect(await problemsOf("platform-risk", { "maas:vpcId": "vpc-0123456789abcdef0" })).toEqual([
      '--config: maas:vpcId: must be base stack platform\'s ("vpc-0f1e2d3c4b5a69788"): a shard\'s models live on its base\'s load balancers and registry; got "vpc-0123456789abcdef0"',
    ]);
  });

  it("a base that is not a base, itself, or missing", async () => {
    expect(await problemsOf("platform-risk", { "maas:baseStack": "platform-vision" })).toEqual([
      "--config: maas:baseStack: stack platform-vision is not a base: it sets no maas:shards (a base owns the registry, load balancers and alarm topic its shards use)",
    ]);
    expect(await problemsOf("platform-risk", { "maas:baseStack": "platform-risk" })).toEqual([
      "--config: maas:baseStack: names this stack itself; a shard's base is another stack of the project (the one that sets maas:shards) [stack-config/base-not-itself]",
    ]);
    const missing = await problemsOf("platform-risk", { "maas:baseStack": "nowhere" });
    expect(missing).toEqual([
      expect.stringMatching(
        /^base stack nowhere: .*Pulumi\.nowhere\.yaml: not found; no stack named nowhere$/,
      ),
    ]);
  });

  it("a stack that is both a base and a shard, or a shard without its base", async () => {
    expect(await problemsOf("platform", { "maas:shard": "risk" })).toEqual([
      '--config: maas:shard: cannot be set with maas:shards: a stack is either the base of a split catalogue (maas:shards) or one of its shards (maas:shard with maas:baseStack); got "risk" [stack-config/base-or-shard]',
      "Pulumi.platform.yaml: maas:baseStack: is required with maas:shard: the stack of this project whose registry, load balancers and alarm topic the shard uses (it sets maas:shards) [stack-config/shard-base-stack]",
    ]);
  });
});

describe("the front door of a split catalogue", () => {
  const withConsumers = CATALOGUE.replace(
    "models:\n",
    [
      "consumers:",
      "  checkout:",
      "    principals: [arn:aws:iam::111122223333:role/checkout-api]",
      "    rateLimit: { requestsPerSecond: 10, burst: 20 }",
      "models:",
      "",
    ].join("\n"),
  ).replace("    shard: vision\n", "    shard: vision\n    access: [checkout]\n");

  it("is the base's, with routes for every shard's served models; shards show its callers", async () => {
    // One at a time: a plan holds the process's Pulumi runtime.
    const basePlan = await plan("platform", { catalogue: withConsumers });
    const visionPlan = await plan("platform-vision", { catalogue: withConsumers });
    const riskPlan = await plan("platform-risk", { catalogue: withConsumers });
    const served = [...visionPlan.catalogue.models, ...riskPlan.catalogue.models].filter((m) =>
      m.versions.some((v) => v.status !== "retired"),
    );
    const routes = basePlan.plan.resources
      .filter((r) => r.type === "aws:apigateway/integration:Integration")
      .map((r) => r.name.replace(/^front-door-sigv4-|-(get|post)$/g, ""));
    expect([...new Set(routes)].sort()).toEqual(served.map((m) => m.name).sort());
    expect(visionPlan.plan.resources.filter((r) => r.type.startsWith("aws:apigateway"))).toEqual(
      [],
    );
    const dashboard = visionPlan.plan.resources.find(
      (r) => r.type === "aws:cloudwatch/dashboard:Dashboard" && r.name === "image-classifier",
    )!;
    expect(String(dashboard.inputs.dashboardBody)).toContain('"Stage","checkout"');
  });
});
