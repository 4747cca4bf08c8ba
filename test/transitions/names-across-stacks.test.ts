/**
 * RULES 27 across stacks: the physical names of one stack never meet another stack's, even when
 * stack and model names could be read two ways (`dev` + `eu-x`, `dev-eu` + `x`).
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { physicalNames } from "../../plan/physical-names";
import { copyTestProject, planOf } from "../helpers/plan";

function oneModel(model: string): string {
  return [
    "apiVersion: maas/v1",
    "models:",
    `  ${model}:`,
    "    owner: team-a",
    `    image: registry.example.com/m@sha256:${"a".repeat(64)}`,
    '    versions: { "1.0.0": { traffic: 100 } }',
    "environments: { dev: {} }",
    "",
  ].join("\n");
}

describe("physical names across stacks", () => {
  it("stack dev with model eu-x and stack dev-eu with model x share no name in AWS or Kubernetes", async () => {
    const project = copyTestProject();
    cpSync(join(project, "Pulumi.dev.yaml"), join(project, "Pulumi.dev-eu.yaml"));
    const names = async (stack: string, model: string) =>
      new Set(
        (
          await planOf({ projectDir: project, stack, catalogue: oneModel(model) })
        ).plan.resources.flatMap(physicalNames),
      );
    const dev = await names("dev", "eu-x");
    const devEu = await names("dev-eu", "x");
    expect(dev.size).toBeGreaterThan(20);
    expect([...dev].filter((name) => devEu.has(name))).toEqual([]);
    // The readable forms a reviewer sees: `_` separates stack and model.
    expect(dev).toContain("IAM role maas-dev_eu-x");
    expect(devEu).toContain("IAM role maas-dev-eu_x");
    expect(dev).toContain("alarm maas-dev_eu-x_1.0.0_p99-latency");
    expect(devEu).toContain("dashboard maas-dev-eu_x");
  });
});
