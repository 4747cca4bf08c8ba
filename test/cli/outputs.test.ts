/**
 * `maas plan` never leaves half of its outputs: an unwritable path, files maas did not write, a
 * run already writing, an interrupt: each ends with the previous outputs as they were and no
 * temporary files. Its outputs and `maas diff --full` never go over the project's inputs or
 * replace a device. Through the CLI's main(); the interrupt (a signal to a process) is in
 * test/cli/process.test.ts, the rules on generated paths in test/cli/output-paths.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { maas } from "../helpers/cli";
import { copyTestProject } from "../helpers/plan";

let project: string;
const out = (...parts: string[]) => join(project, "out", "dev", ...parts);
const snapshot = () =>
  readdirSync(out("manifests"))
    .map((file) => `${file}:${readFileSync(out("manifests", file), "utf8").length}`)
    .concat(`plan.json:${readFileSync(out("plan.json"), "utf8").length}`);
const leftovers = () => readdirSync(out()).filter((name) => /\.(tmp|old)-\d+$|\.lock$/.test(name));

beforeAll(async () => {
  project = copyTestProject();
  expect((await maas(["plan"], { cwd: project })).status).toBe(0);
});

describe("maas plan outputs", () => {
  it("refuses a path below a file before planning, leaving the previous outputs as they were", async () => {
    const before = snapshot();
    writeFileSync(join(project, "a-file"), "");
    const result = await maas(["plan", "--json", join(project, "a-file", "plan.json")], {
      cwd: project,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^maas plan: --json .*a-file\/plan\.json: .*a-file is not a directory; --json takes a new path, /,
    );
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it("refuses the catalogue, a stack file, a directory for a file and a file for a directory, before planning", async () => {
    const fresh = copyTestProject();
    const inputs = () =>
      ["models.yaml", "Pulumi.yaml", "Pulumi.dev.yaml"].map((file) =>
        readFileSync(join(fresh, file), "utf8"),
      );
    const before = inputs();
    mkdirSync(join(fresh, "a-folder"));
    for (const [args, message] of [
      [["--json", "models.yaml"], "--json models.yaml: is a file that is not an earlier maas plan"],
      [
        ["--json", "Pulumi.dev.yaml"],
        "--json Pulumi.dev.yaml: is named as a Pulumi project or stack file",
      ],
      [
        ["--json", "Pulumi.staging.yaml"],
        "--json Pulumi.staging.yaml: is named as a Pulumi project",
      ],
      [["--json", "a-folder"], "--json a-folder: is a directory; --json takes"],
      [["--manifests", "models.yaml"], "--manifests models.yaml: is a file, not a directory"],
      [
        ["--manifests", "/dev/null"],
        "--manifests /dev/null: is a character device, not a directory",
      ],
      [["--json", "out/x", "--manifests", "out"], "--json out/x is inside --manifests out"],
    ] as const) {
      const result = await maas(["plan", ...args], { cwd: fresh });
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`maas plan: ${message}`);
    }
    expect(inputs()).toEqual(before);
    expect(existsSync(join(fresh, "out"))).toBe(false);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("refuses the catalogue as maas diff --full before planning either side", async () => {
    const fresh = copyTestProject();
    const catalogue = readFileSync(join(fresh, "models.yaml"), "utf8");
    const result = await maas(["diff", "--base", "models.yaml", "--full", "models.yaml"], {
      cwd: fresh,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^maas diff: --full models\.yaml: is a file that is not an earlier maas diff; --full takes /,
    );
    expect(readFileSync(join(fresh, "models.yaml"), "utf8")).toBe(catalogue);
  });

  it("writes the plan to /dev/stdout as a stream, the summary to stderr, and to /dev/null without replacing it", async () => {
    const result = await maas(["plan", "--json", "/dev/stdout"], { cwd: project });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ project: "maas", stack: "dev" });
    expect(result.stderr).toContain("wrote /dev/stdout and ");
    const devNull = statSync("/dev/null");
    expect((await maas(["plan", "--json", "/dev/null"], { cwd: project })).status).toBe(0);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(statSync("/dev/null").rdev).toBe(devNull.rdev);
  });

  it("will not replace a manifests directory that holds files maas did not write", async () => {
    writeFileSync(out("manifests", "notes.txt"), "mine");
    const result = await maas(["plan"], { cwd: project });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("holds files maas did not write (notes.txt)");
    expect(readFileSync(out("manifests", "notes.txt"), "utf8")).toBe("mine");
  });

  it("refuses to write where another live maas is writing", async () => {
    const manifests = join(project, "other-manifests");
    mkdirSync(join(project, "other"), { recursive: true });
    // A live process other than this one (the test runner's) holds the lock.
    const other = process.ppid;
    writeFileSync(join(project, "other", "plan.json.lock"), String(other));
    const result = await maas(
      ["plan", "--json", join(project, "other", "plan.json"), "--manifests", manifests],
      {
        cwd: project,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`another maas (pid ${other}) is writing`);
    expect(existsSync(manifests)).toBe(false);
  });
});
