/**
 * The project as it is at a git ref, ready to run its own program: its files extracted with
 * `git archive`, and its dependencies — the working tree's when its package-lock.json is the
 * same, or its own installed once per lockfile into a cache (said on stderr).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BaseCheckout {
  /** The temporary directory everything was extracted to (removed by cleanup). */
  root: string;
  /** The project directory at the ref (where its Pulumi.yaml is). */
  projectDir: string;
  /** Where its node_modules come from, for the reader. */
  dependencies: string;
  cleanup(): void;
}

function git(args: string[], cwd?: string): { ok: boolean; stdout: Buffer; stderr: string } {
  const result = spawnSync("git", args, {
    maxBuffer: 512 * 1024 * 1024,
    ...(cwd ? { cwd } : {}),
  });
  return {
    ok: result.status === 0,
    stdout: result.stdout ?? Buffer.alloc(0),
    stderr: result.stderr?.toString() ?? "",
  };
}

export function isCommit(ref: string): boolean {
  return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).ok;
}

/** Installs a lockfile's dependencies (npm ci) into `dir`; a seam for tests. */
export type Installer = (dir: string) => { ok: boolean; output: string };

const npmCi: Installer = (dir) => {
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
};

/** Where a lockfile's dependencies are cached: one directory per lockfile content. */
export function dependencyCache(cacheRoot: string, lockfile: Buffer): string {
  return join(cacheRoot, createHash("sha256").update(lockfile).digest("hex").slice(0, 16));
}

export function checkoutAt(
  ref: string,
  workingTree: string,
  options: { cacheRoot: string; install?: Installer; log: (line: string) => void },
): BaseCheckout | string {
  if (!isCommit(ref)) return `--base ${ref}: not a git commit`;
  const prefix = git(["rev-parse", "--show-prefix"]).stdout.toString().trim();
  const archive = git(["archive", "--format=tar", ref, ...(prefix ? [prefix] : [])]);
  if (!archive.ok) return `--base ${ref}: git archive failed: ${archive.stderr.trim()}`;
  const root = mkdtempSync(join(tmpdir(), "maas-base-"));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  // Modes as a checkout here would have them (git archive writes 0664; the umask applies, as
  // it does to the working tree): build digests hash modes, as docker-build does.
  const extract = spawnSync("tar", ["-x", "--no-same-permissions", "-C", root], {
    input: archive.stdout,
  });
  if (extract.status !== 0) {
    cleanup();
    return `--base ${ref}: cannot extract the archive: ${extract.stderr?.toString().trim()}`;
  }
  const projectDir = join(root, prefix);
  const lock = (dir: string) =>
    existsSync(join(dir, "package-lock.json"))
      ? readFileSync(join(dir, "package-lock.json"))
      : undefined;
  const baseLock = lock(projectDir);
  const headLock = lock(workingTree);
  if (!baseLock) {
    cleanup();
    return `--base ${ref}: has no package-lock.json, so its program cannot be installed and run`;
  }
  let modules = join(workingTree, "node_modules");
  let dependencies = "the working tree's (same package-lock.json)";
  if (!headLock || !baseLock.equals(headLock)) {
    const cache = dependencyCache(options.cacheRoot, baseLock);
    modules = join(cache, "node_modules");
    dependencies = `its own, from ${cache}`;
    if (!existsSync(modules)) {
      options.log(
        `maas diff: ${ref} has another package-lock.json than the working tree: installing its dependencies into ${cache} (once per lockfile)`,
      );
      mkdirSync(cache, { recursive: true });
      copyFileSync(join(projectDir, "package.json"), join(cache, "package.json"));
      copyFileSync(join(projectDir, "package-lock.json"), join(cache, "package-lock.json"));
      const installed = (options.install ?? npmCi)(cache);
      if (!installed.ok) {
        rmSync(cache, { recursive: true, force: true });
        cleanup();
        return `--base ${ref}: npm ci of its package-lock.json failed:\n${installed.output.trim()}`;
      }
    }
  }
  // A committed node_modules (say, a link) is not what the base's lockfile installs.
  rmSync(join(projectDir, "node_modules"), { recursive: true, force: true });
  symlinkSync(modules, join(projectDir, "node_modules"), "dir");
  return { root, projectDir, dependencies, cleanup };
}
