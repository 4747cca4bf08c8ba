/**
 * `maas diff` over a split catalogue (test/fixtures/sharded: base `platform`, shards
 * `platform-vision` and `platform-risk`): only the stacks a catalogue edit touches are planned,
 * and a model moving between shards is shown with the state move it needs. Through the CLI's
 * main(); a stack planned in full has its base planned by its own program, in a process of its
 * own, and its head here (these stacks are small), a scoped one both sides here (vision has one
 * model, so an edit of it plans the shard in full).
 */
import { join } from "node:path";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { maas, PROJECT_ROOT, withEnv } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");
const STACKS = ["platform", "platform-vision", "platform-risk"];
const ALL = ["--stack", ...STACKS];

describe("maas diff over shards", () => {
  it("plans only the shards a catalogue edit touches, and says which it left out", async () => {
    const dir = projectRepository(SHARDED, { program: "linked" });
    editFile(dir, "models.yaml", "fraud-scorer:3.2.1", "fraud-scorer:3.2.2");
    const result = await maas(["diff", "--base", "HEAD", ...ALL, "--summary"], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("## maas diff: `platform-risk` (environment `prod`)\n");
    expect(result.stdout).toContain(
      "Not planned, as this change does not touch them: `platform` (only the catalogue changed, and not the load balancers its models use); `platform-vision` (only the catalogue changed, and no model of shard vision).",
    );
    expect(result.stdout).toContain(
      "- 3.2.1: image `ghcr.io/acme-risk/fraud-scorer:3.2.1` → `ghcr.io/acme-risk/fraud-scorer:3.2.2`",
    );
    // Shard risk's other model is not planned, and the base is the working tree's program with
    // the base's catalogue (only it differs), planned in this process like the head.
    expect(result.stdout).toContain("`platform-risk`: `fraud-scorer`.");
    expect(result.stdout).toContain("Base: `HEAD` (only its catalogue differs:");
  });

  // One comparison for two promises, each a run of processes less: the first review plans
  // side by side with no cached plan (the two stacks planned whole have their bases planned by
  // their own program, in processes at once), the second one after another (one slot) with the
  // base stack's base planned again, in a process, and the other two from the cache the first
  // filled. Either breaking makes the two read differently.
  it("reads the same with every plan side by side as one after another, and with the base's plans cached by content", async () => {
    const dir = projectRepository(SHARDED, { program: "linked" });
    editFile(dir, "models.yaml", '"1.4.0": { traffic: 90 }', '"1.4.0": { traffic: 80 }');
    editFile(dir, "models.yaml", '"1.5.0": { traffic: 10 }', '"1.5.0": { traffic: 20 }');
    editFile(dir, "models.yaml", "    shard: risk\n    routing", "    shard: vision\n    routing");
    // A load balancer of its own: the base stack, first of the three, is planned in full, its
    // base by its own program in a process, which ends after the scoped stack after it is
    // planned here.
    editFile(dir, "models.yaml", "{ loadBalancer: batch }", "{ loadBalancer: nightly }");
    const cache = mkdtempSync(join(tmpdir(), "maas-plan-cache-"));
    const review = (jobs: string) =>
      withEnv({ MAAS_PLAN_CACHE: cache }, () =>
        maas(["diff", "--base", "HEAD", "--all-stacks", "--jobs", jobs], { cwd: dir }),
      );
    const cached = () =>
      readdirSync(cache)
        .filter((name) => name.endsWith(".json"))
        .map((name) => ({
          file: join(cache, name),
          stack: (JSON.parse(readFileSync(join(cache, name), "utf8")) as { stack: string }).stack,
        }));
    try {
      const sideBySide = await review("4");
      expect(sideBySide.stderr).toBe("");
      expect(sideBySide.status).toBe(0);
      // The stacks in their order, whichever was planned first.
      const summaries = [...sideBySide.stdout.matchAll(/<summary>([a-z-]+) \(prod\): /g)];
      expect(summaries.map((match) => match[1])).toEqual([
        "platform",
        "platform-risk",
        "platform-vision",
      ]);
      expect(sideBySide.stdout).toContain("moves from stack `platform-risk` to `platform-vision`");
      // The base stack (a load balancer more) and vision (its one model touched) are planned in
      // full, the base by its own program; risk is scoped.
      expect(sideBySide.stdout).toMatch(
        /^Base: `platform`, `platform-vision`: `HEAD` \(its own program, [^)]*\)\); `platform-risk`: `HEAD` \(only its catalogue differs: [^)]*\) · Head: working tree$/m,
      );
      // The three bases' plans, kept by their content (which content makes which key:
      // test/plan/plan-cache.test.ts).
      expect(
        cached()
          .map((entry) => entry.stack)
          .sort(),
      ).toEqual(["platform", "platform-risk", "platform-vision"]);
      rmSync(cached().find((entry) => entry.stack === "platform")!.file);
      const oneAfterAnother = await review("1");
      expect(oneAfterAnother.stderr).toBe(
        ["platform-risk", "platform-vision"]
          .map(
            (stack) =>
              `maas diff: stack ${stack}: the base's plan from the plan cache (${cache})\n`,
          )
          .join(""),
      );
      expect(oneAfterAnother.status).toBe(sideBySide.status);
      expect(oneAfterAnother.stdout).toBe(sideBySide.stdout);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 240_000);

  it("says so when an edit touches no stack", async () => {
    const dir = projectRepository(SHARDED, { program: "linked" });
    editFile(
      dir,
      "models.yaml",
      "# The sharded test project",
      "# Edited: the sharded test project",
    );
    const result = await maas(["diff", "--base", "HEAD", ...ALL], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("## maas diff: no stack changes");
    expect(result.stdout).toContain(
      "`platform-vision` (only the catalogue changed, and no model of shard vision)",
    );
  });

  it("shows a model moving to a shard stack new in the change, with the state move to run first", async () => {
    const dir = projectRepository(SHARDED, { program: "linked" });
    editFile(
      dir,
      "Pulumi.platform.yaml",
      "maas:shards: [vision, risk]",
      "maas:shards: [vision, risk, batch]",
    );
    editFile(dir, "models.yaml", "    shard: risk\n    routing", "    shard: batch\n    routing");
    writeFileSync(
      join(dir, "Pulumi.platform-batch.yaml"),
      readFileSync(join(dir, "Pulumi.platform-risk.yaml"), "utf8").replace(
        "maas:shard: risk",
        "maas:shard: batch",
      ),
    );
    const result = await maas(
      ["diff", "--base", "HEAD", "--stack", "platform-risk", "platform-batch"],
      {
        cwd: dir,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "- ⚠️ **check** model `churn-predictor` moves from stack `platform-risk` to `platform-batch`.",
    );
    expect(result.stdout).toContain(
      "  pulumi state move --source platform-risk --dest platform-batch \\\n    'urn:pulumi:platform-risk::maas::maas:identity:ModelIdentity::churn-predictor' \\\n",
    );
    expect(result.stdout).toContain("- shard `risk` → `batch`");
    // After the move, the new stack adds its provider and snapshot, the old one rewrites its snapshot.
    expect(result.stdout).toMatch(
      /<summary>platform-risk \(prod\): 0 to add, 1 to update, 0 to replace, 0 to delete<\/summary>/,
    );
    expect(result.stdout).toMatch(
      /<summary>platform-batch \(prod\): [0-9]+ to add, [0-9]+ to update, 0 to replace, 0 to delete<\/summary>/,
    );
  });
});
