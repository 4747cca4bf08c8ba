/**
 * Writing a command's outputs so that nobody ever sees half of them and nothing else is lost.
 * Where each may go is cli/output-paths.ts's to say. What is replaced is written to a temporary
 * sibling first and renamed into place at the end: the directory swapped in, then the file, whose
 * rename is the moment the outputs change; a file that cannot take its place puts the previous
 * directory back. A device or FIFO is written at that moment instead. A failed run removes its
 * temporary files and leaves the previous outputs as they were; two runs writing to the same
 * place cannot interleave (a lock file holding the writer's pid). writeOutputs never yields to
 * the event loop, so a Ctrl-C is handled before or after it, never halfway.
 */
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Io } from "./io";
import { OutputError, outputTarget, within } from "./output-paths";
import type { Target } from "./output-paths";
import { interrupted, onInterrupt } from "./signals";

export { OutputError };

/** Where a command is asked to write a file. */
export interface FilePlace {
  /** The option it came from, for messages: `--json`, `--full`. */
  flag: string;
  kind: "plan" | "diff";
  path: string;
}

export interface FileOutput extends FilePlace {
  text: string;
}

/** Where a command is asked to write a directory (the manifests). */
export interface DirPlace {
  flag: string;
  path: string;
}

export interface DirOutput extends DirPlace {
  files: { name: string; text: string }[];
}

/**
 * Where `file` and `dir` go, or an OutputError saying why they may not: called before a command
 * does its work, so a wrong path is refused at once, and again when it writes.
 */
export function outputTargets(places: { file: FilePlace; dir?: DirPlace }): {
  file: Target;
  dir?: Target & { kind: "replace" };
} {
  const { file, dir } = places;
  const fileTarget = outputTarget(file.flag, file.path, file.kind);
  if (!dir) return { file: fileTarget };
  const dirTarget = outputTarget(dir.flag, dir.path, "manifests");
  if (fileTarget.kind === "replace" && within(dirTarget.path, fileTarget.path))
    throw new OutputError(
      `${file.flag} ${file.path} is inside ${dir.flag} ${dir.path}, which is replaced whole; give them separate places`,
    );
  return { file: fileTarget, dir: dirTarget };
}

/** Removes a path if it is there; a path that cannot exist (below a file) is no error. */
function remove(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // ENOTDIR and the like: there is nothing to remove.
  }
}

/** Something a command keeps only while it runs (a temporary folder): removed if a signal stops it. */
export function removeIfInterrupted(path: string): () => void {
  return onInterrupt(() => remove(path));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `action`, its failure said as `--json out/dev/plan.json: cannot be written: EACCES…`. */
function attempt<T>(what: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof OutputError) throw error;
    throw new OutputError(`${what}: cannot be written: ${(error as Error).message}`);
  }
}

/** Takes `<path>.lock`; refuses while another live process holds it; a stale one is taken over. */
function lock(what: string, path: string): () => void {
  const file = `${path}.lock`;
  attempt(what, () => {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder))
        throw new OutputError(
          `${what}: another maas (pid ${holder}) is writing it; wait for it to finish (or remove ${file} if that process is gone)`,
        );
      writeFileSync(file, String(process.pid));
    }
  });
  return () => remove(file);
}

/**
 * Writes to a character device or FIFO as `echo text > path` would, without ever creating,
 * truncating or replacing it. A FIFO nobody reads is refused instead of waiting, unstoppable,
 * for a reader.
 */
function writeDevice(what: string, path: string, text: string): void {
  let probe: number | undefined;
  if (statSync(path).isFIFO()) {
    try {
      probe = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENXIO")
        throw new OutputError(`${what}: no process reads the FIFO; start its reader first`);
      throw error;
    }
  }
  const fd = openSync(path, constants.O_WRONLY);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
    if (probe !== undefined) closeSync(probe);
  }
}

/**
 * Gets `text` ready to go to `target`: written to a temporary sibling (under the target's lock)
 * when the target is replaced. Returns what puts it in place, the moment the outputs change.
 */
function stageFile(
  what: string,
  target: Target,
  text: string,
  io: Pick<Io, "stdout" | "stderr">,
  cleanups: (() => void)[],
): () => void {
  if (target.kind === "stdout" || target.kind === "stderr")
    return () => io[target.kind].write(text);
  if (target.kind === "device") return () => writeDevice(what, target.path, text);
  const temp = `${target.path}.tmp-${process.pid}`;
  cleanups.push(lock(what, target.path), () => remove(temp));
  attempt(what, () => writeFileSync(temp, text));
  return () => renameSync(temp, target.path);
}

/** Swaps `temp` in at `dir`; returns what puts the previous directory back, and what forgets it. */
function swapIn(dir: string, temp: string): { restore(): void; drop(): void } {
  const old = `${dir}.old-${process.pid}`;
  const hadOld = existsSync(dir);
  if (hadOld) renameSync(dir, old);
  try {
    renameSync(temp, dir);
  } catch (error) {
    if (hadOld) renameSync(old, dir);
    throw error;
  }
  return {
    restore: () => {
      remove(dir);
      if (hadOld) renameSync(old, dir);
    },
    drop: () => remove(old),
  };
}

/**
 * Writes `file` and, before it, `dir` (the manifests); an OutputError saying why when either may
 * not go where it is asked to, or cannot be written (then nothing was written).
 */
export function writeOutputs(
  outputs: { file: FileOutput; dir?: DirOutput },
  io: Pick<Io, "stdout" | "stderr">,
): void {
  if (interrupted() !== undefined) throw new OutputError("stopped by a signal");
  const { file, dir } = outputs;
  const targets = outputTargets(outputs);
  const fileWhat = `${file.flag} ${file.path}`;
  const cleanups: (() => void)[] = [];
  try {
    const putInPlace = stageFile(fileWhat, targets.file, file.text, io, cleanups);
    let swapped: { restore(): void; drop(): void } | undefined;
    if (dir && targets.dir) {
      const dirWhat = `${dir.flag} ${dir.path}`;
      const real = targets.dir.path;
      const temp = `${real}.tmp-${process.pid}`;
      cleanups.push(lock(dirWhat, real), () => remove(temp));
      attempt(dirWhat, () => {
        mkdirSync(temp, { recursive: true });
        for (const each of dir.files) writeFileSync(join(temp, each.name), each.text);
      });
      swapped = attempt(dirWhat, () => swapIn(real, temp));
    }
    try {
      attempt(fileWhat, putInPlace);
    } catch (error) {
      swapped?.restore();
      throw error;
    }
    swapped?.drop();
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}

/**
 * What a `maas plan` child killed with SIGKILL may have left at its outputs (cli/plan-all.ts):
 * its temporary files and locks removed, and the previous manifests put back when it was killed
 * between moving them aside and moving the new ones in.
 */
export function removeLeftovers(pid: number, file: string, dir: string): void {
  const old = `${dir}.old-${pid}`;
  if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
  for (const path of [`${file}.tmp-${pid}`, `${dir}.tmp-${pid}`, old]) remove(path);
  for (const path of [`${file}.lock`, `${dir}.lock`])
    if (existsSync(path) && readFileSync(path, "utf8").trim() === String(pid)) remove(path);
}
