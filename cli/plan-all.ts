/**
 * `maas plan --all-stacks`: every stack of the project (each Pulumi.<stack>.yaml), each planned
 * by `maas plan` in a process of its own, so one stack's Pulumi runtime is in memory at a time
 * (a split 1,000-model catalogue: 11 stacks, none above 1.5 GB), written to out/<stack>/, then
 * one summary across them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plan } from "../plan/run";
import { projectStacks } from "../plan/stack-config";
import { isProcessIo, processIo } from "./io";
import type { Io } from "./io";
import { terminal, wrap } from "./terminal";

export interface PlanAllOptions {
  catalogue?: string;
  config?: string[];
  summary?: boolean;
}

const number = (value: number) => value.toLocaleString("en");

export function runPlanAllCommand(options: PlanAllOptions, io: Io = processIo()): number {
  const stacks = projectStacks(process.cwd());
  if (stacks.length === 0) {
    io.stderr.write("maas plan: no Pulumi.<stack>.yaml in this directory\n");
    return 2;
  }
  const script = resolve(__dirname, "..", "bin", "maas.js");
  const failed: string[] = [];
  let resources = 0;
  let models = 0;
  const inherit = isProcessIo(io);
  for (const stack of stacks) {
    const json = join("out", stack, "plan.json");
    const result = spawnSync(
      process.execPath,
      [
        script,
        "plan",
        "--stack",
        stack,
        ...(options.catalogue === undefined ? [] : ["--catalogue", options.catalogue]),
        ...(options.config ?? []).flatMap((pair) => ["--config", pair]),
        ...(options.summary ? ["--summary"] : []),
      ],
      // Each stack's output as it comes when this process writes to its own stdout and stderr;
      // passed on after each stack when main() runs with other writers.
      inherit
        ? { stdio: "inherit", env: io.env }
        : { encoding: "utf8", env: io.env, maxBuffer: 256 * 1024 * 1024 },
    );
    if (!inherit) {
      io.stdout.write(String(result.stdout));
      io.stderr.write(String(result.stderr));
    }
    if (result.status !== 0) failed.push(stack);
    if (result.status === 0 || (result.status === 1 && existsSync(json))) {
      const plan = JSON.parse(readFileSync(json, "utf8")) as Plan;
      resources += plan.resources.length;
      models += Object.keys(plan.outputs.models ?? {}).length;
    }
  }
  const out = terminal(io.stdout, io.env);
  io.stdout.write(
    `${wrap(
      `maas plan: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${stacks.join(", ")}): ${number(resources)} resources, ${number(models)} models deployed; ${
        failed.length === 0
          ? out.paint("green", "every stack planned and passes every rule")
          : out.paint("red", `not planned or breaking a rule: ${failed.join(", ")}`)
      }`,
    )}\n`,
  );
  return failed.length === 0 ? 0 : 1;
}
