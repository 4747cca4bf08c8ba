/**
 * `maas diff`: the Markdown a pull request shows. The head is the working tree, planned by its
 * own program; the base is either a git ref — the project as it is there, planned by its own
 * program with its own stack files and catalogue (as `pulumi preview` compares against what the
 * base deployed) — or an older catalogue file, planned by the working tree's program and config.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { withCatalogueMemo } from "../catalogue/load";
import { DEFAULT_LOAD_BALANCER, DEFAULT_SHARD } from "../catalogue/quotas";
import { checkoutAt, isCommit } from "../plan/base-checkout";
import type { BaseCheckout } from "../plan/base-checkout";
import { code } from "../review/markdown";
import { markdownDiff, stackRisks } from "../review/markdown-diff";
import type { StackDiff } from "../review/markdown-diff";
import { planViolations, readStack, runPlan } from "../plan/run";
import { kubernetesManifests } from "../plan/manifests";
import type { Violation } from "../policy";
import { projectStacks } from "../plan/stack-config";
import { afterStateMoves, findShardMoves } from "../change/shard-moves";
import { crossStackCollisions, stackScope } from "../plan/physical-names";
import { projectLayout } from "./plan-all";
import { untouchedStacks } from "./diff-scope";
import type { Plan, PlanOptions } from "../plan/run";
import { transition } from "../change/transition";
import { judgeTransition } from "../change/transition-rules";
import { ruleFix } from "../policy";
import { processIo } from "./io";
import type { Io } from "./io";
import { startChild } from "./child";
import { defaultJobs, limiter } from "./jobs";
import { basePlanKey, planCacheDir, readCachedPlan, writeCachedPlan } from "../plan/plan-cache";
import { OutputError, outputTargets, removeIfInterrupted, writeOutputs } from "./outputs";
import { parseConfigPairs } from "./plan";
import { terminal } from "./terminal";
import type { Terminal } from "./terminal";

/** On a TTY, the Markdown with colour where it helps: refusals red, warnings yellow, headings bold. */
function forTerminal(markdown: string, out: Terminal): string {
  if (!out.color) return markdown;
  return markdown
    .split("\n")
    .map((line) =>
      line.startsWith("- ⛔")
        ? out.paint("red", line)
        : line.startsWith("- ⚠️")
          ? out.paint("yellow", line)
          : line.startsWith("#")
            ? out.paint("bold", line)
            : line,
    )
    .join("\n");
}

export interface DiffCommandOptions {
  base: string;
  /** One or more stacks; stacks whose diff reads the same are shown once. */
  stack?: string[];
  /**
   * Every stack of the project instead of `stack`; also the default without `stack`, so that a
   * review at the desk covers what the pull request's review (CI's `--all-stacks`) covers.
   */
  allStacks?: boolean;
  catalogue?: string;
  config?: string[];
  /** Where to write the whole diff when the comment has to be cut. */
  full?: string;
  /** Only the risk and the catalogue changes, no charts or resource tables. */
  summary?: boolean;
  /** How many plans to run at once (default: defaultJobs()). */
  jobs?: number;
}

/**
 * How a run's plans share the machine: `slot` bounds the plans running at once (each a process,
 * or this one); `here` lets one plan at a time use this process's Pulumi runtime.
 */
interface Scheduler {
  slot: <T>(task: () => Promise<T>) => Promise<T>;
  here: <T>(task: () => Promise<T>) => Promise<T>;
}

/** A plan in this process: its runtime first (one at a time), then a slot. */
const inThisProcess = <T>(scheduler: Scheduler, task: () => Promise<T>) =>
  scheduler.here(() => scheduler.slot(task));

interface Side {
  label: string;
  plan: Plan;
  catalogue: ResolvedCatalogue;
}

/** What the base is: a file or a ref, never silently one when both exist. */
function baseKind(base: string): { kind: "file" | "ref" } | { problem: string } {
  const file = existsSync(base) && statSync(base).isFile();
  const ref = isCommit(base);
  if (file && ref)
    return {
      problem: `--base ${base} names both a file and a git commit: write ./${base} for the file, or the commit id (or refs/…) for the ref`,
    };
  if (file) return { kind: "file" };
  if (ref) return { kind: "ref" };
  return { problem: `--base ${base}: neither a catalogue file nor a git commit` };
}

/**
 * The resolved catalogue a plan deployed: its catalogue snapshot. Snapshots written before a
 * model had a shard or a load balancer name lack them: the defaults they were deployed with.
 */
