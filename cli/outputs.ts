/**
 * Writing a plan's outputs so that nobody ever sees half of them: everything is written to
 * temporary siblings first and renamed into place at the end; an interrupted or failed run
 * removes its temporary files and leaves the previous outputs as they were; two runs writing to
 * the same place cannot interleave (a lock file holding the writer's pid). writeOutputs never
 * yields to the event loop, so a Ctrl-C is handled before or after it, never halfway.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { onInterrupt } from "./signals";

export interface Outputs {
  json: { path: string; text: string };
  manifests: { dir: string; files: { name: string; text: string }[] };
  /** Files maas writes into the manifests directory; anything else there is the user's. */
  owned: RegExp;
}

export class OutputError extends Error {}

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

/** Takes `<path>.lock`; refuses while another live process holds it; a stale one is taken over. */
function lock(path: string): () => void {
  const file = `${path}.lock`;
  attempt(path, () => mkdirSync(dirname(file), { recursive: true }));
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST")
      throw new OutputError(`cannot write ${path}: ${(error as Error).message}`);
    const holder = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder))
      throw new OutputError(
        `another maas (pid ${holder}) is writing ${path}; wait for it to finish (or remove ${file} if that process is gone)`,
      );
    writeFileSync(file, String(process.pid));
  }
  return () => remove(file);
}

function attempt<T>(what: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof OutputError) throw error;
    throw new OutputError(`cannot write ${what}: ${(error as Error).message}`);
  }
}

export function writeOutputs(outputs: Outputs): void {
  const { json, manifests } = outputs;
  const unlocks: (() => void)[] = [];
  const suffix = `.tmp-${process.pid}`;
  const jsonTemp = `${json.path}${suffix}`;
  const dirTemp = `${manifests.dir}${suffix}`;
  const dirOld = `${manifests.dir}.old-${process.pid}`;
  try {
    unlocks.push(lock(json.path), lock(manifests.dir));
    if (existsSync(manifests.dir)) {
      const foreign = readdirSync(manifests.dir).filter((name) => !outputs.owned.test(name));
      if (foreign.length > 0)
        throw new OutputError(
          `${manifests.dir} holds files maas did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); the directory is replaced as a whole, so give --manifests an empty or maas-only directory`,
        );
    }
    attempt(json.path, () => {
      mkdirSync(dirname(json.path), { recursive: true });
      writeFileSync(jsonTemp, json.text);
    });
    attempt(manifests.dir, () => {
      mkdirSync(dirTemp, { recursive: true });
      for (const file of manifests.files) writeFileSync(join(dirTemp, file.name), file.text);
    });
    // Everything is written: swap it in (renames within one directory); the old manifests come
    // back if the new ones cannot take their place.
    attempt(manifests.dir, () => {
      const hadOld = existsSync(manifests.dir);
      if (hadOld) renameSync(manifests.dir, dirOld);
      try {
        renameSync(dirTemp, manifests.dir);
      } catch (error) {
        if (hadOld) renameSync(dirOld, manifests.dir);
        throw error;
      }
      rmSync(dirOld, { recursive: true, force: true });
    });
    attempt(json.path, () => renameSync(jsonTemp, json.path));
  } finally {
    for (const path of [jsonTemp, dirTemp]) remove(path);
    for (const unlock of unlocks) unlock();
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
