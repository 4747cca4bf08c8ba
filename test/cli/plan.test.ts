/**
 * `maas plan` through the CLI's main(): files written, summary, determinism, refusal of bad input.
 * `--all-stacks` (a process per stack) is run as a process in test/cli/process.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maas } from "../helpers/cli";
import { AWS_RULES } from "../../policy/aws-rules";
import { KUBERNETES_RULES } from "../../policy";
import { copyTestProject } from "../helpers/plan";

/** A copy of the test project to run in: `maas plan` writes out/<stack>/ where it runs. */
const PROJECT = copyTestProject();
const run = (args: string[]) => maas(args, { cwd: PROJECT });

function outputDir(): { json: string; manifests: string } {
  const dir = mkdtempSync(join(tmpdir(), "maas-plan-cli-"));
  return { json: join(dir, "plan.json"), manifests: join(dir, "manifests") };
}

function snapshot(out: { json: string; manifests: string }): Record<string, string> {
  const files: Record<string, string> = { "plan.json": readFileSync(out.json, "utf8") };
  for (const file of readdirSync(out.manifests))
    files[file] = readFileSync(join(out.manifests, file), "utf8");
  return files;
}

describe("maas plan", () => {
  it("plans the dev stack by default into out/dev, with a summary per model and version", async () => {
    const result = await run(["plan"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("maas plan: stack dev, environment dev, catalogue models.yaml");
    expect(lines).toContain("  image-classifier (owner vision-team)");
    expect(result.stdout).toMatch(
      /^ {4}1\.5\.0 +live +50% +pods 1-2 +cpu 1 +mem 1Gi +p99 300ms +5xx 1%$/m,
    );
    expect(result.stdout).toMatch(/^ {4}1\.9\.2 +standby +0% +pods 1-2 .*gpu 1/m);
    // Plain when not a terminal, and within 80 columns.
    expect(result.stdout).not.toContain("\u001b[");
    for (const line of result.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(result.stdout).toMatch(/^ {4}1\.8\.0 +retired +- +no workload$/m);
    expect(result.stdout).toContain("deterministic placeholders");
    const plan = JSON.parse(readFileSync(join(PROJECT, "out/dev/plan.json"), "utf8")) as {
      stack: string;
      resources: { urn: string; type: string; custom: boolean }[];
    };
    expect(plan.stack).toBe("dev");
    // The counts printed are those of what was written: resources by provider package, every
    // Kubernetes resource a manifest, every rule checked.
    const manifests = readdirSync(join(PROJECT, "out/dev/manifests"));
    // The summary wraps long lines: read it unwrapped.
    const counts = /^(\d+) resources: (.*)$/m.exec(result.stdout.replace(/\n {2}(?=\S)/g, " "));
    expect(Number(counts?.[1])).toBe(plan.resources.length);
    const byPackage: Record<string, number> = Object.fromEntries(
      counts![2]!.split(", ").map((part) => [part.split(" ")[0], Number(part.split(" ")[1])]),
    );
    const custom = (prefix: string) =>
      plan.resources.filter((r) => r.custom && r.type.startsWith(prefix)).length;
    expect(byPackage).toMatchObject({
      aws: custom("aws:"),
      kubernetes: manifests.length,
      "docker-build": custom("docker-build:"),
      random: custom("random:"),
      providers: plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length,
    });
    expect(Object.values(byPackage).reduce((a, b) => a + b, 0)).toBe(plan.resources.length);
    expect(custom("kubernetes:")).toBe(manifests.length);
    const text = result.stdout.replace(/\n {2}(?=\S)/g, " ");
    expect(text).toContain(
      `checks: ${manifests.length} Kubernetes objects valid against the OpenAPI schema; all ${KUBERNETES_RULES.length + AWS_RULES.length} rules pass (${KUBERNETES_RULES.length} on Kubernetes objects, ${AWS_RULES.length} on AWS resources)`,
    );
    expect(text).toContain(
      `wrote out/dev/plan.json and ${manifests.length} manifests to out/dev/manifests/`,
    );
    expect(readdirSync(join(PROJECT, "out/dev/manifests"))).toContain(
      "00-namespace-image-classifier.yaml",
    );
  });

  it("writes byte-identical plans and manifests for the same catalogue and config", async () => {
    const first = outputDir();
    const second = outputDir();
    expect(
      (await run(["plan", "--stack", "prod", "--json", first.json, "--manifests", first.manifests]))
        .status,
    ).toBe(0);
    expect(
      (
        await run([
          "plan",
          "--stack",
          "prod",
          "--json",
          second.json,
          "--manifests",
          second.manifests,
        ])
      ).status,
    ).toBe(0);
    expect(snapshot(second)).toEqual(snapshot(first));
  });

  it("applies --config over the stack's config", async () => {
    const out = outputDir();
    expect(
      (
        await run([
          "plan",
          "--config",
          "maas:protect=false",
          "--stack",
          "prod",
          "--json",
          out.json,
          "--manifests",
          out.manifests,
        ])
      ).status,
    ).toBe(0);
    expect(readFileSync(out.json, "utf8")).not.toContain('"protect": true');
  });

  it("lists rule violations and exits 1: the dev overlay's single replica is not for production", async () => {
    const out = outputDir();
    const result = await run([
      "plan",
      "--config",
      "maas:protect=true",
      "--json",
      out.json,
      "--manifests",
      out.manifests,
    ]);
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    const violations = lines.filter((line) => line.startsWith("  RULES-"));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    const header = /^checks: (\d+) violation\(s\) \(docs\/rules\.md explains each rule\):$/m.exec(
      result.stdout,
    );
    expect(Number(header?.[1])).toBe(violations.length);
    expect(violations).toContain(
      "  RULES-8/autoscaling: HorizontalPodAutoscaler fraud-scorer/fraud-scorer-v3-2-1:",
    );
    expect(lines.filter((line) => line.startsWith("    fix: "))).toHaveLength(violations.length);
    // Each violation with its rule's way to comply.
    expect(result.stdout).toContain(
      "\n    fix: Set autoscaling.minReplicas (at least 2 in production) below\n      autoscaling.maxReplicas.\n",
    );
  });

  it("refuses an invalid catalogue with the validate errors, exit 1, and writes nothing", async () => {
    const catalogue = join(mkdtempSync(join(tmpdir(), "maas-bad-")), "models.yaml");
    writeFileSync(
      catalogue,
      'apiVersion: maas/v1\nmodels:\n  a:\n    owner: team-a\n    image: r.example.com/a:latest\n    versions: { "1": { traffic: 90 } }\nenvironments: { dev: {} }\n',
    );
    const out = outputDir();
    const result = await run([
      "plan",
      "--catalogue",
      catalogue,
      "--json",
      out.json,
      "--manifests",
      out.manifests,
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      `${catalogue}:5:12: models.a.image: uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag [catalogue/image-pinned]`,
      `${catalogue}:6:5: models.a.versions: in environment dev: traffic of the live and standby versions sums to 90 (1: 90); it must be exactly 100 [catalogue/weights-sum]`,
    ]);
    expect(result.stderr).toBe("maas plan: stack dev not planned; nothing was written\n");
    expect(existsSync(out.json)).toBe(false);
    expect(existsSync(out.manifests)).toBe(false);
  });

  it("names the missing stack file for an unknown stack", async () => {
    const result = await run(["plan", "--stack", "staging"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/Pulumi\.staging\.yaml: not found; no stack named staging\n$/);
  });

  it("names the config key when stack config is invalid", async () => {
    const result = await run([
      "plan",
      "--config",
      "maas:vpcCidr=10.0.0.0/99",
      "--config",
      "maas:identity=magic",
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      [
        '--config: maas:vpcCidr: must be an IPv4 CIDR such as 10.0.0.0/16; got "10.0.0.0/99" [stack-config/schema]',
        '--config: maas:identity: must be irsa or pod-identity; got "magic" [stack-config/schema]',
        "",
      ].join("\n"),
    );
  });

  it("passes on each stack's output with --all-stacks when main() writes elsewhere than the process's streams", async () => {
    // One stack that does not plan: its process ends early, its output comes back through main()'s writers.
    const project = copyTestProject();
    rmSync(join(project, "Pulumi.dev.yaml"));
    const prod = join(project, "Pulumi.prod.yaml");
    writeFileSync(
      prod,
      readFileSync(prod, "utf8").replace("maas:vpcCidr: 10.30.0.0/16", "maas:vpcCidr: nowhere"),
    );
    const result = await maas(["plan", "--all-stacks"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("maas:vpcCidr: must be an IPv4 CIDR");
    expect(result.stderr).toBe(
      "maas plan: planning stack prod (1 of 1)\nmaas plan: stack prod not planned; nothing was written\n",
    );
    expect(result.stdout.trimEnd().split("\n").slice(-2).join(" ").replace(/\s+/g, " ")).toBe(
      "maas plan: 1 stack (prod): 0 resources, 0 models deployed; not planned or breaking a rule: prod",
    );
  });

  it("refuses --all-stacks with a stack of its own choosing, exit 2", async () => {
    expect((await run(["plan", "--all-stacks", "--stack", "dev"])).status).toBe(2);
  });

  it("blames a stack file's value on its line and column, and a map where one value belongs on what it is", async () => {
    const project = copyTestProject();
    const file = join(project, "Pulumi.dev.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("maas:environment: dev", "maas:environment: { a: 1 }")
        .replace("maas:vpcCidr: 10.20.0.0/16", "maas:vpcCidr: 10.20.0.0/99")
        .replace("  maas:subnetIds:", "  maas:gpuNodeSelector: [a, b]\n  maas:subnetIds:"),
    );
    const result = await maas(["plan"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      "Pulumi.dev.yaml:5:21: maas:environment: must be a single value, not a map [stack-config/schema]",
      'Pulumi.dev.yaml:10:17: maas:vpcCidr: must be an IPv4 CIDR such as 10.0.0.0/16; got "10.20.0.0/99" [stack-config/schema]',
      "Pulumi.dev.yaml:16:25: maas:gpuNodeSelector: must be a map of node label -> value; got a list [stack-config/schema]",
    ]);
  });

  it("refuses a stack name no AWS name can hold before it reads a file", async () => {
    // One spawn: which names pass is tested in test/stack/settings.test.ts.
    for (const stack of ["x/../../evil"]) {
      const result = await run(["plan", "--stack", stack]);
      expect(result.status, stack).toBe(1);
      expect(result.stdout).toBe(
        `--stack: stack name ${JSON.stringify(stack)} must be 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit (it becomes part of AWS names: ECR repositories, IAM roles, alarms)\n`,
      );
    }
  });

  it("exits 2 on a malformed --config pair", async () => {
    const result = await run(["plan", "--config", "protect"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("maas plan: --config protect: expected key=value\n");
  });
});
