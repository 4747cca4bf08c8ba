/**
 * The split catalogue the benchmarks plan: N models of three served versions, 100 models per
 * shard stack and 33 per load balancer (quotas.ts), on one base stack `base` (shards s0, s1, …).
 * As a bare project whose Pulumi.yaml points at this program (bench/sharded-plan.ts), or as a git
 * repository holding the program's sources too, as a pull request's repository does, so that
 * `maas diff --base <ref>` can run the base's own program (bench/review.ts).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";

export const MODELS_PER_SHARD = 100;
const MODELS_PER_LOAD_BALANCER = 33;
const ROOT = resolve(__dirname, "..");

/** A stack file's config that plans offline (placeholder account, VPC and cluster). */
export const STACK_CONFIG = {
  "aws:region": "eu-west-1",
  "maas:environment": "prod",
  "maas:kubeContext": "bench",
  "maas:vpcCidr": "10.0.0.0/16",
  "maas:oidcProviderArn":
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/BENCH",
  "maas:vpcId": "vpc-0123456789abcdef0",
  "maas:subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
};

/** An edit of the catalogue, as a pull request makes it. */
export interface CatalogueEdit {
  /** These models' weights: 80 / 20 instead of 90 / 10. */
  traffic?: number[];
  /** Every model's memory, through `defaults:` (1Gi otherwise). */
  memory?: string;
}

/** The catalogue's text: `models` models, each in shard s<index / 100>, with `edit` made. */
export function shardedCatalogue(
  models: number,
  shards: string[],
  edit: CatalogueEdit = {},
): string {
  const shifted = new Set(edit.traffic ?? []);
  const entries = Array.from({ length: models }, (_, index): [string, object] => [
    `model-${index}`,
    {
      owner: `team-${index % 7}`,
      shard: shards[Math.floor(index / MODELS_PER_SHARD)],
      routing: {
        priority: (index % MODELS_PER_LOAD_BALANCER) + 1,
        loadBalancer: `lb-${Math.floor(index / MODELS_PER_LOAD_BALANCER)}`,
      },
      image: `registry.example.com/model-${index}:1.0.0`,
      versions: {
        "1.0.0": { traffic: shifted.has(index) ? 80 : 90 },
        "1.1.0": {
          traffic: shifted.has(index) ? 20 : 10,
          image: `registry.example.com/model-${index}:1.1.0`,
        },
        "0.9.0": { traffic: 0, image: `registry.example.com/model-${index}:0.9.0` },
      },
    },
  ]);
  return stringify({
    apiVersion: "maas/v1",
    defaults: { resources: { cpu: "500m", memory: edit.memory ?? "1Gi" } },
    models: Object.fromEntries(entries),
    environments: { prod: {} },
  });
}

/**
 * A project with the catalogue of `models` models, its base stack and its shard stacks. With
 * `program`, a git repository (one commit) holding that program's sources (git's files of the
 * directory, without its tests, docs, benchmarks and example data) and linking its node_modules;
 * otherwise a directory whose Pulumi.yaml runs this program where it is.
 */
export function shardedProject(
  models: number,
  options: { program?: string } = {},
): { dir: string; shards: string[] } {
  const dir = mkdtempSync(join(tmpdir(), `maas-bench-sharded-${models}-`));
  const shards = Array.from({ length: Math.ceil(models / MODELS_PER_SHARD) }, (_, i) => `s${i}`);
  const { program } = options;
  if (program === undefined)
    writeFileSync(join(dir, "Pulumi.yaml"), `name: maas\nmain: ${ROOT}\nruntime: nodejs\n`);
  else copyProgram(program, dir);
  writeFileSync(
    join(dir, "Pulumi.base.yaml"),
    stringify({ config: { ...STACK_CONFIG, "maas:shards": shards } }),
  );
  for (const shard of shards)
    writeFileSync(
      join(dir, `Pulumi.${shard}.yaml`),
      stringify({ config: { ...STACK_CONFIG, "maas:shard": shard, "maas:baseStack": "base" } }),
    );
  writeFileSync(join(dir, "models.yaml"), shardedCatalogue(models, shards));
  if (program !== undefined) {
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
  }
  return { dir, shards };
}

function git(dir: string, ...args: string[]): string {
  const result = spawnSync(
    "git",
    ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args],
    { cwd: dir, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The program's sources (as test/helpers/repository.ts copies them) and its node_modules, linked. */
function copyProgram(program: string, dir: string): void {
  const files = git(program, "ls-files", "--cached", "--others", "--exclude-standard")
    .split("\n")
    .filter(
      (file) =>
        file &&
        !/^(test|models|bench|docs|\.github)\//.test(file) &&
        !/^(models\.yaml|Pulumi\.[^/]+\.yaml)$/.test(file) &&
        existsSync(join(program, file)),
    );
  for (const file of files) cpSync(join(program, file), join(dir, file), { recursive: true });
  symlinkSync(join(program, "node_modules"), join(dir, "node_modules"), "dir");
}

/** Writes the catalogue with `edit` made into the working tree (uncommitted, as a pull request's head). */
export function editCatalogue(
  project: { dir: string; shards: string[] },
  models: number,
  edit: CatalogueEdit,
): void {
  writeFileSync(join(project.dir, "models.yaml"), shardedCatalogue(models, project.shards, edit));
}
