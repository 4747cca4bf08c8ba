/** Runs the `maas` command as a user does (a child process through bin/maas.js). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const PROJECT_ROOT = join(__dirname, "..", "..");
const BIN = join(PROJECT_ROOT, "bin", "maas.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function maas(args: string[], options: { cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
