/**
 * Where one stack's review plans its sides (review/diff-stack.ts): a scoped review plans both in
 * this process, whatever the caller asked (`separate`), and starts no process; a stack planned
 * in full against a ref plans its base with the ref's own program, in a process of its own.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkoutAt } from "../../plan/base-checkout";
import { limiter } from "../../cli/jobs";
import { diffStack } from "../../review/diff-stack";
import type { Processes, StackReview } from "../../review/diff-stack";
import { stackScopes } from "../../review/scope";
import { PROJECT_ROOT } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");

/** The review of `stack` in `dir` against HEAD, its processes counted and never started. */
async function review(dir: string, stack: string) {
  const previous = process.cwd();
  process.chdir(dir);
  const checkout = checkoutAt("HEAD", dir, { cacheRoot: join(dir, ".cache"), log: () => {} });
  if (typeof checkout === "string") throw new Error(checkout);
  const started: string[][] = [];
  const processes: Processes = {
    run: (args) => {
      started.push(args);
      return Promise.resolve({ status: 1, stdout: "", stderr: "not started by this test" });
    },
    removeIfInterrupted: () => () => undefined,
  };
  try {
    const scope = stackScopes([stack], { ref: "HEAD", checkout }, {}).get(stack);
    const request: StackReview = {
      stack,
      kind: "ref",
      checkout,
      options: { base: "HEAD" },
      ...(scope?.kind === "scoped"
        ? { common: { models: scope.models }, baseCatalogue: scope.baseCatalogue }
        : { common: {} }),
      // As for several stacks: only a scope keeps the sides here.
      separate: true,
      env: { ...process.env, MAAS_PLAN_CACHE: "off" },
      scheduler: { slot: limiter(2), here: limiter(1) },
      processes,
      log: () => undefined,
    };
    return { scope, diff: await diffStack(request), started };
  } finally {
    checkout.cleanup();
    process.chdir(previous);
  }
}

describe("one stack's review", () => {
  it("plans a scoped stack's two sides in this process: no process is started", async () => {
    const dir = projectRepository(SHARDED);
    editFile(dir, "models.yaml", "fraud-scorer:3.2.1", "fraud-scorer:3.2.2");
    const { scope, diff, started } = await review(dir, "platform-risk");
    expect(scope).toMatchObject({ kind: "scoped", models: ["fraud-scorer"] });
    expect(started).toEqual([]);
    expect(Array.isArray(diff)).toBe(false);
    if (Array.isArray(diff)) return;
    expect(diff.base.label).toContain("only its catalogue differs");
    expect(diff.head.plan.scope).toBeDefined();
  });

  it("plans a stack the change touches whole with processes: the base's own program, and the head", async () => {
    const dir = projectRepository(SHARDED);
    editFile(dir, "models.yaml", '"1.4.0": { traffic: 90 }', '"1.4.0": { traffic: 80 }');
    editFile(dir, "models.yaml", '"1.5.0": { traffic: 10 }', '"1.5.0": { traffic: 20 }');
    const { scope, started } = await review(dir, "platform-vision");
    expect(scope).toBeUndefined();
    expect(started.map((args) => args.slice(1, 4))).toEqual([
      ["plan", "--stack", "platform-vision"],
      ["plan", "--stack", "platform-vision"],
    ]);
  });
});
