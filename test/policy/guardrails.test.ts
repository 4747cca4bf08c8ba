/**
 * The CrossGuard pack, policy by policy (the pulumi-policy-aws test pattern): the resources of
 * the dev and prod plans as CrossGuard would hand them over pass; a mutated one is reported,
 * with its URN.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { awsGuardrails, GUARDRAILS, kubernetesWorkloads } from "../../policy/pack/guardrails";
import { projectPlans } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

let dev: PlanFixture;
let prod: PlanFixture;

beforeAll(async () => ({ dev, prod } = await projectPlans()));

/** The plan's resources as CrossGuard's PolicyResources (Kubernetes props with their assigned names). */
function policyResources(fixture: PlanFixture): PolicyResource[] {
  const manifests = fixture.manifests.map(
    (manifest) =>
      manifest.object as { kind: string; metadata: { name: string; namespace?: string } },
  );
  const manifestOf = (resource: RecordedResource) => {
    const inputs = resource.inputs as {
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    };
    return manifests.find(
      (object) =>
        object.kind === inputs.kind &&
        object.metadata.namespace === inputs.metadata?.namespace &&
        (object.metadata.name === inputs.metadata?.name ||
          object.metadata.name.startsWith(`${resource.name}-`)),
    );
  };
  const resources = fixture.plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
  const byUrn = new Map<string, PolicyResource>();
  for (const resource of resources) {
    byUrn.set(resource.urn, {
      type: resource.type,
      urn: resource.urn,
      name: resource.name,
      props: structuredClone(
        resource.type.startsWith("kubernetes:")
          ? (manifestOf(resource) ?? resource.inputs)
          : resource.inputs,
      ),
      opts: {
        protect: resource.options?.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource);
  }
  for (const resource of resources)
    byUrn.get(resource.urn)!.dependencies = resource.dependencies.flatMap((urn) =>
      byUrn.has(urn) ? [byUrn.get(urn)!] : [],
    );
  return [...byUrn.values()];
}

async function violations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  production: boolean,
): Promise<{ message: string; urn?: string }[]> {
  const found: { message: string; urn?: string }[] = [];
  const args = {
    resources,
    stackTags: new Map(),
    getConfig: () => ({ production }),
  } as unknown as StackValidationArgs;
  await policy.validateStack(args, (message, urn) =>
    found.push({ message, ...(urn ? { urn } : {}) }),
  );
  return found;
}

describe("CrossGuard guardrails pack", () => {
  it("has the Kubernetes and AWS policies, both mandatory", () => {
    expect(GUARDRAILS.map((policy) => [policy.name, policy.enforcementLevel])).toEqual([
      ["maas-kubernetes-workloads", "mandatory"],
      ["maas-aws-guardrails", "mandatory"],
    ]);
  });

  it("passes the dev and prod stacks", async () => {
    for (const policy of GUARDRAILS) {
      expect(await violations(policy, policyResources(dev), false)).toEqual([]);
      expect(await violations(policy, policyResources(prod), true)).toEqual([]);
    }
  });

  it("reports a privileged container on its Deployment's URN", async () => {
    const resources = policyResources(dev);
    const deployment = resources.find(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "image-classifier-v1-5-0",
    )!;
    deployment.props.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    expect(await violations(kubernetesWorkloads, resources, false)).toEqual([
      {
        message: expect.stringMatching(
          /^RULES-3\/pod-security: Deployment image-classifier\/image-classifier-v1-5-0-[0-9a-f]{8} container server: allowPrivilegeEscalation is not false$/,
        ),
        urn: deployment.urn,
      },
    ]);
  });

  it("reports an unprotected table in production, and only in production", async () => {
    const resources = policyResources(prod);
    const table = resources.find(
      (r) => r.type === "aws:dynamodb/table:Table" && r.name === "registry-versions",
    )!;
    (table.opts as { protect: boolean }).protect = false;
    expect(await violations(awsGuardrails, resources, true)).toEqual([
      {
        message: "RULES-21/protection: Table registry-versions: is not protected in production",
        urn: table.urn,
      },
    ]);
    expect(await violations(awsGuardrails, resources, false)).toEqual([]);
  });
});