function catalogueOfPlan(plan: Plan): ResolvedCatalogue | undefined {
  const snapshot = plan.resources.find(
    (resource) =>
      resource.type === "aws:s3/bucketObjectv2:BucketObjectv2" &&
      /(^|\/)catalogue\/[^/]+\.json$/.test(String(resource.inputs.key)),
  );
  if (!snapshot) return undefined;
  const catalogue = JSON.parse(String(snapshot.inputs.content)) as ResolvedCatalogue;
  return {
    ...catalogue,
    models: catalogue.models.map((model: Partial<ResolvedModel> & ResolvedModel) => ({
      ...model,
      shard: model.shard ?? DEFAULT_SHARD,
      routing: {
        ...model.routing,
        loadBalancer: model.routing.loadBalancer ?? DEFAULT_LOAD_BALANCER,
      },
    })),
  };
}

/** A plan.json's plan and the catalogue it deployed. */
function planOfText(text: string): { plan: Plan; catalogue: ResolvedCatalogue } | string {
  const plan = JSON.parse(text) as Plan;
  const catalogue = catalogueOfPlan(plan);
  if (!catalogue) return "its plan has no catalogue snapshot to compare models with";
  return { plan, catalogue };
}

/** Plans a stack of `projectDir` with the `maas` at `script`, in a process of its own. */
async function planInOwnProcess(
  script: string,
  projectDir: string,
  stack: string,
  options: Pick<DiffCommandOptions, "catalogue" | "config">,
  env: Io["env"],
): Promise<{ plan: Plan; catalogue: ResolvedCatalogue; text: string } | string> {
  const out = mkdtempSync(join(tmpdir(), "maas-base-plan-"));
  const forget = removeIfInterrupted(out);
  try {
    const json = join(out, "plan.json");
    const args = [
      script,
      "plan",
      "--stack",
      stack,
      "--json",
      json,
      "--manifests",
      join(out, "manifests"),
      ...(options.catalogue === undefined ? [] : ["--catalogue", options.catalogue]),
      ...(options.config ?? []).flatMap((pair) => ["--config", pair]),
    ];
    const result = await startChild(args, { cwd: projectDir, env, output: "capture" }).ended;
    if (!existsSync(json))
      return `did not plan (exit ${String(result.status)}):\n${`${result.stdout}${result.stderr}`.trim()}`;
    const text = readFileSync(json, "utf8");
    const read = planOfText(text);
    return typeof read === "string" ? read : { ...read, text };
  } finally {
    rmSync(out, { recursive: true, force: true });
    forget();
  }
}

/**
 * A `--catalogue` inside the project, as a path both sides read from their own tree; one outside
 * it would be the same file on both sides, so a ref base refuses it.
 */
function projectCatalogue(catalogue: string | undefined): string | undefined | { problem: string } {
  if (catalogue === undefined || !isAbsolute(catalogue)) return catalogue;
  const inside = relative(process.cwd(), resolve(catalogue));
  if (inside.startsWith("..") || isAbsolute(inside))
    return {
      problem: `--catalogue ${catalogue} is outside the project: both sides would read the same file; compare against a ref with a catalogue inside the project, or give the older file as --base`,
    };
  return inside;
}

/** A stack that the base does not have yet (a new shard): nothing deployed, no models. */
function emptySide(stack: string, head: Plan): Side {
  return {
    label: "(the stack is new in this change)",
    plan: { ...head, stack, resources: [], outputs: {} },
    catalogue: { models: [] },
  };
}

/**
 * One stack's base and head, or what keeps them from planning. Both sides are planned at once
 * (each in a process of its own, or this one), as the scheduler allows.
 */
async function diffStack(
  stack: string,
  kind: "file" | "ref",
  checkout: BaseCheckout | undefined,
  options: DiffCommandOptions,
  common: Omit<PlanOptions, "stack">,
  separate: boolean,
  env: Io["env"],
  scheduler: Scheduler,
  log: (line: string) => void,
): Promise<Omit<StackDiff, "findings"> | string[]> {
  const [headSettled, baseSettled] = await Promise.allSettled([
    planHead(stack, options, common, separate, env, scheduler),
    planBase(stack, kind, checkout, options, common, env, scheduler, log),
  ]);
  if (headSettled.status === "rejected") throw headSettled.reason;
  if (baseSettled.status === "rejected") throw baseSettled.reason;
  const [head, planned] = [headSettled.value, baseSettled.value];
  if (typeof head === "string") return head.split("\n").map((line) => `${stack}: head: ${line}`);
  const base = planned ?? emptySide(stack, head.plan);
  if (typeof base === "string") return base.split("\n").map((line) => `${stack}: base: ${line}`);
  return {
    base,
    head: { label: "working tree", plan: head.plan, catalogue: head.catalogue },
    violations: head.violations.map((v) => ({ ...v, fix: ruleFix(v.rule) })),
  };
}

