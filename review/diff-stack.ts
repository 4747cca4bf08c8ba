/**
 * One stack's review: its base and head planned (each in a process of its own, or this one),
 * in full or scoped to the models the change touches (review/scope.ts; both sides then here). `maas diff`
 * (cli/diff.ts) parses the arguments, gives the processes and prints; this holds what a side is.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkCatalogueFile, resolveChecked } from "../catalogue";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { DEFAULT_LOAD_BALANCER, DEFAULT_SHARD } from "../catalogue/quotas";
import type { BaseCheckout } from "../plan/base-checkout";
import { code } from "./markdown";
import type { StackDiff } from "./markdown-diff";
import { kubernetesManifests } from "../plan/manifests";
import { basePlanKey, planCacheDir, readCachedPlan, writeCachedPlan } from "../plan/plan-cache";
import { planViolations, readStack, runPlan } from "../plan/run";
import type { Plan, PlanOptions } from "../plan/run";
import type { Violation } from "../policy";
import { ruleFix } from "../policy";
import { catalogueCheckOptions, deployedCatalogue } from "../stack/layout";

type Env = Record<string, string | undefined>;

/** What a review asks of the process it runs in (cli/child.ts, cli/outputs.ts). */
export interface Processes {
  /** Runs `node <args>` in `cwd` with `env`, its output captured. */
  run(
    args: string[],
    cwd: string,
    env: Env,
  ): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** Removes `path` if a signal ends the run first; returns what forgets it. */
  removeIfInterrupted(path: string): () => void;
}

/** What `maas diff` was asked, as far as one stack's review reads it. */
export interface ReviewOptions {
  /** A git ref or an older catalogue file. */
  base: string;
  catalogue?: string;
  config?: string[];
}

/**
 * How a run's plans share the machine: `slot` bounds the plans running at once (each a process,
 * or this one); `here` lets one plan at a time use this process's Pulumi runtime.
 */
export interface Scheduler {
  slot: <T>(task: () => Promise<T>) => Promise<T>;
  here: <T>(task: () => Promise<T>) => Promise<T>;
}

/** A plan in this process: its runtime first (one at a time), then a slot. */
const inThisProcess = <T>(scheduler: Scheduler, task: () => Promise<T>) =>
  scheduler.here(() => scheduler.slot(task));

