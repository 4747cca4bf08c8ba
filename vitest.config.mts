import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Mock-runtime tests share Pulumi's process-wide runtime state: one file at a time per worker.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
