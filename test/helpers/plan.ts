/**
 * The shared mock-runtime helper (docs/maintainers.md, "Tests"): runs the stack's own program under
 * pulumi.runtime.setMocks through the offline plan, which records every registration and
 * throws on any provider function it has no placeholder for. Each call awaits the whole
 * program, so every resource has registered before a test asserts.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { deserialize, serialize } from "node:v8";
import { inject } from "vitest";
import { runPlan } from "../../plan/run";
import type { ResolvedCatalogue } from "../../catalogue";
import type { Plan } from "../../plan/run";
import type { Manifest } from "../../plan/manifests";
import type { RecordedResource } from "../../plan/record";
import { PROJECT_ROOT } from "./cli";

/**
 * The Pulumi project the tests plan: its own Pulumi.yaml, stack files, catalogue and build
 * context. The project root's models.yaml and stack files are users' data (an example to
 * start from) and may say anything; tests of behaviour never read them.
 */
export const TEST_PROJECT = join(PROJECT_ROOT, "test", "fixtures", "project");

export interface PlanFixture {
  plan: Plan;
  manifests: Manifest[];
  /** The resolved catalogue the stack deploys, as the catalogue code resolves it (not the program). */
  catalogue: ResolvedCatalogue;
  /**
   * Resources of one type token, e.g. `kubernetes:apps/v1:Deployment`; with `parent`, only those
   * whose parent component has that type (`maas:routing:ModelTraffic`).
   */
  ofType(type: string, parent?: string): RecordedResource[];
  /** The resource of `type` named `name` (under `parent`); fails the test when missing. */
  one(type: string, name: string, parent?: string): RecordedResource;
  /** Its recorded inputs, as JSON to reach into. */
  inputs(type: string, name: string, parent?: string): Record<string, any>;
}

export interface PlanRequest {
  stack?: string;
  /** The project directory (default: the test project). */
  projectDir?: string;
  /** Catalogue text to plan instead of the stack's catalogue. */
  catalogue?: string;
  /** Config over the stack's, by full key. */
  config?: Record<string, string>;
  /** Rollout records the program reads (as `maas plan --rollout-records` gives them). */
  rolloutRecords?: unknown[];
  /** Plan only these models' components (a scoped review's side, stack/plan-scope.ts). */
  models?: string[];
}

/** What a plan leaves for a test: kept whole in the run's plan cache. */
interface Planned {
  plan: Plan;
  manifests: Manifest[];
  catalogue: ResolvedCatalogue;
}

export async function planOf(request: PlanRequest = {}): Promise<PlanFixture> {
  if (process.env.MAAS_TEST_TIER === "unit")
    throw new Error(
      "a unit test plans a stack: its file belongs in the stack tier (STACK in vitest.config.mts)",
    );
  const file = cacheFile(request);
  if (file !== undefined && existsSync(file))
    return fixtureOf(deserialize(readFileSync(file)) as Planned);
  const planned = await planAfresh(request);
  if (file === undefined) return fixtureOf(planned);
  // Whole or not at all: another worker may be reading the same entry.
  const bytes = serialize(planned);
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
  // What a hit gets: the same shape whichever test planned it first.
  return fixtureOf(deserialize(bytes) as Planned);
}

/** The fixture directories no test writes into: what is planned from them alone is the same all run. */
const FIXTURES = join(PROJECT_ROOT, "test", "fixtures");
const inside = (dir: string, path: string) => !relative(dir, path).startsWith("..");

/**
 * Where the run's plan cache (test/setup/plan-cache.ts) keeps the plan of `request`, or undefined
 * when the request may read a file that can change during the run: a project other than
 * test/fixtures' (a test's copy, which it edits), or a catalogue naming a path outside them (a
 * build context a test writes). The key is the request itself: the program and the fixtures it
 * reads do not change within a run.
 */
