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

/**
 * Node's flags for a stack's plan: a larger young generation. A plan allocates short-lived
 * objects by the megabyte (Pulumi's runtime serialises every resource), and with V8's default
 * semi-spaces (16 MB at most) a 100-model shard's plan took 12.2 s median, 10.9 s with 64 MB, at
 * the same 1.5 GB peak (docs/performance.md); a small plan's process holds about 45 MB more.
 */
export const PLAN_NODE_FLAGS = ["--max-semi-space-size=64"];

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
 * Starts `node <PLAN_NODE_FLAGS> <args>` (args[0] a bin/maas.js): its pid (none when it did not
 * start), and its result once it has ended and its output is read.
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
  const child = spawn(process.execPath, [...PLAN_NODE_FLAGS, ...args], {
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
