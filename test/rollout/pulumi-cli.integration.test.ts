/**
 * What rollout/pulumi-deployer.ts relies on from the Pulumi CLI and engine, checked with the real
 * CLI through the Automation API (test/rollout/pulumi-deployer.test.ts checks the deployer
 * against a fake CLI that answers as this one does):
 *
 * - `pulumi up --target <urn>` changes only the targeted resource: an untargeted resource whose
 *   inputs changed keeps its old state (how a rollout step touches only its rule and autoscalers);
 * - a second `pulumi up` while another holds the stack's lock fails, and the Automation API
 *   raises ConcurrentUpdateError for it (what the deployer turns into StackLockedError);
 * - an update killed while a resource is being created leaves a pending "creating" operation in
 *   the exported state (`stack export`), and PulumiDeployer refuses to update over it, naming
 *   the resource, without starting `pulumi up`.
 *
 * It runs only where a `pulumi` executable is on PATH (and not on Windows: the CLI is started
 * through a shell wrapper that records its pid), and vitest reports it as skipped elsewhere: on a
 * machine without one, such as the sandbox .ci/run may run in. The project's GitHub workflow
 * (.github/workflows/maas.yml) installs the CLI (pulumi/actions) before .ci/checks, so there it
 * runs for real; anywhere else, install one and run
 * `npx vitest run test/rollout/pulumi-cli.integration.test.ts`.
 *
 * Nothing here reaches a cloud or needs a provider plugin download: the state is a `file://`
 * backend in a temporary directory (PULUMI_HOME there too, a fixed passphrase), and the resources
 * are dynamic resources (pulumi.dynamic.Resource) run by the `pulumi-nodejs` provider that comes
 * with the CLI. Their whole state is their inputs; a "slow" one's create writes a marker with its
 * pid and waits for a release file, so the test knows when an update is in the middle of a
 * create without any timing. The inline programs (LocalWorkspace.createOrSelectStack with
 * `program`) run in a plain Node process of their own (DRIVER): Pulumi serializes a dynamic
 * provider's functions from their source, which vitest rewrites, and a killed update leaves its
 * program's calls to the engine failing in that process, not in the test runner's.
 */
import { spawn } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulumiDeployer } from "../../rollout/pulumi-deployer";

const PROJECT_ROOT = join(__dirname, "..", "..");
const SDK = join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi");
const PROJECT = "maas-cli-check";

/** The `pulumi` executable on PATH, if any. */
function pulumiOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "pulumi");
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const REAL_PULUMI = pulumiOnPath();
const RUNNABLE = REAL_PULUMI !== undefined && process.platform !== "win32";

/**
 * One `pulumi up` of an inline program, in a Node process of its own: argv[2] is a DriverRun. It
 * writes its outcome to `run.result` and exits 0 when the update succeeded.
 */
const DRIVER = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const run = JSON.parse(process.argv[2]);
const pulumi = require(run.sdk);
const { LocalWorkspace, PulumiCommand } = require(path.join(run.sdk, "automation"));

// A resource whose state is its inputs. A slow one (inputs.wait) marks the start of its create
// with its pid and waits for its release file (two minutes at most).
const provider = {
  create: async function (inputs) {
    if (inputs.wait) {
      const started = path.join(inputs.dir, "started-" + inputs.name);
      fs.writeFileSync(started + ".tmp", String(process.pid));
      fs.renameSync(started + ".tmp", started);
      const deadline = Date.now() + 120000;
      while (!fs.existsSync(path.join(inputs.dir, "release-" + inputs.name))) {
        if (Date.now() > deadline) throw new Error("never released");
        await new Promise(function (resolve) {
          setTimeout(resolve, 100);
        });
      }
    }
    return { id: inputs.name, outs: inputs };
  },
  diff: async function (_id, olds, news) {
    return { changes: olds.value !== news.value };
  },
  update: async function (_id, _olds, news) {
    return { outs: news };
  },
  delete: async function () {},
};

const program = async function () {
  const urns = {};
  for (const [name, value] of Object.entries(run.values)) {
    const inputs = { name: name, value: value, dir: run.dir, wait: name === run.slow };
    urns[name] = new pulumi.dynamic.Resource(provider, name, inputs).urn;
  }
  return urns;
};

async function main() {
  const pulumiCommand = await PulumiCommand.get({ root: run.root });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: run.stack, projectName: run.project, program: program },
    {
      workDir: run.workDir,
      pulumiCommand: pulumiCommand,
      projectSettings: { name: run.project, runtime: "nodejs", main: run.workDir },
    },
  );
  const options = {
    message: run.message,
    color: "never",
    onOutput: function (text) {
      process.stdout.write(text);
    },
    onError: function (text) {
      process.stderr.write(text);
    },
  };
  if (run.target) options.target = run.target;
  await stack.up(options);
}

