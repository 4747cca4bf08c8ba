/**
 * Git repositories holding a whole project, as a pull request's repository does: the program
 * (this repository's sources), a test project's stack files, catalogue and build context, and
 * node_modules (ignored by git, linked from here).
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./cli";
import { TEST_PROJECT } from "./plan";

/** The project files a test project brings: everything but its Pulumi.yaml (the program's). */
const projectFiles = (fixture: string) =>
  readdirSync(fixture).filter((file) => file !== "Pulumi.yaml");

/**
 * A repository of `fixture` with this repository's program. `program: "copied"` (the default)
 * commits a copy of it, as a pull request's repository holds its program: what a test of the
 * base's own program needs. `"linked"`: the copy is there too (its `maas`, for a base's process),
 * but the project's Pulumi.yaml points at this repository's program, as copyTestProject's does:
 * for reviews of catalogue and stack-file edits, where the program is the same on both sides. A
 * review in a vitest worker then loads no second copy of the program (a scoped review of the
 * test project 0.3-0.5 s instead of 0.8-1.2 s).
 */
export function projectRepository(
  fixture = TEST_PROJECT,
  { program = "copied" }: { program?: "copied" | "linked" } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), "maas-diff-"));
  const sources = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  })
    .stdout.split("\n")
    .filter(
      (file) =>
        file &&
        !/^(test|models|bench|docs|\.github)\//.test(file) &&
        !/^(models\.yaml|Pulumi\.[^/]+\.yaml)$/.test(file) &&
        existsSync(join(PROJECT_ROOT, file)),
    );
  for (const file of sources)
    cpSync(join(PROJECT_ROOT, file), join(dir, file), { recursive: true });
  for (const file of projectFiles(fixture))
    cpSync(join(fixture, file), join(dir, file), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  if (program === "linked") {
    const file = join(dir, "Pulumi.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8").trimEnd()}\nmain: ${PROJECT_ROOT}\n`);
  }
  git(dir, "init", "-q");
  commitAll(dir);
  return dir;
}

function git(dir: string, ...args: string[]): void {
  const result = spawnSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args],
    { cwd: dir, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(result.stderr);
}

/** Commits everything in the repository's working tree (a new base). */
export function commitAll(dir: string): void {
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
}

/** Edits a file of the repository in place; a missing `from` fails the test rather than editing nothing. */
export function editFile(dir: string, name: string, from: string, to: string): void {
  const file = join(dir, name);
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${name} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}
