/**
 * `maas plan --all-stacks`: every stack of the project (each Pulumi.<stack>.yaml), each planned
 * by `maas plan` in a process of its own, so one stack's Pulumi runtime is in memory at a time
 * (a split 1,000-model catalogue: 11 stacks, none above 1.5 GB), written to out/<stack>/, then
 * one summary across them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type * as Run from "../plan/run";
import type * as PlanCommand from "./plan";
import type { Plan } from "../plan/run";
import { layoutProblems } from "../plan/layout-check";
import type { LayoutStack } from "../plan/layout-check";
import { crossStackCollisions, stackScope } from "../plan/physical-names";
import { projectStacks } from "../plan/stack-config";
import { isProcessIo, processIo } from "./io";
import type { Io } from "./io";
import { onDemand } from "./on-demand";
import { terminal, wrap } from "./terminal";

export interface PlanAllOptions {
  catalogue?: string;
  config?: string[];
  summary?: boolean;
}

const number = (value: number) => value.toLocaleString("en");

export async function runPlanAllCommand(
  options: PlanAllOptions,
  io: Io = processIo(),
): Promise<number> {
  const stacks = projectStacks(process.cwd());
  if (stacks.length === 0) {
    io.stderr.write("maas plan: no Pulumi.<stack>.yaml in this directory\n");
    return 2;
  }
  const script = resolve(__dirname, "..", "bin", "maas.js");
  const failed: string[] = [];
  let resources = 0;
  const plans = new Map<string, Plan>();
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
      plans.set(stack, plan);
    }
  }
  const out = terminal(io.stdout, io.env);
  // The stacks as a whole: what no single stack's plan can see.
  const project = await projectLayout(stacks, options);
  const whole = [
    ...project.problems,
    ...crossStackCollisions(
      [...plans].map(([stack, plan]) =>
        stackScope(stack, project.deployment(stack), plan.resources),
      ),
    ),
  ];
  for (const problem of whole) io.stdout.write(`${wrap(out.paint("red", problem), 2)}\n`);
  // Each model once per deployment (a base and its shards, or a single stack).
  const deployed = new Set(
    [...plans].flatMap(([stack, plan]) =>
      Object.keys(plan.outputs.models ?? {}).map(
        (model) => `${project.deployment(stack)} ${model}`,
      ),
    ),
  );
  const verdict =
    failed.length > 0
      ? out.paint("red", `not planned or breaking a rule: ${failed.join(", ")}`)
      : whole.length > 0
        ? out.paint(
            "red",
            `the stacks do not fit together (${whole.length} problem${whole.length === 1 ? "" : "s"} above)`,
          )
        : out.paint("green", "every stack planned and passes every rule");
  io.stdout.write(
    `${wrap(
      `maas plan: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${stacks.join(", ")}): ${number(resources)} resources, ${number(deployed.size)} models deployed; ${verdict}`,
    )}\n`,
  );
  return failed.length === 0 && whole.length === 0 ? 0 : 1;
}

/**
 * The project's stacks as their files say: each one's deployment (a shard's base), and what is
 * wrong with their layout (plan/layout-check.ts: every base's shards, each with exactly one
 * stack). A stack whose file does not read is left out: its own plan says why.
 */
export async function projectLayout(
  stacks: string[],
  options: Pick<PlanAllOptions, "catalogue" | "config">,
): Promise<{ problems: string[]; deployment: (stack: string) => string }> {
  const deployments = new Map<string, string>();
  const deployment = (stack: string) => deployments.get(stack) ?? stack;
  const { parseConfigPairs } = await onDemand(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require("./plan") as typeof PlanCommand,
    () => import("./plan"),
  );
  const config = parseConfigPairs(options.config ?? []);
  if (typeof config === "string") return { problems: [], deployment };
  const { readStack, prepareStack } = await onDemand(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require("../plan/run") as typeof Run,
    () => import("../plan/run"),
  );
  const common = {
    config,
    ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
  };
  const read: LayoutStack[] = stacks.flatMap((stack) => {
    const found = readStack({ ...common, stack });
    if ("problems" in found) return [];
    const { origins } = found.stackConfig;
    deployments.set(stack, found.settings.deployment);
    return [
      {
        stack,
        layout: found.settings.layout,
        where: (key: string) => origins[key] ?? `Pulumi.${stack}.yaml`,
      },
    ];
  });
  const catalogues = new Map<string, Run.PreparedStack>();
  const problems = layoutProblems(read, (base, shard) => {
    if (!catalogues.has(base)) catalogues.set(base, prepareStack({ ...common, stack: base }));
    const prepared = catalogues.get(base)!;
    return prepared.ok
      ? prepared.catalogue.models.filter((model) => model.shard === shard).map((m) => m.name)
      : undefined;
  });
  return { problems, deployment };
}
