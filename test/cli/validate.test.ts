/** `maas validate` and `maas schema` through the CLI's main(): exit codes and output format. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maas, PROJECT_ROOT } from "../helpers/cli";
import { TEST_PROJECT } from "../helpers/plan";

function catalogueFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "maas-cli-")), "models.yaml");
  writeFileSync(file, text);
  return file;
}

describe("maas validate", () => {
  it("exits 0 with a one-line summary on a valid catalogue", async () => {
    const result = await maas(["validate"], { cwd: TEST_PROJECT });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      "models.yaml: valid (base catalogue and environments dev, prod): 3 models, 6 versions (4 live, 1 standby, 1 retired)\n",
    );
    expect(result.status).toBe(0);
  });

  it("checks one environment with --environment", async () => {
    const result = await maas(["validate", "models.yaml", "--environment", "prod"], {
      cwd: TEST_PROJECT,
    });
    expect(result.stdout).toBe(
      "models.yaml: valid (environment prod): 3 models, 6 versions (4 live, 1 standby, 1 retired)\n",
    );
    expect(result.status).toBe(0);
  });

  it("exits 1 with one file:line:col: path: message [rule] line per problem, all of them", async () => {
    const file = catalogueFile(
      [
        "apiVersion: maas/v1",
        "models:",
        "  a:",
        "    owner: team-a",
        "    image: registry.example.com/a:latest",
        "    versions:",
        '      "1.0": { traffic: 70, replica: 2 }',
        "",
      ].join("\n"),
    );
    const result = await maas(["validate", file]);
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      `${file}:5:12: models.a.image: uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag [catalogue/image-pinned]`,
      `${file}:7:29: models.a.versions.1.0.replica: unknown key "replica"; allowed: autoscaling, build, env, gpu, healthCheck, image, port, resources, retired, rollout, slo, standby, traffic [catalogue/known-keys]`,
      `${file}:6:5: models.a.versions: traffic of the live and standby versions sums to 70 (1.0: 70); it must be exactly 100 [catalogue/weights-sum]`,
    ]);
    expect(result.stderr).toBe(`${file}: 3 problems\n`);
    expect(result.status).toBe(1);
  });

  it("exits 1 without a stack trace on a file that is not YAML at all", async () => {
    const file = catalogueFile("\u0000\u0001 {[ not yaml");
    const result = await maas(["validate", file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `${file}:1:1: (document): the catalogue must be a map with apiVersion and models, not a single value [catalogue/document-shape]\n`,
    );
    expect(result.stderr).toBe(`${file}: 1 problem\n`);
  });

  it("exits 1 naming the file when it does not exist", async () => {
    const result = await maas(["validate", "no-such.yaml"]);
    expect(result.stdout).toBe(
      "no-such.yaml:1:1: (file): cannot be read: no such file [catalogue/readable]\n",
    );
    expect(result.status).toBe(1);
  });

  it("exits 1 for an environment the catalogue does not declare", async () => {
    const result = await maas(["validate", "--environment", "staging"]);
    expect(result.stdout).toMatch(
      /^models\.yaml:\d+:1: environments: unknown environment "staging"; allowed: dev, prod/,
    );
    expect(result.status).toBe(1);
  });

  it("exits 2 on usage errors, saying what is wrong and where the usage is", async () => {
    for (const args of [
      ["validate", "--frobnicate"],
      ["frobnicate"],
      ["validate", "a.yaml", "b.yaml"],
    ]) {
      const result = await maas(args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^error: .*\n[^]*\(run with --help for usage\)\n$/);
    }
  });

  it("has --help on every command, exit 0", async () => {
    for (const args of [["--help"], ["validate", "--help"], ["schema", "--help"]]) {
      const result = await maas(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: maas/);
    }
  });
});

describe("maas schema", () => {
  it("prints the JSON Schema, identical to the committed models.schema.json", async () => {
    const result = await maas(["schema"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(PROJECT_ROOT, "models.schema.json"), "utf8"));
  });
});
