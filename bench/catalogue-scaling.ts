/**
 * How validation and the offline plan scale with the catalogue: N models of three versions
 * (live, canary, standby), every fifth one built from the example context. Prints a table of
 * medians; run with `npm run bench`. Figures, not assertions: no test depends on them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { checkCatalogueFile, resolveChecked } from "../catalogue";
import { runPlan } from "../plan/run";

const SIZES = (process.env.MAAS_BENCH_SIZES ?? "10,50,200,500").split(",").map(Number);
const CONTEXT = resolve(__dirname, "..", "models", "image-classifier");

function catalogue(models: number): string {
  const entries = Array.from({ length: models }, (_, index): [string, object] => {
    const source =
      index % 5 === 0
        ? { build: { context: CONTEXT } }
        : { image: `registry.example.com/model-${index}:1.0.0` };
    return [
      `model-${index}`,
      {
        owner: `team-${index % 7}`,
        // Three served versions each: 33 models fill a load balancer's 100 target groups (quotas.ts).
        routing: { priority: index + 1, loadBalancer: `lb-${Math.floor(index / 33)}` },
        ...source,
        versions: {
          "1.0.0": { traffic: 90 },
          "1.1.0": { traffic: 10, resources: { cpu: "1" } },
          "0.9.0": { traffic: 0 },
        },
      },
    ];
  });
  return stringify({
    apiVersion: "maas/v1",
    models: Object.fromEntries(entries),
    environments: { dev: {} },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "maas-bench-"));
  console.log(`node ${process.version}; medians in milliseconds`);
  console.log("models  versions  resources  validate+resolve  plan (program under mocks + checks)");
  for (const models of SIZES) {
    const file = join(dir, `models-${models}.yaml`);
    writeFileSync(file, catalogue(models));
    const validate = await time(5, () => {
      const checked = checkCatalogueFile(file, { environment: "dev" });
      if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join("\n"));
      return resolveChecked(checked, "dev");
    });
    let resources = 0;
    const plan = await time(models > 100 ? 1 : 3, async () => {
      const result = await runPlan({ stack: "dev", catalogue: file });
      if (!result.ok) throw new Error(result.problems.join("\n"));
      resources = result.plan.resources.length;
    });
    console.log(
      `${String(models).padStart(6)}  ${String(models * 3).padStart(8)}  ${String(resources).padStart(9)}  ${validate.toFixed(1).padStart(16)}  ${plan.toFixed(0).padStart(8)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