/** The base's side of a stack, or what keeps it from planning; undefined when the base has no such stack. */
async function planBase(
  stack: string,
  kind: "file" | "ref",
  checkout: BaseCheckout | undefined,
  options: DiffCommandOptions,
  common: Omit<PlanOptions, "stack">,
  env: Io["env"],
  scheduler: Scheduler,
  log: (line: string) => void,
): Promise<Side | string | undefined> {
  if (kind === "file") {
    const planned = await inThisProcess(scheduler, () =>
      runPlan({ ...common, stack, catalogueStandIn: options.base }),
    );
    return planned.ok
      ? {
          label: `catalogue ${code(options.base)} (stack config and program: the working tree's on both sides, not compared)`,
          plan: planned.plan,
          catalogue: planned.catalogue,
        }
      : planned.problems.join("\n");
  }
  if (!existsSync(join(checkout!.projectDir, `Pulumi.${stack}.yaml`))) return undefined;
  const overrides = {
    ...options,
    ...(common.catalogue === undefined ? {} : { catalogue: common.catalogue }),
  };
  // The base's plan as an earlier review made it from the same content (plan/plan-cache.ts).
  const cache = planCacheDir(env, process.cwd());
  const key =
    cache === undefined
      ? undefined
      : basePlanKey(options.base, stack, {
          ...(common.catalogue === undefined ? {} : { catalogue: common.catalogue }),
          config: common.config ?? {},
        });
  const cached = cache && key ? readCachedPlan(cache, key) : undefined;
  let planned: { plan: Plan; catalogue: ResolvedCatalogue } | string;
  if (cached !== undefined) {
    planned = planOfText(cached);
    log(`maas diff: stack ${stack}: the base's plan from the plan cache (${cache})`);
  } else {
    const made = await scheduler.slot(() =>
      planInOwnProcess(
        join(checkout!.projectDir, "bin", "maas.js"),
        checkout!.projectDir,
        stack,
        overrides,
        env,
      ),
    );
    if (typeof made !== "string" && cache && key) writeCachedPlan(cache, key, made.text);
    planned = made;
  }
  if (typeof planned === "string") return `its own program ${planned}`;
  const { plan, catalogue } = planned;
  return {
    label: `${code(options.base)} (its own program, stack files and catalogue; dependencies: ${checkout!.dependencies})`,
    plan,
    catalogue,
  };
}

/**
 * The working tree's plan of a stack: in a process of its own when several stacks are planned
 * (11 stacks of a 1,000-model catalogue took 3 GB in one process) or the base is a ref (this
 * process then holds no Pulumi runtime, only the two plans: a 100-model shard's head planned here
 * took this process to 1.5 GB, in its own 1.2 GB, this one about 0.6 GB); in this process when
 * a catalogue file is the base of a single stack, planned here too, one after the other.
 */
async function planHead(
  stack: string,
  options: DiffCommandOptions,
  common: Omit<PlanOptions, "stack">,
  separate: boolean,
  env: Io["env"],
  scheduler: Scheduler,
): Promise<{ plan: Plan; catalogue: ResolvedCatalogue; violations: Violation[] } | string> {
  if (!separate) {
    const head = await inThisProcess(scheduler, () => runPlan({ ...common, stack }));
    return head.ok ? head : head.problems.join("\n");
  }
  const planned = await scheduler.slot(() =>
    planInOwnProcess(
      resolve(__dirname, "..", "bin", "maas.js"),
      process.cwd(),
      stack,
      {
        ...options,
        ...(common.catalogue === undefined ? {} : { catalogue: common.catalogue }),
      },
      env,
    ),
  );
  if (typeof planned === "string") return planned;
  const read = readStack({ ...common, stack });
  if ("problems" in read) return read.problems.join("\n");
  const { resources } = planned.plan;
  return {
    ...planned,
    violations: planViolations(
      resources,
      kubernetesManifests(resources, read.settings.region),
      read.settings,
    ),
  };
}

/** Every stack's plan and scope in one run check the same catalogue: once (catalogue/load.ts). */
export function runDiffCommand(options: DiffCommandOptions, io: Io = processIo()): Promise<number> {
  return withCatalogueMemo(() => diffCommand(options, io));
}

