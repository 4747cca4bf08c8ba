/** `maas plan`: the offline plan of a stack, written as plan.json and manifests, summarised on stdout. */
import { join } from "node:path";
import { estimateCost } from "../cost/estimate";
import { costSummary } from "../cost/summary";
import { manifestText } from "../plan/manifests";
import type * as Run from "../plan/run";
import { layoutDescription } from "../stack/layout";
import { KUBERNETES_RULES, ruleFix } from "../policy";
import { AWS_RULES } from "../policy/aws-rules";
import { processIo } from "./io";
import { onDemand } from "./on-demand";
import type { Io } from "./io";
import { OutputError, outputTargets, writeOutputs } from "./outputs";
import { catalogueSummary, consumersSummary, resourceCounts } from "./plan-summary";
import { progress, terminal, wrap } from "./terminal";

export interface PlanCommandOptions {
  stack: string;
  catalogue?: string;
  json?: string;
  manifests?: string;
  /** `key=value` pairs over the stack's config. */
  config?: string[];
  /** One line per model instead of a row per version. */
  summary?: boolean;
  /** Rollout records to plan with (`maas rollout status --json`). */
  rolloutRecords?: string;
}

/** `maas:protect=true` -> ["maas:protect", "true"]; keys without a namespace get `maas:`. */
export function parseConfigPairs(pairs: string[]): Record<string, string> | string {
  const config: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) return `--config ${pair}: expected key=value`;
    const key = pair.slice(0, at);
    config[key.includes(":") ? key : `maas:${key}`] = pair.slice(at + 1);
  }
  return config;
}

export async function runPlanCommand(
  options: PlanCommandOptions,
  io: Io = processIo(),
): Promise<number> {
  const config = parseConfigPairs(options.config ?? []);
  if (typeof config === "string") {
    io.stderr.write(`maas plan: ${config}\n`);
    return 2;
  }
  const places = {
    file: {
      flag: "--json",
      kind: "plan" as const,
      path: options.json ?? join("out", options.stack, "plan.json"),
    },
    dir: {
      flag: "--manifests",
      path: options.manifests ?? join("out", options.stack, "manifests"),
    },
  };
  let toStdout: boolean;
  try {
    toStdout = outputTargets(places).file.kind === "stdout";
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    io.stderr.write(`maas plan: ${error.message}\n`);
    return 2;
  }
  // Loaded once the arguments are known good: Pulumi's SDK takes a second to import.
  const { runPlan } = await onDemand(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require("../plan/run") as typeof Run,
    () => import("../plan/run"),
  );
  const status = progress(io.stderr, `maas plan: planning stack ${options.stack}`);
  const result = await runPlan({
    stack: options.stack,
    config,
    ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
    ...(options.rolloutRecords === undefined ? {} : { rolloutRecords: options.rolloutRecords }),
    onResource: (count) => status.update(count),
  });
  status.done();
  if (!result.ok) {
    for (const problem of result.problems) io.stdout.write(`${problem}\n`);
    io.stderr.write(`maas plan: stack ${options.stack} not planned; nothing was written\n`);
    return 1;
  }
  // Planning runs in promise callbacks, which a signal handler cannot interrupt: let a Ctrl-C
  // that came meanwhile end the run here, before anything is written.
  await new Promise((resolve) => setImmediate(resolve));
  // What the plan costs a month (cost/), from the resources it records: in plan.json and below.
  const cost = estimateCost(result.plan.resources);
  try {
    writeOutputs(
      {
        file: { ...places.file, text: `${JSON.stringify({ ...result.plan, cost }, null, 2)}\n` },
        dir: {
          ...places.dir,
          files: result.manifests.map((manifest) => ({
            name: manifest.file,
            text: manifestText(manifest),
          })),
        },
      },
      io,
    );
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    io.stderr.write(`maas plan: ${error.message}; nothing was written\n`);
    return 1;
  }

  const { plan } = result;
  // With the plan on stdout (`--json /dev/stdout | jq`), the summary goes where the plan does not.
  const report = toStdout ? io.stderr : io.stdout;
  const out = terminal(report, io.env);
  const checks =
    result.violations.length === 0
      ? [
          out.paint(
            "green",
            wrap(
              `checks: ${result.manifests.length} Kubernetes objects valid against the OpenAPI schema; all ${KUBERNETES_RULES.length + AWS_RULES.length} rules pass (${KUBERNETES_RULES.length} on Kubernetes objects, ${AWS_RULES.length} on AWS resources)`,
            ),
          ),
        ]
      : [
          out.paint(
            "red",
            `checks: ${result.violations.length} violation(s) (docs/rules.md explains each rule):`,
          ),
          ...result.violations.flatMap((v) => [
            wrap(`  ${out.paint("red", v.rule)}: ${v.object}: ${v.message}`, 6),
            wrap(`    fix: ${ruleFix(v.rule) ?? "see docs/rules.md"}`, 6),
          ]),
        ];
  report.write(
    [
      wrap(
        `maas plan: stack ${plan.stack}, environment ${plan.environment}, catalogue ${plan.catalogue}`,
      ),
      ...(result.settings.layout.kind === "single"
        ? []
        : [wrap(layoutDescription(plan.stack, result.settings.layout))]),
      ...catalogueSummary(result.catalogue, out, options.summary),
      ...consumersSummary(result.catalogue).map((line) => wrap(line, 2)),
      ...Object.entries(result.rollouts).flatMap(([model, view]) =>
        view.holding || view.pinnedVersion
          ? [
              wrap(
                `rollout: ${model}: ${view.holding ?? "at the catalogue's weights"}${view.pinnedVersion ? `; pinned route to ${view.pinnedVersion}` : ""}`,
                2,
              ),
            ]
          : [],
      ),
      wrap(resourceCounts(plan.resources)),
      ...costSummary(cost).map((line) => wrap(line, 2)),
      ...checks,
      wrap(
        `wrote ${places.file.path} and ${result.manifests.length} manifests to ${places.dir.path}/`,
      ),
      ...(options.summary ? [] : [wrap(`note: ${plan.note}`)]),
      "",
    ].join("\n"),
  );
  return result.violations.length === 0 ? 0 : 1;
}
