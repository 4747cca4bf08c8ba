/**
 * `maas` as a process, for what only a process shows: bin/maas.js turning main()'s result into
 * the exit code a shell sees, a Ctrl-C ending a run, and `--all-stacks` planning each stack in a
 * process of its own. Everything else runs main() in-process (test/cli/*.test.ts).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, maasProcess } from "../helpers/cli";
import { copyTestProject, TEST_PROJECT } from "../helpers/plan";

describe("maas as a process", () => {
  it("exits 0, 1 and 2 as a shell sees them, writing to its own stdout and stderr", () => {
    const valid = maasProcess(["validate"], { cwd: TEST_PROJECT });
    expect(valid.status).toBe(0);
    expect(valid.stdout).toMatch(/^models\.yaml: valid /);
    expect(valid.stderr).toBe("");
    const invalid = maasProcess(["validate", "no-such.yaml"]);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toBe("no-such.yaml:1:1: (file): cannot be read: no such file\n");
    expect(invalid.stderr).toBe("no-such.yaml: 1 problem\n");
    const usage = maasProcess(["frobnicate"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("(run with --help for usage)");
  });

  it("leaves the previous outputs intact and no temporary files when interrupted", async () => {
    const fresh = copyTestProject();
    expect(maasProcess(["plan"], { cwd: fresh }).status).toBe(0);
    const read = () => readFileSync(join(fresh, "out", "dev", "plan.json"), "utf8");
    const before = read();
    const child = spawn(process.execPath, [BIN, "plan", "--config", "maas:imageRetention=7"], {
      cwd: fresh,
      stdio: "ignore",
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) =>
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 130 : null))),
    );
    expect(code).not.toBe(0);
    expect(read()).toBe(before);
    expect(
      readdirSync(join(fresh, "out", "dev")).filter((n) => /\.(tmp|old)-\d+$|\.lock$/.test(n)),
    ).toEqual([]);
  });

  it("plans every stack with --all-stacks, each in its own process, and sums them up", () => {
    const project = copyTestProject();
    const prod = join(project, "Pulumi.prod.yaml");
    writeFileSync(
      prod,
      readFileSync(prod, "utf8").replace("maas:vpcCidr: 10.30.0.0/16", "maas:vpcCidr: nowhere"),
    );
    const result = maasProcess(["plan", "--all-stacks", "--summary"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("maas plan: stack dev, environment dev");
    expect(result.stdout).toContain("maas:vpcCidr: must be an IPv4 CIDR");
    const plan = JSON.parse(readFileSync(join(project, "out", "dev", "plan.json"), "utf8"));
    // The last line, as wrapped at 80 columns.
    expect(result.stdout.trimEnd().split("\n").slice(-2).join(" ").replace(/\s+/g, " ")).toBe(
      `maas plan: 2 stacks (dev, prod): ${plan.resources.length} resources, 3 models deployed; not planned or breaking a rule: prod`,
    );
  });
});
