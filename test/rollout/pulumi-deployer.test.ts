/**
 * PulumiDeployer (rollout/pulumi-deployer.ts) through the real Automation API
 * (@pulumi/pulumi/automation) against a fake `pulumi` executable: a Node script this file writes
 * to `<root>/bin/pulumi`, which the deployer is pointed at with `pulumiRoot`. The Automation API
 * starts it exactly as it starts the CLI (`version`, `stack select`, `stack export`, `up`,
 * `stack output` twice, `stack history` after an update) and parses what it prints, so what is
 * checked is the deployer and the Automation API together, down to the command lines.
 *
 * The fake answers the way the real CLI 3.248 does: the same output formats (`v3.248.0`, the
 * state export, masked and plaintext outputs, the history), the same error lines and exit code
 * 255, and it refuses commands and flags it does not know, as the CLI's flag parser does, so a
 * change in what the Automation API sends fails here instead of passing against an answer the
 * real CLI would never give. What only the real CLI and engine can show (a targeted update, the
 * lock, pending operations of an interrupted update) is test/rollout/pulumi-cli.integration.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StackLockedError } from "../../rollout/ports";
import type { ModelTargets } from "../../rollout/ports";
import { PulumiDeployer } from "../../rollout/pulumi-deployer";

/**
 * The fake CLI. It reads what to answer from `<root>/scenario.json` and appends each invocation
 * (argv, working directory, the PULUMI_* and MAAS_TEST_* variables, PATH) to `<root>/calls.jsonl`.
 */
