/**
 * Base plans kept by content (plan/plan-cache.ts): the key changes with anything a plan depends
 * on and nothing else, entries are whole or absent, and the cache keeps the entries used last.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { basePlanKey, planCacheDir, readCachedPlan, writeCachedPlan } from "../../plan/plan-cache";
import { inDir } from "../helpers/cli";

function repository(): { dir: string; commit: (file: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), "maas-plan-cache-repo-"));
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    }).stdout.trim();
  git("init", "-q");
  return {
    dir,
    commit: (file, text) => {
      writeFileSync(join(dir, file), text);
      git("add", ".");
      git("commit", "-q", "--allow-empty", "-m", file);
      return git("rev-parse", "HEAD");
    },
  };
}

describe("the plan cache's key", () => {
  it("is the base's tree, the stack and the overrides: the same content, the same key", () => {
    const { dir, commit } = repository();
    const first = commit("models.yaml", "models: {}\n");
    const docs = commit("NOTES.txt", "notes\n");
    // The file removed again: the first commit's tree, so its key (another commit, same content).
    spawnSync("git", ["rm", "-q", "NOTES.txt"], { cwd: dir });
    const back = commit("models.yaml", "models: {}\n");
    const keys = inDir(dir, () => ({
      first: basePlanKey(first, "dev", {}),
      again: basePlanKey(first, "dev", {}),
      docs: basePlanKey(docs, "dev", {}),
      prod: basePlanKey(first, "prod", {}),
      config: basePlanKey(first, "dev", { config: { "maas:protect": "true" } }),
      catalogue: basePlanKey(first, "dev", { catalogue: "other.yaml" }),
      none: basePlanKey("no-such-ref", "dev", {}),
      back: basePlanKey(back, "dev", {}),
    }));
    expect(keys.first).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.again).toBe(keys.first);
    // Any file of the project is part of the key: the key does not guess what a plan reads.
    expect(keys.docs).not.toBe(keys.first);
    expect(new Set([keys.first, keys.prod, keys.config, keys.catalogue]).size).toBe(4);
    expect(keys.none).toBeUndefined();
    expect(back).not.toBe(first);
    expect(keys.back).toBe(keys.first);
  });
});

describe("the plan cache", () => {
  it("lives in MAAS_PLAN_CACHE, else under node_modules/.cache; off keeps nothing", () => {
    expect(planCacheDir({ MAAS_PLAN_CACHE: "/tmp/plans" }, "/project")).toBe("/tmp/plans");
    expect(planCacheDir({}, "/project")).toBe("/project/node_modules/.cache/maas/plans");
    expect(planCacheDir({ MAAS_PLAN_CACHE: "off" }, "/project")).toBeUndefined();
  });

  it("gives back what it kept, and keeps the 64 entries used last", () => {
    const dir = mkdtempSync(join(tmpdir(), "maas-plan-cache-"));
    const key = (n: number) => n.toString(16).padStart(64, "0");
    expect(readCachedPlan(dir, key(1))).toBeUndefined();
    for (let n = 0; n < 70; n += 1) writeCachedPlan(dir, key(n), `{"n":${n}}`);
    expect(readCachedPlan(dir, key(69))).toBe('{"n":69}');
    const kept = readdirSync(dir);
    expect(kept).toHaveLength(64);
    expect(kept.every((name) => /^[0-9a-f]{64}\.json$/.test(name))).toBe(true);
  });

  it("is no error when it cannot be written", () => {
    const file = join(mkdtempSync(join(tmpdir(), "maas-plan-cache-")), "a-file");
    writeFileSync(file, "");
    expect(() => writeCachedPlan(join(file, "plans"), "a".repeat(64), "{}")).not.toThrow();
  });
});
