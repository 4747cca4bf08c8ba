/**
 * vitest's globalSetup: a directory, fresh for each run, where test/helpers/plan.ts keeps the
 * plans it makes so that every worker plans each distinct request once (most test files plan the
 * test project's dev stack or the same two-model catalogue; the suite asked for 421 plans, 173
 * of them distinct). It lives only as long as the run: nothing is read from an earlier one, and
 * in watch mode it is emptied before every rerun, since a rerun follows an edit of the program.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where this run's plans are kept (test/helpers/plan.ts). */
    planCacheDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "maas-test-plans-"));
  project.provide("planCacheDir", dir);
  project.onTestsRerun(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
