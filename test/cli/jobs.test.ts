/**
 * Stacks planned side by side (cli/jobs.ts): how many at once, never more than that, and their
 * output in the stacks' order, byte for byte as when they run one after another.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultJobs,
  limiter,
  orderedOutput,
  parseJobs,
  STACK_PROCESS_BYTES,
} from "../../cli/jobs";

describe("how many stacks plan at once", () => {
  it("one per core, as far as free memory holds a stack process each, at least one", () => {
    expect(defaultJobs({ cores: 2, freeBytes: 20 * 2 ** 30 })).toBe(2);
    expect(defaultJobs({ cores: 16, freeBytes: 4 * STACK_PROCESS_BYTES + 1 })).toBe(4);
    expect(defaultJobs({ cores: 8, freeBytes: STACK_PROCESS_BYTES / 2 })).toBe(1);
    expect(defaultJobs({ cores: 1, freeBytes: 64 * 2 ** 30 })).toBe(1);
  });

  it("takes --jobs as a whole number from 1", () => {
    expect(parseJobs("3")).toBe(3);
    for (const wrong of ["0", "-1", "1.5", "two", ""]) expect(parseJobs(wrong)).toBeUndefined();
  });
});

describe("limiter", () => {
  it("never runs more tasks at once than allowed, and runs them all, in the order asked", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 12 }),
        async (jobs, delays) => {
          const slot = limiter(jobs);
          let running = 0;
          let most = 0;
          const started: number[] = [];
          const results = await Promise.all(
            delays.map((delay, index) =>
              slot(async () => {
                started.push(index);
                running += 1;
                most = Math.max(most, running);
                await new Promise((resolve) => setTimeout(resolve, delay));
                running -= 1;
                return index;
              }),
            ),
          );
          expect(results).toEqual(delays.map((_, index) => index));
          expect(started).toEqual(delays.map((_, index) => index));
          expect(most).toBeLessThanOrEqual(jobs);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("frees a task's place when it fails", async () => {
    const slot = limiter(1);
    await expect(slot(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await expect(slot(() => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe("ordered output", () => {
  it("gives each stream the bytes of the tasks one after another, however their writes interleave", () => {
    // Each task: its writes, in its order; the schedule: which task acts next (a write, or its end).
    const task = fc.array(
      fc.tuple(fc.constantFrom("stdout" as const, "stderr" as const), fc.string()),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        fc.array(task, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat()),
        (tasks, picks) => {
          const got = { stdout: "", stderr: "" };
          const output = orderedOutput(
            {
              stdout: { write: (text: string) => (got.stdout += text) },
              stderr: { write: (text: string) => (got.stderr += text) },
            },
            tasks.length,
          );
          const left = tasks.map((writes) => [...writes]);
          const open = tasks.map((_, index) => index);
          let pick = 0;
          while (open.length > 0) {
            const at = (picks[pick++] ?? 0) % open.length;
            const index = open[at]!;
            const next = left[index]!.shift();
            if (next) output.writers(index)[next[0]].write(next[1]);
            else {
              output.end(index);
              open.splice(at, 1);
            }
          }
          const expected = (stream: "stdout" | "stderr") =>
            tasks
              .flat()
              .filter(([s]) => s === stream)
              .map(([, text]) => text)
              .join("");
          expect(got.stdout).toBe(expected("stdout"));
          expect(got.stderr).toBe(expected("stderr"));
        },
      ),
    );
  });

  it("writes the earliest running task's output as it comes, and the rest once stopped", () => {
    let text = "";
    const target = { write: (chunk: string) => (text += chunk) };
    const output = orderedOutput({ stdout: target, stderr: target }, 3);
    output.writers(1).stdout.write("b");
    output.writers(0).stdout.write("a");
    expect(text).toBe("a");
    output.writers(2).stdout.write("c");
    output.flush();
    expect(text).toBe("abc");
  });
});
