/**
 * `maas diff`: the Markdown a pull request shows. The head is the working tree, planned by its
 * own program; the base is either a git ref — the project as it is there, planned by its own
 * program with its own stack files and catalogue (as `pulumi preview` compares against what the
 * base deployed) — or an older catalogue file, planned by the working tree's program and config.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { withCatalogueMemo } from "../catalogue/load";
import { checkoutAt, isCommit } from "../plan/base-checkout";
import { markdownDiff, stackRisks } from "../review/markdown-diff";
import type { StackDiff } from "../review/markdown-diff";
import { projectStacks } from "../plan/stack-config";
import { readStack } from "../plan/run";
import { afterStateMoves, findShardMoves } from "../change/shard-moves";
import { crossStackCollisions, stackScope } from "../plan/physical-names";
import { projectLayout } from "./plan-all";
import { diffStack, fileBaseLabel, smallHeads } from "../review/diff-stack";
import { code } from "../review/markdown";
import type { Processes, Scheduler } from "../review/diff-stack";
import { stackScopes, untouchedStacks } from "../review/scope";
import { transition } from "../change/transition";
import { judgeTransition } from "../change/transition-rules";
import { processIo } from "./io";
import type { Io } from "./io";
import { startChild } from "./child";
import { defaultJobs, limiter } from "./jobs";
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
  /**
   * `--no-scope` (false): plan every touched stack in full, even when only the catalogue changed
   * and a scoped review would plan only the models it touches (review/scope.ts).
   */
  scope?: boolean;
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

/** How a review's plans run as processes of their own: children of this one, stopped with it. */
const processes: Processes = {
  run: (args, cwd, env) => startChild(args, { cwd, env, output: "capture" }).ended,
  removeIfInterrupted,
};

/**
 * The stacks and the catalogue each reads, when they read more than one: a catalogue file as base
 * stands in for whichever catalogue a stack reads, so it can stand in for one only. Stacks whose
 * config does not read are left to their plans, which report it.
 */
function catalogueFilesOf(stacks: string[], common: { catalogue?: string }): string | undefined {
  const files = new Map<string, string>();
  for (const stack of stacks) {
    const read = readStack({ ...common, stack });
    if (!("problems" in read))
      files.set(stack, relative(process.cwd(), resolve(read.settings.catalogue)));
  }
  if (new Set(files.values()).size < 2) return undefined;
  return [...files].map(([stack, file]) => `${stack} (${file})`).join(", ");
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
  const several = kind === "file" ? catalogueFilesOf(stacks, common) : undefined;
  if (several !== undefined) {
    // A file base has no checkout to remove.
    io.stderr.write(
      `maas diff: --base ${options.base} stands in for one catalogue, but these stacks read different ones: ${several}; review the stacks of one catalogue at a time (--stack)\n`,
    );
    return 2;
  }
  const scopes = stackScopes(
    stacks,
    checkout ? { ref: options.base, checkout } : { file: options.base },
    common,
    options.scope !== false,
  );
  const untouched = untouchedStacks(scopes);
  let layout: ReturnType<typeof projectLayout> | undefined;
  try {
    const planned = stacks.filter((name) => !untouched.has(name));
    // A small stack planned whole has its head planned here: a process's start-up would be most
    // of its time (HEAD_HERE_MODELS).
    const small = smallHeads(
      planned.filter((stack) => scopes.get(stack)?.kind !== "scoped"),
      common,
    );
    // Every plan of every stack may run at once, as far as the jobs allow; the results are taken
    // in the stacks' order, so the diff reads the same whatever finished first.
    const scheduler: Scheduler = {
      slot: limiter(options.jobs ?? defaultJobs()),
      here: limiter(1),
    };
    const diffs = planned.map((stack) => {
      const scope = scopes.get(stack);
      return diffStack({
        stack,
        kind,
        checkout,
        options,
        ...(scope?.kind === "scoped"
          ? { common: { ...common, models: scope.models }, baseCatalogue: scope.baseCatalogue }
          : { common }),
        // A scoped review plans both sides here: a few models, small.
        separate:
          scope?.kind !== "scoped" && !small.has(stack) && (planned.length > 1 || kind === "ref"),
        env: io.env,
        scheduler,
        processes,
        log: (line) => io.stderr.write(`${line}\n`),
      });
    });
    // The stacks as a whole (--all-stacks), read while the plans run in their processes.
    layout = allStacks
      ? new Promise<void>((next) => setImmediate(next)).then(() =>
          projectLayout(stacks, {
            ...(options.config ? { config: options.config } : {}),
            ...(catalogue === undefined ? {} : { catalogue }),
          }),
        )
      : undefined;
    // Awaited below, once the plans are in: not an unhandled rejection meanwhile.
    layout?.catch(() => undefined);
    // Settled, not raced: the checkout is removed only once no plan reads it any more.
    const settled = await Promise.allSettled(diffs);
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
  const project = await layout;
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
    baseLabel: kind === "file" ? fileBaseLabel(options.base) : code(options.base),
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
  // change cuts that another way would not (plan/risk.ts), and the stacks as a whole.
  const refused =
    diffs.flatMap((d) => stackRisks(d, moves).filter((risk) => risk.level === "refuse")).length +
    refusals.length;
  if (refused > 0) {
    io.stderr.write(`maas diff: ${refused} risk(s) refuse this change (⛔ in the Risk section)\n`);
    return 1;
  }
  return 0;
}
