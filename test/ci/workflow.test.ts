/**
 * The GitHub Actions workflow is valid by GitHub's own workflow parser (@actions/workflow-parser)
 * and runs what the README promises: the tests on Node 20, 22, 24, and the infra diff on
 * pull requests with only the permissions it needs.
 */
import { readFileSync } from "node:fs";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const FILE = ".github/workflows/maas.yml";

describe("GitHub Actions workflow", () => {
  it("parses and converts without errors", async () => {
    const content = readFileSync(FILE, "utf8");
    const result = parseWorkflow({ name: FILE, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((job) => job.id.value)).toEqual(["test", "plan-diff"]);
  });

  it("is checked by a parser that does find mistakes", () => {
    const content = readFileSync(FILE, "utf8").replace(
      "runs-on: ubuntu-latest",
      "runs_on: ubuntu-latest",
    );
    const result = parseWorkflow({ name: FILE, content }, new NoOperationTraceWriter());
    expect(
      result.context.errors
        .getErrors()
        .map((error) => error.message)
        .join("\n"),
    ).toMatch(/runs_on/);
  });

  it("tests on every supported Node and posts the dev and prod diff on pull requests with least privilege", () => {
    const workflow = parse(readFileSync(FILE, "utf8"));
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.test.strategy.matrix.node).toEqual([20, 22, 24]);
    expect(workflow.jobs.test.steps.map((step: any) => step.run).filter(Boolean)).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run typecheck",
      "npm run lint",
      "npm test",
    ]);
    const diff = workflow.jobs["plan-diff"];
    expect(diff.if).toBe("github.event_name == 'pull_request'");
    expect(diff.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const script = diff.steps.map((step: any) => step.run ?? "").join("\n");
    expect(script).toContain("npx maas validate");
    expect(script).toContain('npx maas diff --base "origin/${BASE_REF}" --stack "$stack"');
    // Untrusted event fields reach the shell through env, never interpolated into the script.
    expect(script).not.toContain("${{");
  });
});
