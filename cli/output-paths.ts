/**
 * Where an output may go (`--json`, `--full`, `--manifests`, and the default out/<stack>/), so
 * that an output never destroys anything (docs/operations.md, "Where outputs go"):
 *
 * - what is there decides: a new path, an empty file, or an earlier output of the same kind is
 *   replaced whole; a character device or FIFO (`/dev/null`, a named pipe) is written to, never
 *   replaced; `/dev/stdout` and `/dev/stderr` are the command's own streams; anything else (any
 *   other file, a directory for a file, a file for a directory, a socket, a block device) is
 *   refused. Symbolic links are followed: their target is written, the link stays.
 * - inside the project (the directory maas runs in) its own files are refused even where the
 *   first rule would allow them (an earlier plan committed as a fixture, a new stack file):
 *   `Pulumi.yaml` and `Pulumi.<stack>.yaml` anywhere (a new one would be a stack), `.git/`,
 *   whatever git tracks, and everything in a top-level folder git tracks files in (the program,
 *   build contexts, tests, docs). Outputs go to out/ or another folder of their own.
 */
import { spawnSync } from "node:child_process";
import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { isEarlierOutput, MANIFEST_FILE } from "./output-kinds";
import type { OutputKind } from "./output-kinds";

export class OutputError extends Error {}

/** Where an output goes: a path replaced whole, a device or FIFO written to, or a stream of the command's. */
export type Target =
  | { kind: "replace"; path: string }
  | { kind: "device"; path: string }
  | { kind: "stdout" }
  | { kind: "stderr" };

const STREAMS: Record<string, "stdout" | "stderr"> = {
  "/dev/stdout": "stdout",
  "/dev/fd/1": "stdout",
  "/proc/self/fd/1": "stdout",
  "/dev/stderr": "stderr",
  "/dev/fd/2": "stderr",
  "/proc/self/fd/2": "stderr",
};

const ALLOWED: Record<OutputKind, string> = {
  plan: "--json takes a new path, an empty file or an earlier maas plan (replaced whole), or a character device or FIFO such as /dev/stdout or /dev/null (written to)",
  diff: "--full takes a new path, an empty file or an earlier maas diff --full (replaced whole), or a character device or FIFO such as /dev/stdout or /dev/null (written to)",
  manifests: "--manifests takes a new path or a directory of maas manifests only (replaced whole)",
};

const STACK_FILE = /^Pulumi(\..+)?\.ya?ml$/;

/** What is at `path` (what a link there points to, with `follow`); undefined when nothing is. */
function statOf(path: string, follow = false): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? ""))
      return undefined;
    throw error;
  }
}

/** The path with every symbolic link in its existing part resolved; refuses a link to nothing. */
function realTarget(path: string): string {
  const absolute = resolve(path);
  if (statOf(absolute) === undefined) {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realTarget(parent), basename(absolute));
  }
  try {
    return realpathSync.native(absolute);
  } catch (error) {
    // /dev/fd/3 of a pipe links to "pipe:[…]", a name no path has, and is there all the same.
    if (statSync(absolute, { throwIfNoEntry: false }) !== undefined) return absolute;
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new OutputError("is a symbolic link to a path that does not exist");
    throw error;
  }
}

/** Whether git tracks `path` or anything under it; undefined where git cannot tell (no repository). */
function gitTracks(project: string, path: string): boolean | undefined {
  const result = spawnSync("git", ["--literal-pathspecs", "ls-files", "-z", "--", path], {
    cwd: project,
    encoding: "utf8",
  });
  return result.status === 0 ? result.stdout.length > 0 : undefined;
}

/** Whether `path` is `parent` or inside it (both absolute, links resolved). */
export function within(parent: string, path: string): boolean {
  const inside = relative(parent, path);
  return inside !== ".." && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/** Why `real` is one of the project's own files, if it is. */
function projectFile(real: string, project: string): string | undefined {
  if (!within(project, real)) return undefined;
  const inside = relative(project, real);
  if (inside === "") return "is the project directory";
  const parts = inside.split(sep);
  if (parts.some((part) => STACK_FILE.test(part)))
    return "is named as a Pulumi project or stack file";
  const top = parts[0]!;
  if (top === ".git") return "is inside .git/";
  if (!gitTracks(project, top)) return undefined;
  if (top !== inside) return `is inside ${top}/, a folder git tracks files in`;
  return statOf(real)?.isDirectory() ? "is a folder git tracks files in" : "git tracks it";
}

/** What is at `real` (or at its nearest existing ancestor) decides how it is written. */
function byWhatIsThere(real: string, kind: OutputKind): Target {
  const stats = statOf(real, true);
  if (stats === undefined) {
    let ancestor = dirname(real);
    while (statOf(ancestor) === undefined) ancestor = dirname(ancestor);
    if (!statSync(ancestor).isDirectory()) throw new OutputError(`${ancestor} is not a directory`);
    return { kind: "replace", path: real };
  }
  if (kind === "manifests") {
    if (!stats.isDirectory()) throw new OutputError(`is ${describe(stats)}, not a directory`);
    const foreign = readdirSync(real, { withFileTypes: true })
      .filter((entry) => !entry.isFile() || !MANIFEST_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    if (foreign.length > 0)
      throw new OutputError(
        `holds files maas did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""})`,
      );
    return { kind: "replace", path: real };
  }
  if (stats.isFile()) {
    if (stats.size === 0 || isEarlierOutput(real, kind)) return { kind: "replace", path: real };
    throw new OutputError(`is a file that is not an earlier maas ${kind}`);
  }
  if (stats.isCharacterDevice() || stats.isFIFO()) return { kind: "device", path: real };
  throw new OutputError(`is ${describe(stats)}`);
}

function describe(stats: Stats): string {
  if (stats.isFile()) return "a file";
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return "of a kind maas does not write to";
}

/** `action`'s refusal, or its failure, as a message naming the flag, the path and what it takes. */
function checked<T>(flag: string, path: string, kind: OutputKind, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const why =
      error instanceof OutputError
        ? error.message
        : `cannot be checked: ${(error as Error).message}`;
    throw new OutputError(`${flag} ${path}: ${why}; ${ALLOWED[kind]}`);
  }
}

/**
 * Where `path`, given to `flag` for an output of `kind`, is written; an OutputError naming the
 * flag, the path, what is there and what the flag takes when it may not be.
 */
export function outputTarget(
  flag: string,
  path: string,
  kind: "manifests",
  project?: string,
): Target & { kind: "replace" };
export function outputTarget(
  flag: string,
  path: string,
  kind: OutputKind,
  project?: string,
): Target;
export function outputTarget(
  flag: string,
  path: string,
  kind: OutputKind,
  project = process.cwd(),
): Target {
  const stream = STREAMS[path];
  if (stream !== undefined && kind !== "manifests") return { kind: stream };
  const real = checked(flag, path, kind, () => realTarget(path));
  const own = checked(flag, path, kind, () => projectFile(real, realpathSync.native(project)));
  if (own !== undefined)
    throw new OutputError(
      `${flag} ${path}: ${own}: the project's own files are never outputs; inside the project, give a path under out/ or another folder of its own`,
    );
  return checked(flag, path, kind, () => byWhatIsThere(real, kind));
}
