/**
 * `maas rollout` as a person or a CI job uses it: the stack's settings and catalogue from the
 * project, the world through ports (here the fake one of test/helpers/rollout-world.ts, so no
 * AWS and no Pulumi CLI), progress as timed lines, the step table in the job summary, exit codes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDuration, progressLine, runRollout } from "../../cli/rollout";
import type { PortsFactory, RolloutCommandOptions, RolloutVerb } from "../../cli/rollout";
import { copyTestProject, planOf } from "../helpers/plan";
import { maas } from "../helpers/cli";
import { FakeWorld } from "../helpers/rollout-world";

const POLICY = "    rollout: { canary: 10, bakeMinutes: 10 }";

let project: string;
let world: FakeWorld | undefined;
const previous = process.cwd();

beforeEach(() => {
  project = copyTestProject();
  const file = join(project, "models.yaml");
  // image-classifier gets a policy; dev's overlay moves it from 1.4.0 to 1.5.0.
  writeFileSync(
    file,
    readFileSync(file, "utf8")
      .replace("    owner: vision-team\n", `    owner: vision-team\n${POLICY}\n`)
      .replace(
        'versions: { "1.4.0": { traffic: 50 }, "1.5.0": { traffic: 50 } }',
        'versions: { "1.4.0": { traffic: 0 }, "1.5.0": { traffic: 100 } }',
      ),
  );
  world = undefined;
});
afterEach(() => process.chdir(previous));

/** The fake world for the stack's own catalogue, image-classifier serving 1.4.0 only. */
const fakePorts: PortsFactory = (context, io) => {
  world ??= new FakeWorld(context.catalogue.models, {
    "image-classifier": { "1.4.0": 100, "1.5.0": 0 },
    "fraud-scorer": { "3.2.1": 100 },
    "text-embedder": { "1.9.2": 0, "2.0.0": 100 },
  });
  const ports = world.ports();
  return Promise.resolve({
    ...ports,
    log: { line: (model, text) => io.stdout.write(progressLine(ports.clock.now(), model, text)) },
  });
};

async function rollout(
  verb: RolloutVerb,
  model: string | undefined,
  options: Partial<RolloutCommandOptions> = {},
  env: Record<string, string> = {},
) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  process.chdir(project);
  const status = await runRollout(
    verb,
    model,
    { stack: "dev", ...options },
    {
      stdout: { write: (t: string) => stdout.push(t) },
      stderr: { write: (t: string) => stderr.push(t) },
      env,
    },
    fakePorts,
  );
  process.chdir(previous);
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

