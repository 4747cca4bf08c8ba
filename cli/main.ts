/**
 * The `maas` command line. Exit codes: 0 success, 1 the input is invalid (problems printed),
 * 2 the command line itself is wrong (usage printed), 70 an internal error (a bug).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { catalogueJsonSchema } from "../catalogue";
import type * as DiffCommand from "./diff";
import { processIo } from "./io";
import type { Io, Writer } from "./io";
import { parseJobs } from "./jobs";
import { onDemand } from "./on-demand";
import type { DiffCommandOptions } from "./diff";
import type * as PlanCommand from "./plan";
import type * as PermissionsCommand from "./permissions";
import type { PermissionsCommandOptions } from "./permissions";
import { runPlanAllCommand } from "./plan-all";
import type * as RulesCommand from "./rules";
import type * as RolloutCommand from "./rollout";
import type * as RolloutPorts from "./rollout-ports";
import type { RolloutCommandOptions, RolloutVerb } from "./rollout";
import type * as SmokeCommand from "./smoke";
import type * as SmokeWorld from "../smoke/real-world";
import type { SmokeCommandOptions } from "./smoke";
import type { PlanCommandOptions } from "./plan";
import { stopOnSignals } from "./signals";
import { runValidate } from "./validate";
import { terminal } from "./terminal";

const USAGE_ERROR = 2;
const INTERNAL_ERROR = 70;

/** The options every command that plans a stack takes: which stack, which catalogue, config over it. */
function withStackOptions(
  command: Command,
  catalogueHelp: string,
  stacks: "one" | "several" = "one",
): Command {
  return command
    .addOption(
      stacks === "one"
        ? new Option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use").default(
            "dev",
          )
        : new Option(
            "-s, --stack <names...>",
            "stacks to diff (e.g. --stack dev prod; default: every stack, as the pull request's review); stacks whose diff reads the same are shown once",
          ),
    )
    .addOption(new Option("-c, --catalogue <file>", catalogueHelp))
    .addOption(
      new Option(
        "--config <key=value...>",
        "config over the stack's, like pulumi preview --config (e.g. maas:protect=true)",
      ),
    );
}

/**
 * `--jobs N` of the commands that plan several stacks, each whole one in a process of its own
 * (a review's small heads in its own process: review/diff-stack.ts, HEAD_HERE_MODELS).
 */
function jobsOption(): Option {
  return new Option(
    "--jobs <n>",
    "plans of whole stacks run at once, each in a process of its own (a review plans the head of a stack of 10 models or fewer in its own process; default: one per core, as far as free memory holds 1.5 GB a stack)",
  ).argParser((value) => {
    const jobs = parseJobs(value);
    if (jobs === undefined) throw new InvalidArgumentError("expected a whole number, 1 or more.");
    return jobs;
  });
}

