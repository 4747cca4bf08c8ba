/**
 * `maas` in a process of its own (one stack's plan), stopped with the run: a Ctrl-C or SIGTERM
 * to this process is passed on to it, and a child that has not ended GRACE_MS later is killed.
 * A child planning a stack notices a signal only once its plan is done (the plan runs in promise
 * callbacks), and a plan has not written anything yet: killing it then loses nothing.
 */
import { spawn } from "node:child_process";
import type { Io, Writer } from "./io";
import { interrupted, onInterrupt } from "./signals";

const GRACE_MS = 5_000;

export interface ChildResult {
  /** Its exit code; null when a signal ended it or it never started. */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** What it wrote, when `output` is "capture"; empty otherwise. */
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd?: string;
  env: Io["env"];
  /**
   * Where its output goes: this process's own streams ("inherit": it reaches the terminal as it
   * comes), kept for the caller ("capture"), or passed on to writers as it comes.
   */
  output: "inherit" | "capture" | { stdout: Writer; stderr: Writer };
}

/**
 * Starts `node <args>` (args[0] a bin/maas.js): its pid (none when it did not start), and its
 * result once it has ended and its output is read.
 */
export function startChild(
  args: string[],
  options: ChildOptions,
): { pid: number | undefined; ended: Promise<ChildResult> } {
  const stopped = interrupted();
  if (stopped !== undefined)
    return {
      pid: undefined,
      ended: Promise.resolve({ status: null, signal: stopped, stdout: "", stderr: "" }),
    };
  const { output } = options;
  const child = spawn(process.execPath, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env,
    stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  const text = { stdout: "", stderr: "" };
  for (const name of ["stdout", "stderr"] as const) {
    const stream = child[name];
    if (!stream) continue;
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      if (output === "capture") text[name] += chunk;
      else if (output !== "inherit") output[name].write(chunk);
    });
  }
  const ended = new Promise<ChildResult>((resolve) => {
    child.on("error", (error) => {
      text.stderr += `${error.message}\n`;
      resolve({ status: null, signal: null, ...text });
    });
    child.on("close", (status, signal) => resolve({ status, signal, ...text }));
  });
  const forget = onInterrupt(
    async (signal) => {
      // In a terminal the child got the Ctrl-C too; it stops on the first and ignores the second.
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), GRACE_MS);
      await ended;
      clearTimeout(timer);
    },
    { first: true },
  );
  return { pid: child.pid, ended: ended.finally(forget) };
}
