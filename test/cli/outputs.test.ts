/**
 * `maas plan` never leaves half of its outputs: an unwritable path, files maas did not write, a
 * run already writing, an interrupt: each ends with the previous outputs as they were and no
 * temporary files. Through the CLI's main(); the interrupt (a signal to a process) is in
 * test/cli/process.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  it("refuses an unwritable path with a message, leaving the previous outputs as they were", async () => {
    const before = snapshot();
    writeFileSync(join(project, "a-file"), "");
    const result = await maas(["plan", "--json", join(project, "a-file", "plan.json")], {
      cwd: project,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^maas plan: cannot write .*a-file\/plan\.json: .*; nothing was written\n$/,
    );
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it("will not replace a manifests directory that holds files maas did not write", async () => {
    writeFileSync(out("manifests", "notes.txt"), "mine");
    const result = await maas(["plan"], { cwd: project });
    expect(result.status).toBe(1);
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
