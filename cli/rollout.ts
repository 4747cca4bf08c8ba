/**
 * `maas rollout`: carries the catalogue's changes out through the rollout engine (rollout/).
 *
 *   run      step 0 (the merged commit's whole `pulumi up`, stepped models at their baseline),
 *            then drive every rollout until done or --for is up
 *   drive    go on from the records, targeted updates only (a scheduled job's verb)
 *   status   every model's record: status, step, weights, the last verdict (--json: the records,
 *            which `maas plan --rollout-records` reads)
 *   pause / resume / promote [--full] / abort [--break-glass]   one model's rollout
 *
 * Progress is one line per event on stdout, with its time: readable in a terminal and in a CI
 * log alike; under GitHub Actions the step log is also a table in the job summary.
 */
import { appendFileSync } from "node:fs";
import { rolloutTableName } from "../catalogue/names";
import { RolloutEngine, formatWeights } from "../rollout/engine";
import type { Ports } from "../rollout/ports";
import { heldWeights, isActive } from "../rollout/record";
import type { RolloutRecord } from "../rollout/record";
import { deployedCatalogue } from "../stack/layout";
import type { StackSettings } from "../stack/settings";
import { prepareStack } from "../plan/run";
import type { Io } from "./io";
import type { ResolvedCatalogue } from "../catalogue";

export const ROLLOUT_VERBS = [
  "run",
  "drive",
  "status",
  "pause",
  "resume",
  "promote",
  "abort",
] as const;
export type RolloutVerb = (typeof ROLLOUT_VERBS)[number];

export interface RolloutCommandOptions {
  stack: string;
  /** How long run and drive may drive before leaving the rest to a later run (`50m`, `2h`). */
  for?: string;
  /** The commit whose catalogue this run carries out (recorded). */
  commit?: string;
  reason?: string;
  full?: boolean;
  breakGlass?: boolean;
  json?: boolean;
}

/** What a verb needs of the stack: its settings, its catalogue, and the world (ports). */
export interface RolloutContext {
  settings: StackSettings;
  catalogue: ResolvedCatalogue;
  table: string;
}

export type PortsFactory = (context: RolloutContext, io: Io) => Promise<Ports>;

const DURATION = /^([1-9][0-9]*)(s|m|h)$/;

/** `50m` -> milliseconds, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "s" | "m" | "h"];
}

/** A progress line: time, model, text. */
export function progressLine(now: Date, model: string, text: string): string {
  return `${now.toISOString().replace(/\.\d{3}Z$/, "Z")} ${model === "*" ? "" : `${model}: `}${text}\n`;
}

