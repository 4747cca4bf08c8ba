/**
 * The recorder turns Pulumi's per-promise and per-resource diagnostics off while a program runs
 * (plan/runtime-diagnostics.ts), MAAS_DEBUG keeps them, and either way the program records the
 * same resources. The spies sit where the SDK's modules call the leak tracker and the call-site
 * collector from (a module's export, a class's static method, read at every call): if a Pulumi
 * release stops calling one there, the debug run sees no call and this test fails, as the plan
 * would then be paying for it again.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { recordProgram } from "../../plan/record";
import { withoutRuntimeDiagnostics } from "../../plan/runtime-diagnostics";
import { withEnv } from "../helpers/cli";

interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's module object itself
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
const tracker = debuggable.debuggablePromise;
const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
const collector = resource.callsites;

afterEach(() => {
  debuggable.debuggablePromise = tracker;
  resource.callsites = collector;
});

/**
 * Records a small program, counting the promises the SDK hands its leak tracker meanwhile and the
 * resources whose call sites it collects.
 */
async function recordCounting(): Promise<{ tracked: number; collected: number; urns: string[] }> {
  let tracked = 0;
  let collected = 0;
  debuggable.debuggablePromise = (promise, context) => {
    tracked++;
    return tracker(promise, context);
  };
  resource.callsites = () => {
    collected++;
    return collector();
  };
  const recording = await recordProgram(
    {
      project: "maas",
      stack: "dev",
      config: { "aws:region": "eu-west-1" },
      secretKeys: [],
      placeholders: { region: "eu-west-1" },
    },
    () => {
      const parent = new pulumi.ComponentResource("maas:test:Alarms", "alarms");
      const topic = new aws.sns.Topic("alarms", {}, { parent });
      new aws.sns.TopicPolicy("policy", { arn: topic.arn, policy: "{}" }, { parent });
    },
  );
  return { tracked, collected, urns: recording.resources.map((recorded) => recorded.urn) };
}

describe("Pulumi's runtime diagnostics while a program is recorded", () => {
  it("are off: no promise goes through the leak tracker, no call site is collected, MAAS_DEBUG keeps both, and the same resources are recorded", async () => {
    const quiet = await withEnv({ MAAS_DEBUG: "" }, recordCounting);
    const debug = await withEnv({ MAAS_DEBUG: "1" }, recordCounting);
    expect(quiet).toMatchObject({ tracked: 0, collected: 0 });
    expect(debug.tracked).toBeGreaterThan(10);
    // Every resource's constructor, the stack's included.
    expect(debug.collected).toBe(4);
    expect(quiet.urns).toEqual(debug.urns);
    expect(quiet.urns).toHaveLength(4);
  });

  it("are back as they were after the work, also when it fails", async () => {
    const before = {
      limit: Error.stackTraceLimit,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, not called
      prepare: Error.prepareStackTrace,
      sourceMaps: process.sourceMapsEnabled,
    };
    const inside = await withEnv({ MAAS_DEBUG: "" }, () =>
      withoutRuntimeDiagnostics(() => {
        const promise = Promise.resolve(1);
        return Promise.resolve({
          stack: new Error("boom").stack,
          limit: Error.stackTraceLimit,
          asItIs: debuggable.debuggablePromise(promise, "ctx") === promise,
          callsites: resource.callsites(),
        });
      }),
    );
    expect(inside).toEqual({ stack: "Error: boom", limit: 0, asItIs: true, callsites: [] });
    const failed = await withEnv({ MAAS_DEBUG: "" }, () =>
      withoutRuntimeDiagnostics(() => Promise.reject(new Error("the program failed"))),
    ).catch((error: unknown) => String(error));
    expect(failed).toBe("Error: the program failed");
    expect({
      limit: Error.stackTraceLimit,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, not called
      prepare: Error.prepareStackTrace,
      sourceMaps: process.sourceMapsEnabled,
    }).toEqual(before);
    expect(debuggable.debuggablePromise).toBe(tracker);
    expect(resource.callsites).toBe(collector);
  });

  it("stay off until the last of overlapping works ends, in whatever order they end", async () => {
    await withEnv({ MAAS_DEBUG: "" }, async () => {
      let releaseFirst = () => {};
      const first = withoutRuntimeDiagnostics(
        () => new Promise<void>((resolve) => (releaseFirst = resolve)),
      );
      let releaseSecond = () => {};
      const second = withoutRuntimeDiagnostics(async () => {
        await new Promise<void>((resolve) => (releaseSecond = resolve));
        return Error.stackTraceLimit;
      });
      releaseFirst();
      await first;
      // The first has ended; the second still runs with them off.
      expect(resource.callsites).not.toBe(collector);
      releaseSecond();
      expect(await second).toBe(0);
    });
    expect(debuggable.debuggablePromise).toBe(tracker);
    expect(resource.callsites).toBe(collector);
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });
});
