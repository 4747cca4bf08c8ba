/**
 * models.yaml -> ResolvedCatalogue: read, parse with positions, validate (schema, then the
 * rules for the base catalogue and every environment), resolve. Every problem in the file
 * is collected in one pass; nothing is resolved from an invalid file.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { realpathSync } from "node:fs";
import { dirname, relative, resolve as resolvePath } from "node:path";
import { buildDigest } from "./build-context";
import type { BuildSpec } from "./build-context";
import type { Problem } from "./problem";
import { sortProblems } from "./problem";
import { resolveCatalogue } from "./resolve";
import { INPUT_RULES } from "./input-rules";
import { readTextFile } from "./text-file";
import type { ResolvedCatalogue } from "./resolved";
import { documentRules } from "./document-rules";
import { resolutionRules } from "./resolution-rules";
import { shardProblems } from "./shard-rules";
import type { ShardOptions } from "./shard-rules";
import { CatalogueSchema, fallbackMessage } from "./schema";
import type { CatalogueDocument } from "./schema";
import { schemaProblems } from "./schema-problems";
import { overlapsRemoved, pruneInvalid } from "./prune";
import { parseCatalogueText, problemAt } from "./source";
import type { CatalogueSource } from "./source";

export interface CheckOptions extends ShardOptions {
  /** Validate (and later resolve) only this environment; default: base and every environment. */
  environment?: string;
  /** Directory that build contexts are made relative to in the resolved catalogue (default: cwd). */
  projectRoot?: string;
  /**
   * Directory the catalogue's relative paths are read from (default: the file's own): another
   * directory when the text stands in for the catalogue that lives there (`withCatalogueStandIn`).
   */
  catalogueDir?: string;
}

export type CheckResult =
  | {
      ok: true;
      document: CatalogueDocument;
      /** The parsed file, for positions of what later checks find. */
      source: CatalogueSource;
      file: string;
      catalogueDir: string;
      projectRoot: string;
    }
  | { ok: false; problems: Problem[] };

/** Validates catalogue text; `file` is the path used in messages and for relative build contexts. */
export function checkCatalogueText(
  text: string,
  file: string,
  options: CheckOptions = {},
): CheckResult {
  const parsed = parseCatalogueText(text, file);
  if (parsed.data === undefined) return { ok: false, problems: sortProblems(parsed.problems) };
  const { source, data } = parsed;
  if (data === null) {
    return {
      ok: false,
      problems: [
        problemAt(
          INPUT_RULES["document-shape"],
          source,
          [],
          "the file is empty; a catalogue needs apiVersion: maas/v1 and models:",
        ),
      ],
    };
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    return {
      ok: false,
      problems: [
        problemAt(
          INPUT_RULES["document-shape"],
          source,
          [],
          `the catalogue must be a map with apiVersion and models, not ${Array.isArray(data) ? "a list" : "a single value"}`,
        ),
      ],
    };
  }
  const problems = [...parsed.problems];
  let document: CatalogueDocument;
  let removed: string[] = [];
  const schema = CatalogueSchema.safeParse(data, { error: fallbackMessage });
  if (schema.success) {
    document = schema.data;
  } else {
    problems.push(...schemaProblems(source, schema.error.issues));
    const pruned = pruneInvalid(data, schema.error.issues);
    const retry = pruned && CatalogueSchema.safeParse(pruned.data, { error: fallbackMessage });
    if (!pruned || !retry?.success) return { ok: false, problems: sortProblems(problems) };
    document = retry.data;
    removed = pruned.removed;
  }

  const input = {
    source,
    document,
    catalogueDir: options.catalogueDir ?? dirname(resolvePath(file)),
    projectRoot: realProjectRoot(options.projectRoot ?? process.cwd()),
  };
  const known = Object.keys(document.environments ?? {});
  if (options.environment !== undefined && !known.includes(options.environment)) {
    const message = `${source.suggestions.unknownKeyMessage(options.environment, known, "environment")} (declare it under environments:, even empty, to deploy the base catalogue)`;
    problems.push(
      problemAt(
        INPUT_RULES["known-environment"],
        source,
        known.length > 0 ? ["environments"] : [],
        message,
        { key: true },
      ),
    );
    return { ok: false, problems: sortProblems(problems) };
  }
  const environments =
    options.environment !== undefined ? [options.environment] : [undefined, ...known];
  const ruleProblems = [...documentRules(input), ...shardProblems(input, options)];
  const seen = new Set<string>();
  for (const environment of environments) {
    for (const problem of resolutionRules(input, environment)) {
      // A base problem repeats in every environment that does not fix it: report it once.
      const key = `${problem.path}\n${problem.message.replace(/^in environment [^:]+: /, "")}`;
      if (environment !== undefined && seen.has(key)) continue;
      seen.add(key);
      ruleProblems.push(problem);
    }
  }
  // What was written wrong (a typo, its "did you mean") comes before what follows from it.
  const consequences = ruleProblems.filter((problem) => !overlapsRemoved(problem.path, removed));
  if (problems.length + consequences.length > 0)
    return { ok: false, problems: [...sortProblems(problems), ...sortProblems(consequences)] };
  const projectRoot = resolvePath(options.projectRoot ?? process.cwd());
  return { ok: true, document, source, file, catalogueDir: input.catalogueDir, projectRoot };
}

