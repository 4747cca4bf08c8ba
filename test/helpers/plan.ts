/**
 * The shared mock-runtime helper (STYLE.md): runs the stack's own program under
 * pulumi.runtime.setMocks through the offline plan, which records every registration and
 * throws on any provider function it has no placeholder for. Each call awaits the whole
 * program, so every resource has registered before a test asserts.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPlan } from "../../plan/run";
import type { Plan } from "../../plan/run";
import type { Manifest } from "../../plan/manifests";
import type { RecordedResource } from "../../plan/record";
import { PROJECT_ROOT } from "./cli";

export interface PlanFixture {
  plan: Plan;
  manifests: Manifest[];
  /** Resources of one type token, e.g. `kubernetes:apps/v1:Deployment`. */
  ofType(type: string): RecordedResource[];
  /** The resource of `type` named `name`; fails the test when missing. */
  one(type: string, name: string): RecordedResource;
  /** Its recorded inputs, as JSON to reach into. */
  inputs(type: string, name: string): Record<string, any>;
}

export interface PlanRequest {
  stack?: string;
  /** Catalogue text to plan instead of the stack's catalogue. */
  catalogue?: string;
  /** Config over the stack's, by full key. */
  config?: Record<string, string>;
}

export async function planOf(request: PlanRequest = {}): Promise<PlanFixture> {
  let catalogue: string | undefined;
  if (request.catalogue !== undefined) {
    catalogue = join(mkdtempSync(join(tmpdir(), "maas-plan-")), "models.yaml");
    writeFileSync(catalogue, request.catalogue);
  }
  const result = await runPlan({
    stack: request.stack ?? "dev",
    projectDir: PROJECT_ROOT,
    ...(catalogue === undefined ? {} : { catalogue }),
    ...(request.config ? { config: request.config } : {}),
  });
  if (!result.ok) throw new Error(`plan failed:\n${result.problems.join("\n")}`);
  const { plan, manifests } = result;
  const ofType = (type: string) => plan.resources.filter((resource) => resource.type === type);
  const one = (type: string, name: string) => {
    const found = ofType(type).find((resource) => resource.name === name);
    if (!found)
      throw new Error(
        `no ${type} named ${name}; have: ${ofType(type)
          .map((r) => r.name)
          .join(", ")}`,
      );
    return found;
  };
  return { plan, manifests, ofType, one, inputs: (type, name) => one(type, name).inputs };
}

/** The plans of the example catalogue for the dev and prod stacks. */
export async function examplePlans(): Promise<{ dev: PlanFixture; prod: PlanFixture }> {
  return { dev: await planOf({ stack: "dev" }), prod: await planOf({ stack: "prod" }) };
}

/** A catalogue with one built model, for tests that change one thing at a time. */
export function catalogueText(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** The example model server's context, absolute, for catalogues written outside the project. */
export const EXAMPLE_CONTEXT = join(PROJECT_ROOT, "models", "image-classifier");
