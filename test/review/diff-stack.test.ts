/**
 * Where one stack's review plans its sides (review/diff-stack.ts): a scoped review plans both in
 * this process, whatever the caller asked (`separate`), and starts no process; a stack planned
 * in full against a ref plans its base with the ref's own program, in a process of its own.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { checkoutAt } from "../../plan/base-checkout";
import { limiter } from "../../cli/jobs";
import { diffStack, HEAD_HERE_MODELS, smallHeads } from "../../review/diff-stack";
import type { Processes, StackReview } from "../../review/diff-stack";
import { stackScopes } from "../../review/scope";
import { inDir, PROJECT_ROOT } from "../helpers/cli";
import { copyTestProject } from "../helpers/plan";
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
      // As for a stack of more than HEAD_HERE_MODELS models among several: only a scope keeps
      // the sides here.
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
    const dir = projectRepository(SHARDED, { program: "linked" });
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

  it("plans the head of a stack of few models here, a larger one's in a process of its own", () => {
    // The shard layout: a base (no models), shards of one and two.
    const stacks = ["platform", "platform-vision", "platform-risk"];
    expect([...inDir(SHARDED, () => smallHeads(stacks, {}))]).toEqual(stacks);
    // A single stack of HEAD_HERE_MODELS models, then one more; and one whose catalogue does
    // not check (planned as before, to show its problems).
    const project = copyTestProject();
    const catalogue = (models: number) =>
      stringify({
        apiVersion: "maas/v1",
        models: Object.fromEntries(
          Array.from({ length: models }, (_, index) => [
            `model-${index}`,
            {
              owner: "team",
              image: `registry.example.com/model-${index}:1.0.0`,
              versions: { "1.0.0": { traffic: 100 } },
            },
          ]),
        ),
        environments: { dev: {}, prod: {} },
      });
    const heads = (text: string) => {
      writeFileSync(join(project, "models.yaml"), text);
      return [...inDir(project, () => smallHeads(["dev"], {}))];
    };
    expect(heads(catalogue(HEAD_HERE_MODELS))).toEqual(["dev"]);
    expect(heads(catalogue(HEAD_HERE_MODELS + 1))).toEqual([]);
    expect(heads("apiVersion: maas/v1\nmodels: {}\n")).toEqual([]);
  });
});
