/**
 * The shared mock-runtime helper (docs/maintainers.md, "Tests"): runs the stack's own program under
 * pulumi.runtime.setMocks through the offline plan, which records every registration and
 * throws on any provider function it has no placeholder for. Each call awaits the whole
 * program, so every resource has registered before a test asserts.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export async function planOf(request: PlanRequest = {}): Promise<PlanFixture> {
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
  const { plan, manifests, catalogue: resolved } = result;
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
