/**
 * `maas plan` never leaves half of its outputs: an unwritable path, files maas did not write, a
 * run already writing, an interrupt: each ends with the previous outputs as they were and no
 * temporary files.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { maas, PROJECT_ROOT } from "../helpers/cli";
import { copyTestProject } from "../helpers/plan";

let project: string;
const out = (...parts: string[]) => join(project, "out", "dev", ...parts);
const snapshot = () =>
  readdirSync(out("manifests"))
    .map((file) => `${file}:${readFileSync(out("manifests", file), "utf8").length}`)
    .concat(`plan.json:${readFileSync(out("plan.json"), "utf8").length}`);
const leftovers = () => readdirSync(out()).filter((name) => /\.(tmp|old)-\d+$|\.lock$/.test(name));

beforeAll(() => {
  project = copyTestProject();
  expect(maas(["plan"], { cwd: project }).status).toBe(0);
});

describe("maas plan outputs", () => {
  it("refuses an unwritable path with a message, leaving the previous outputs as they were", () => {
    const before = snapshot();
    writeFileSync(join(project, "a-file"), "");
    const result = maas(["plan", "--json", join(project, "a-file", "plan.json")], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^maas plan: cannot write .*a-file\/plan\.json: .*; nothing was written\n$/,
    );
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it("will not replace a manifests directory that holds files maas did not write", () => {
    writeFileSync(out("manifests", "notes.txt"), "mine");
    const result = maas(["plan"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("holds files maas did not write (notes.txt)");
    expect(readFileSync(out("manifests", "notes.txt"), "utf8")).toBe("mine");
  });

  it("refuses to write where another live maas is writing", () => {
    const manifests = join(project, "other-manifests");
    mkdirSync(join(project, "other"), { recursive: true });
    writeFileSync(join(project, "other", "plan.json.lock"), String(process.pid));
    const result = maas(
      ["plan", "--json", join(project, "other", "plan.json"), "--manifests", manifests],
      {
        cwd: project,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`another maas (pid ${process.pid}) is writing`);
    expect(existsSync(manifests)).toBe(false);
  });

  it("leaves the previous outputs intact and no temporary files when interrupted", async () => {
    const fresh = copyTestProject();
    const run = (args: string[]) => maas(args, { cwd: fresh });
    expect(run(["plan"]).status).toBe(0);
    const read = () => readFileSync(join(fresh, "out", "dev", "plan.json"), "utf8");
    const before = read();
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "bin", "maas.js"), "plan", "--config", "maas:imageRetention=7"],
      {
        cwd: fresh,
        stdio: "ignore",
      },
    );
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
});
