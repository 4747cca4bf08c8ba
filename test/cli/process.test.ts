/**
 * `maas` as a process, for what only a process shows: bin/maas.js turning main()'s result into
 * the exit code a shell sees, a Ctrl-C ending a run, and `--all-stacks` planning each stack in a
 * process of its own. Everything else runs main() in-process (test/cli/*.test.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import Module from "node:module";
import { tmpdir } from "node:os";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startChild } from "../../cli/child";
import { BIN, maas, maasProcess, PROJECT_ROOT } from "../helpers/cli";
import { copyTestProject, TEST_PROJECT } from "../helpers/plan";

/** The processes whose parent is `pid` (from /proc: no ps needed). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The parent pid is the second field after the command name, which is in parentheses.
        return (
          readFileSync(`/proc/${name}/stat`, "utf8")
            .replace(/^.*\) /s, "")
            .split(" ")[1] === String(pid)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/**
 * `maas <args>` as a process in `cwd`, sent `signal` once its stderr says `when` (and `delayMs`
 * more have passed); what it said, its exit code, and the children it had when the signal was sent.
 */
function interruptedRun(
  args: string[],
  cwd: string,
  when: RegExp,
  signal: NodeJS.Signals,
  delayMs = 0,
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "", children: [] as number[], signalled: false };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
    if (!output.signalled && when.test(output.stderr)) {
      output.signalled = true;
      setTimeout(() => {
        output.children = childrenOf(child.pid!);
        child.kill(signal);
      }, delayMs);
    }
  });
  return new Promise<typeof output & { code: number | null }>((resolve) =>
    child.on("close", (code) => resolve({ ...output, code })),
  );
}

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");
const LEFTOVER = /\.(tmp|old)-\d+$|\.lock$/;