/** The step log of a rollout as a Markdown table (the job summary, `status`). */
export function stepTable(record: RolloutRecord): string {
  const rows = record.steps.map((step) => {
    const last = step.checks.at(-1);
    return `| ${step.step}/${record.shares.length} | ${formatWeights(step.weights)} | ${step.shiftedAt} | ${step.checks.length} | ${last ? `${last.verdict}: ${last.detail}` : ""} | ${step.outcome ?? "baking"} |`;
  });
  return [
    `**${record.model}**: rollout of ${record.rising}, ${record.status}${record.reason ? ` (${record.reason})` : ""}`,
    "",
    "| step | weights | shifted | checks | last verdict | outcome |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

function describeRecord(record: RolloutRecord): string {
  const step = record.steps.find((s) => s.step === record.step);
  const last = step?.checks.at(-1);
  return [
    `${record.model}: rollout ${record.id} ${record.status}${record.reason ? `: ${record.reason}` : ""}`,
    `  ${record.rising}: ${record.baseline[record.rising] ?? 0}% -> ${record.shares.join("% -> ")}%; step ${record.step} of ${record.shares.length}`,
    `  weights held: ${formatWeights(heldWeights(record))}; baseline: ${formatWeights(record.baseline)}`,
    ...(last ? [`  last check ${last.at}: ${last.verdict}: ${last.detail}`] : []),
    ...(record.commit ? [`  commit ${record.commit}`] : []),
  ].join("\n");
}

function readContext(stack: string, io: Io): RolloutContext | undefined {
  const prepared = prepareStack({ stack });
  if (!prepared.ok) {
    for (const problem of prepared.problems) io.stderr.write(`${problem}\n`);
    return undefined;
  }
  return {
    settings: prepared.settings,
    catalogue: deployedCatalogue(prepared.catalogue, prepared.settings.layout),
    table: rolloutTableName(prepared.settings.deployment),
  };
}

export async function runRollout(
  verb: RolloutVerb,
  model: string | undefined,
  options: RolloutCommandOptions,
  io: Io,
  createPorts: PortsFactory,
): Promise<number> {
  const forMs = options.for === undefined ? 50 * 60_000 : parseDuration(options.for);
  if (forMs === undefined) {
    io.stderr.write(`--for ${options.for ?? ""}: must be a duration such as 50m, 2h or 90s\n`);
    return 2;
  }
  const needsModel = !["run", "drive", "status"].includes(verb);
  if (needsModel && !model) {
    io.stderr.write(
      `maas rollout ${verb}: name the model (maas rollout ${verb} <model> --stack <stack>)\n`,
    );
    return 2;
  }
  const context = readContext(options.stack, io);
  if (!context) return 1;
  if (model && !context.catalogue.models.some((m) => m.name === model)) {
    io.stderr.write(
      `model ${model}: stack ${options.stack} does not deploy it (its models: ${context.catalogue.models.map((m) => m.name).join(", ") || "none"})\n`,
    );
    return 1;
  }
  const ports = await createPorts(context, io);
  const engine = new RolloutEngine(ports, {
    stack: options.stack,
    ...(options.commit ? { commit: options.commit } : {}),
    until: new Date(ports.clock.now().getTime() + forMs),
  });
  const models = model ? [model] : context.catalogue.models.map((m) => m.name);

  switch (verb) {
    case "status": {
      const records = (await Promise.all(models.map((m) => ports.store.get(m)))).filter(
        (r): r is RolloutRecord => r !== undefined,
      );
      if (options.json) io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      else if (records.length === 0) io.stdout.write(`no rollout records in ${context.table}\n`);
      else for (const record of records) io.stdout.write(`${describeRecord(record)}\n`);
      return 0;
    }
    case "run":
    case "drive": {
      const result =
        verb === "run"
          ? await engine.run(context.catalogue)
          : { refused: [], changed: await engine.drive(models) };
      const records = (await Promise.all(models.map((m) => ports.store.get(m)))).filter(
        (r): r is RolloutRecord => r !== undefined,
      );
      writeSummary(io, records, result.refused);
      // What needs a person now: a rollout this run aborted or held (an older abort is known).
      const stopped = Object.entries(result.changed)
        .filter(([, change]) => change.to === "aborted" || change.to === "inconclusive")
        .map(([model]) => records.find((r) => r.model === model)!)
        .filter(Boolean);
      for (const record of stopped) io.stdout.write(`${describeRecord(record)}\n`);
      return result.refused.length > 0 || stopped.length > 0 ? 1 : 0;
    }
    case "pause":
      await engine.pause(model!, options.reason ?? "paused by an operator");
      return 0;
    case "resume":
      await engine.resume(model!);
      return 0;
    case "promote":
      await engine.promote(model!, { full: options.full === true });
      return 0;
    case "abort": {
      const record = await ports.store.get(model!);
      if (!record || !isActive(record)) {
        io.stderr.write(
          `model ${model}: ${record ? `rollout ${record.id} is ${record.status}` : "no rollout record"}; nothing to abort. To roll back, lower the version's traffic in models.yaml (a reduction applies at once)\n`,
        );
        return 1;
      }
      const aborted = await engine.abort(record, options.reason ?? "aborted by an operator", {
        breakGlass: options.breakGlass === true,
      });
      if (!aborted) {
        const now = await ports.store.get(model!);
        io.stderr.write(
          `model ${model}: rollout ${record.id} ${now?.id === record.id ? `became ${now.status}` : `was replaced by rollout ${now?.id ?? "none"}`} before the abort could be written; look again with maas rollout status\n`,
        );
        return 1;
      }
      return 0;
    }
  }
}

/** The job summary of a GitHub Actions run: every rollout's step table. */
function writeSummary(io: Io, records: RolloutRecord[], refused: string[]): void {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const text = [
    "## maas rollout",
    "",
    ...refused.map((why) => `- **refused**: ${why}`),
    ...records.map(stepTable),
  ].join("\n");
  appendFileSync(file, `${text}\n`);
}