/** Builds the command line; each action hands its exit code to `exit`. */
function buildProgram(io: Io, exit: (code: number) => void): Command {
  const program = new Command("maas")
    .description(
      "Model-as-a-Service from models.yaml: validate the catalogue, plan the stack offline, diff plans.",
    )
    .showHelpAfterError("(run with --help for usage)")
    // Usage and help where this run writes; inherited by the commands added below.
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
      getOutHasColors: () => terminal(io.stdout, io.env).color,
      getErrHasColors: () => terminal(io.stderr, io.env).color,
    })
    .exitOverride();

  program
    .command("validate")
    .description(
      "Check a catalogue: one file:line:col: path: message line per problem (exit 1), or a summary (exit 0).",
    )
    .argument("[file]", "catalogue file", "models.yaml")
    .addOption(
      new Option(
        "-e, --environment <name>",
        "check only this environment's overlay (default: base and every environment)",
      ),
    )
    .action((file: string, options: { environment?: string }) => {
      exit(runValidate(file, options, io));
    });

  withStackOptions(
    program
      .command("plan")
      .description(
        "Plan a stack offline: its own program under Pulumi's mock runtime, no credentials. Writes plan.json and one manifest per Kubernetes object.",
      ),
    "catalogue to plan (default: the stack's maas:catalogue)",
  )
    .addOption(
      new Option("--json <file>", "where to write the plan (default: out/<stack>/plan.json)"),
    )
    .addOption(
      new Option(
        "--manifests <dir>",
        "where to write the manifests (default: out/<stack>/manifests)",
      ),
    )
    .addOption(new Option("--summary", "one line per model instead of a row per version"))
    .addOption(
      new Option(
        "--rollout-records <file>",
        "plan with these rollout records (maas rollout status --json), as pulumi up would read them from the rollouts table; default none",
      ),
    )
    .addOption(
      new Option(
        "--all-stacks",
        "every stack of the project, each in a process of its own, to out/<stack>/, with a summary across them",
      ).conflicts(["stack", "json", "manifests"]),
    )
    .addOption(jobsOption())
    .action(async (options: PlanCommandOptions & { allStacks?: boolean }) => {
      if (options.allStacks) {
        exit(await runPlanAllCommand(options, io));
        return;
      }
      const { runPlanCommand } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./plan") as typeof PlanCommand,
        () => import("./plan"),
      );
      exit(await runPlanCommand(options, io));
    });

  withStackOptions(
    program
      .command("diff")
      .description(
        "Markdown of what the working tree changes against a base (git ref or catalogue file): risk first, per model, then per resource. Exit 1 when a risk refuses the change.",
      )
      .requiredOption(
        "-b, --base <ref-or-file>",
        "git ref (main, HEAD~1, a commit) or an older catalogue file",
      ),
    "catalogue of both sides (default: the stack's maas:catalogue)",
    "several",
  )
    .addOption(
      new Option(
        "--all-stacks",
        "every stack of the project (each Pulumi.<stack>.yaml); those the change does not touch are named, not planned",
      ).conflicts("stack"),
    )
    .addOption(jobsOption())
    .addOption(
      new Option("--summary", "only the risk and the catalogue changes (no charts or tables)"),
    )
    .addOption(
      new Option(
        "--full <file>",
        "also write the whole diff here (the comment is cut to GitHub's limit when it is longer)",
      ),
    )
    .addOption(
      new Option(
        "--no-scope",
        "plan every touched stack whole, even when only the catalogue changed (by default such a review plans only the models the change touches, beside what the stack shares)",
      ),
    )
    .action(async (options: DiffCommandOptions) => {
      const { runDiffCommand } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./diff") as typeof DiffCommand,
        () => import("./diff"),
      );
      exit(await runDiffCommand(options, io));
    });

  program
    .command("rollout")
    .description(
      "Carry a catalogue change out step by step (the models' rollout: policies): run (step 0: the whole pulumi up, then drive), drive (go on from the records), status, pause, resume, promote, abort. Needs AWS credentials and the Pulumi CLI.",
    )
    .argument("<verb>", "run, drive, status, pause, resume, promote or abort")
    .argument("[model]", "the model (pause, resume, promote, abort; status of one model)")
    .addOption(
      new Option("-s, --stack <name>", "the stack (Pulumi.<stack>.yaml)").makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--for <duration>",
        "run, drive: stop driving after this long (50m, 2h); a later drive goes on from the records",
      ).default("50m"),
    )
    .addOption(new Option("--commit <sha>", "run: the commit carried out, kept in the records"))
    .addOption(new Option("--reason <text>", "pause, abort: why, kept in the record"))
    .addOption(
      new Option("--full", "promote: to the catalogue's target at once, completing the rollout"),
    )
    .addOption(
      new Option(
        "--break-glass",
        "abort: set the rule's weights with ELBv2 ModifyRule, without Pulumi (when the stack is locked or an update hangs)",
      ),
    )
    .addOption(
      new Option("--json", "status: the records as JSON (for maas plan --rollout-records)"),
    )
    .action(async (verb: string, model: string | undefined, options: RolloutCommandOptions) => {
      const { runRollout, ROLLOUT_VERBS } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./rollout") as typeof RolloutCommand,
        () => import("./rollout"),
      );
      if (!(ROLLOUT_VERBS as readonly string[]).includes(verb)) {
        io.stderr.write(`maas rollout ${verb}: unknown verb; one of ${ROLLOUT_VERBS.join(", ")}\n`);
        exit(USAGE_ERROR);
        return;
      }
      const { realPorts } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./rollout-ports") as typeof RolloutPorts,
        () => import("./rollout-ports"),
      );
      exit(await runRollout(verb as RolloutVerb, model, options, io, realPorts));
    });

  program
    .command("smoke")
    .description(
      "Call a deployed stack's front door as its consumers do: an oauth consumer's token, 401 without credentials, 200 with theirs (and the path the model receives), 403 for a model not granted, 429 over the limit (--burst). Needs AWS credentials, the Pulumi CLI and network access to the API.",
    )
    .addOption(
      new Option("-s, --stack <name>", "the stack (Pulumi.<stack>.yaml)").makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--path <path>",
        "what to GET under each model: <url>/models/<model>/<path>",
      ).default("healthz"),
    )
    .addOption(
      new Option(
        "--burst <n>",
        "also send n requests at once per consumer (its burst + requestsPerSecond) and expect a 429",
      ),
    )
    .action(async (options: SmokeCommandOptions) => {
      const { runSmokeCommand } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./smoke") as typeof SmokeCommand,
        () => import("./smoke"),
      );
      const { realSmokeWorld } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("../smoke/real-world") as typeof SmokeWorld,
        () => import("../smoke/real-world"),
      );
      exit(await runSmokeCommand(options, io, realSmokeWorld));
    });

  withStackOptions(
    program
      .command("permissions")
      .description(
        'Print the IAM policy the role that runs pulumi up of a stack needs, derived from the resources its offline plan creates (docs/setup.md, "The first pulumi up").',
      ),
    "catalogue to plan (default: the stack's maas:catalogue)",
  ).action(async (options: PermissionsCommandOptions) => {
    const { runPermissionsCommand } = await onDemand(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require("./permissions") as typeof PermissionsCommand,
      () => import("./permissions"),
    );
    exit(await runPermissionsCommand(options, io));
  });

  program
    .command("rules")
    .description(
      "Print the rule reference (docs/rules.md): every rule's id, what it requires, why, and how to comply.",
    )
    .action(async () => {
      const { rulesReference } = await onDemand(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require("./rules") as typeof RulesCommand,
        () => import("./rules"),
      );
      io.stdout.write(rulesReference());
    });

  program
    .command("schema")
    .description("Print the JSON Schema of models.yaml (generated from the validation schema).")
    .action(() => {
      io.stdout.write(`${JSON.stringify(catalogueJsonSchema(), null, 2)}\n`);
    });

  for (const command of program.commands) command.exitOverride();
  return program;
}