/** The project directory with its links resolved, as contexts are compared with it. */
function realProjectRoot(directory: string): string {
  try {
    return realpathSync(directory);
  } catch {
    return resolvePath(directory);
  }
}

/**
 * Checks and resolutions remembered while `withCatalogueMemo` runs: one offline plan checks the
 * same file several times (before the program, in the program, and a shard's base as well), and
 * at 1,000 models each check costs a few hundred milliseconds. Outside it, nothing is kept: files
 * and build contexts may change between two calls.
 */
let memo:
  | { checks: Map<string, CheckResult>; resolved: WeakMap<object, Map<string, ResolvedCatalogue>> }
  | undefined;

export async function withCatalogueMemo<T>(work: () => Promise<T>): Promise<T> {
  const outer = memo;
  memo ??= { checks: new Map(), resolved: new WeakMap() };
  try {
    return await work();
  } finally {
    memo = outer;
  }
}

/** A catalogue file read in place of the one a stack names (`withCatalogueStandIn`). */
export interface CatalogueStandIn {
  file: string;
  /**
   * The project `file` belongs to, when it is a copy of the whole project (a git ref's
   * checkout): its build contexts and other relative paths are then read from its own directory
   * inside that project, as that project's program would read them. Without it, `file` is a lone
   * older copy kept anywhere, and they are read from the stack catalogue's directory.
   */
  projectRoot?: string;
}

/**
 * While `work` runs, every catalogue a stack reads is the stand-in's text instead, as if it were
 * that catalogue; its problems name the stand-in's file. An older copy of the catalogue kept
 * anywhere (`maas diff --base old.yaml`) is planned as the project's catalogue was, not as a
 * catalogue of the directory it was saved in; a ref's catalogue (a scoped review's base) reads
 * its build contexts from the ref's checkout, as the ref's own program does. `work` must await
 * everything that reads a catalogue: what runs on after it settles reads the stack's own on Node
 * 20, where the storage is disabled once no stand-in is in use (leaveStandIn).
 */
export function withCatalogueStandIn<T>(standIn: CatalogueStandIn, work: () => T): T {
  standInsInUse.count++;
  let result: T;
  try {
    result = standIns.run(standIn, work);
  } catch (error) {
    leaveStandIn();
    throw error;
  }
  if (!(result instanceof Promise)) {
    leaveStandIn();
    return result;
  }
  return result.finally(leaveStandIn) as T;
}

/**
 * On Node 20, an AsyncLocalStorage that has run once puts a hook on every promise the process
 * creates from then on, to carry its store along (Node 20's lib/async_hooks.js: run() calls
 * _enable(), which enables the promise hook; Node 24 carries stores in V8's async context frames
 * instead). An offline plan creates promises by the hundred thousand: a warm plan of the test
 * project took 69-78 ms without the hook and 94-100 ms with it, for every plan a review made after
 * its first stand-in. So the storage is disabled when the last stand-in's work ends (disable()
 * takes the hook off once no storage is enabled): that work and whatever it awaited are done by
 * then (a plan awaits its whole program), and the next stand-in enables it again.
 */
