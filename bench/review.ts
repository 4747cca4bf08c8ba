/**
 * What a data team waits for: the review of a pull request (`maas diff --all-stacks --base HEAD`,
 * as CI runs it) over the split 1,000-model catalogue (bench/sharded-project.ts: ten shard stacks
 * of 100 models on one base), and `maas plan --all-stacks`. Each scenario runs MAAS_BENCH_RUNS
 * times (default 3) and reports min / median / max wall time and the peak memory of any one
 * process of the run (every node process reports its own: bench/max-rss.cjs).
 *
 * - one model, cold: one model's weights edited, the plan cache empty (a first review);
 * - one model, warm: the same, the base's plans cached by an earlier review;
 * - ten models: ten models' weights, one in each shard (warm);
 * - defaults: `defaults.resources.memory` edited, which touches every model (warm);
 * - plan --all-stacks: every stack planned and written.
 *
 * MAAS_BENCH_PROGRAM=/path/to/a/maas checkout benchmarks that program instead (before/after
 * figures); MAAS_BENCH_MODELS (default 1000), MAAS_BENCH_SCENARIOS (the start of each name to run, separated by semicolons).
 * Figures, not assertions: no test depends on them. Run with `npx tsx bench/review.ts`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { editCatalogue, shardedProject } from "./sharded-project";
import type { CatalogueEdit } from "./sharded-project";

const ROOT = resolve(__dirname, "..");
const PROGRAM = resolve(process.env.MAAS_BENCH_PROGRAM ?? ROOT);
const MODELS = Number(process.env.MAAS_BENCH_MODELS ?? 1000);
const RUNS = Number(process.env.MAAS_BENCH_RUNS ?? 3);

interface Scenario {
  name: string;
  edit: CatalogueEdit;
  /** The plan cache emptied before each run (otherwise kept from the scenario before). */
  cold?: boolean;
  command: string[];
}

const DIFF = ["diff", "--all-stacks", "--base", "HEAD", "--summary"];
const SCENARIOS: Scenario[] = [
  { name: "one model, cold", edit: { traffic: [0] }, cold: true, command: DIFF },
  { name: "one model, warm", edit: { traffic: [0] }, command: DIFF },
  {
    name: "ten models (one per shard), warm",
    edit: { traffic: Array.from({ length: 10 }, (_, shard) => shard * 100) },
    command: DIFF,
  },
  { name: "defaults (every model), warm", edit: { memory: "2Gi" }, command: DIFF },
  { name: "plan --all-stacks", edit: {}, command: ["plan", "--all-stacks", "--summary"] },
];

interface Run {
  seconds: number;
  peakMb: number;
  /** The process that peaked: `diff` (the review itself) or `plan --stack …` (a stack's child). */
  peakProcess: string;
}

function runOnce(dir: string, scenario: Scenario, cache: string): Run {
  const log = join(tmpdir(), `maas-bench-rss-${process.pid}.log`);
  rmSync(log, { force: true });
  if (scenario.cold) rmSync(cache, { recursive: true, force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, [join(dir, "bin", "maas.js"), ...scenario.command], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      NO_COLOR: "1",
      MAAS_PLAN_CACHE: cache,
      MAAS_BENCH_RSS_LOG: log,
      NODE_OPTIONS: `--require ${join(ROOT, "bench", "max-rss.cjs")}`,
    },
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0)
    throw new Error(`${scenario.name}: exit ${result.status}\n${result.stdout}${result.stderr}`);
  const peaks = existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const parts = line.split(" ");
          const stack = parts.indexOf("--stack");
          return {
            mb: Number(parts[1]) / 1024,
            process: stack > 0 ? `plan --stack ${parts[stack + 1]}` : parts.slice(2, 4).join(" "),
          };
        })
    : [];
  const peak = peaks.reduce((a, b) => (b.mb > a.mb ? b : a), { mb: 0, process: "-" });
  return { seconds, peakMb: peak.mb, peakProcess: peak.process };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function main(): void {
  const chosen = process.env.MAAS_BENCH_SCENARIOS?.split(";");
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `${MODELS} models; program ${PROGRAM}; node ${process.version}; ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GB; load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}; ${RUNS} runs each`,
  );
  const project = shardedProject(MODELS, { program: PROGRAM });
  const caches = existsSync(join(PROGRAM, "plan", "plan-cache.ts"));
  // Outside the project: a directory inside it would be an untracked file, a change to review.
  const cache = mkdtempSync(join(tmpdir(), "maas-bench-plan-cache-"));
  console.log("| scenario | runs | wall time (s): min / median / max | peak process memory (MB) |");
  console.log("| --- | --- | --- | --- |");
  for (const scenario of SCENARIOS) {
    if (chosen && !chosen.some((name) => scenario.name.startsWith(name))) continue;
    editCatalogue(project, MODELS, scenario.edit);
    // A warm scenario starts from a cache an earlier review of the same base filled.
    // (A program without the plan cache has nothing to warm: cold and warm are the same runs.)
    if (!scenario.cold && scenario.command[0] === "diff" && caches)
      runOnce(project.dir, scenario, cache);
    const runs = Array.from({ length: RUNS }, () => runOnce(project.dir, scenario, cache));
    const seconds = runs.map((run) => run.seconds);
    const range = [Math.min(...seconds), median(seconds), Math.max(...seconds)];
    const peak = runs.reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
    console.log(
      `| ${scenario.name} | ${RUNS} | ${range.map((s) => s.toFixed(1)).join(" / ")} | ${peak.peakMb.toFixed(0)} (${peak.peakProcess}) |`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}`,
  );
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
}

main();
