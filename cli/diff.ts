/**
 * `maas diff`: the Markdown a pull request shows. Plans the stack twice — base (a git ref, or a
 * catalogue file) and head (the working tree) — with the current program, and compares.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markdownDiff } from "../plan/markdown-diff";
import { runPlan } from "../plan/run";
import { transition } from "../plan/transition";
import { judgeTransition } from "../plan/transition-rules";
import type { PlanOptions, PlanResult } from "../plan/run";
import { parseConfigPairs } from "./plan";

export interface DiffCommandOptions {
  base: string;
  stack: string;
  catalogue?: string;
  config?: string[];
}

function git(args: string[], input?: Buffer): { ok: boolean; stdout: Buffer; stderr: string } {
  const result = spawnSync("git", args, {
    maxBuffer: 512 * 1024 * 1024,
    ...(input ? { input } : {}),
  });
  return {
    ok: result.status === 0,
    stdout: result.stdout ?? Buffer.alloc(0),
    stderr: result.stderr?.toString() ?? "",
  };
}

/** The project as it is at `ref`, extracted to a temporary directory (git archive). */
function checkoutAt(ref: string): { projectDir: string; cleanup: () => void } | string {
  if (!git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).ok)
    return `--base ${ref}: neither a catalogue file nor a git commit`;
  const prefix = git(["rev-parse", "--show-prefix"]).stdout.toString().trim();
  const archive = git(["archive", "--format=tar", ref, ...(prefix ? [prefix] : [])]);
  if (!archive.ok) return `--base ${ref}: git archive failed: ${archive.stderr.trim()}`;
  const root = mkdtempSync(join(tmpdir(), "maas-base-"));
  // Modes as a checkout here would have them (git archive writes 0664; the umask applies, as
  // it does to the working tree): build digests hash modes, as docker-build does.
  const extract = spawnSync("tar", ["-x", "--no-same-permissions", "-C", root], {
    input: archive.stdout,
  });
  if (extract.status !== 0)
    return `--base ${ref}: cannot extract the archive: ${extract.stderr?.toString().trim()}`;
  return {
    projectDir: join(root, prefix),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function problemsOf(side: string, result: PlanResult): number {
  if (result.ok) return 0;
  for (const problem of result.problems) process.stdout.write(`${side}: ${problem}\n`);
  return 1;
}

export async function runDiffCommand(options: DiffCommandOptions): Promise<number> {
  const config = parseConfigPairs(options.config ?? []);
  if (typeof config === "string") {
    process.stderr.write(`maas diff: ${config}\n`);
    return 2;
  }
  const common: PlanOptions = {
    stack: options.stack,
    config,
    ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
  };
  const baseIsFile = existsSync(options.base) && statSync(options.base).isFile();
  const checkout = baseIsFile ? undefined : checkoutAt(options.base);
  if (typeof checkout === "string") {
    process.stderr.write(`maas diff: ${checkout}\n`);
    return 2;
  }
  try {
    const base = await runPlan(
      baseIsFile
        ? { ...common, catalogue: options.base }
        : { ...common, projectDir: checkout!.projectDir },
    );
    const head = await runPlan(common);
    const failed = problemsOf("base", base) + problemsOf("head", head);
    if (failed > 0 || !base.ok || !head.ok) {
      process.stderr.write("maas diff: a side does not plan; fix its problems first\n");
      return 1;
    }
    const baseLabel = baseIsFile ? `catalogue \`${options.base}\`` : `\`${options.base}\``;
    const findings = judgeTransition(transition(base.plan.resources, head.plan.resources));
    process.stdout.write(
      markdownDiff(
        { label: baseLabel, plan: base.plan, catalogue: base.catalogue },
        { label: "working tree", plan: head.plan, catalogue: head.catalogue },
        findings,
      ),
    );
    const refused = findings.filter((finding) => finding.severity === "refuse").length;
    if (refused > 0) {
      process.stderr.write(
        `maas diff: ${refused} change(s) of the way from base to head are refused (see "The way from base to head")\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    checkout?.cleanup();
  }
}