async function diffCommand(options: DiffCommandOptions, io: Io): Promise<number> {
  const config = parseConfigPairs(options.config ?? []);
  if (typeof config === "string") {
    io.stderr.write(`maas diff: ${config}\n`);
    return 2;
  }
  const which = baseKind(options.base);
  if ("problem" in which) {
    io.stderr.write(`maas diff: ${which.problem}\n`);
    return 2;
  }
  const full = options.full && { flag: "--full", kind: "diff" as const, path: options.full };
  try {
    if (full) outputTargets({ file: full });
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    io.stderr.write(`maas diff: ${error.message}\n`);
    return 2;
  }
  const { kind } = which;
  const catalogue = kind === "ref" ? projectCatalogue(options.catalogue) : options.catalogue;
  if (typeof catalogue === "object") {
    io.stderr.write(`maas diff: ${catalogue.problem}\n`);
    return 2;
  }
  const common = { config, ...(catalogue === undefined ? {} : { catalogue }) };
  const checkout =
    kind === "ref"
      ? checkoutAt(options.base, process.cwd(), {
          cacheRoot: join(process.cwd(), "node_modules", ".cache", "maas", "base-dependencies"),
          log: (line) => io.stderr.write(`${line}\n`),
        })
      : undefined;
  if (typeof checkout === "string") {
    io.stderr.write(`maas diff: ${checkout}\n`);
    return 2;
  }
  // Ctrl-C while the base is planned must not leave its extraction behind.
  const forget = checkout ? removeIfInterrupted(checkout.root) : () => undefined;
  const sides: Omit<StackDiff, "findings">[] = [];
  const problems: string[] = [];
  const allStacks = options.allStacks === true || options.stack === undefined;
  const stacks =
    options.allStacks === true || options.stack === undefined
      ? projectStacks(process.cwd())
      : options.stack;
  const untouched = checkout
    ? untouchedStacks(stacks, options.base, checkout, common)
    : new Map<string, string>();
  try {
    const planned = stacks.filter((name) => !untouched.has(name));
    // Every plan of every stack may run at once, as far as the jobs allow; the results are taken
    // in the stacks' order, so the diff reads the same whatever finished first.
    const scheduler: Scheduler = {
      slot: limiter(options.jobs ?? defaultJobs()),
      here: limiter(1),
    };
    // Settled, not raced: the checkout is removed only once no plan reads it any more.
    const settled = await Promise.allSettled(
      planned.map((stack) =>
        diffStack(
          stack,
          kind,
          checkout,
          options,
          common,
          planned.length > 1 || kind === "ref",
          io.env,
          scheduler,
          (line) => io.stderr.write(`${line}\n`),
        ),
      ),
    );
    for (const result of settled) {
      if (result.status === "rejected") throw result.reason;
      if (Array.isArray(result.value)) problems.push(...result.value);
      else sides.push(result.value);
    }
  } finally {
    checkout?.cleanup();
    forget();
  }
  if (problems.length > 0) {
    io.stdout.write(`${problems.join("\n")}\n`);
    io.stderr.write("maas diff: a side does not plan; fix its problems first\n");
    return 1;
  }
  // The stacks as a whole (--all-stacks): each shard one stack, no name two stacks create.
  const project = allStacks
    ? await projectLayout(stacks, {
        ...(options.config ? { config: options.config } : {}),
        ...(catalogue === undefined ? {} : { catalogue }),
      })
    : undefined;
  const refusals = project
    ? [
        ...project.problems,
        ...crossStackCollisions(
          sides.map(({ head }) =>
            stackScope(head.plan.stack, project.deployment(head.plan.stack), head.plan.resources),
          ),
        ),
      ]
    : [];
  // Models moving between the stacks diffed: judged as they go once their state has moved.
  const moves = findShardMoves(sides);
  const diffs: StackDiff[] = afterStateMoves(sides, moves).map((diff) => ({
    ...diff,
    findings: judgeTransition(transition(diff.base.plan.resources, diff.head.plan.resources)),
  }));
  const markdown = markdownDiff(diffs, {
    summary: options.summary ?? false,
    moves,
    refusals,
    untouched,
    base: options.base,
  });
  io.stdout.write(forTerminal(markdown.comment, terminal(io.stdout, io.env)));
  if (full)
    try {
      writeOutputs({ file: { ...full, text: markdown.full } }, io);
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      io.stderr.write(
        `maas diff: ${error.message}; the comment went to stdout, the whole diff was not written\n`,
      );
      return 1;
    }
  // Every ⛔ of the Risk section: the transition's refusals, the head's rule violations, what a
  // change cuts that another way would not (review/risk.ts), and the stacks as a whole.
  const refused =
    diffs.flatMap((d) => stackRisks(d, moves).filter((risk) => risk.level === "refuse")).length +
    refusals.length;
  if (refused > 0) {
    io.stderr.write(`maas diff: ${refused} risk(s) refuse this change (⛔ in the Risk section)\n`);
    return 1;
  }
  return 0;
}
