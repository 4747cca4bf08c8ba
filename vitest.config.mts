import { defineConfig } from "vitest/config";

/**
 * Two tiers, chosen with `--mode`: `unit` (the catalogue, specs, components under Pulumi's mocks,
 * rules, transitions, the CLI run in-process through main(): seconds, `npm run test:unit`) and
 * `e2e` (what needs processes: `maas` as a process, diffs that plan their base in a process of its
 * own, index.ts under the language host's ts-node: most of the suite's time, `npm run test:e2e`).
 * `npm test` runs both in one pool (as two vitest projects it took 3 s more).
 */
const E2E = [
  "test/cli/process.test.ts",
  "test/cli/diff.test.ts",
  "test/cli/diff-shards.test.ts",
  "test/stack/language-host.test.ts",
  "test/rollout/pulumi-deployer.test.ts",
  "test/rollout/pulumi-cli.integration.test.ts",
  "test/docs/pr-comment.test.ts",
];

export default defineConfig(({ mode }: { mode: string }) => ({
  test: {
    include: mode === "e2e" ? E2E : ["test/**/*.test.ts"],
    exclude: mode === "unit" ? E2E : [],
    // Mock-runtime tests share Pulumi's process-wide runtime state: one file at a time per worker.
    pool: "forks",
    // Test files of a worker share its module cache: @pulumi/aws is imported once per worker, not
    // once per file (the suite took 61 s with isolation, 44 s without; every file leaves the
    // Pulumi runtime and the working directory as it found them).
    isolate: false,
    // Most time is spent waiting on child processes and the Pulumi runtime: use every core.
    maxWorkers: "100%",
    testTimeout: 60_000,
    // No review reads a base plan an earlier test cached (plan/plan-cache.ts); the tests of the
    // cache give it a directory of their own.
    env: { MAAS_PLAN_CACHE: "off" },
    hookTimeout: 60_000,
    // GitHub's workflow parser imports its JSON schema without an import attribute, which Node
    // refuses; let Vite bundle it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
}));
