/**
 * `maas plan --all-stacks`: every stack of the project (each Pulumi.<stack>.yaml), each planned
 * by `maas plan` in a process of its own (a split 1,000-model catalogue: 11 stacks, none above
 * 1.5 GB), as many at once as `--jobs` says (default: the cores, as far as free memory holds:
 * cli/jobs.ts), written to out/<stack>/, their output in the stacks' order, then one summary
 * across them. The summary counts only the plans this run wrote: a stack that does not plan keeps
 * an earlier run's plan.json, which is not this run's. A Ctrl-C or SIGTERM stops every stack
 * being planned and starts no other; what was written and what was not is said.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type * as Run from "../plan/run";
import type * as PlanCommand from "./plan";
import type { Plan } from "../plan/run";
import { layoutProblems } from "../plan/layout-check";
import type { LayoutStack } from "../plan/layout-check";
import { crossStackCollisions, stackScope } from "../plan/physical-names";
import { projectStacks } from "../plan/stack-config";
import { startChild } from "./child";
import { isProcessIo, processIo } from "./io";
import type { Io } from "./io";
import { onDemand } from "./on-demand";
import { defaultJobs, limiter, orderedOutput } from "./jobs";
import { removeLeftovers } from "./outputs";
import { interrupted, onInterrupt, signalExitCode } from "./signals";
import { terminal, wrap } from "./terminal";

export interface PlanAllOptions {
  catalogue?: string;
  config?: string[];
  summary?: boolean;
  /** How many stacks to plan at once (default: defaultJobs()). */
  jobs?: number;
}

const number = (value: number) => value.toLocaleString("en");

const outputs = (stack: string) => ({
  json: join("out", stack, "plan.json"),
  manifests: join("out", stack, "manifests"),
});

/** Which file is at `path`: a plan written anew is a new file (renamed into place), with a new identity. */
function identity(path: string): string | undefined {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stats && `${stats.dev}:${stats.ino}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

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
  const jobs = Math.min(options.jobs ?? defaultJobs(), stacks.length);
  /** Each started stack's plan.json before it was planned. */
  const before = new Map<string, string | undefined>();
  const wrote = (stack: string) => {
    const now = identity(outputs(stack).json);
    return before.has(stack) && now !== undefined && now !== before.get(stack);
  };
  // One stack at a time writing to this process's own streams: its output goes straight to the
  // terminal (progress lines and all). Several at once: through writers that keep the stacks'
  // order, and coloured as this process's stdout would be (their output is a pipe).
  const inherit = jobs === 1 && isProcessIo(io);
  const ordered = orderedOutput(io, stacks.length);
  const color = terminal(io.stdout, io.env).color && io.env.FORCE_COLOR === undefined;
  const env = jobs > 1 && color ? { ...io.env, FORCE_COLOR: "1" } : io.env;
  /** The stacks started, with their processes: one may have been killed halfway through writing. */
  const started = new Map<string, number | undefined>();
  // Registered before any child, so it runs after the running children have been stopped.
  const forget = onInterrupt((signal) => {
    for (const [stack, pid] of started) {
      if (pid === undefined) continue;
      const { json, manifests } = outputs(stack);
      removeLeftovers(pid, json, manifests);
    }
    ordered.flush();
    const written = stacks.filter(wrote);
    const list = (names: string[]) => (names.length > 0 ? names.join(", ") : "none");
    io.stderr.write(
      `${wrap(
        `maas plan: stopped by ${signal}; written: ${list(written)}; not written: ${list(stacks.filter((stack) => !written.includes(stack)))} (their out/<stack>/ as before)`,
      )}\n`,
    );
  });
  const failed = new Set<string>();
  const slot = limiter(jobs);
  const planStack = async (stack: string, index: number) => {
    if (interrupted() !== undefined) return;
    before.set(stack, identity(outputs(stack).json));
    const writers = ordered.writers(index);
    const child = startChild(
      [
        script,
        "plan",
        "--stack",
        stack,
        ...(options.catalogue === undefined ? [] : ["--catalogue", options.catalogue]),
        ...(options.config ?? []).flatMap((pair) => ["--config", pair]),
        ...(options.summary ? ["--summary"] : []),
      ],
      { env, output: inherit ? "inherit" : writers },
    );
    started.set(stack, child.pid);
    // Said once its process runs: a signal from now on stops it.
    writers.stderr.write(`maas plan: planning stack ${stack} (${index + 1} of ${stacks.length})\n`);
    const { status } = await child.ended;
    if (status !== 0) failed.add(stack);
  };
  try {
    await Promise.all(
      stacks.map((stack, index) =>
        slot(() => planStack(stack, index)).finally(() => ordered.end(index)),
      ),
    );
  } finally {
    forget();
  }
  const stopped = interrupted();
  if (stopped !== undefined) return signalExitCode(stopped);
  let resources = 0;
  const plans = new Map<string, Plan>();
  for (const stack of stacks.filter(wrote)) {
    const plan = JSON.parse(readFileSync(outputs(stack).json, "utf8")) as Plan;
    resources += plan.resources.length;
    plans.set(stack, plan);
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
    failed.size > 0
      ? out.paint(
          "red",
          `not planned or breaking a rule: ${stacks.filter((stack) => failed.has(stack)).join(", ")}`,
        )
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
  return failed.size === 0 && whole.length === 0 ? 0 : 1;
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
