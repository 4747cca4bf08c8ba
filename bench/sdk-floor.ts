/**
 * The SDK's own floor for a plan: the very resources a plan recorded (plan.json), registered
 * again through @pulumi/pulumi's mock runtime with nothing of the project around them: no
 * catalogue, no components' code, no placeholders beyond an id, no checks. What a plan costs
 * above this is the project's. Usage: tsx bench/sdk-floor.ts out/<stack>/plan.json; prints
 * `<milliseconds of the replay> <resources>`; bench/sharded-plan.ts times the whole process.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../plan/record";
import type { Plan } from "../plan/run";

/** Concrete classes for the SDK's abstract ones: registration is all they do. */
class ReplayedResource extends pulumi.CustomResource {}
class ReplayedProvider extends pulumi.ProviderResource {}

function replay(plan: Plan): number {
  const byUrn = new Map<string, pulumi.Resource>();
  const resources = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const pending = new Map(resources.map((r) => [r.urn, r]));
  let registered = 0;
  // Parents and dependencies before the resources that name them, as a program registers them.
  const ready = (r: RecordedResource) =>
    (!r.parent || !pending.has(r.parent)) && r.dependencies.every((d) => !pending.has(d));
  while (pending.size > 0) {
    const batch = [...pending.values()].filter(ready);
    for (const r of batch.length > 0 ? batch : [...pending.values()]) {
      pending.delete(r.urn);
      const options: pulumi.CustomResourceOptions = {
        ...(r.parent && byUrn.has(r.parent) ? { parent: byUrn.get(r.parent)! } : {}),
        dependsOn: r.dependencies.flatMap((d) => (byUrn.has(d) ? [byUrn.get(d)!] : [])),
      };
      const resource = r.type.startsWith("pulumi:providers:")
        ? new ReplayedProvider(r.type.split(":")[2]!, r.name, r.inputs, options)
        : r.custom
          ? new ReplayedResource(r.type, r.name, r.inputs, options)
          : new pulumi.ComponentResource(r.type, r.name, {}, options);
      byUrn.set(r.urn, resource);
      registered++;
    }
  }
  return registered;
}

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Plan;
  // As the plan records (plan/record.ts): no stack traces, no source maps, no frames formatted
  // for the SDK's source positions.
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = (error: Error) => Error.prototype.toString.call(error);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs as object }),
      call: (args) => args.inputs as Record<string, unknown>,
    },
    plan.project,
    plan.stack,
    false,
    "organization",
  );
  const start = performance.now();
  let count = 0;
  await pulumi.runtime.runInPulumiStack(() => Promise.resolve((count = replay(plan))));
  await pulumi.runtime.disconnect();
  console.log(`${(performance.now() - start).toFixed(0)} ${String(count)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