function leaveStandIn(): void {
  standInsInUse.count--;
  if (standInsInUse.count === 0) standIns.disable();
}

/**
 * The stand-in belongs to the plan's own asynchronous work (AsyncLocalStorage), not to the
 * process: a review planning one side here with a stand-in reads the other stacks' catalogues
 * meanwhile (`--all-stacks`' layout check) as they are. Held on the process, not in this module:
 * the program a plan loads may be another copy of these modules (a project whose sources sit
 * beside another checkout's CLI, as the tests make them), and it must see the stand-in the CLI
 * set. Nothing outside the process can set it.
 */
const STAND_IN = Symbol.for("maas.catalogueStandIn");
const STAND_IN_HOLDER = globalThis as unknown as Record<
  symbol,
  AsyncLocalStorage<CatalogueStandIn> | undefined
>;
const standIns = (STAND_IN_HOLDER[STAND_IN] ??= new AsyncLocalStorage<CatalogueStandIn>());
/** How many stand-ins' work is running, on the process as the storage is (leaveStandIn). */
const IN_USE = Symbol.for("maas.catalogueStandIn.inUse");
const IN_USE_HOLDER = globalThis as unknown as Record<symbol, { count: number } | undefined>;
const standInsInUse = (IN_USE_HOLDER[IN_USE] ??= { count: 0 });

/** The file a check of `requested` reads, and where its relative paths are read from. */
function standingIn(
  requested: string,
  options: CheckOptions,
): { file: string; options: CheckOptions } {
  const standIn = standIns.getStore();
  if (standIn === undefined) return { file: requested, options };
  return {
    file: standIn.file,
    options:
      standIn.projectRoot === undefined
        ? { ...options, catalogueDir: dirname(resolvePath(requested)) }
        : { ...options, projectRoot: standIn.projectRoot },
  };
}

/** Reads and validates a catalogue file; an unreadable file is a problem like any other. */
export function checkCatalogueFile(
  requested: string,
  requestedOptions: CheckOptions = {},
): CheckResult {
  const { file, options } = standingIn(requested, requestedOptions);
  const read = readTextFile(file);
  if (!read.ok)
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          col: 1,
          path: "(file)",
          message: `cannot be read: ${read.reason}`,
          rule: INPUT_RULES.readable.id,
        },
      ],
    };
  // Every stack of a split catalogue checks the same file: the shard rules are the only part
  // that differs between them, so the rest is checked (and remembered) once.
  const { shards, shard, ...common } = options;
  const key = JSON.stringify([process.cwd(), file, common, read.text]);
  let checked = memo?.checks.get(key);
  if (!checked) {
    checked = checkCatalogueText(read.text, file, common);
    memo?.checks.set(key, checked);
  }
  if (shards === undefined && shard === undefined) return checked;
  // An invalid file is checked again whole, so one run reports every problem.
  if (!checked.ok) return checkCatalogueText(read.text, file, options);
  const problems = shardProblems(
    { ...checked, projectRoot: realProjectRoot(checked.projectRoot) },
    { ...(shards ? { shards } : {}), ...(shard === undefined ? {} : { shard }) },
  );
  return problems.length > 0 ? { ok: false, problems: sortProblems(problems) } : checked;
}

/** The resolved catalogue of one environment from a checked catalogue. */
export function resolveChecked(
  checked: Extract<CheckResult, { ok: true }>,
  environment: string | undefined,
): ResolvedCatalogue {
  const known = memo?.resolved.get(checked)?.get(environment ?? "");
  if (known) return known;
  const catalogueDir =
    relative(checked.projectRoot, checked.catalogueDir).split("\\").join("/") || ".";
  const digest = (spec: BuildSpec) =>
    buildDigest({ ...spec, context: resolvePath(checked.projectRoot, spec.context) });
  const options = { catalogueDir, buildDigest: digest };
  const resolved = resolveCatalogue(
    checked.document,
    environment === undefined ? options : { ...options, environment },
  );
  if (memo) {
    const byEnvironment = memo.resolved.get(checked) ?? new Map<string, ResolvedCatalogue>();
    byEnvironment.set(environment ?? "", resolved);
    memo.resolved.set(checked, byEnvironment);
  }
  return resolved;
}
