/**
 * What Pulumi's runtime does on every promise and every resource to diagnose a program, which the
 * offline plan turns off while it records one (plan/record.ts). Every error the plan reports is
 * told by its message; MAAS_DEBUG keeps all of it, for debugging the program itself.
 */

/** runtime/debuggable.js of the pinned @pulumi/pulumi: internal, its .d.ts declares nothing. */
interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}

/** An error's stack without its frames: `Error: message`, what V8 writes above them. */
function firstLineOnly(error: Error): string {
  return Error.prototype.toString.call(error);
}

const asItIs = <T>(promise: Promise<T>): Promise<T> => promise;

/**
 * Runs `work` with Pulumi's diagnostics off, and puts them back after.
 *
 * - **Stack traces.** The runtime records a stack trace for every promise it creates (leak
 *   diagnostics); with source maps on, those traces were more than half of a large plan's time
 *   (bench/: 2x at 150 models), and even unmapped ones cost a further 28% (100 models: 9.6 s with
 *   3 frames, 6.9 s with none). Every resource's constructor also takes a whole trace, whatever
 *   the limit (Resource.callsites lifts it), formats it and parses it back into source positions
 *   for the engine, which the mock monitor drops: frames are not formatted at all (an error's
 *   stack is its first line), so the SDK finds no positions, and a resource deep in components
 *   costs no more than one at the top.
 * - **Promise leak tracking.** Every promise the runtime creates also goes through
 *   `debuggablePromise`, which gives it three properties, chains two more promises onto it and
 *   keeps it in a set until it settles, for the report of promises still pending when a program
 *   exits (runtime/debuggable.js). The recorder awaits the whole program and the runtime's drain
 *   (plan/record.ts), so nothing is left to report: the promise is used as it is. A warm plan of
 *   the test project's dev stack: 96 -> 70 ms median (bench figures: docs/performance.md). Only
 *   the call sites' indirection (`debuggable_1.debuggablePromise(...)`, compiled TypeScript)
 *   makes this reachable; the plan tests fail if the SDK stops calling it so.
 */
export async function withoutRuntimeDiagnostics<T>(work: () => Promise<T>): Promise<T> {
  if (process.env.MAAS_DEBUG) return work();
  // A dependency's JavaScript module: `require` reaches it under tsx, ts-node and vitest alike,
  // the very object its callers read the function from (an ES namespace would be a copy).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
  const restore = {
    limit: Error.stackTraceLimit,
    sourceMaps: process.sourceMapsEnabled,
    // eslint-disable-next-line @typescript-eslint/unbound-method -- V8's hook, put back as it was
    prepare: Error.prepareStackTrace,
    debuggablePromise: debuggable.debuggablePromise,
  };
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = firstLineOnly;
  debuggable.debuggablePromise = asItIs;
  try {
    return await work();
  } finally {
    Error.stackTraceLimit = restore.limit;
    process.setSourceMapsEnabled(restore.sourceMaps);
    Error.prepareStackTrace = restore.prepare;
    debuggable.debuggablePromise = restore.debuggablePromise;
  }
}
