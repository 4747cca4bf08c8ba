/**
 * `maas plan` states what the plan costs: a summary line per stack on stdout (within 80 columns)
 * and the whole estimate in plan.json's `cost`, the same figures both ways.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { range } from "../../cost/format";
import type { CostEstimate } from "../../cost/estimate";
import { maas } from "../helpers/cli";
import { copyTestProject } from "../helpers/plan";

describe("maas plan's cost", () => {
  it("prints the month's estimate per model and version and writes it to plan.json", async () => {
    const project = copyTestProject();
    const dir = mkdtempSync(join(tmpdir(), "maas-plan-cost-"));
    const json = join(dir, "plan.json");
    const result = await maas(
      ["plan", "--stack", "prod", "--json", json, "--manifests", join(dir, "manifests")],
      { cwd: project },
    );
    expect(result.status).toBe(0);
    const { cost } = JSON.parse(readFileSync(json, "utf8")) as { cost: CostEstimate };
    if (!cost.priced) expect.fail(cost.why);
    expect(cost.region).toBe("eu-west-1");
    const text = result.stdout.replace(/\n {2}(?=\S)/g, " ");
    expect(text).toContain(
      `cost: ${range(cost.total)} a month on demand (eu-west-1 prices of ${cost.prices.retrieved}, ${cost.prices.unconfirmed.length} of ${cost.prices.used} not confirmed for eu-west-1): fraud-scorer `,
    );
    // prod runs 3 to 4 pods of each text-embedder version (4 vCPU, 16 GiB, one GPU).
    const embedder = cost.models.find((m) => m.model === "text-embedder")!;
    expect(embedder.versions.map((v) => [v.version, v.pods])).toEqual([
      ["1.9.2", { low: 3, high: 4 }],
      ["2.0.0", { low: 3, high: 4 }],
    ]);
    expect(text).toContain(`text-embedder ${range(embedder.monthly)} (1.9.2 `);
    expect(text).toContain("not estimated: image storage");
    for (const line of result.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