describe("maas rollout", () => {
  it("runs a merge: step 0, then every step with its verdicts, one timed line per event, and the job summary", async () => {
    const summary = join(mkdtempSync(join(tmpdir(), "maas-summary-")), "summary.md");
    const result = await rollout(
      "run",
      undefined,
      { commit: "abc123", for: "5h" },
      {
        GITHUB_STEP_SUMMARY: summary,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.every((line) => /^2026-12-01T\d\d:\d\d:\d\dZ /.test(line))).toBe(true);
    expect(result.stdout).toContain("image-classifier: rollout 2026-12-01T10:00:00.000Z/1.5.0/");
    expect(result.stdout).toContain("step 0: pulumi up of the whole stack");
    expect(result.stdout).toContain("image-classifier: step 1/2: 1.4.0 90%, 1.5.0 10%");
    expect(result.stdout).toMatch(/image-classifier: step 1\/2 \(10%\): pass: error rate 0% /);
    expect(result.stdout).toContain("image-classifier: completed: 1.5.0 100%");
    expect(world!.record("image-classifier").commit).toBe("abc123");
    const table = readFileSync(summary, "utf8");
    expect(table).toContain("## maas rollout");
    expect(table).toContain("**image-classifier**: rollout of 1.5.0, completed");
    expect(table).toMatch(/\| 1\/2 \| 1\.4\.0 90%, 1\.5\.0 10% \| .* \| passed \|/);
  });

  it("prints each record with status, and the records as JSON that maas plan reads as pulumi up would", async () => {
    await rollout("run", undefined, { for: "25m" });
    const status = await rollout("status", "image-classifier");
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      /^image-classifier: rollout \S+ running\n {2}1\.5\.0: 0% -> 10% -> 100%; step 1 of 2\n {2}weights held: 1\.4\.0 90%, 1\.5\.0 10%; baseline: 1\.4\.0 100%\n/,
    );
    const json = await rollout("status", undefined, { json: true });
    const file = join(mkdtempSync(join(tmpdir(), "maas-records-")), "records.json");
    writeFileSync(file, json.stdout);
    const records = JSON.parse(json.stdout) as unknown[];
    // Only the model that changed has a record: the others never rolled.
    expect(records).toHaveLength(1);
    const plan = await planOf({
      projectDir: project,
      rolloutRecords: records,
    });
    const rule = plan.inputs(
      "aws:lb/listenerRule:ListenerRule",
      "image-classifier",
      "maas:routing:ModelTraffic",
    );
    expect(rule.actions[0].forward.targetGroups.map((g: { weight: number }) => g.weight)).toEqual([
      90, 10,
    ]);
    // The same file on the command line.
    const cli = await maas(["plan", "--stack", "dev", "--rollout-records", file, "--summary"], {
      cwd: project,
    });
    expect(cli.status).toBe(0);
    // Lines fit 80 columns: read the words across them.
    expect(cli.stdout.replace(/\s+/g, " ")).toMatch(
      /rollout: image-classifier: rollout \S+ is running at step 1 of 2; pinned route to 1\.5\.0/,
    );
  });

  it("pauses, resumes, promotes and aborts one model's rollout", async () => {
    await rollout("run", undefined, { for: "25m" });
    expect((await rollout("pause", "image-classifier", { reason: "a look" })).status).toBe(0);
    expect(world!.record("image-classifier")).toMatchObject({ status: "paused", reason: "a look" });
    const resumedTwice = await rollout("resume", "image-classifier");
    expect(resumedTwice.status).toBe(0);
    expect(world!.record("image-classifier").status).toBe("running");
    expect((await rollout("promote", "image-classifier")).status).toBe(0);
    expect(world!.record("image-classifier").step).toBe(2);
    expect((await rollout("abort", "image-classifier", { reason: "pager" })).status).toBe(0);
    expect(world!.record("image-classifier")).toMatchObject({ status: "aborted", reason: "pager" });
    expect(world!.live.get("image-classifier")).toEqual({ "1.4.0": 100, "1.5.0": 0 });
    const again = await rollout("abort", "image-classifier", { reason: "again" });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      /is aborted; nothing to abort\. To roll back, lower the version's traffic/,
    );
  });

  it("refuses a verb without its model, a duration it cannot read, and a model the stack does not deploy", async () => {
    expect((await rollout("promote", undefined)).stderr).toBe(
      "maas rollout promote: name the model (maas rollout promote <model> --stack <stack>)\n",
    );
    expect((await rollout("drive", undefined, { for: "soon" })).status).toBe(2);
    const unknown = await rollout("pause", "nope");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /^model nope: stack dev does not deploy it \(its models: fraud-scorer, image-classifier, text-embedder\)/,
    );
  });

  it("is a command of maas: an unknown verb is a usage error, and --stack is required", async () => {
    const verb = await maas(["rollout", "launch", "--stack", "dev"]);
    expect(verb.status).toBe(2);
    expect(verb.stderr).toMatch(
      /maas rollout launch: unknown verb; one of run, drive, status, pause, resume, promote, abort/,
    );
    expect((await maas(["rollout", "status"])).status).toBe(2);
  });

  it("reads durations as a CI job writes them", () => {
    expect([parseDuration("50m"), parseDuration("2h"), parseDuration("90s")]).toEqual([
      3_000_000, 7_200_000, 90_000,
    ]);
    expect([parseDuration("0m"), parseDuration("1d"), parseDuration("m")]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