describe("maas as a process", () => {
  it("exits 0, 1 and 2 as a shell sees them, writing to its own stdout and stderr", () => {
    const valid = maasProcess(["validate"], { cwd: TEST_PROJECT });
    expect(valid.status).toBe(0);
    expect(valid.stdout).toMatch(/^models\.yaml: valid /);
    expect(valid.stderr).toBe("");
    const invalid = maasProcess(["validate", "no-such.yaml"]);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toBe(
      "no-such.yaml:1:1: (file): cannot be read: no such file [catalogue/readable]\n",
    );
    expect(invalid.stderr).toBe("no-such.yaml: 1 problem\n");
    const usage = maasProcess(["frobnicate"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("(run with --help for usage)");
  });

  // node:module's compile cache exists from Node 22.1 (users run 22 and 24; CI runs 24 too).
  it.skipIf(!("enableCompileCache" in Module))(
    "keeps V8's compiled code on disk for the next run (Node 22.1+): in os.tmpdir() unless NODE_COMPILE_CACHE says",
    () => {
      const tmp = mkdtempSync(join(tmpdir(), "maas-tmpdir-"));
      const result = spawnSync(process.execPath, [BIN, "validate"], {
        cwd: TEST_PROJECT,
        encoding: "utf8",
        env: { ...process.env, TMPDIR: tmp, NODE_COMPILE_CACHE: "", NO_COLOR: "1" },
      });
      expect(result.status).toBe(0);
      expect(readdirSync(join(tmp, "node-compile-cache")).length).toBeGreaterThan(0);
      const off = mkdtempSync(join(tmpdir(), "maas-tmpdir-"));
      spawnSync(process.execPath, [BIN, "validate"], {
        cwd: TEST_PROJECT,
        env: {
          ...process.env,
          TMPDIR: off,
          NODE_COMPILE_CACHE: "",
          NODE_DISABLE_COMPILE_CACHE: "1",
        },
      });
      expect(existsSync(join(off, "node-compile-cache"))).toBe(false);
    },
  );

  it("starts a stack's plan process with a larger young generation (cli/child.ts)", async () => {
    const { ended } = startChild(["-e", "process.stdout.write(JSON.stringify(process.execArgv))"], {
      env: process.env,
      output: "capture",
    });
    expect(JSON.parse((await ended).stdout)).toContain("--max-semi-space-size=64");
  });

  it("starts lean: dependencies through Node's own loader, source maps only under MAAS_DEBUG, Pulumi's TypeScript and Arborist only when used", () => {
    // One plan with a probe that reads, once the plan is done (beforeExit: maas sets the exit code
    // and lets the process end): whether source maps are on; what ES modules under node_modules
    // are once bin/maas.js has registered its loaders (Node's loader, require(esm), gives their
    // module namespace; tsx's would have converted them to CommonJS exports, reading and scanning
    // every dependency's file to know whether to); which of Pulumi's closure serialiser's
    // modules the plan loaded; then it has the same SDK serialise a function and compute a
    // package's code paths, which must load and use the real modules; last, that a Pulumi module
    // whose source is written otherwise than bin/maas.js expects gets the real module at once.
    const dir = mkdtempSync(join(tmpdir(), "maas-start-"));
    // A codePaths.js as Pulumi writes it and one written otherwise, each with an Arborist of its
    // own that records when it is loaded.
    const closure = ["node_modules", "@pulumi", "pulumi", "runtime", "closure"];
    const requires = {
      statement: 'const arborist = __importStar(require("@npmcli/arborist"));',
      other: 'const arborist = require("@npmcli/arborist");',
    };
    for (const [form, statement] of Object.entries(requires)) {
      mkdirSync(join(dir, form, ...closure), { recursive: true });
      writeFileSync(
        join(dir, form, ...closure, "codePaths.js"),
        `"use strict";\nconst __importStar = (mod) => mod;\n${statement}\nmodule.exports = () => arborist.Arborist;\n`,
      );
      mkdirSync(join(dir, form, "node_modules", "@npmcli", "arborist"), { recursive: true });
      writeFileSync(
        join(dir, form, "node_modules", "@npmcli", "arborist", "index.js"),
        `(globalThis.loadedArborist ??= []).push(${JSON.stringify(form)});\nexports.Arborist = ${JSON.stringify(form)};\n`,
      );
    }
    const esm = join(dir, "node_modules", "esm-probe");
    mkdirSync(esm, { recursive: true });
    writeFileSync(
      join(esm, "package.json"),
      '{ "name": "esm-probe", "type": "module", "main": "index.js" }\n',
    );
    writeFileSync(join(esm, "index.js"), "export const x = 1;\n");
    writeFileSync(join(esm, "other.mjs"), "export const y = 2;\n");
    const pkg = join(dir, "package");
    mkdirSync(pkg);
    writeFileSync(join(pkg, "package.json"), '{ "name": "probe", "dependencies": {} }\n');
    const probe = join(dir, "probe.cjs");
    writeFileSync(
      probe,
      `const kind = (path) => Object.prototype.toString.call(require(path));
const loaded = () => ({
  typescript: Object.keys(require.cache).some((file) => file.endsWith("/node_modules/typescript/lib/typescript.js")),
  arborist: Object.keys(require.cache).some((file) => file.includes("/node_modules/@npmcli/arborist/")),
});
process.once("beforeExit", async () => {
  const duringPlan = loaded();
  const sourceMaps = process.sourceMapsEnabled;
  const modules = { js: kind(${JSON.stringify(esm)}), mjs: kind(${JSON.stringify(join(esm, "other.mjs"))}) };
  const pulumi = require(${JSON.stringify(join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi"))});
  const serialised = await pulumi.runtime.serializeFunction(() => 6 * 7);
  process.chdir(${JSON.stringify(pkg)});
  const codePaths = await pulumi.runtime.computeCodePaths();
  const after = loaded();
  const forms = {};
  for (const form of ["statement", "other"]) {
    const arboristOf = require(${JSON.stringify(dir)} + "/" + form + "/${closure.join("/")}/codePaths.js");
    forms[form] = { atOnce: (globalThis.loadedArborist ?? []).includes(form), used: arboristOf() };
  }
  process.stdout.write(JSON.stringify({ sourceMaps, modules, duringPlan, after, serialised: serialised.text.includes("6 * 7"), codePaths: codePaths.size, forms }) + "\\n");
});
`,
    );
    const debugProbe = join(dir, "debug-probe.cjs");
    writeFileSync(
      debugProbe,
      'process.on("exit", () => process.stderr.write(`source maps: ${process.sourceMapsEnabled}\\n`));\n',
    );
    try {
      const plan = spawnSync(
        process.execPath,
        [
          "--require",
          probe,
          BIN,
          "plan",
          "--json",
          join(dir, "plan.json"),
          "--manifests",
          join(dir, "manifests"),
        ],
        {
          cwd: TEST_PROJECT,
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1", MAAS_DEBUG: "" },
        },
      );
      // Nothing on stderr: a loader hook between a dependency and its require would make Node
      // 22+ warn that a builtin it requires (punycode) is deprecated, as if maas required it.
      expect(plan.stderr).toBe("");
      expect(plan.status).toBe(0);
      expect(JSON.parse(plan.stdout.trim().split("\n").at(-1)!)).toEqual({
        sourceMaps: false,
        modules: { js: "[object Module]", mjs: "[object Module]" },
        duringPlan: { typescript: false, arborist: false },
        after: { typescript: true, arborist: true },
        serialised: true,
        codePaths: 0,
        forms: {
          statement: { atOnce: false, used: "statement" },
          other: { atOnce: true, used: "other" },
        },
      });
      // Under MAAS_DEBUG, where a stack trace is printed, it is read with source maps.
      const debug = spawnSync(process.execPath, ["--require", debugProbe, BIN, "validate"], {
        cwd: TEST_PROJECT,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", MAAS_DEBUG: "1" },
      });
      expect(debug.stderr).toBe("source maps: true\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves the previous outputs intact and no temporary files when interrupted", async () => {
    const fresh = copyTestProject();
    // The outputs an earlier run left (written in-process: only the interrupted run needs a process).
    expect((await maas(["plan"], { cwd: fresh })).status).toBe(0);
    const read = () => readFileSync(join(fresh, "out", "dev", "plan.json"), "utf8");
    const before = read();
    const child = spawn(process.execPath, [BIN, "plan", "--config", "maas:imageRetention=7"], {
      cwd: fresh,
      stdio: "ignore",
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) =>
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 130 : null))),
    );
    expect(code).not.toBe(0);
    expect(read()).toBe(before);
    expect(
      readdirSync(join(fresh, "out", "dev")).filter((n) => /\.(tmp|old)-\d+$|\.lock$/.test(n)),
    ).toEqual([]);
  });

  // The same run twice: one stack after another by the bin, both at once by main() in this
  // process (the stacks' processes are the same), which must read alike and write alike.
  it("writes the same bytes with stacks planned side by side as one after another", async () => {
    const project = copyTestProject();
    const args = ["plan", "--all-stacks", "--summary", "--jobs"];
    const read = () =>
      ["dev", "prod"].map((stack) =>
        readFileSync(join(project, "out", stack, "plan.json"), "utf8"),
      );
    const oneAfterAnother = maasProcess([...args, "1"], { cwd: project });
    const written = read();
    const sideBySide = await maas([...args, "2"], { cwd: project });
    expect(oneAfterAnother.status).toBe(0);
    expect(oneAfterAnother.stderr).toBe(
      "maas plan: planning stack dev (1 of 2)\nmaas plan: planning stack prod (2 of 2)\n",
    );
    // The last line, as wrapped at 80 columns.
    expect(
      oneAfterAnother.stdout.trimEnd().split("\n").slice(-2).join(" ").replace(/\s+/g, " "),
    ).toBe(
      `maas plan: 2 stacks (dev, prod): ${written.map((text) => JSON.parse(text).resources.length).reduce((a, b) => a + b)} resources, 6 models deployed; every stack planned and passes every rule`,
    );
    expect(sideBySide).toEqual(oneAfterAnother);
    expect(read()).toEqual(written);
  }, 240_000);

  it("sums up what an --all-stacks run wrote when a stack does not plan, keeping that stack's earlier plan", async () => {
    const project = copyTestProject();
    const prod = join(project, "Pulumi.prod.yaml");
    writeFileSync(
      prod,
      readFileSync(prod, "utf8").replace("maas:vpcCidr: 10.30.0.0/16", "maas:vpcCidr: nowhere"),
    );
    // An earlier run's plan of the stack that no longer plans: kept, and not this run's.
    mkdirSync(join(project, "out", "prod"), { recursive: true });
    const stale = {
      project: "maas",
      stack: "prod",
      note: "",
      resources: Array(1000).fill({}),
      outputs: { models: { a: {} } },
    };
    writeFileSync(join(project, "out", "prod", "plan.json"), JSON.stringify(stale));
    const result = await maas(["plan", "--all-stacks", "--summary"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("maas plan: stack dev, environment dev");
    expect(result.stdout).toContain("maas:vpcCidr: must be an IPv4 CIDR");
    expect(result.stderr).toBe(
      "maas plan: planning stack dev (1 of 2)\nmaas plan: planning stack prod (2 of 2)\nmaas plan: stack prod not planned; nothing was written\n",
    );
    const plan = JSON.parse(readFileSync(join(project, "out", "dev", "plan.json"), "utf8"));
    // The last line, as wrapped at 80 columns.
    expect(result.stdout.trimEnd().split("\n").slice(-2).join(" ").replace(/\s+/g, " ")).toBe(
      `maas plan: 2 stacks (dev, prod): ${plan.resources.length} resources, 3 models deployed; not planned or breaking a rule: prod`,
    );
    expect(JSON.parse(readFileSync(join(project, "out", "prod", "plan.json"), "utf8"))).toEqual(
      stale,
    );
  });

  it("refuses --jobs that is not a whole number from 1", () => {
    const result = maasProcess(["plan", "--all-stacks", "--jobs", "0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--jobs <n>' argument '0' is invalid");
  });

  describe("--all-stacks stopped by a signal", () => {
    it("stops on a Ctrl-C during the first stack: its process too, no other stack, nothing written", async () => {
      const project = copyTestProject(SHARDED);
      const result = await interruptedRun(
        ["plan", "--all-stacks", "--jobs", "1"],
        project,
        /planning stack platform \(1 of 3\)/,
        "SIGINT",
      );
      expect(result.code).toBe(130);
      // The stack's process (and the one compiling TypeScript for the run, tsx's esbuild).
      expect(result.children.length).toBeGreaterThan(0);
      expect(result.children.every(gone), "the stack's process outlived the run").toBe(true);
      expect(result.stderr).not.toMatch(/planning stack platform-/);
      expect(result.stderr.trimEnd().split("\n").slice(-3).join(" ").replace(/\s+/g, " ")).toMatch(
        /maas plan: stopped by SIGINT; written: none; not written: platform, platform-risk, platform-vision \(their out\/<stack>\/ as before\)$/,
      );
      expect(result.stdout).not.toMatch(/^maas plan: 3 stacks/m);
      expect(existsSync(join(project, "out"))).toBe(false);
    });

    it("stops on SIGTERM during the second stack: the first written, the others as they were", async () => {
      const project = copyTestProject(SHARDED);
      // An earlier run's plan of a stack this run does not reach stays as it was.
      mkdirSync(join(project, "out", "platform-vision"), { recursive: true });
      writeFileSync(join(project, "out", "platform-vision", "plan.json"), "earlier\n");
      const result = await interruptedRun(
        ["plan", "--all-stacks", "--jobs", "1"],
        project,
        /planning stack platform-risk \(2 of 3\)/,
        "SIGTERM",
      );
      expect(result.code).toBe(143);
      expect(result.children.every(gone), "the stack's process outlived the run").toBe(true);
      expect(result.stderr).not.toContain("planning stack platform-vision");
      expect(result.stderr.trimEnd().split("\n").slice(-3).join(" ").replace(/\s+/g, " ")).toMatch(
        /maas plan: stopped by SIGTERM; written: platform; not written: platform-risk, platform-vision \(their out\/<stack>\/ as before\)$/,
      );
      expect(
        JSON.parse(readFileSync(join(project, "out", "platform", "plan.json"), "utf8")),
      ).toMatchObject({ stack: "platform" });
      expect(existsSync(join(project, "out", "platform-risk", "plan.json"))).toBe(false);
      expect(readFileSync(join(project, "out", "platform-vision", "plan.json"), "utf8")).toBe(
        "earlier\n",
      );
      expect(
        readdirSync(join(project, "out"), { recursive: true, encoding: "utf8" }).filter((name) =>
          LEFTOVER.test(name),
        ),
      ).toEqual([]);
    });

    it("stops every stack planning at once on a Ctrl-C: all their processes, nothing written", async () => {
      const project = copyTestProject(SHARDED);
      const result = await interruptedRun(
        ["plan", "--all-stacks", "--jobs", "3"],
        project,
        /planning stack platform \(1 of 3\)/,
        "SIGINT",
        // The first stack's line is written before the next two processes start (same tick).
        500,
      );
      expect(result.code).toBe(130);
      // The three stacks' processes (and tsx's esbuild) were running when the signal came.
      expect(result.children.length).toBeGreaterThanOrEqual(3);
      expect(result.children.every(gone), "a stack's process outlived the run").toBe(true);
      expect(result.stderr.trimEnd().split("\n").slice(-3).join(" ").replace(/\s+/g, " ")).toMatch(
        /maas plan: stopped by SIGINT; written: none; not written: platform, platform-risk, platform-vision \(their out\/<stack>\/ as before\)$/,
      );
      expect(existsSync(join(project, "out"))).toBe(false);
    });

    it("stops on SIGTERM with stacks side by side: it names exactly the plans this run wrote", async () => {
      const project = copyTestProject(SHARDED);
      mkdirSync(join(project, "out", "platform-vision"), { recursive: true });
      writeFileSync(join(project, "out", "platform-vision", "plan.json"), "earlier\n");
      // With two at once, the second stack's line comes once the first stack has been written.
      const result = await interruptedRun(
        ["plan", "--all-stacks", "--jobs", "2"],
        project,
        /planning stack platform-risk \(2 of 3\)/,
        "SIGTERM",
      );
      expect(result.code).toBe(143);
      expect(result.children.every(gone), "a stack's process outlived the run").toBe(true);
      const said = /written: (.*); not written: (.*) \(their/.exec(
        result.stderr.trimEnd().split("\n").slice(-3).join(" ").replace(/\s+/g, " "),
      );
      expect(said, result.stderr).not.toBeNull();
      const written = said![1]!.split(", ");
      expect(written).toContain("platform");
      const plan = (stack: string) => join(project, "out", stack, "plan.json");
      for (const stack of ["platform", "platform-risk", "platform-vision"]) {
        const text = existsSync(plan(stack)) ? readFileSync(plan(stack), "utf8") : undefined;
        if (written.includes(stack)) expect(JSON.parse(text!)).toMatchObject({ stack });
        else expect(text).toBe(stack === "platform-vision" ? "earlier\n" : undefined);
      }
      expect(
        readdirSync(join(project, "out"), { recursive: true, encoding: "utf8" }).filter((name) =>
          LEFTOVER.test(name),
        ),
      ).toEqual([]);
    });
  });

  // Each stack is planned in a process of its own: minutes for four on a loaded machine.
  describe("--all-stacks checks the layout as a whole (issue 19 item 3)", () => {
    it("refuses two stacks of one shard and a shard with no stack, all in one run, and counts each model once", async () => {
      const project = copyTestProject(SHARDED);
      cpSync(
        join(project, "Pulumi.platform-vision.yaml"),
        join(project, "Pulumi.platform-twin.yaml"),
      );
      rmSync(join(project, "Pulumi.platform-risk.yaml"));
      // main() in this process: the stacks are planned in processes of their own all the same.
      const result = await maas(["plan", "--all-stacks", "--summary"], { cwd: project });
      expect(result.status).toBe(1);
      const text = result.stdout.replace(/\s+/g, " ");
      expect(text).toContain(
        "maas:shard: stacks platform-twin, platform-vision all deploy shard vision of base stack platform",
      );
      expect(text).toMatch(
        /stacks platform-twin and platform-vision would each create \d+ physical names/,
      );
      expect(text).toMatch(
        /Pulumi\.platform\.yaml:\d+:\d+: maas:shards: shard risk has no stack: its models \(churn-predictor, fraud-scorer\) would be deployed by none/,
      );
      expect(text).toMatch(
        /maas plan: 3 stacks \(platform, platform-twin, platform-vision\): [\d,]+ resources, 1 models deployed; the stacks do not fit together \(3 problems above\)/,
      );
    }, 240_000);
  });
});
