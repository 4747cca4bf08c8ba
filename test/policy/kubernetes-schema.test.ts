/** Every Kubernetes object of the example plans (dev and prod) is valid against the Kubernetes OpenAPI schema. */
import { describe, expect, it } from "vitest";
import { kubernetesSchemaProblem } from "../../policy/kubernetes-schema";
import { planOf } from "../helpers/plan";

describe.each(["dev", "prod"])("Kubernetes objects of the %s plan", (stack) => {
  it("all validate against the OpenAPI schema", async () => {
    const { manifests } = await planOf({ stack });
    expect(manifests.length).toBeGreaterThan(20);
    const problems = manifests.flatMap((manifest) => {
      const problem = kubernetesSchemaProblem(manifest.object);
      return problem ? [`${manifest.file}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });
});

describe("the schema check itself", () => {
  it("names the object's field when it is invalid", async () => {
    const { manifests } = await planOf({ stack: "dev" });
    const deployment = manifests.find((manifest) => manifest.object.kind === "Deployment")!;
    const broken = structuredClone(deployment.object) as {
      spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } };
    };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = "http";
    expect(kubernetesSchemaProblem(broken as unknown as Record<string, unknown>)).toBe(
      "data/spec/template/spec/containers/0/ports/0/containerPort must be integer",
    );
  });

  it("refuses kinds it has no schema for rather than passing them", () => {
    expect(kubernetesSchemaProblem({ apiVersion: "example.com/v1", kind: "Widget" })).toBe(
      "no schema known for example.com/v1/Widget: add the record of kubernetes:example.com/v1:Widget, with its schema, to kinds/kubernetes.ts",
    );
  });
});
