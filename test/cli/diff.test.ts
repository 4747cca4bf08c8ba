/**
 * `maas diff` through the CLI's main(), against a git ref (the base planned by its own program in
 * a process of its own, or, when only the catalogue differs, by the working tree's with the
 * base's catalogue, here) and against a catalogue file.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maas, withEnv } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";

const editCatalogue = (dir: string, from: string, to: string) =>
  editFile(dir, "models.yaml", from, to);

describe("maas diff", () => {
  it("shows a traffic shift against a git ref: the model's weights, its rule and its registry items", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    editCatalogue(
      dir,
      '"1.4.0": { traffic: 50 }, "1.5.0": { traffic: 50 }',
      '"1.4.0": { traffic: 20 }, "1.5.0": { traffic: 80 }',
    );
    const result = await maas(["diff", "--base", "HEAD", "--stack", "dev"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "Base: `HEAD` (only its catalogue differs: planned with the working tree's program, stack files and dependencies) · Head: working tree",
    );
    expect(result.stdout).toContain(
      "### Risk\n\nNo risk found: `pulumi up` can go from base to head safely.",
    );
    expect(result.stdout).toContain(
      "**`image-classifier`**\n\n- 1.4.0: traffic 50% → 20%\n- 1.5.0: traffic 50% → 80%\n",
    );
    expect(result.stdout).toContain('  model -->|"50% → 20%"| v0["1.4.0"]');
    expect(result.stdout).toContain(
      "<summary>0 to add, 4 to update, 0 to replace, 0 to delete</summary>",
    );
    expect(result.stdout).toMatch(
      /\| ~ update \| `ELB ListenerRule` `image-classifier` \| `actions\.0\.forward\.targetGroups\[arn=targetgroup\/image-classifier-1-4-0-[0-9a-f]{6}\]\.weight` `50` → `20`<br>/,
    );
    // Values inside JSON documents (a registry item) are compared inside.
    expect(result.stdout).toContain(
      "| ~ update | `DynamoDB TableItem` `image-classifier-v1-4-0` | `item.traffic.N` `50` → `20` |",
    );
  });

  it("shows a port change as a rolling update of the pods, replacing nothing", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    const older = join(dir, "older.yaml");
    cpSync(join(dir, "models.yaml"), older);
    editCatalogue(
      dir,
      '    env: { SCORE_THRESHOLD: "0.85" }',
      '    env: { SCORE_THRESHOLD: "0.85" }\n    port: 9090',
    );
    const result = await maas(["diff", "--base", older, "--stack", "dev"], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Base: catalogue `" + older + "`");
    expect(result.stdout).toContain("**`fraud-scorer`**\n\n- 3.2.1: port `8080` → `9090`\n");
    // The target group's port is a constant and the policies name the port: only the pods change.
    expect(result.stdout).toContain(
      "<summary>0 to add, 2 to update, 0 to replace, 0 to delete</summary>",
    );
    expect(result.stdout).toContain(
      "| ~ update | `Kubernetes Deployment` `fraud-scorer-v3-2-1` | `spec.template.spec.containers[name=server].env[name=PORT].value` `8080` → `9090`<br>`spec.template.spec.containers[name=server].ports[name=http].containerPort` `8080` → `9090` |",
    );
  });

  it("plans the base with the base's own program: a change to components/ shows (here: protection dropped)", async () => {
    const dir = projectRepository();
    editFile(
      dir,
      "components/registry.ts",
      "      protect: args.protect,\n      retainOnDelete: args.protect,",
      "      protect: false,\n      retainOnDelete: args.protect,",
    );
    // A temporary directory of its own, to see what the base's process leaves there.
    const tmp = mkdtempSync(join(tmpdir(), "maas-tmpdir-"));
    let result: Awaited<ReturnType<typeof maas>>;
    try {
      result = await withEnv({ TMPDIR: tmp }, () =>
        maas(["diff", "--base", "HEAD", "--stack", "prod"], { cwd: dir }),
      );
      // The checkout's maas compiles without tsx's cache (a checkout's path never comes back):
      // its process added nothing to it (the head, a small stack, was planned in this process).
      // The working tree's maas, at a path of its own as well, writes there.
      const tsxCache = join(tmp, `tsx-${process.getuid!()}`);
      const cached = () =>
        existsSync(tsxCache)
          ? readdirSync(tsxCache).map((name) => readFileSync(join(tsxCache, name), "utf8"))
          : [];
      expect(cached().filter((entry) => entry.includes(join(tmp, "maas-base-")))).toEqual([]);
      const control = spawnSync(process.execPath, [join(dir, "bin", "maas.js"), "validate"], {
        cwd: dir,
        env: { ...process.env, TMPDIR: tmp },
      });
      expect(control.status).toBe(0);
      expect(cached().some((entry) => entry.includes(dir))).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '- ⛔ **refused** `RULES-21/protection` the head breaks a rule: `Key registry-key`: is not protected in production. Fix: Set maas:protect: "true" on production stacks.',
    );
    expect(result.stdout).toContain(
      "- ⚠️ **check** protection turned off: `DynamoDB Table registry-versions`, `KMS Key registry-key`, `S3 Bucket registry-artifacts`: pulumi up and destroy can now delete them.",
    );
    expect(result.stdout).toContain(
      "| ~ update | `KMS Key` `registry-key` | `options.protect` `true` → (none) |",
    );
  });

  it("reads a scoped base's build contexts where the base's own program would: it shows what --no-scope shows", async () => {
    const dir = projectRepository();
    // A mode git does not keep: the base's checkout has its own, so the image's digest differs.
    chmodSync(join(dir, "server", "app.py"), 0o600);
    editCatalogue(dir, 'SCORE_THRESHOLD: "0.85"', 'SCORE_THRESHOLD: "0.9"');
    const scoped = await maas(["diff", "--base", "HEAD", "--stack", "dev"], { cwd: dir });
    const full = await maas(["diff", "--base", "HEAD", "--stack", "dev", "--no-scope"], {
      cwd: dir,
    });
    expect(scoped.stdout).toMatch(/^Scoped review: .*`dev`: `fraud-scorer`, `image-classifier`\./m);
    const changes = (text: string) =>
      text.split("\n").filter((line) => /^\| [~+-] /.test(line) || /to add, /.test(line));
    expect(changes(scoped.stdout)).toEqual(changes(full.stdout));
    expect(changes(scoped.stdout)).toContainEqual(
      expect.stringMatching(
        /^\| ~ update \| 2 × `Kubernetes Deployment`: `image-classifier-v1-4-0`/,
      ),
    );
  });

  it("refuses a catalogue file as base for stacks that read different catalogues: it stands in for one", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    const older = join(dir, "older.yaml");
    cpSync(join(dir, "models.yaml"), older);
    cpSync(join(dir, "models.yaml"), join(dir, "models-prod.yaml"));
    editFile(
      dir,
      "Pulumi.prod.yaml",
      "maas:catalogue: models.yaml",
      "maas:catalogue: models-prod.yaml",
    );
    const both = await maas(["diff", "--base", older], { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toBe(
      `maas diff: --base ${older} stands in for one catalogue, but these stacks read different ones: dev (models.yaml), prod (models-prod.yaml); review the stacks of one catalogue at a time (--stack)\n`,
    );
    const one = await maas(["diff", "--base", older, "--stack", "prod"], { cwd: dir });
    expect(one.status).toBe(0);
  });

  it("refuses a base that names both a file and a commit, and a catalogue outside the project against a ref", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    spawnSync("git", ["tag", "release"], { cwd: dir });
    writeFileSync(join(dir, "release"), "apiVersion: maas/v1\n");
    const ambiguous = await maas(["diff", "--base", "release"], { cwd: dir });
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toBe(
      "maas diff: --base release names both a file and a git commit: write ./release for the file, or the commit id (or refs/…) for the ref\n",
    );
    const outside = join(mkdtempSync(join(tmpdir(), "maas-outside-")), "models.yaml");
    cpSync(join(dir, "models.yaml"), outside);
    const same = await maas(["diff", "--base", "HEAD", "--catalogue", outside], { cwd: dir });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain("is outside the project: both sides would read the same file");
  });

  it("says plainly that a catalogue file as base compares no stack config", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    const older = join(dir, "older.yaml");
    cpSync(join(dir, "models.yaml"), older);
    const same = await maas(["diff", "--base", older, "--stack", "dev"], { cwd: dir });
    expect(same.stdout).toContain(
      "Base: catalogue `" +
        older +
        "` (stack config and program: the working tree's on both sides, not compared) · Head: working tree",
    );
    expect(same.stdout).toContain(
      "Not planned, as this change does not touch them: `dev` (only the catalogue changed, and not what it resolves to).",
    );
    // Only the catalogue can differ, so a review against a file is scoped as one against a ref.
    editCatalogue(dir, `env: { SCORE_THRESHOLD: "0.85" }`, `env: { SCORE_THRESHOLD: "0.9" }`);
    const edited = await maas(["diff", "--base", older, "--stack", "dev"], { cwd: dir });
    expect(edited.stdout).toContain(
      "(stack config and program: the working tree's on both sides, not compared)",
    );
    expect(edited.stdout).toMatch(/^Scoped review: .*`dev`: `fraud-scorer`\./m);
  });

  it("plans an older catalogue kept outside the project as the project's catalogue: build contexts from the project", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    const older = join(mkdtempSync(join(tmpdir(), "maas-older-")), "models.yaml");
    cpSync(join(dir, "models.yaml"), older);
    editCatalogue(
      dir,
      '    env: { SCORE_THRESHOLD: "0.85" }',
      '    env: { SCORE_THRESHOLD: "0.85" }\n    port: 9090',
    );
    // The catalogue names ./server as a build context, which the directory it was saved in lacks.
    expect(readFileSync(older, "utf8")).toContain("context: ./server");
    const result = await maas(["diff", "--base", older, "--stack", "dev"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("**`fraud-scorer`**\n\n- 3.2.1: port `8080` → `9090`\n");
    // Its problems name the file itself, at its lines.
    writeFileSync(older, "apiVersion: maas/v1\nmodels:\n  x: { owner: t, bad: 1 }\n");
    const broken = await maas(["diff", "--base", older, "--stack", "dev"], { cwd: dir });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`dev: base: ${older}:3:`);
    expect(broken.stdout).toContain('models.x.bad: unknown key "bad"');
  });

  it("reviews every stack without --stack, as the pull request's review does", async () => {
    const dir = projectRepository(undefined, { program: "linked" });
    editCatalogue(
      dir,
      '"1.4.0": { traffic: 50 }, "1.5.0": { traffic: 50 }',
      '"1.4.0": { traffic: 20 }, "1.5.0": { traffic: 80 }',
    );
    const result = await maas(["diff", "--base", "HEAD", "--summary"], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("## maas diff: `dev` (environment `dev`)");
    // The edit is dev's environment's: prod resolves as before, so it is named, not planned.
    expect(result.stdout).toContain("Not planned, as this change does not touch them: `prod` (");
  });

  it("refuses a base that is neither a file nor a commit, with a usage error", async () => {
    const result = await maas(["diff", "--base", "no-such-ref-or-file"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "maas diff: --base no-such-ref-or-file: neither a catalogue file nor a git commit\n",
    );
  });
});
