import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Three tiers, chosen with `--mode`; `npm test` runs all three in one pool.
 * - `unit` (`npm run test:unit`, seconds): pure functions: the catalogue, spec builders, rules on
 *   hand-made objects, the rollout's decisions, docs checks. Nothing here plans a stack or starts
 *   a process: under this mode `planOf` and `maasProcess` refuse to (MAAS_TEST_TIER), so a unit
 *   file that starts to fails with the tier it belongs in.
 * - `stack` (`npm run test:stack`): the program under Pulumi's mock runtime (test/helpers/plan.ts;
 *   each distinct plan made once per run, test/setup/plan-cache.ts), transitions between plans,
 *   the CLI run in-process through main(), git repositories made by tests. A new test file not
 *   listed below is in this tier.
 * - `e2e` (`npm run test:e2e`): what needs processes: `maas` as a process, diffs that plan their
 *   base in a process of its own, index.ts under the language host's ts-node.
 */
const UNIT = [
  "test/catalogue/access.test.ts",
  "test/catalogue/faithful-input.test.ts",
  "test/catalogue/hostile.property.test.ts",
  "test/catalogue/input-limits.test.ts",
  "test/catalogue/malformed.test.ts",
  "test/catalogue/model-api.test.ts",
  "test/catalogue/names.test.ts",
  "test/catalogue/resolve.test.ts",
  "test/catalogue/rollout-policy.test.ts",
  "test/catalogue/rollout-recipe.test.ts",
  "test/catalogue/rules.test.ts",
  "test/catalogue/stand-in.test.ts",
  "test/catalogue/standby.test.ts",
  "test/ci/diff-comment.test.ts",
  "test/ci/workflow.test.ts",
  "test/cli/jobs.test.ts",
  "test/cli/terminal.test.ts",
  "test/components/request-timing.test.ts",
  "test/components/specs.test.ts",
  "test/components/token-specs.test.ts",
  "test/docs/constants.test.ts",
  "test/docs/links.test.ts",
  "test/change/compare.test.ts",
  "test/plan/manifests.test.ts",
  "test/plan/replacements.test.ts",
  "test/review/catalogue-diff.test.ts",
  "test/review/rule-widening.test.ts",
  "test/rollout/engine-races.test.ts",
  "test/rollout/engine.test.ts",
  "test/rollout/gates.test.ts",
  "test/rollout/smoke.test.ts",
  "test/rollout/standby.test.ts",
  "test/rollout/weights.property.test.ts",
  "test/stack/limits.test.ts",
  "test/stack/prepare.test.ts",
  "test/stack/settings.test.ts",
];

const E2E = [
  "test/cli/process.test.ts",
  "test/cli/diff.test.ts",
  "test/cli/diff-shards.test.ts",
  "test/stack/language-host.test.ts",
  "test/rollout/pulumi-deployer.test.ts",
  "test/rollout/pulumi-cli.integration.test.ts",
];

// A file moved or renamed without its entry would leave its tier silently. (Paths from the
// project root, where npm runs vitest; tsc's CommonJS settings refuse import.meta here.)
for (const file of [...UNIT, ...E2E])
  if (!existsSync(file)) throw new Error(`vitest.config.mts lists ${file}, which does not exist`);

const ALL = ["test/**/*.test.ts"];
const TIERS: Record<string, { include: string[]; exclude: string[] }> = {
  unit: { include: UNIT, exclude: [] },
  stack: { include: ALL, exclude: [...UNIT, ...E2E] },
  e2e: { include: E2E, exclude: [] },
};

export default defineConfig(({ mode }: { mode: string }) => ({
  test: {
    ...(TIERS[mode] ?? { include: ALL, exclude: [] }),
    // Each distinct plan is made once per run and shared by every worker (test/helpers/plan.ts).
    globalSetup: ["test/setup/plan-cache.ts"],
    // Mock-runtime tests share Pulumi's process-wide runtime state: one file at a time per worker.
    pool: "forks",
    // Test files of a worker share its module cache: @pulumi/aws is imported once per worker, not
    // once per file (the suite took 61 s with isolation, 44 s without; every file leaves the
    // Pulumi runtime and the working directory as it found them).
    isolate: false,
    // Most time is spent waiting on child processes and the Pulumi runtime: use every core.
    maxWorkers: "100%",
    // A worker makes a hundred plans, each allocating short-lived objects by the megabyte (the
    // mock runtime serialises every resource): a young generation of 64 MB semi-spaces instead
    // of V8's default of at most 16 MB made a plan of the test project 188 -> 112 ms (ten plans
    // in one process, after three to warm up, two runs each; docs/performance.md).
    execArgv: ["--max-semi-space-size=64"],
    testTimeout: 60_000,
    // No review reads a base plan an earlier test cached (plan/plan-cache.ts); the tests of the
    // cache give it a directory of their own. MAAS_TEST_TIER: see the tiers above.
    env: { MAAS_PLAN_CACHE: "off", ...(mode === "unit" ? { MAAS_TEST_TIER: "unit" } : {}) },
    hookTimeout: 60_000,
    // GitHub's workflow parser imports its JSON schema without an import attribute, which Node
    // refuses; let Vite bundle it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
}));