const FAKE_PULUMI = String.raw`#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.dirname(__dirname);
const scenario = JSON.parse(fs.readFileSync(path.join(root, "scenario.json"), "utf8"));
const argv = process.argv.slice(2);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_") || k.startsWith("MAAS_TEST_")),
);
fs.appendFileSync(
  path.join(root, "calls.jsonl"),
  JSON.stringify({ argv, cwd: process.cwd(), env, path: process.env.PATH }) + "\n",
);

function fail(message) {
  process.stderr.write("error: " + message + "\n");
  process.exit(255);
}

// The flags of the commands the Automation API runs, as the CLI defines them (global ones first).
const GLOBAL = {
  bool: ["non-interactive", "debug", "logtostderr", "logflow", "emoji", "disable-integrity-checking"],
  value: ["color", "cwd", "verbose", "tracing", "profiling", "memprofilerate"],
};
const COMMANDS = {
  version: { bool: [], value: [] },
  "stack select": { bool: ["create"], value: ["stack", "secrets-provider"] },
  "stack export": { bool: ["show-secrets"], value: ["stack", "file", "version"] },
  "stack output": { bool: ["json", "shell", "show-secrets"], value: ["stack"] },
  "stack history": { bool: ["json", "show-secrets", "full-dates"], value: ["stack", "page", "page-size"] },
  up: {
    bool: [
      "yes", "skip-preview", "diff", "refresh", "expect-no-changes", "target-dependents",
      "exclude-dependents", "continue-on-error", "suppress-outputs", "suppress-progress",
      "run-program", "attach-debugger", "show-secrets",
    ],
    value: [
      "stack", "target", "exclude", "replace", "message", "parallel", "exec-kind", "exec-agent",
      "client", "event-log", "policy-pack", "policy-pack-config", "plan", "config-file",
    ],
  },
};
const valueFlags = new Set([...GLOBAL.value, ...Object.values(COMMANDS).flatMap((c) => c.value)]);

const positional = [];
const flags = {};
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (!arg.startsWith("--")) {
    positional.push(arg);
    continue;
  }
  const eq = arg.indexOf("=");
  const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
  let value = eq > 0 ? arg.slice(eq + 1) : "true";
  if (valueFlags.has(name) && eq < 0) {
    value = argv[++i];
    if (value === undefined) fail("flag needs an argument: --" + name);
  }
  (flags[name] = flags[name] || []).push(value);
}
const command = positional[0] === "stack" ? positional.slice(0, 2).join(" ") : positional[0];
const known = COMMANDS[command];
if (!known) fail("unknown command " + JSON.stringify(positional.join(" ")) + " for \"pulumi\"");
for (const name of Object.keys(flags))
  if (![...GLOBAL.bool, ...GLOBAL.value, ...known.bool, ...known.value].includes(name))
    fail("unknown flag: --" + name);

function project() {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"].some((f) => fs.existsSync(path.join(dir, f))))
      return;
    if (path.dirname(dir) === dir)
      fail(
        "no Pulumi.yaml project file found (searching upwards from " + process.cwd() + "). " +
          "If you have not created a project yet, use \x60pulumi new\x60 to do so: no project file found",
      );
  }
}

function stack() {
  project();
  const name = (flags.stack || [])[0];
  if (!name) fail("no stack selected; please use \x60pulumi stack select\x60 or \x60pulumi stack init\x60");
  if (!scenario.stacks.includes(name)) fail("no stack named '" + name + "' found");
  return name;
}

const print = (value) => process.stdout.write(JSON.stringify(value, null, 4) + "\n");

async function up() {
  const name = stack();
  if (!flags.yes && !flags["skip-preview"])
    fail("--yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
  // Chunks with a pause between: the parent reads each with a read of its own, as it reads the
  // CLI's progress lines as they come.
  for (const chunk of scenario.up.stdout.map((c) => c.replace("{stack}", name))) {
    process.stdout.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  if (scenario.up.stderr) process.stderr.write(scenario.up.stderr);
  process.exitCode = scenario.up.exitCode || 0;
}

switch (command) {
  case "version":
    process.stdout.write(scenario.version + "\n");
    break;
  case "stack select":
    stack();
    break;
  case "stack export":
    stack();
    print({ version: 3, deployment: scenario.deployment });
    break;
  case "stack output": {
    stack();
    if (!flags.json) fail("the fake answers only --json");
    const shown = !!flags["show-secrets"];
    print(
      Object.fromEntries(
        Object.entries(scenario.outputs).map(([k, o]) => [k, o.secret && !shown ? "[secret]" : o.value]),
      ),
    );
    break;
  }
  case "stack history":
    stack();
    print(scenario.history.slice(0, Number((flags["page-size"] || ["10"])[0])));
    break;
  case "up":
    up();
    break;
}
`;

interface Call {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  path: string;
}

interface Scenario {
  version: string;
  stacks: string[];
  deployment: Record<string, unknown>;
  outputs: Record<string, { value: unknown; secret?: boolean }>;
  history: unknown[];
  /** What `pulumi up` prints: stdout in chunks (`{stack}` is the stack's name), then stderr. */
  up: { stdout: string[]; stderr?: string; exitCode?: number };
}

const STACK = "dev";
const PROJECT = "maas";
const urn = (type: string, name: string) =>
  `urn:pulumi:${STACK}::${PROJECT}::maas:model:Model$${type}::${name}`;
const RULE = urn("aws:lb/listenerRule:ListenerRule", "m-traffic");
const AUTOSCALER = urn("aws:appautoscaling/target:Target", "m-b-autoscaling");

