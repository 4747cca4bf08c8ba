/**
 * The base of a diff as its own project: extracted at the ref, with the working tree's
 * dependencies when the lockfiles agree, or its own, installed once per lockfile otherwise.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkoutAt, dependencyCache } from "../../plan/base-checkout";

let repo: string;
let previous: string;

function git(...args: string[]): void {
  const result = spawnSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args],
    { cwd: repo, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(result.stderr);
}

beforeEach(() => {
  repo = realpathSync(mkdtempSync(join(tmpdir(), "maas-checkout-")));
  writeFileSync(join(repo, "package.json"), '{"name":"p"}\n');
  writeFileSync(join(repo, "package-lock.json"), '{"lockfileVersion":3,"v":1}\n');
  writeFileSync(join(repo, "Pulumi.yaml"), "name: p\n");
  mkdirSync(join(repo, "node_modules"));
  git("init", "-q");
  git("add", "package.json", "package-lock.json", "Pulumi.yaml");
  git("commit", "-q", "-m", "base");
  previous = process.cwd();
  process.chdir(repo);
});

afterEach(() => process.chdir(previous));

describe("base checkout", () => {
  it("reuses the working tree's dependencies when the lockfiles are the same", () => {
    const log: string[] = [];
    const checkout = checkoutAt("HEAD", repo, {
      cacheRoot: join(repo, "cache"),
      install: () => {
        throw new Error("must not install");
      },
      log: (line) => log.push(line),
    });
    if (typeof checkout === "string") throw new Error(checkout);
    expect(readlinkSync(join(checkout.projectDir, "node_modules"))).toBe(
      join(repo, "node_modules"),
    );
    expect(existsSync(join(checkout.projectDir, "Pulumi.yaml"))).toBe(true);
    expect(log).toEqual([]);
    checkout.cleanup();
    expect(existsSync(checkout.projectDir)).toBe(false);
  });

  it("installs the base's own dependencies once per lockfile when they differ, and says so", () => {
    writeFileSync(join(repo, "package-lock.json"), '{"lockfileVersion":3,"v":2}\n');
    const installs: string[] = [];
    const install = (dir: string) => {
      installs.push(dir);
      mkdirSync(join(dir, "node_modules"));
      return { ok: true, output: "" };
    };
    const log: string[] = [];
    const options = { cacheRoot: join(repo, "cache"), install, log: (l: string) => log.push(l) };
    const first = checkoutAt("HEAD", repo, options);
    const second = checkoutAt("HEAD", repo, options);
    if (typeof first === "string" || typeof second === "string") throw new Error("no checkout");
    const cache = dependencyCache(
      join(repo, "cache"),
      Buffer.from('{"lockfileVersion":3,"v":1}\n'),
    );
    expect(installs).toEqual([cache]);
    expect(readlinkSync(join(first.projectDir, "node_modules"))).toBe(join(cache, "node_modules"));
    expect(log).toEqual([
      `maas diff: HEAD has another package-lock.json than the working tree: installing its dependencies into ${cache} (once per lockfile)`,
    ]);
    expect(second.dependencies).toBe(`its own, from ${cache}`);
  });

  it("reports a failed install instead of planning with the wrong dependencies", () => {
    writeFileSync(join(repo, "package-lock.json"), '{"lockfileVersion":3,"v":3}\n');
    const result = checkoutAt("HEAD", repo, {
      cacheRoot: join(repo, "cache"),
      install: () => ({ ok: false, output: "npm ERR! network" }),
      log: () => undefined,
    });
    expect(result).toBe("--base HEAD: npm ci of its package-lock.json failed:\nnpm ERR! network");
  });

  it("is not a commit: says so", () => {
    expect(checkoutAt("no-such-ref", repo, { cacheRoot: repo, log: () => undefined })).toBe(
      "--base no-such-ref: not a git commit",
    );
  });
});
