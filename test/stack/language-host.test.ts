/**
 * index.ts as the Pulumi CLI runs it: Pulumi's Node.js language host registers ts-node with the
 * project's typescript and tsconfig.json (type checking on). The script does exactly that in a
 * fresh process, under the mock runtime with the dev stack's config.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/cli";
import { planOf } from "../helpers/plan";

describe("index.ts under the language host's ts-node", () => {
  it("compiles with the project's TypeScript 5 and registers the same resources as the offline plan", async () => {
    const result = spawnSync(
      process.execPath,
      [join(PROJECT_ROOT, "test", "language-host", "load-index.cjs"), "dev"],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const loaded = JSON.parse(result.stdout) as {
      typescript: string;
      urns: string[];
      outputs: Record<string, unknown>;
    };
    expect(loaded.typescript).toMatch(/^5\./);

    const { plan } = await planOf({ stack: "dev", projectDir: PROJECT_ROOT });
    expect(loaded.urns).toEqual(plan.resources.map((resource) => resource.urn).sort());
    expect(loaded.urns).toContain("urn:pulumi:dev::maas::pulumi:pulumi:Stack::maas-dev");
    expect(loaded.outputs).toEqual(JSON.parse(JSON.stringify(plan.outputs)));
    // ts-node type-checks the whole program first: 80-110 s on a loaded 2-core machine.
  }, 240_000);
});
