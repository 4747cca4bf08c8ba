import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Mock-runtime tests share Pulumi's process-wide runtime state: one file at a time per worker.
    pool: "forks",
    // Test files of a worker share its module cache: @pulumi/aws is imported once per worker, not
    // once per file (the suite took 61 s with isolation, 44 s without; every file leaves the
    // Pulumi runtime and the working directory as it found them).
    isolate: false,
    // Most time is spent waiting on child processes and the Pulumi runtime: use every core.
    maxWorkers: "100%",
    testTimeout: 60_000,
    // GitHub's workflow parser imports its JSON schema without an import attribute, which Node
    // refuses; let Vite bundle it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    hookTimeout: 60_000,
  },
});
