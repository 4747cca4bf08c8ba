/**
 * Planning a large catalogue split over stacks: N models of three served versions, 100 models
 * per shard stack and 33 per load balancer (quotas.ts), on one base stack. Every stack is
 * planned by `maas plan` in its own process, as CI and `pulumi preview` run them, and measured:
 * wall time, peak memory, resources, ms per served version, and the SDK's own floor for the
 * same resources (bench/sdk-floor.ts: bare @pulumi/pulumi, and through the provider packages'
 * classes) with the ratios, and the dependency graph's critical path.
 * Run with `npm run bench`; MAAS_BENCH_SHARDED_SIZES=100,300,1000 picks the sizes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { RecordedResource } from "../plan/record";
import type { Plan } from "../plan/run";
import { MODELS_PER_SHARD, shardedProject } from "./sharded-project";

const SIZES = (process.env.MAAS_BENCH_SHARDED_SIZES ?? "100,300,1000").split(",").map(Number);
const ROOT = resolve(__dirname, "..");
interface Measure {
  ms: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a node script in its own process, with its peak memory. */
function measured(args: string[], cwd: string): Measure {
  const start = performance.now();
  const result = spawnSync(
    process.execPath,
    ["--require", join(ROOT, "bench", "max-rss.cjs"), ...args],
    { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  const kb = Number(/maas-bench-max-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { ms, maxRssMb: kb / 1024, stdout: result.stdout };
}

/** The longest chain of dependencies and parents, in resources. */
function criticalPath(resources: RecordedResource[]): number {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const depth = new Map<string, number>();
  const visit = (urn: string): number => {
    const known = depth.get(urn);
    if (known !== undefined) return known;
    depth.set(urn, 0);
    const r = byUrn.get(urn);
    const before = r ? [...r.dependencies, ...(r.parent ? [r.parent] : [])] : [];
    const value = 1 + Math.max(0, ...before.filter((u) => byUrn.has(u)).map(visit));
    depth.set(urn, value);
    return value;
  };
  return Math.max(0, ...resources.map((r) => visit(r.urn)));
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

function main(): void {
  console.log(`node ${process.version}; every stack planned once, in its own process`);
  console.log(
    row([
      "models",
      "stack",
      "served versions",
      "resources",
      "plan (s)",
      "peak memory (MB)",
      "ms per version",
      "SDK floor (s)",
      "plan / floor",
      "provider floor (s)",
      "plan / provider floor",
      "critical path",
    ]),
  );
  for (const models of SIZES) {
    const { dir, shards } = shardedProject(models);
    let total = 0;
    let peak = 0;
    for (const stack of ["base", ...shards]) {
      const out = join(dir, "out", stack);
      mkdirSync(out, { recursive: true });
      const planned = measured(
        [
          join(ROOT, "bin", "maas.js"),
          "plan",
          "--stack",
          stack,
          "--json",
          join(out, "plan.json"),
          "--manifests",
          join(out, "manifests"),
          "--summary",
        ],
        dir,
      );
      const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as Plan;
      const floor = (through: "sdk" | "providers") => {
        const replayed = measured(
          [
            join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
            join(ROOT, "bench", "sdk-floor.ts"),
            join(out, "plan.json"),
            "--through",
            through,
          ],
          dir,
        );
        // The provider floor is only honest if every custom resource went through its class.
        const typed = Number(replayed.stdout.trim().split(" ")[2]);
        const custom = plan.resources.filter((r) => r.custom).length;
        if (through === "providers" && typed !== custom)
          throw new Error(
            `${stack}: ${String(typed)} of ${String(custom)} custom resources replayed through a provider class`,
          );
        return replayed.ms;
      };
      // Both as whole processes: start-up (tsx, the SDK) counts on both sides.
      const floorMs = floor("sdk");
      const providerFloorMs = floor("providers");
      const versions =
        stack === "base"
          ? 0
          : Math.min(MODELS_PER_SHARD, models - MODELS_PER_SHARD * Number(stack.slice(1))) * 3;
      total += planned.ms;
      peak = Math.max(peak, planned.maxRssMb);
      console.log(
        row([
          models,
          stack,
          versions,
          plan.resources.length,
          (planned.ms / 1000).toFixed(1),
          planned.maxRssMb.toFixed(0),
          versions ? (planned.ms / versions).toFixed(1) : "-",
          (floorMs / 1000).toFixed(2),
          (planned.ms / floorMs).toFixed(2),
          (providerFloorMs / 1000).toFixed(2),
          (planned.ms / providerFloorMs).toFixed(2),
          criticalPath(plan.resources),
        ]),
      );
    }
    console.log(
      `${models} models: ${shards.length + 1} stacks, ${(total / 1000).toFixed(0)} s in all (one after another), peak ${peak.toFixed(0)} MB in any one process`,
    );
  }
}

main();
