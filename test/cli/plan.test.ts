/** `maas plan` as a user runs it: files written, summary, determinism, refusal of bad input. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KUBERNETES_RULES } from "../../policy";
import { AWS_RULES } from "../../policy/aws-rules";
import { maas } from "../helpers/cli";
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
  it("plans the dev stack by default into out/dev, with a summary per model and version", () => {
    const result = run(["plan"]);
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
    expect(result.stdout).toMatch(
      /^\d+ resources: aws \d+, components \d+, docker-build 1, kubernetes 37, providers 2$/m,
    );
    const [kubernetes, aws] = [KUBERNETES_RULES.length, AWS_RULES.length];
    expect(result.stdout.replace(/\n +/g, " ")).toContain(
      `checks: 37 Kubernetes objects valid against the OpenAPI schema; all ${kubernetes + aws} rules pass (${kubernetes} on Kubernetes objects, ${aws} on AWS resources)`,
    );
    expect(result.stdout).toContain(
      "wrote out/dev/plan.json and 37 manifests to out/dev/manifests/",
    );
    expect(result.stdout).toContain("deterministic placeholders");
    const plan = JSON.parse(readFileSync(join(PROJECT, "out/dev/plan.json"), "utf8")) as {
      stack: string;
      resources: { urn: string }[];
    };
    expect(plan.stack).toBe("dev");
    expect(readdirSync(join(PROJECT, "out/dev/manifests"))).toContain(
      "00-namespace-image-classifier.yaml",
    );
  });

  it("writes byte-identical plans and manifests for the same catalogue and config", () => {
    const first = outputDir();
    const second = outputDir();
    expect(
      run(["plan", "--stack", "prod", "--json", first.json, "--manifests", first.manifests]).status,
    ).toBe(0);
    expect(
      run(["plan", "--stack", "prod", "--json", second.json, "--manifests", second.manifests])
        .status,
    ).toBe(0);
    expect(snapshot(second)).toEqual(snapshot(first));
  });

  it("applies --config over the stack's config", () => {
    const out = outputDir();
    expect(
      run([
        "plan",
        "--config",
        "maas:protect=false",
        "--stack",
        "prod",
        "--json",
        out.json,
        "--manifests",
        out.manifests,
      ]).status,
    ).toBe(0);
    expect(readFileSync(out.json, "utf8")).not.toContain('"protect": true');
  });

  it("lists rule violations and exits 1: the dev overlay's single replica is not for production", () => {
    const out = outputDir();
    const result = run([
      "plan",
      "--config",
      "maas:protect=true",
      "--json",
      out.json,
      "--manifests",
      out.manifests,
    ]);
    expect(result.status).toBe(1);
    const violations = result.stdout.split("\n").filter((line) => line.startsWith("  RULES-"));
    for (const line of result.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(violations).toHaveLength(5);
    expect(violations[0]).toBe(
      "  RULES-8/autoscaling: HorizontalPodAutoscaler fraud-scorer/fraud-scorer-v3-2-1:",
    );
    expect(result.stdout).toContain("checks: 5 violation(s) (docs/rules.md explains each rule):");
    // Each violation with its rule's way to comply.
    expect(result.stdout).toContain(
      "\n    fix: Set autoscaling.minReplicas (at least 2 in production) below\n      autoscaling.maxReplicas.\n",
    );
  });

  it("refuses an invalid catalogue with the validate errors, exit 1, and writes nothing", () => {
    const catalogue = join(mkdtempSync(join(tmpdir(), "maas-bad-")), "models.yaml");
    writeFileSync(
      catalogue,
      'apiVersion: maas/v1\nmodels:\n  a:\n    owner: team-a\n    image: r.example.com/a:latest\n    versions: { "1": { traffic: 90 } }\nenvironments: { dev: {} }\n',
    );
    const out = outputDir();
    const result = run([
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
      `${catalogue}:5:12: models.a.image: uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag`,
      `${catalogue}:6:5: models.a.versions: in environment dev: traffic of the live and standby versions sums to 90 (1: 90); it must be exactly 100`,
    ]);
    expect(result.stderr).toBe("maas plan: stack dev not planned; nothing was written\n");
    expect(existsSync(out.json)).toBe(false);
    expect(existsSync(out.manifests)).toBe(false);
  });

  it("names the missing stack file for an unknown stack", () => {
    const result = run(["plan", "--stack", "staging"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/Pulumi\.staging\.yaml: not found; no stack named staging\n$/);
  });

  it("names the config key when stack config is invalid", () => {
    const result = run([
      "plan",
      "--config",
      "maas:vpcCidr=10.0.0.0/99",
      "--config",
      "maas:identity=magic",
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      [
        '--config: maas:vpcCidr: must be an IPv4 CIDR such as 10.0.0.0/16; got "10.0.0.0/99"',
        '--config: maas:identity: must be irsa or pod-identity; got "magic"',
        "",
      ].join("\n"),
    );
  });

  it("plans every stack with --all-stacks, each in its own process, and sums them up", () => {
    const project = copyTestProject();
    const prod = join(project, "Pulumi.prod.yaml");
    writeFileSync(
      prod,
      readFileSync(prod, "utf8").replace("maas:vpcCidr: 10.30.0.0/16", "maas:vpcCidr: nowhere"),
    );
    const result = maas(["plan", "--all-stacks", "--summary"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("maas plan: stack dev, environment dev");
    expect(result.stdout).toContain("maas:vpcCidr: must be an IPv4 CIDR");
    const plan = JSON.parse(readFileSync(join(project, "out", "dev", "plan.json"), "utf8"));
    // The last line, as wrapped at 80 columns.
    expect(result.stdout.trimEnd().split("\n").slice(-2).join(" ").replace(/\s+/g, " ")).toBe(
      `maas plan: 2 stacks (dev, prod): ${plan.resources.length} resources, 3 models deployed; not planned or breaking a rule: prod`,
    );
    expect(maas(["plan", "--all-stacks", "--stack", "dev"], { cwd: project }).status).toBe(2);
  });

  it("blames a stack file's value on its line and column, and a map where one value belongs on what it is", () => {
    const project = copyTestProject();
    const file = join(project, "Pulumi.dev.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("maas:environment: dev", "maas:environment: { a: 1 }")
        .replace("maas:vpcCidr: 10.20.0.0/16", "maas:vpcCidr: 10.20.0.0/99")
        .replace("  maas:subnetIds:", "  maas:gpuNodeSelector: [a, b]\n  maas:subnetIds:"),
    );
    const result = maas(["plan"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      "Pulumi.dev.yaml:5:21: maas:environment: must be a single value, not a map",
      'Pulumi.dev.yaml:10:17: maas:vpcCidr: must be an IPv4 CIDR such as 10.0.0.0/16; got "10.20.0.0/99"',
      "Pulumi.dev.yaml:16:25: maas:gpuNodeSelector: must be a map of node label -> value; got a list",
    ]);
  });

  it("refuses a stack name no AWS name can hold before it reads a file", () => {
    // One spawn: which names pass is tested in test/stack/settings.test.ts.
    for (const stack of ["x/../../evil"]) {
      const result = run(["plan", "--stack", stack]);
      expect(result.status, stack).toBe(1);
      expect(result.stdout).toBe(
        `--stack: stack name ${JSON.stringify(stack)} must be 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit (it becomes part of AWS names: ECR repositories, IAM roles, alarms)\n`,
      );
    }
  });

  it("exits 2 on a malformed --config pair", () => {
    const result = run(["plan", "--config", "protect"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("maas plan: --config protect: expected key=value\n");
  });
});
