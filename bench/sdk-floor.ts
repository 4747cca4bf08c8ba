/**
 * The SDK's own floor for a plan: the very resources a plan recorded (plan.json), registered
 * again through the mock runtime with nothing of the project around them: no catalogue, no
 * components' code, no placeholders beyond an id, no checks. Two floors:
 * - `--through sdk` (the default): bare `@pulumi/pulumi` resources, each with its recorded
 *   inputs only;
 * - `--through providers`: the provider packages' own classes (`aws.cloudwatch.MetricAlarm`,
 *   `k8s.apps.v1.Deployment`, …) built from the same inputs, as any program using them must:
 *   each class also declares every output property, and the runtime makes an Output of each.
 * What a plan costs above a floor is the project's. Usage:
 * `tsx bench/sdk-floor.ts out/<stack>/plan.json [--through sdk|providers]`; prints
 * `<milliseconds of the replay> <resources> <through provider classes>`; bench/sharded-plan.ts
 * times the whole process.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../plan/record";
import type { Plan } from "../plan/run";
import { withoutRuntimeDiagnostics } from "../plan/runtime-diagnostics";

/** Concrete classes for the SDK's abstract ones: registration is all they do. */
class ReplayedResource extends pulumi.CustomResource {}
class ReplayedProvider extends pulumi.ProviderResource {}

type ResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  options: pulumi.CustomResourceOptions,
) => pulumi.Resource;

type Packages = Record<string, unknown>;

/**
 * The provider packages by the first part of a type token, loaded only for `--through
 * providers`: the bare floor's process loads `@pulumi/pulumi` alone.
 */
async function providerPackages(): Promise<Packages> {
  return {
    aws: await import("@pulumi/aws"),
    docker: await import("@pulumi/docker"),
    "docker-build": await import("@pulumi/docker-build"),
    kubernetes: await import("@pulumi/kubernetes"),
    random: await import("@pulumi/random"),
  };
}

/** A namespace's member, or undefined (the packages' namespaces load lazily on access). */
function member(namespace: unknown, key: string): unknown {
  return namespace !== null && typeof namespace === "object"
    ? (namespace as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The provider package's class registering `type`: `aws:cloudwatch/metricAlarm:MetricAlarm` is
 * `aws.cloudwatch.MetricAlarm`, `kubernetes:networking.k8s.io/v1:NetworkPolicy` is
 * `k8s.networking.v1.NetworkPolicy`, `pulumi:providers:aws` is `aws.Provider`; a custom
 * resource of a CRD (`kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding`) is
 * `k8s.apiextensions.CustomResource`. Checked against the class's own type token.
 */
function providerClass(packages: Packages, type: string): ResourceClass | undefined {
  const [pkg = "", module = "", name = ""] = type.split(":");
  if (pkg === "pulumi" && module === "providers")
    return member(packages[name], "Provider") as ResourceClass | undefined;
  const root = packages[pkg];
  if (pkg === "kubernetes") {
    const [group = "", version = ""] = module.split("/");
    // Kubernetes' own API groups (`core`, `apps`, `networking.k8s.io`) have a class per kind;
    // any other group is a CRD's, registered through CustomResource.
    const builtIn = group === "core" || !group.includes(".") || group.endsWith(".k8s.io");
    if (!builtIn) return member(member(root, "apiextensions"), "CustomResource") as ResourceClass;
    const groupName = group.replace(/\.k8s\.io$/, "").split(".")[0]!;
    const kind = member(member(member(root, groupName), version), name) as
      { __pulumiType?: string } | undefined;
    return kind?.__pulumiType === type ? (kind as unknown as ResourceClass) : undefined;
  }
  const namespace = module.split("/")[0]!;
  const path = namespace === "index" ? [name] : [namespace, name];
  const found = path.reduce<unknown>((at, key) => member(at, key), root) as
    { __pulumiType?: string } | undefined;
  return found?.__pulumiType === type ? (found as unknown as ResourceClass) : undefined;
}

function replay(plan: Plan, packages: Packages | undefined): { registered: number; typed: number } {
  const byUrn = new Map<string, pulumi.Resource>();
  const resources = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const pending = new Map(resources.map((r) => [r.urn, r]));
  let registered = 0;
  let typed = 0;
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
      const Class = packages && r.custom ? providerClass(packages, r.type) : undefined;
      if (Class) typed++;
      const resource = Class
        ? new Class(r.name, r.inputs, options)
        : r.type.startsWith("pulumi:providers:")
          ? new ReplayedProvider(r.type.split(":")[2]!, r.name, r.inputs, options)
          : r.custom
            ? new ReplayedResource(r.type, r.name, r.inputs, options)
            : new pulumi.ComponentResource(r.type, r.name, {}, options);
      byUrn.set(r.urn, resource);
      registered++;
    }
  }
  return { registered, typed };
}

async function main(): Promise<void> {
  const [file, flag, through = "sdk"] = process.argv.slice(2);
  if (
    !file ||
    (flag !== undefined && flag !== "--through") ||
    !["sdk", "providers"].includes(through)
  )
    throw new Error("usage: tsx bench/sdk-floor.ts <plan.json> [--through sdk|providers]");
  const plan = JSON.parse(readFileSync(file, "utf8")) as Plan;
  const packages = through === "providers" ? await providerPackages() : undefined;
  // With Pulumi's diagnostics off, as the plan records (plan/runtime-diagnostics.ts).
  let start = 0;
  let counts = { registered: 0, typed: 0 };
  await withoutRuntimeDiagnostics(async () => {
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
    start = performance.now();
    await pulumi.runtime.runInPulumiStack(() => Promise.resolve((counts = replay(plan, packages))));
    await pulumi.runtime.disconnect();
  });
  console.log(
    `${(performance.now() - start).toFixed(0)} ${String(counts.registered)} ${String(counts.typed)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
