/**
 * The `maas` command line. Exit codes: 0 success, 1 the input is invalid (problems printed),
 * 2 the command line itself is wrong (usage printed).
 */
import { Command, CommanderError, Option } from "commander";
import { catalogueJsonSchema } from "../catalogue";
import type * as DiffCommand from "./diff";
import type { DiffCommandOptions } from "./diff";
import type * as PlanCommand from "./plan";
import { runPlanAllCommand } from "./plan-all";
import type * as RulesCommand from "./rules";
import type { PlanCommandOptions } from "./plan";
import { runValidate } from "./validate";

const USAGE_ERROR = 2;

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
            "stacks to diff (e.g. --stack dev prod); stacks whose diff reads the same are shown once",
          ).default(["dev"]),
    )
    .addOption(new Option("-c, --catalogue <file>", catalogueHelp))
    .addOption(
      new Option(
        "--config <key=value...>",
        "config over the stack's, like pulumi preview --config (e.g. maas:protect=true)",
      ),
    );
}

function buildProgram(): Command {
  const program = new Command("maas")
    .description(
      "Model-as-a-Service from models.yaml: validate the catalogue, plan the stack offline, diff plans.",
    )
    .showHelpAfterError("(run with --help for usage)")
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
      process.exitCode = runValidate(file, options);
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
        "--all-stacks",
        "every stack of the project, each in a process of its own, to out/<stack>/, with a summary across them",
      ).conflicts(["stack", "json", "manifests"]),
    )
    .action(async (options: PlanCommandOptions & { allStacks?: boolean }) => {
      if (options.allStacks) {
        process.exitCode = runPlanAllCommand(options);
        return;
      }
      // Loaded on demand: the stack and its providers take a second to import; validate and
      // schema need none of it. require, not import(): the CLI runs as CommonJS under tsx.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runPlanCommand } = require("./plan") as typeof PlanCommand;
      process.exitCode = await runPlanCommand(options);
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
    .addOption(
      new Option("--summary", "only the risk and the catalogue changes (no charts or tables)"),
    )
    .addOption(
      new Option(
        "--full <file>",
        "also write the whole diff here (the comment is cut to GitHub's limit when it is longer)",
      ),
    )
    .action(async (options: DiffCommandOptions) => {
      // Loaded on demand, like plan.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runDiffCommand } = require("./diff") as typeof DiffCommand;
      process.exitCode = await runDiffCommand(options);
    });

  program
    .command("rules")
    .description(
      "Print the rule reference (docs/rules.md): every rule's id, what it requires, why, and how to comply.",
    )
    .action(() => {
      // Loaded on demand, like plan.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { rulesReference } = require("./rules") as typeof RulesCommand;
      process.stdout.write(rulesReference());
    });

  program
    .command("schema")
    .description("Print the JSON Schema of models.yaml (generated from the validation schema).")
    .action(() => {
      process.stdout.write(`${JSON.stringify(catalogueJsonSchema(), null, 2)}\n`);
    });

  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    throw error;
  }
}

/** Entry point of bin/maas.js. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A bug, not bad input (bad input is reported as problems): say so, keep the stack for MAAS_DEBUG.
      process.stderr.write(
        `maas: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      if (process.env.MAAS_DEBUG && error instanceof Error)
        process.stderr.write(`${error.stack}\n`);
      process.exitCode = 70;
    },
  );
}