export interface Side {
  label: string;
  plan: Plan;
  catalogue: ResolvedCatalogue;
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

/**
 * What a base checkout's own `maas` runs with besides the review's environment: no tsx transform
 * cache. tsx keys a compiled file by its content and its path (the `__filename` it writes into the
 * output), and a checkout's path is new for every review, so its cache never hits: each base
 * process only looked in it (eight missing files per source file) and wrote about 150 entries to
 * `$TMPDIR/tsx-<uid>/`, read by nobody again, going through the whole directory to expire old
 * ones (tsx keeps an entry about eight days). What that cost grows with the directory: a base's
 * plan of the test project took 1.90 s instead of 1.81 s with an empty one, 2.2-2.3 s instead of
 * 1.8-2.0 s with 134,000 entries. (tsx reads TSX_DISABLE_CACHE when it loads; an older maas
 * without tsx ignores it.)
 */
const CHECKOUT_ENV = { TSX_DISABLE_CACHE: "1" };

/** Plans a stack of `projectDir` with the `maas` at `script`, in a process of its own. */
async function planInOwnProcess(
  script: string,
  projectDir: string,
  stack: string,
  options: Pick<ReviewOptions, "catalogue" | "config">,
  review: Pick<StackReview, "env" | "processes">,
): Promise<{ plan: Plan; catalogue: ResolvedCatalogue; text: string } | string> {
  const out = mkdtempSync(join(tmpdir(), "maas-base-plan-"));
  const forget = review.processes.removeIfInterrupted(out);
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
    const result = await review.processes.run(args, projectDir, review.env);
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

/** A stack that the base does not have yet (a new shard): nothing deployed, no models. */
function emptySide(stack: string, head: Plan): Side {
  return {
    label: "(the stack is new in this change)",
    plan: { ...head, stack, resources: [], outputs: {} },
    catalogue: { models: [] },
  };
}

/** One stack's review: what is planned and how. */
export interface StackReview {
  stack: string;
  kind: "file" | "ref";
  checkout: BaseCheckout | undefined;
  options: ReviewOptions;
  /**
   * What both sides are planned with; `models` for a scoped review (review/scope.ts): only
   * those models' components on both sides.
   */
  common: Omit<PlanOptions, "stack">;
  /**
   * A scoped review's base catalogue (review/scope.ts): the base differs from the working tree in
   * that file alone, so its side is the working tree's program planned with it, in this process.
   */
  baseCatalogue?: string;
  /**
   * The head in a process of its own (several stacks, or a ref base, for a stack of more than
   * HEAD_HERE_MODELS models; never when scoped).
   */
  separate: boolean;
  env: Env;
  scheduler: Scheduler;
  processes: Processes;
  log: (line: string) => void;
}

/**
 * A stack planned whole has its head planned in the review's process when it deploys at most
 * this many models: the plan then takes about as long as a process's start-up (in a process that
 * has planned before, the test project's dev stack with 1 model 0.5 s, with 10 models 0.9 s; a
 * `maas plan` process spends 1.1 s starting), and this process grows by 150 MB at most (10
 * models: 230 -> 377 MB at its peak) where a process of its own holds 250 MB or more. Larger
 * heads keep a process of their own: a 100-model shard's took this process to 1.5 GB.
 */
export const HEAD_HERE_MODELS = 10;

/**
 * The stacks among `stacks` whose head is planned here (HEAD_HERE_MODELS): their settings read
 * and their catalogue checks (a stack that does not is planned as before, to show its problems),
 * and they deploy that many models or fewer. Inside `maas diff`'s catalogue memo, a catalogue
 * several stacks read is checked once.
 */
export function smallHeads(stacks: string[], common: Omit<PlanOptions, "stack">): Set<string> {
  return new Set(
    stacks.filter((stack) => {
      const read = readStack({ ...common, stack });
      if ("problems" in read) return false;
      const { settings } = read;
      const checked = checkCatalogueFile(settings.catalogue, catalogueCheckOptions(settings));
      if (!checked.ok) return false;
      const deployed = deployedCatalogue(
        resolveChecked(checked, settings.environment),
        settings.layout,
      );
      return deployed.models.length <= HEAD_HERE_MODELS;
    }),
  );
}

/**
 * One stack's base and head, or what keeps them from planning. Both sides are planned at once
 * (each in a process of its own, or this one), as the scheduler allows.
 */
export async function diffStack(
  review: StackReview,
): Promise<Omit<StackDiff, "findings"> | string[]> {
  const { stack } = review;
  const [headSettled, baseSettled] = await Promise.allSettled([planHead(review), planBase(review)]);
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

/** How the review names an older catalogue file as its base. */
export function fileBaseLabel(file: string): string {
  return `catalogue ${code(file)} (stack config and program: the working tree's on both sides, not compared)`;
}

/** The base's side of a stack, or what keeps it from planning; undefined when the base has no such stack. */
async function planBase(review: StackReview): Promise<Side | string | undefined> {
  const { stack, kind, checkout, options, common, baseCatalogue, env, scheduler, log } = review;
  if (kind === "file") {
    const planned = await inThisProcess(scheduler, () =>
      runPlan({ ...common, stack, catalogueStandIn: { file: options.base } }),
    );
    return planned.ok
      ? {
          label: fileBaseLabel(options.base),
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
  // The base's plan as an earlier review made it from the same content and scope (plan/plan-cache.ts).
  const cache = planCacheDir(env, process.cwd());
  const key =
    cache === undefined
      ? undefined
      : basePlanKey(options.base, stack, {
          ...(common.catalogue === undefined ? {} : { catalogue: common.catalogue }),
          config: common.config ?? {},
          ...(common.models ? { models: common.models } : {}),
        });
  const cached = cache && key ? readCachedPlan(cache, key) : undefined;
  let planned: { plan: Plan; catalogue: ResolvedCatalogue };
  if (cached !== undefined) {
    const read = planOfText(cached);
    if (typeof read === "string") return `its cached plan (${cache}): ${read}`;
    planned = read;
    log(`maas diff: stack ${stack}: the base's plan from the plan cache (${cache})`);
  } else if (baseCatalogue !== undefined) {
    // Scoped: small, and a process's start-up would be most of its time. Read back as the
    // cache gives it, so a warm review reads as a cold one.
    const made = await inThisProcess(scheduler, () =>
      runPlan({
        ...common,
        stack,
        catalogueStandIn: { file: baseCatalogue, projectRoot: checkout!.projectDir },
      }),
    );
    if (!made.ok) return made.problems.join("\n");
    const text = `${JSON.stringify(made.plan)}\n`;
    const read = planOfText(text);
    if (typeof read === "string") return read;
    if (cache && key) writeCachedPlan(cache, key, text);
    planned = read;
  } else {
    const made = await scheduler.slot(() =>
      planInOwnProcess(
        join(checkout!.projectDir, "bin", "maas.js"),
        checkout!.projectDir,
        stack,
        overrides,
        { processes: review.processes, env: { ...env, ...CHECKOUT_ENV } },
      ),
    );
    if (typeof made === "string") return `its own program ${made}`;
    if (cache && key) writeCachedPlan(cache, key, made.text);
    planned = made;
  }
  const { plan, catalogue } = planned;
  return {
    label:
      baseCatalogue === undefined
        ? `${code(options.base)} (its own program, stack files and catalogue; dependencies: ${checkout!.dependencies})`
        : `${code(options.base)} (only its catalogue differs: planned with the working tree's program, stack files and dependencies)`,
    plan,
    catalogue,
  };
}

/**
 * The working tree's plan of a stack: in a process of its own when several stacks are planned
 * (11 stacks of a 1,000-model catalogue took 3 GB in one process) or the base is a ref (this
 * process then holds no Pulumi runtime, only the two plans: a 100-model shard's head planned here
 * took this process to 1.5 GB, in its own 1.2 GB, this one about 0.6 GB), unless the stack
 * deploys few models (HEAD_HERE_MODELS); in this process when a catalogue file is the base of a
 * single stack, planned here too, one after the other, and when the review is scoped (a few
 * models: small, and a process's start-up was most of its time; its base is planned here too).
 */
async function planHead(
  review: StackReview,
): Promise<{ plan: Plan; catalogue: ResolvedCatalogue; violations: Violation[] } | string> {
  const { stack, options, common, separate, scheduler } = review;
  // A process plans a stack whole: a scoped head is always planned here.
  if (!separate || common.models) {
    const head = await inThisProcess(scheduler, () => runPlan({ ...common, stack }));
    return head.ok ? head : head.problems.join("\n");
  }
  const planned = await scheduler.slot(() =>
    planInOwnProcess(
      resolve(__dirname, "..", "bin", "maas.js"),
      process.cwd(),
      stack,
      { ...options, ...(common.catalogue === undefined ? {} : { catalogue: common.catalogue }) },
      review,
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
