/**
 * Runs the `maas` command: in this process through cli/main.ts's main() (`maas`), or as a user
 * does, a child process through bin/maas.js (`maasProcess`), for what only a process shows: exit
 * codes as a shell sees them, signals, the bin wrapper.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../../cli/main";

export const PROJECT_ROOT = join(__dirname, "..", "..");
export const BIN = join(PROJECT_ROOT, "bin", "maas.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment both ways of running see: plain output (no colour), whatever the runner sets. */
const env = () => ({ ...process.env, NO_COLOR: "1" });

/**
 * `maas <args>` in this process, in `cwd` (default: the project root). Fails when the run leaves
 * the process's working directory, exit code, environment or signal handlers other than it found
 * them: the next test file in this worker shares them.
 */
export async function maas(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const before = processState();
  const status = await main(args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    env: env(),
  });
  const after = processState();
  if (after !== before)
    throw new Error(`maas ${args.join(" ")} changed the process: ${before} -> ${after}`);
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

function processState(): string {
  return JSON.stringify({
    cwd: process.cwd(),
    exitCode: process.exitCode ?? null,
    env: process.env,
    signals: ["SIGINT", "SIGTERM"].map((signal) => process.listenerCount(signal)),
  });
}

/** `work` in `dir` as this process's working directory (as `maas` runs in a project's), then back. */
export function inDir<T>(dir: string, work: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return work();
  } finally {
    process.chdir(before);
  }
}

/** `work` with `vars` over this process's environment, which is as it was after. */
export async function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return await work();
  } finally {
    for (const [key, value] of Object.entries(before))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
}

/** `maas <args>` as a child process through bin/maas.js, in `cwd` (default: the project root). */
export function maasProcess(args: string[], options: { cwd?: string } = {}): CliResult {
  if (process.env.MAAS_TEST_TIER === "unit")
    throw new Error("a unit test starts a process: its file belongs in the e2e or stack tier");
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    encoding: "utf8",
    env: env(),
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
