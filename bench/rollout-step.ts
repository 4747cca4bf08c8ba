/**
 * What a rollout step costs on the largest stack a layout has: 100 models of three served versions
 * (a shard's share: bench/sharded-plan.ts) on three load balancers, every model with a rollout
 * policy and one of them at step 1.
 *
 * A step is a targeted `pulumi up` (rollout/pulumi-deployer.ts): the Pulumi CLI runs the program
 * in full, and the engine diffs and updates only the targeted rule. The program's part is measured
 * here: `maas plan --rollout-records` runs the same program, with the same record, under Pulumi's
 * mock runtime, in its own process, as the CLI's language host would (start-up included). What the
 * engine and AWS add (the state's diff, one ModifyRule, the CLI's start-up) needs a real account:
 * docs/rollouts.md lists it. The engine's own decisions for a step are timed in process.
 * Run with `npm run bench`; MAAS_BENCH_ROLLOUT_RUNS sets the runs (default 5).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { STACK_CONFIG } from "./sharded-project";
import { checkCatalogueFile, resolveChecked } from "../catalogue";
import { decide } from "../rollout/decide";
import { judgeWindow } from "../rollout/gates";
import { weightsAtStep } from "../rollout/record";

const ROOT = resolve(__dirname, "..");
const MODELS = 100;
const PER_LOAD_BALANCER = 33;
const RUNS = Number(process.env.MAAS_BENCH_ROLLOUT_RUNS ?? 5);

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "maas-bench-rollout-"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: maas\nmain: ${ROOT}\nruntime: nodejs\n`);
  writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify({ config: STACK_CONFIG }));
  const digest = (index: number, version: string) =>
    `registry.example.com/model-${index}@sha256:${String(index).padStart(8, "0")}${version.replace(/\./g, "").padEnd(56, "0")}`;
  writeFileSync(
    join(dir, "models.yaml"),
    stringify({
      apiVersion: "maas/v1",
      defaults: { rollout: { canary: 10, bakeMinutes: 10 } },
      models: Object.fromEntries(
        Array.from({ length: MODELS }, (_, index) => [
          `model-${index}`,
          {
            owner: `team-${index % 7}`,
            routing: {
              priority: (index % PER_LOAD_BALANCER) + 1,
              loadBalancer: `lb-${Math.floor(index / PER_LOAD_BALANCER)}`,
            },
            image: digest(index, "1.0.0"),
            versions: {
              "1.0.0": { traffic: 90 },
              "1.1.0": { traffic: 10, image: digest(index, "1.1.0") },
              "0.9.0": { traffic: 0, image: digest(index, "0.9.0") },
            },
          },
        ]),
      ),
      environments: { prod: {} },
    }),
  );
  return dir;
}

function stats(values: number[], unit: "s" | "ms"): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${[sorted[0]!, median, sorted.at(-1)!]
    .map((ms) => (unit === "s" ? (ms / 1000).toFixed(2) : ms.toFixed(3)))
    .join(" / ")} ${unit}`;
}

function main(): void {
  const dir = project();
  const previous = process.cwd();
  process.chdir(dir);
  const checked = checkCatalogueFile("models.yaml", { environment: "prod" });
  process.chdir(previous);
  if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join("\n"));
  const model = resolveChecked(checked, "prod").models[0]!;
  const decision = decide({
    model,
    record: undefined,
    live: { "0.9.0": 0, "1.0.0": 100, "1.1.0": 0 },
    healthy: { "1.0.0": 4 },
    now: new Date("2026-12-01T10:00:00Z"),
  });
  if (decision.kind !== "start") throw new Error(`no rollout started: ${decision.kind}`);
  const record = { ...decision.record, step: 1, capacityStep: 1 };
  const records = join(dir, "records.json");
  writeFileSync(records, JSON.stringify([record]));

  const program: number[] = [];
  let resources = "";
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, "bin", "maas.js"),
        "plan",
        "--stack",
        "prod",
        "--rollout-records",
        records,
        "--summary",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    program.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`maas plan failed:\n${result.stdout}${result.stderr}`);
    resources = /(\d+) resources/.exec(result.stdout)?.[1] ?? "?";
  }

  // The engine's own work for a step: its weights, and a judgement of a window.
  const engine: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (let i = 0; i < 1000; i++) {
      weightsAtStep(record, 1);
      judgeWindow({
        rising: {
          requests: 5000,
          errors: 5,
          p99Ms: 120,
          latencySamples: 5000,
          minHealthyHosts: 2,
          connectionErrors: 0,
        },
        baseline: {
          requests: 45000,
          errors: 40,
          p99Ms: 110,
          latencySamples: 45000,
          minHealthyHosts: 6,
          connectionErrors: 0,
        },
        slo: record.slo,
        policy: record.policy,
      });
    }
    engine.push((performance.now() - start) / 1000);
  }
  console.log(`node ${process.version}; ${RUNS} runs; min / median / max`);
  console.log("| what | time |");
  console.log("| --- | --- |");
  console.log(
    `| the program of a ${MODELS}-model stack (${resources} resources) with a record at step 1, in its own process | ${stats(program, "s")} |`,
  );
  console.log(
    `| the engine's decisions for one step (weights and one judgement) | ${stats(engine, "ms")} |`,
  );
}

main();