function cacheFile(request: PlanRequest): string | undefined {
  const dir = inject("planCacheDir");
  if (dir === undefined) return undefined;
  if (!inside(FIXTURES, resolve(request.projectDir ?? TEST_PROJECT))) return undefined;
  const paths = request.catalogue?.match(/(?<![\w.@:-])\/[^\s,'"{}[\]]+/g) ?? [];
  if (paths.some((path) => existsSync(path) && !inside(FIXTURES, path))) return undefined;
  const key = createHash("sha256")
    // serialize(), not JSON: a config key set to undefined is a request of its own.
    .update(serialize({ ...request, projectDir: request.projectDir ?? TEST_PROJECT }))
    .digest("hex");
  return join(dir, `${key}.plan`);
}

async function planAfresh(request: PlanRequest): Promise<Planned> {
  let catalogue: string | undefined;
  if (request.catalogue !== undefined) {
    catalogue = join(mkdtempSync(join(tmpdir(), "maas-plan-")), "models.yaml");
    writeFileSync(catalogue, request.catalogue);
  }
  let rolloutRecords: string | undefined;
  if (request.rolloutRecords !== undefined) {
    rolloutRecords = join(mkdtempSync(join(tmpdir(), "maas-records-")), "records.json");
    writeFileSync(rolloutRecords, JSON.stringify(request.rolloutRecords));
  }
  const result = await runPlan({
    stack: request.stack ?? "dev",
    projectDir: request.projectDir ?? TEST_PROJECT,
    ...(catalogue === undefined ? {} : { catalogue }),
    ...(request.config ? { config: request.config } : {}),
    ...(rolloutRecords === undefined ? {} : { rolloutRecords }),
    ...(request.models ? { models: request.models } : {}),
  });
  if (!result.ok) throw new Error(`plan failed:\n${result.problems.join("\n")}`);
  return { plan: result.plan, manifests: result.manifests, catalogue: result.catalogue };
}

function fixtureOf({ plan, manifests, catalogue: resolved }: Planned): PlanFixture {
  const ofType = (type: string, parent?: string) =>
    plan.resources.filter(
      (resource) =>
        resource.type === type &&
        (parent === undefined ||
          resource.urn.includes(`::${parent}$`) ||
          resource.urn.includes(`$${parent}$`)),
    );
  const one = (type: string, name: string, parent?: string) => {
    const found = ofType(type, parent).filter((resource) => resource.name === name);
    if (found.length !== 1)
      throw new Error(
        `${found.length} ${type} named ${name}; have: ${ofType(type, parent)
          .map((r) => r.urn)
          .join(", ")}`,
      );
    return found[0]!;
  };
  return {
    plan,
    manifests,
    catalogue: resolved,
    ofType,
    one,
    inputs: (type, name, parent) => one(type, name, parent).inputs,
  };
}

/**
 * The workload names of the versions a plan's catalogue serves (live and standby; with `model`,
 * that model's only), sorted: each is owed a Deployment, a target group and alarms.
 */
export function servedWorkloads(fixture: PlanFixture, model?: string): string[] {
  return fixture.catalogue.models
    .filter((m) => model === undefined || m.name === model)
    .flatMap((m) => m.versions.filter((v) => v.status !== "retired").map((v) => v.workloadName))
    .sort();
}

/** The plans of the test project's dev and prod stacks. */
export async function projectPlans(): Promise<{ dev: PlanFixture; prod: PlanFixture }> {
  return { dev: await planOf({ stack: "dev" }), prod: await planOf({ stack: "prod" }) };
}

/** A catalogue with one built model, for tests that change one thing at a time. */
export function catalogueText(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/**
 * A copy of the test project (or another of test/fixtures/) in a temporary directory (where
 * commands may write out/), its program still the repository's own.
 */
export function copyTestProject(fixture = TEST_PROJECT): string {
  const dir = mkdtempSync(join(tmpdir(), "maas-project-"));
  cpSync(fixture, dir, { recursive: true });
  const file = join(dir, "Pulumi.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^main: .*$/m, `main: ${PROJECT_ROOT}`));
  return dir;
}

/** The test project's build context, absolute, for catalogues written outside the project. */
export const FIXTURE_CONTEXT = join(TEST_PROJECT, "server");