main().then(
  function () {
    fs.writeFileSync(run.result, JSON.stringify({ ok: true }));
    process.exit(0);
  },
  function (error) {
    fs.writeFileSync(run.result, JSON.stringify({ ok: false, name: error.name, message: String(error.message) }));
    process.exit(1);
  },
);
`;

interface DriverRun {
  sdk: string;
  /** The CLI root (`<root>/bin/pulumi`): the pid-recording wrapper. */
  root: string;
  workDir: string;
  project: string;
  stack: string;
  /** Where slow resources write their start markers and wait for their release files. */
  dir: string;
  /** The program's resources: name -> value. */
  values: Record<string, string>;
  /** The resource whose create waits for its release. */
  slow?: string;
  target?: string[];
  /** The update's message, which finds its CLI process in the wrapper's log. */
  message: string;
  result: string;
}

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  /** What the driver and its CLI printed, for a failure's message. */
  output: string;
}

interface Driver {
  done: Promise<Outcome>;
  exited: () => boolean;
}

interface ExportedResource {
  urn: string;
  outputs?: Record<string, unknown>;
}

interface Exported {
  deployment: {
    resources?: ExportedResource[];
    pending_operations?: { type: string; resource: { urn: string } }[];
  };
}

let base = "";
let wrapperRoot = "";
let pidLog = "";
let pulumiCommand: PulumiCommand;
let updates = 0;
const savedEnv: Record<string, string | undefined> = {};

/** `pulumi up` of an inline program with these resources, in a driver process. */
function drive(stack: string, run: Pick<DriverRun, "values" | "slow" | "target">): Driver {
  updates += 1;
  const full: DriverRun = {
    ...run,
    sdk: SDK,
    root: wrapperRoot,
    workDir: workDir(),
    project: PROJECT,
    stack,
    dir: markers(),
    message: `maas-cli-check-${updates}`,
    result: join(base, `result-${updates}.json`),
  };
  const child = spawn(process.execPath, [join(base, "driver.cjs"), JSON.stringify(full)], {
    cwd: full.workDir,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let exited = false;
  child.stdout.on("data", (data: Buffer) => (output += data.toString()));
  child.stderr.on("data", (data: Buffer) => (output += data.toString()));
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", () => {
      exited = true;
      const outcome = existsSync(full.result)
        ? (JSON.parse(readFileSync(full.result, "utf8")) as Omit<Outcome, "output">)
        : { ok: false, message: "the driver wrote no outcome" };
      resolve({ ...outcome, output });
    });
  });
  return { done, exited: () => exited };
}

const workDir = () => join(base, "project");
const markers = () => join(base, "markers");

/** The marker a slow resource's create writes when it starts (its pid), once it is there. */
async function started(name: string, driver: Driver): Promise<number> {
  const file = join(markers(), `started-${name}`);
  while (!existsSync(file)) {
    if (driver.exited())
      throw new Error(
        `the update ended before ${name}'s create started:\n${(await driver.done).output}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Number(readFileSync(file, "utf8"));
}

const release = (name: string) => writeFileSync(join(markers(), `release-${name}`), "");

/** The pid of the CLI process running the update `drive` numbered `update`. */
function cliPid(update: number): number {
  const line = readFileSync(pidLog, "utf8")
    .split("\n")
    .find((l) => l.split(" ")[1] === "up" && l.includes(` --message maas-cli-check-${update} `));
  if (!line) throw new Error(`no \`pulumi up\` of update ${update} in ${pidLog}`);
  return Number(line.split(" ")[0]);
}

