/**
 * Base plans remembered by content. A stack's offline plan is a pure function of the project's
 * files at the base (program, package-lock.json, stack files, catalogue, build contexts: all of
 * them under the project's git tree), the stack, the overrides given (`--catalogue`, `--config`)
 * and the Node.js it runs on. `maas diff` keeps the base plan it made under the hash of those and
 * reads it back the next time a review has the same base content, so it plans only the head.
 *
 * The key takes the base's whole tree (the git tree id of the project directory at the ref, which
 * git computes from every tracked file's content), not a chosen list of files: a file the key
 * left out but the plan read (any file inside a build context is part of its digest) would give a
 * stale plan silently. Any commit that changes the project's tree is a miss; re-reviews against
 * the same base (new pushes to a pull request, re-runs) are hits.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";

/** Bumped when what a cached entry holds, or how the key is made, changes. */
const FORMAT = 1;
/** Entries kept: the newest by use; a 100-model shard's plan is about 15 MB. */
const KEEP = 64;

/**
 * Where plans are cached: MAAS_PLAN_CACHE (a directory outside the project: one inside it would be
 * an untracked file, a change to the project), else node_modules/.cache/maas/plans of the project;
 * none with MAAS_PLAN_CACHE=off.
 */
export function planCacheDir(
  env: Record<string, string | undefined>,
  projectDir: string,
): string | undefined {
  const chosen = env.MAAS_PLAN_CACHE;
  if (chosen === "off") return undefined;
  return chosen !== undefined && chosen !== ""
    ? resolve(chosen)
    : join(projectDir, "node_modules", ".cache", "maas", "plans");
}

/**
 * The key of a stack's plan at `ref`: the project directory's git tree there, the stack, the
 * overrides and Node's major version. Undefined when git cannot name the tree (nothing cached).
 */
export function basePlanKey(
  ref: string,
  stack: string,
  overrides: { catalogue?: string; config?: Record<string, string>; models?: string[] },
): string | undefined {
  const prefix = spawnSync("git", ["rev-parse", "--show-prefix"], { encoding: "utf8" });
  if (prefix.status !== 0) return undefined;
  const tree = spawnSync(
    "git",
    ["rev-parse", "--verify", "--quiet", `${ref}:${prefix.stdout.trim()}`],
    {
      encoding: "utf8",
    },
  );
  if (tree.status !== 0) return undefined;
  const config = Object.entries(overrides.config ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256")
    .update(
      JSON.stringify({
        format: FORMAT,
        tree: tree.stdout.trim(),
        stack,
        catalogue: overrides.catalogue ?? null,
        config,
        // A scoped plan (review/scope.ts) is its own entry: it holds only these models'.
        ...(overrides.models ? { models: [...overrides.models].sort() } : {}),
        node: process.versions.node.split(".")[0],
      }),
    )
    .digest("hex");
}

/** The plan.json text cached under `key`, if any (its use is recorded, for pruning). */
export function readCachedPlan(dir: string, key: string): string | undefined {
  const file = join(dir, `${key}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const text = readFileSync(file, "utf8");
    const now = new Date();
    utimesSync(file, now, now);
    return text;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a plan.json text under `key`: written beside and renamed into place, so a reader never
 * sees half a file; the least recently used entries beyond KEEP are removed. A cache that cannot
 * be written is no error: the next review plans again.
 */
export function writeCachedPlan(dir: string, key: string, text: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${key}.json`);
    const temporary = `${file}.tmp-${process.pid}`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
    const entries = readdirSync(dir)
      .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
      .map((name) => ({ name, used: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.used - a.used);
    for (const { name } of entries.slice(KEEP)) rmSync(join(dir, name), { force: true });
  } catch {
    // (see above)
  }
}