/** A terminal's width, as commander would take it; 80 columns elsewhere (commander's default). */
function helpWidth(stream: Writer): number {
  return (stream.isTTY ? stream.columns : undefined) ?? 80;
}

export interface MainOptions extends Partial<Io> {
  /** The working directory of the run (default: the process's); restored when the run ends. */
  cwd?: string;
}

/**
 * Runs `maas` with `argv` (the arguments after `maas`) and returns its exit code; the process's
 * own exit code, working directory and streams are left as they were (only its working directory
 * changes, for the run, when `cwd` is given). One run at a time: the working directory is the
 * process's. Ctrl-C handling is the process's, installed by run().
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io: Io = { ...processIo(), ...options };
  let code = 0;
  const program = buildProgram(io, (exitCode) => {
    code = exitCode;
  });
  const previous = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    // A bug, not bad input (bad input is reported as problems): say so, keep the stack for MAAS_DEBUG.
    io.stderr.write(
      `maas: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (io.env.MAAS_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return INTERNAL_ERROR;
  } finally {
    if (options.cwd !== undefined) process.chdir(previous);
  }
}

/**
 * Entry point of bin/maas.js: the process's arguments, streams and working directory; the exit
 * code becomes the process's. A Ctrl-C (or SIGTERM) stops the run: its child processes, what it
 * has half written (cli/signals.ts); the process exits 130 (143).
 */
export function run(): void {
  stopOnSignals();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
