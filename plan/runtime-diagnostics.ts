/**
 * What Pulumi's runtime does on every promise and every resource to diagnose a program, which the
 * offline plan turns off while it records one (plan/record.ts). Every error the plan reports is
 * told by its message; MAAS_DEBUG keeps all of it, for debugging the program itself.
 */
import * as pulumi from "@pulumi/pulumi";

/** runtime/debuggable.js of the pinned @pulumi/pulumi: internal, its .d.ts declares nothing. */
interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}

/** resource.js's Resource: `callsites` is private in its .d.ts. */
interface WithCallsites {
  callsites: () => unknown[];
}

/** An error's stack without its frames: `Error: message`, what V8 writes above them. */
function firstLineOnly(error: Error): string {
  return Error.prototype.toString.call(error);
}

const asItIs = <T>(promise: Promise<T>): Promise<T> => promise;
const noCallsites = (): unknown[] => [];

/**
 * Runs `work` with Pulumi's diagnostics off, and puts them back after. Each part is reached
 * through what the SDK's compiled modules read at every call (a module's export, a class's static
 * method); test/plan/runtime-diagnostics.test.ts counts the calls with and without MAAS_DEBUG, so
 * a Pulumi release that stops calling one of them there fails it.
 *
 * - **Stack traces.** The runtime records a stack trace for every promise it creates (leak
 *   diagnostics); with source maps on, those traces were more than half of a large plan's time
 *   (bench/: 2x at 150 models), and even unmapped ones cost a further 28% (100 models: 9.6 s with
 *   3 frames, 6.9 s with none). An error's stack is its first line while a program is recorded.
 * - **Promise leak tracking.** Every promise the runtime creates also goes through
 *   `debuggablePromise`, which gives it three properties, chains two more promises onto it and
 *   keeps it in a set until it settles, for the report of promises still pending when a program
 *   exits (runtime/debuggable.js). The recorder awaits the whole program and the runtime's drain
 *   (plan/record.ts), so nothing is left to report: the promise is used as it is. A warm plan of
 *   the test project's dev stack: 96 -> 70 ms median (bench figures: docs/performance.md).
 * - **Source positions.** Every resource's constructor collects the whole stack of its caller,
 *   whatever the limit (`Resource.callsites` lifts it to Infinity), and parses each frame into a
 *   source position for the engine, which the mock monitor drops: no frames are collected. The
 *   deeper the program's stack (components in components, a test runner under it), the more it
 *   saved: a tenth of the plans' CPU in the test suite.
 */
export async function withoutRuntimeDiagnostics<T>(work: () => Promise<T>): Promise<T> {
  if (process.env.MAAS_DEBUG) return work();
  // Put back by the last of overlapping works to end, whatever order they end in.
  if (active++ === 0) restore = turnOff();
  try {
    return await work();
  } finally {
    if (--active === 0) restore?.();
  }
}

/** How many works run with the diagnostics off, and what puts them back once none does. */
let active = 0;
let restore: (() => void) | undefined;

function turnOff(): () => void {
  // A dependency's JavaScript module: `require` reaches it under tsx, ts-node and vitest alike,
  // the very object its callers read the function from (an ES namespace would be a copy).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
  const resource = pulumi.Resource as unknown as WithCallsites;
  const before = {
    limit: Error.stackTraceLimit,
    sourceMaps: process.sourceMapsEnabled,
    // eslint-disable-next-line @typescript-eslint/unbound-method -- V8's hook, put back as it was
    prepare: Error.prepareStackTrace,
    debuggablePromise: debuggable.debuggablePromise,
    callsites: resource.callsites,
  };
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = firstLineOnly;
  debuggable.debuggablePromise = asItIs;
  resource.callsites = noCallsites;
  return () => {
    Error.stackTraceLimit = before.limit;
    process.setSourceMapsEnabled(before.sourceMaps);
    Error.prepareStackTrace = before.prepare;
    debuggable.debuggablePromise = before.debuggablePromise;
    resource.callsites = before.callsites;
  };
}