/** A stack as the CLI exports it (`pulumi stack export`): version 3, what the DIY backend writes. */
function deployment(pending: { type: string; resource: { urn: string } }[] = []) {
  const stackUrn = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
  return {
    manifest: { time: "2026-01-05T10:00:00Z", magic: "", version: "v3.248.0" },
    secrets_providers: { type: "passphrase", state: { salt: "v1:abc" } },
    resources: [
      { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
      { urn: RULE, custom: true, id: "arn:rule/1", type: "aws:lb/listenerRule:ListenerRule" },
    ],
    ...(pending.length > 0 ? { pending_operations: pending } : {}),
  };
}

const ROLLOUT = {
  trafficRule: RULE,
  autoscalers: { a: urn("x", "m-a-autoscaling"), b: AUTOSCALER },
  ruleArn: "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/lb/1/2/3",
  loadBalancerArnSuffix: "app/lb/1",
  targetGroups: {
    a: { arn: "arn:tg/a", arnSuffix: "targetgroup/a/1" },
    b: { arn: "arn:tg/b", arnSuffix: "targetgroup/b/2" },
  },
};

/** The stack's outputs as stack/deploy.ts exports them (a model's whole `models` entry). */
const OUTPUTS: Scenario["outputs"] = {
  alarmTopicArn: { value: "arn:aws:sns:eu-west-1:1:maas-dev-alarms" },
  // An output holding any secret is a secret as a whole: `stack output --json` masks it.
  models: {
    secret: true,
    value: {
      m: {
        endpoint: "http://lb.example/models/m/",
        versions: {
          a: { serviceDnsName: "a.m", image: "repo/m@sha256:aaa", targetGroupArn: "arn:tg/a" },
          b: { serviceDnsName: "b.m", image: "repo/m@sha256:bbb", targetGroupArn: "arn:tg/b" },
          // A version whose image is not built yet.
          c: { serviceDnsName: "c.m", targetGroupArn: "arn:tg/c" },
        },
        rollout: ROLLOUT,
      },
      // Every version retired: the repository stays, no rollout targets.
      retired: { repositoryUrl: "repo/retired", versions: {} },
    },
  },
};

const UP_OUTPUT = [
  "Updating ({stack}):\n\n",
  "    pulumi:pulumi:Stack maas-{stack} running \n",
  // One line written in two pieces.
  " ~  aws:lb:ListenerRule m-traffic updating (0s) ",
  "[diff: ~actions]\n",
  " ~  aws:lb:ListenerRule m-traffic updated (1s) [diff: ~actions]\n",
  "    pulumi:pulumi:Stack maas-{stack}  \n\nResources:\n    ~ 1 updated\n    41 unchanged\n\nDuration: 3s\n\n",
];

/** What onOutput should get for UP_OUTPUT: each non-blank line, whole. */
const UP_LINES = UP_OUTPUT.join("")
  .replaceAll("{stack}", STACK)
  .split("\n")
  .filter((line) => line.trim());

const LOCKED =
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
  "  file:///state/.pulumi/locks/organization/maas/dev/5b0d8e0c-2f6e-4b7e-9a8e-0c5b0d8e0c2f.json: created by ci@runner-7 (pid 4242) at 2026-01-05T10:00:00Z\n";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project directory (Pulumi.yaml) and a fake CLI root answering `scenario`. */
function world(changes: Partial<Scenario> = {}) {
  const root = mkdtempSync(join(tmpdir(), "maas-fake-pulumi-"));
  const workDir = mkdtempSync(join(tmpdir(), "maas-project-"));
  dirs.push(root, workDir);
  writeFileSync(join(workDir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
  mkdirSync(join(root, "bin"));
  // The script is CommonJS whatever a package.json above the temporary directory says.
  writeFileSync(join(root, "package.json"), '{ "type": "commonjs" }\n');
  writeFileSync(join(root, "bin", "pulumi"), FAKE_PULUMI);
  chmodSync(join(root, "bin", "pulumi"), 0o755);
  const scenario: Scenario = {
    version: "v3.248.0",
    stacks: [STACK],
    deployment: deployment(),
    outputs: OUTPUTS,
    history: [
      {
        version: 7,
        kind: "update",
        startTime: "2026-01-05T10:00:00.000Z",
        endTime: "2026-01-05T10:00:03.000Z",
        message: "",
        environment: { "exec.kind": "auto.local" },
        config: {},
        result: "succeeded",
        resourceChanges: { same: 41, update: 1 },
      },
    ],
    up: { stdout: UP_OUTPUT },
    ...changes,
  };
  writeFileSync(join(root, "scenario.json"), JSON.stringify(scenario));
  const output: string[] = [];
  const deployer = new PulumiDeployer({
    workDir,
    stack: STACK,
    pulumiRoot: root,
    onOutput: (line) => output.push(line),
  });
  const calls = (): Call[] =>
    readFileSync(join(root, "calls.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Call);
  return { root, workDir, deployer, output, calls };
}

/** The command of a call (`stack export`, `up`): the Automation API puts its words first. */
function command(call: Call): string {
  const [first, second] = call.argv;
  return first === "stack" ? `stack ${second}` : (first ?? "");
}

/** The values of a flag of a call, in order (`--target a --target b`: [a, b]). */
function values(call: Call, flag: string): string[] {
  return call.argv.flatMap((arg, i) => (arg === `--${flag}` ? [call.argv[i + 1] ?? ""] : []));
}

const ups = (calls: Call[]) => calls.filter((c) => command(c) === "up");

describe("PulumiDeployer against a fake Pulumi CLI", () => {
  it("up() runs one `pulumi up` of the whole stack: no --target, after checking the state", async () => {
    const { deployer, calls, workDir } = world();
    await deployer.up();
    const all = calls();
    const [up, ...more] = ups(all);
    expect(more).toEqual([]);
    expect(up).toBeDefined();
    expect(values(up!, "target")).toEqual([]);
    expect(up!.argv).toEqual(
      expect.arrayContaining(["--yes", "--skip-preview", "--non-interactive"]),
    );
    expect(values(up!, "stack")).toEqual([STACK]);
    expect(up!.cwd).toBe(workDir);
    // The stack was selected, and its state read for pending operations, before the update.
    const order = all.map(command);
    expect(order.indexOf("stack select")).toBeLessThan(order.indexOf("stack export"));
    expect(order.indexOf("stack export")).toBeLessThan(order.indexOf("up"));
    expect(values(all[order.indexOf("stack export")]!, "stack")).toEqual([STACK]);
  });

  it("upTargets() passes one --target per URN, in order, to a single `pulumi up`", async () => {
    const { deployer, calls } = world();
    await deployer.upTargets([RULE, AUTOSCALER]);
    const runs = ups(calls());
    expect(runs).toHaveLength(1);
    expect(values(runs[0]!, "target")).toEqual([RULE, AUTOSCALER]);
    expect(values(runs[0]!, "stack")).toEqual([STACK]);
  });

  it("targets() reads each model's targets from the `models` output, even when it is a secret, and its images from versions.*.image", async () => {
    const { deployer, calls } = world();
    const expected: Record<string, ModelTargets> = {
      m: { ...ROLLOUT, images: { a: "repo/m@sha256:aaa", b: "repo/m@sha256:bbb" } },
    };
    expect(await deployer.targets()).toEqual(expected);
    // Read from the plaintext outputs: the masked ones say "[secret]".
    expect(
      calls().some((c) => command(c) === "stack output" && c.argv.includes("--show-secrets")),
    ).toBe(true);
    expect(ups(calls())).toEqual([]);
  });

  it("unaddressed() gives an older stack's models without rollout targets, with their target groups, and the listeners", async () => {
    expect(await world().deployer.unaddressed()).toEqual({
      listeners: {},
      models: { retired: {} },
    });
    expect(await world({ outputs: {} }).deployer.unaddressed()).toEqual({
      listeners: {},
      models: {},
    });
  });

  it("alarmTopicArn() is the stack's alarmTopicArn output, undefined before the stack's first update", async () => {
    expect(await world().deployer.alarmTopicArn()).toBe("arn:aws:sns:eu-west-1:1:maas-dev-alarms");
    expect(await world({ outputs: {} }).deployer.alarmTopicArn()).toBeUndefined();
  });

  it("refuses to update over an interrupted update's pending operations: the error names each resource and `pulumi refresh --clear-pending-creates`, and `pulumi up` never runs", async () => {
    const { deployer, calls } = world({
      deployment: deployment([
        { type: "creating", resource: { urn: AUTOSCALER } },
        { type: "updating", resource: { urn: RULE } },
      ]),
    });
    const refused = deployer.upTargets([RULE]);
    await expect(refused).rejects.toThrow(AUTOSCALER);
    await expect(refused).rejects.toThrow(RULE);
    await expect(refused).rejects.toThrow("pulumi refresh --clear-pending-creates");
    await expect(deployer.up()).rejects.toThrow("pending operation");
    expect(ups(calls())).toEqual([]);
  });

  it("raises StackLockedError when `pulumi up` fails on the lock another update holds, naming the lock's holder", async () => {
    const { deployer } = world({
      up: { stdout: ["Updating (dev):\n"], stderr: LOCKED, exitCode: 255 },
    });
    const locked = deployer.upTargets([RULE]);
    await expect(locked).rejects.toBeInstanceOf(StackLockedError);
    await expect(locked).rejects.toThrow(`stack ${STACK} is locked by another update`);
    await expect(locked).rejects.toThrow("the stack is currently locked by 1 lock(s)");
    await expect(locked).rejects.toThrow("created by ci@runner-7 (pid 4242)");
  });

  it("raises StackLockedError when Pulumi Cloud answers `pulumi up` with 409: another update in progress", async () => {
    const { deployer } = world({
      up: {
        stdout: [],
        stderr: "error: [409] Conflict: Another update is currently in progress.\n",
        exitCode: 255,
      },
    });
    const locked = deployer.up();
    await expect(locked).rejects.toBeInstanceOf(StackLockedError);
    await expect(locked).rejects.toThrow(
      `stack ${STACK} is locked by another update: [409] Conflict: Another update is currently in progress.`,
    );
  });

  it("passes any other failure of `pulumi up` on as the Automation API's error, not as StackLockedError, after the output's last line", async () => {
    const { deployer, output } = world({
      up: {
        // The CLI's last line ends without a newline.
        stdout: ["Updating (dev):\n\n", " +  aws:ecs:Service m-b creating (12s) error: timeout"],
        stderr: "error: update failed\n",
        exitCode: 255,
      },
    });
    const failed = deployer.up();
    await expect(failed).rejects.toThrow("update failed");
    await expect(failed).rejects.not.toBeInstanceOf(StackLockedError);
    expect(output).toEqual([
      "Updating (dev):",
      " +  aws:ecs:Service m-b creating (12s) error: timeout",
    ]);
  });

  it("hands onOutput each line `pulumi up` prints, whole, without colour codes, even a line that arrives in two pieces", async () => {
    const { deployer, output, calls } = world();
    await deployer.upTargets([RULE]);
    expect(values(ups(calls())[0]!, "color")).toEqual(["never"]);
    expect(output).toEqual(UP_LINES);
  });

  it("starts every command anew, with the environment the process has at that moment (credentials a CI job re-assumed)", async () => {
    const { deployer, calls } = world();
    const before = process.env.MAAS_TEST_CREDENTIAL;
    try {
      process.env.MAAS_TEST_CREDENTIAL = "first";
      await deployer.targets();
      process.env.MAAS_TEST_CREDENTIAL = "second";
      await deployer.up();
    } finally {
      if (before === undefined) delete process.env.MAAS_TEST_CREDENTIAL;
      else process.env.MAAS_TEST_CREDENTIAL = before;
    }
    const [up] = ups(calls());
    expect(up!.env.MAAS_TEST_CREDENTIAL).toBe("second");
    expect(
      calls()
        .filter((c) => command(c) === "stack output")
        .map((c) => c.env.MAAS_TEST_CREDENTIAL),
    ).toContain("first");
    // The stack is selected once; later commands name it themselves.
    expect(calls().filter((c) => command(c) === "stack select")).toHaveLength(1);
  });
});
