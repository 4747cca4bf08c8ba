/**
 * The pull-request diff: catalogue changes in models.yaml's terms, resource changes with
 * replacements called out, and `maas diff` end to end against a git ref and a catalogue file.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedCatalogue, ResolvedVersion } from "../../catalogue";
import { catalogueChanges } from "../../plan/catalogue-diff";
import { replacementCauses } from "../../plan/replacements";
import { maasProcess as maas } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";
import { resolvedVersion } from "../helpers/resolved";

const version = resolvedVersion;
const catalogue = (...versions: ResolvedVersion[]): ResolvedCatalogue => ({
  models: [
    {
      name: "m",
      owner: "team-a",
      shard: "main",
      routing: { priority: 7, loadBalancer: "main" },
      versions,
    },
  ],
});

describe("catalogue changes", () => {
  it("says what happened to each version in models.yaml's terms", () => {
    const before = catalogue(
      version({ version: "1.0.0", traffic: 90 }),
      version({ version: "0.9.0", traffic: 10 }),
      version({ version: "0.8.0", traffic: 0, status: "standby" }),
    );
    const after = catalogue(
      version({
        version: "1.0.0",
        traffic: 100,
        resources: { cpu: "1", memory: "1Gi", modelCache: "2Gi" },
        slo: { latencyP99Ms: 250, errorRatePercent: 1 },
      }),
      version({ version: "0.9.0", traffic: 0, status: "retired" }),
      version({
        version: "1.1.0",
        traffic: 0,
        status: "standby",
        autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilization: 70 },
      }),
    );
    expect(catalogueChanges(before, after)).toEqual([
      {
        model: "m",
        lines: [
          "1.1.0: added (standby, 0%), image `registry.example.com/model@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`",
          "0.8.0: removed from the catalogue (was standby, 0%); its registry item stays, saying standby",
          "1.0.0: traffic 90% → 100%",
          "1.0.0: resources `cpu 500m, memory 1Gi` → `cpu 1, memory 1Gi`",
          "1.0.0: SLO (alarm thresholds) `p99 300 ms, 5xx 1%` → `p99 250 ms, 5xx 1%`",
          "0.9.0: live, 10% → retired",
        ],
      },
    ]);
  });

  it("reports added and removed models", () => {
    expect(catalogueChanges(catalogue(version({})), { models: [] })).toEqual([
      {
        model: "m",
        lines: [
          "model removed: its workloads, routing and alarms are deleted; its registry items, images and repository stay in AWS",
        ],
      },
    ]);
    expect(catalogueChanges({ models: [] }, catalogue(version({})))[0]!.lines).toEqual([
      "model added (owner `team-a`): 1.0.0 live, 100%, image `registry.example.com/model@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`",
    ]);
  });
});

describe("replacements", () => {
  it("calls out changes to immutable fields, and only those", () => {
    expect(
      replacementCauses("aws:lb/targetGroup:TargetGroup", [
        "inputs.port",
        "inputs.healthCheck.path",
      ]),
    ).toEqual(["inputs.port"]);
    expect(
      replacementCauses("kubernetes:apps/v1:Deployment", [
        "inputs.spec.selector.matchLabels.maas/version",
        "inputs.spec.template.spec.containers.0.image",
      ]),
    ).toEqual(["inputs.spec.selector.matchLabels.maas/version"]);
    expect(replacementCauses("kubernetes:core/v1:Service", ["inputs.metadata.name"])).toEqual([
      "inputs.metadata.name",
    ]);
    expect(
      replacementCauses("aws:lb/listenerRule:ListenerRule", [
        "inputs.actions.0.forward.targetGroups.0.weight",
      ]),
    ).toEqual([]);
  });
});

const editCatalogue = (dir: string, from: string, to: string) =>
  editFile(dir, "models.yaml", from, to);

describe("maas diff", () => {
  it("shows a traffic shift against a git ref: the model's weights, its rule and its registry items", () => {
    const dir = projectRepository();
    editCatalogue(
      dir,
      '"1.4.0": { traffic: 50 }, "1.5.0": { traffic: 50 }',
      '"1.4.0": { traffic: 20 }, "1.5.0": { traffic: 80 }',
    );
    const result = maas(["diff", "--base", "HEAD"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "Base: `HEAD` (its own program, stack files and catalogue; dependencies: the working tree's (same package-lock.json)) · Head: working tree",
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
      /\| ~ update \| `ListenerRule` `image-classifier` \| `actions\.0\.forward\.targetGroups\[arn=targetgroup\/image-classifier-1-4-0-[0-9a-f]{6}\]\.weight` `50` → `20`<br>/,
    );
    // Values inside JSON documents (a registry item) are compared inside.
    expect(result.stdout).toContain(
      "| ~ update | `TableItem` `image-classifier-v1-4-0` | `item.traffic.N` `50` → `20` |",
    );
  });

  it("shows a port change as a rolling update of the pods, replacing nothing", () => {
    const dir = projectRepository();
    const older = join(dir, "older.yaml");
    cpSync(join(dir, "models.yaml"), older);
    editCatalogue(
      dir,
      '    env: { SCORE_THRESHOLD: "0.85" }',
      '    env: { SCORE_THRESHOLD: "0.85" }\n    port: 9090',
    );
    const result = maas(["diff", "--base", older], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Base: catalogue `" + older + "`");
    expect(result.stdout).toContain("**`fraud-scorer`**\n\n- 3.2.1: port `8080` → `9090`\n");
    // The target group's port is a constant and the policies name the port: only the pods change.
    expect(result.stdout).toContain(
      "<summary>0 to add, 2 to update, 0 to replace, 0 to delete</summary>",
    );
    expect(result.stdout).toContain(
      "| ~ update | `Deployment` `fraud-scorer-v3-2-1` | `spec.template.spec.containers[name=server].env[name=PORT].value` `8080` → `9090`<br>`spec.template.spec.containers[name=server].ports[name=http].containerPort` `8080` → `9090` |",
    );
  });

  it("plans the base with the base's own program: a change to components/ shows (here: protection dropped)", () => {
    const dir = projectRepository();
    editFile(
      dir,
      "components/registry.ts",
      "      protect: args.protect,\n      retainOnDelete: args.protect,",
      "      protect: false,\n      retainOnDelete: args.protect,",
    );
    const result = maas(["diff", "--base", "HEAD", "--stack", "prod"], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '- ⛔ **refused** `RULES-21/protection` the head breaks a rule: `Key registry-key`: is not protected in production. Fix: Set maas:protect: "true" on production stacks.',
    );
    expect(result.stdout).toContain(
      "- ⚠️ **check** protection turned off: `Table registry-versions`, `Key registry-key`, `Bucket registry-artifacts`: pulumi up and destroy can now delete them.",
    );
    expect(result.stdout).toContain(
      "| ~ update | `Key` `registry-key` | `options.protect` `true` → (none) |",
    );
  });

  it("refuses a base that names both a file and a commit, and a catalogue outside the project against a ref", () => {
    const dir = projectRepository();
    spawnSync("git", ["tag", "release"], { cwd: dir });
    writeFileSync(join(dir, "release"), "apiVersion: maas/v1\n");
    const ambiguous = maas(["diff", "--base", "release"], { cwd: dir });
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toBe(
      "maas diff: --base release names both a file and a git commit: write ./release for the file, or the commit id (or refs/…) for the ref\n",
    );
    const outside = join(mkdtempSync(join(tmpdir(), "maas-outside-")), "models.yaml");
    cpSync(join(dir, "models.yaml"), outside);
    const same = maas(["diff", "--base", "HEAD", "--catalogue", outside], { cwd: dir });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain("is outside the project: both sides would read the same file");
  });

  it("says plainly that a catalogue file as base compares no stack config", () => {
    const dir = projectRepository();
    const older = join(dir, "older.yaml");
    cpSync(join(dir, "models.yaml"), older);
    const result = maas(["diff", "--base", older], { cwd: dir });
    expect(result.stdout).toContain(
      "(stack config and program: the working tree's on both sides, not compared)",
    );
  });

  it("refuses a base that is neither a file nor a commit, with a usage error", () => {
    const result = maas(["diff", "--base", "no-such-ref-or-file"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "maas diff: --base no-such-ref-or-file: neither a catalogue file nor a git commit\n",
    );
  });
});