const upsStarted = () =>
  readFileSync(pidLog, "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[1] === "up").length;

async function exported(stack: string): Promise<Exported> {
  const selected = await LocalWorkspace.selectStack(
    { stackName: stack, workDir: workDir() },
    { pulumiCommand },
  );
  // `deployment` is `any` in the Automation API's types: what the checks read of it.
  const state: Exported = await selected.exportStack();
  return state;
}

function resource(state: Exported, name: string): ExportedResource {
  const found = (state.deployment.resources ?? []).find((r) => r.urn.endsWith(`::${name}`));
  if (!found) throw new Error(`no resource ${name} in the stack's state`);
  return found;
}

function stopProcess(pid: number) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

describe.skipIf(!RUNNABLE)(
  "the real Pulumi CLI, as PulumiDeployer uses it",
  { timeout: 300_000 },
  () => {
    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), "maas-pulumi-cli-"));
      for (const dir of ["state", "home", "project", "markers", "cli/bin"])
        mkdirSync(join(base, dir), { recursive: true });
      // The bundled pulumi-nodejs provider finds @pulumi/pulumi from the program's directory.
      symlinkSync(join(PROJECT_ROOT, "node_modules"), join(workDir(), "node_modules"), "dir");
      writeFileSync(join(base, "driver.cjs"), DRIVER);
      // The CLI as the Automation API starts it, through a wrapper that records "<pid> <args>" and
      // then becomes the CLI (exec keeps the pid), so a test can kill one update's CLI.
      wrapperRoot = join(base, "cli");
      pidLog = join(base, "cli-starts.log");
      writeFileSync(
        join(wrapperRoot, "bin", "pulumi"),
        `#!/bin/sh\nprintf '%s %s\\n' "$$" "$*" >> '${pidLog}'\nexec '${REAL_PULUMI ?? "pulumi"}' "$@"\n`,
        { mode: 0o755 },
      );
      writeFileSync(pidLog, "");
      const env: Record<string, string | undefined> = {
        PULUMI_BACKEND_URL: `file://${join(base, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "maas-cli-check",
        PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
        PULUMI_HOME: join(base, "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        // The pending operation is written before the create starts only with checkpoints on.
        PULUMI_SKIP_CHECKPOINTS: undefined,
      };
      for (const [name, value] of Object.entries(env)) {
        savedEnv[name] = process.env[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      pulumiCommand = await PulumiCommand.get({ root: wrapperRoot });
    });

    afterAll(() => {
      for (const [name, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it("a targeted `pulumi up` changes only the targeted resource; the untargeted one keeps its state", async () => {
      const first = await drive("targeted", { values: { a: "1", b: "1" } }).done;
      expect(first, first.output).toMatchObject({ ok: true });
      const target = resource(await exported("targeted"), "a").urn;

      const second = await drive("targeted", { values: { a: "2", b: "2" }, target: [target] }).done;
      expect(second, second.output).toMatchObject({ ok: true });
      const state = await exported("targeted");
      expect(resource(state, "a").outputs?.value).toBe("2");
      expect(resource(state, "b").outputs?.value).toBe("1");
    });

    it("a second `pulumi up` while another update holds the lock raises ConcurrentUpdateError, and the first one finishes", async () => {
      const holder = drive("locked", { values: { a: "1", c: "1" }, slow: "c" });
      try {
        await started("c", holder);
        const second = await LocalWorkspace.createOrSelectStack(
          {
            stackName: "locked",
            projectName: PROJECT,
            // Never runs: the CLI refuses before the program starts. Were the lock not held, the
            // update would fail here rather than delete the first one's resources.
            program: () => Promise.reject(new Error("the second update ran its program")),
          },
          {
            workDir: workDir(),
            pulumiCommand,
            projectSettings: { name: PROJECT, runtime: "nodejs", main: workDir() },
          },
        );
        const refused = second.up({ color: "never" });
        await expect(refused).rejects.toBeInstanceOf(ConcurrentUpdateError);
        await expect(refused).rejects.toThrow("currently locked by");
      } finally {
        release("c");
      }
      const first = await holder.done;
      expect(first, first.output).toMatchObject({ ok: true });
      const state = await exported("locked");
      expect(resource(state, "c").outputs?.value).toBe("1");
      expect(state.deployment.pending_operations ?? []).toEqual([]);
    });

    it("an update killed during a create leaves the create pending in `stack export`, and PulumiDeployer refuses to update over it", async () => {
      const update = updates + 1;
      const killed = drive("interrupted", { values: { a: "1", d: "1" }, slow: "d" });
      let provider: number | undefined;
      try {
        provider = await started("d", killed);
        // As a CI job cancelled or a runner lost mid-update: no chance to clean up.
        process.kill(cliPid(update), "SIGKILL");
        const outcome = await killed.done;
        expect(outcome.ok, outcome.output).toBe(false);
      } finally {
        release("d");
        // The provider process outlives its killed CLI: it is this test's to stop.
        if (provider !== undefined) stopProcess(provider);
      }
      const state = await exported("interrupted");
      const pending = state.deployment.pending_operations ?? [];
      const creating = pending.find((p) => p.resource.urn.endsWith("::d"));
      expect(creating?.type, JSON.stringify(pending)).toBe("creating");
      const urn = creating!.resource.urn;

      const before = upsStarted();
      const lines: string[] = [];
      const deployer = new PulumiDeployer({
        workDir: workDir(),
        stack: "interrupted",
        pulumiRoot: wrapperRoot,
        onOutput: (line) => lines.push(line),
      });
      const refused = deployer.up();
      await expect(refused).rejects.toThrow(urn);
      await expect(refused).rejects.toThrow("pulumi refresh --clear-pending-creates");
      expect(upsStarted()).toBe(before);
      expect(lines).toEqual([]);
    });
  },
);
