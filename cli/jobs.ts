/**
 * Stacks planned side by side (`--jobs`): each stack's plan is a process of its own and shares
 * nothing with the others, so a run plans as many at once as the machine has cores and its free
 * memory holds, and says what they wrote in the stacks' order, as if one ran after another.
 */
import { availableParallelism, freemem } from "node:os";
import type { Writer } from "./io";

/**
 * What one stack's process may take: a 100-model shard (about 5,200 resources) peaks at about
 * 1.2 GB (docs/operations.md, Performance), and no stack process is to take more than 1.5 GB.
 */
export const STACK_PROCESS_BYTES = 1.5 * 2 ** 30;

/**
 * How many stack processes to run at once: one per core (os.availableParallelism(), which
 * honours CPU affinity), no more than free memory holds at STACK_PROCESS_BYTES each
 * (process.availableMemory() honours a container's memory limit where Node has it), at least one.
 */
export function defaultJobs(
  machine: { cores: number; freeBytes: number } = {
    cores: availableParallelism(),
    freeBytes: process.availableMemory?.() ?? freemem(),
  },
): number {
  return Math.max(1, Math.min(machine.cores, Math.floor(machine.freeBytes / STACK_PROCESS_BYTES)));
}

/** `--jobs N`: a whole number from 1, or undefined. */
export function parseJobs(value: string): number | undefined {
  const jobs = Number(value);
  return /^\d+$/.test(value) && jobs >= 1 ? jobs : undefined;
}

/**
 * Runs tasks with at most `jobs` at once, in the order they asked. A finished task hands its
 * place to the next waiting one directly, so no task that asks later can overtake it.
 */
export function limiter(jobs: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < jobs) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

export interface OrderedOutput {
  /** Where task `index` writes. */
  writers(index: number): { stdout: Writer; stderr: Writer };
  /** Task `index` has written everything it will. */
  end(index: number): void;
  /** Everything held, in task order (a run stopped before some tasks ended). */
  flush(): void;
}

/**
 * The output of tasks 0…count-1 in task order: the earliest task that has not ended writes
 * through as it goes; a later one's output is held until every task before it has ended. Each
 * stream gets the same bytes as when the tasks ran one after another.
 */
export function orderedOutput(
  target: { stdout: Writer; stderr: Writer },
  count: number,
): OrderedOutput {
  const held: [stream: "stdout" | "stderr", text: string][][] = Array.from(
    { length: count },
    () => [],
  );
  const ended = Array.from({ length: count }, () => false);
  let current = 0;
  const release = (index: number) => {
    for (const [stream, text] of held[index]!.splice(0)) target[stream].write(text);
  };
  const writer = (index: number, stream: "stdout" | "stderr"): Writer => ({
    write: (text: string) => {
      if (index === current) target[stream].write(text);
      else held[index]!.push([stream, text]);
      return true;
    },
  });
  return {
    writers: (index) => ({ stdout: writer(index, "stdout"), stderr: writer(index, "stderr") }),
    end: (index) => {
      ended[index] = true;
      while (current < count && ended[current]) {
        current += 1;
        if (current < count) release(current);
      }
    },
    flush: () => {
      for (let index = current; index < count; index += 1) release(index);
    },
  };
}
