/**
 * The Markdown a pull request shows, risk first: per stack (stacks whose diff is the same are
 * shown once), what could go wrong on the way and what to do; what the catalogue edit means
 * per model, values before → after and the traffic split as a chart; then every resource
 * change, old → new, identical changes grouped, in a collapsed table. Kept under GitHub's
 * comment limit; catalogue text always in code spans (markdown.ts).
 */
import { isColdStandby } from "../catalogue";
import type { ResolvedCatalogue } from "../catalogue";
import type { Violation } from "../policy";
import { catalogueChanges, consumerChanges } from "./catalogue-diff";
import { rolloutLines } from "./rollout-review";
import { comparePlans } from "../change/compare";
import { costSection } from "./cost-section";
import type { ValueChange } from "../change/compare";
import { beforeAfter, cell, code, details, displayType } from "./markdown";
import type { RecordedResource } from "../plan/record";
import { replacementCauses } from "../plan/replacements";
import { risks } from "./risk";
import { stateMoveCommand } from "../change/shard-moves";
import type { ShardMove } from "../change/shard-moves";
import type { Risk } from "./risk";
import type { Plan } from "../plan/run";
import { trafficChart } from "./traffic-chart";
import { COMMENT_MARKER } from "./comment-marker";
import { transition } from "../change/transition";
import type { TransitionFinding } from "../change/transition-rules";

/** GitHub refuses comments over 65,536 characters; leave room for the workflow's own lines. */
export const COMMENT_LIMIT = 60_000;

export interface DiffSide {
  /** How the side was chosen, e.g. `main` or `working tree`. */
  label: string;
  plan: Plan;
  catalogue: ResolvedCatalogue;
}

export interface StackDiff {
  base: DiffSide;
  head: DiffSide;
  findings: TransitionFinding[];
  /** The head's rule violations, each with its rule's fix. */
  violations: (Violation & { fix?: string })[];
}

/** The catalogue's cold standbys, as `model/version` (the Cost section names them). */
const coldStandbys = (catalogue: ResolvedCatalogue) =>
  catalogue.models.flatMap((m) =>
    m.versions.filter(isColdStandby).map((v) => `${m.name}/${v.version}`),
  );

const MAX_CHANGES = 6;
const MAX_NAMES = 5;
const ICON: Record<Risk["level"], string> = {
  refuse: "⛔ **refused**",
  warn: "⚠️ **check**",
  note: "ℹ️ **note**",
};

type Row = { order: number; change: string; type: string; names: string[]; detail: string };

const displayPath = (path: string) => path.replace(/^inputs\./, "");

function changeList(changes: ValueChange[]): string {
  const shown = changes
    .slice(0, MAX_CHANGES)
    .map((c) => `${code(displayPath(c.path))} ${beforeAfter(c.before, c.after)}`);
  // One change per line of the cell (GitHub renders <br> in tables).
  return changes.length > MAX_CHANGES
    ? `${shown.join("<br>")}<br>(+${changes.length - MAX_CHANGES} more)`
    : shown.join("<br>");
}

function resourceRows(base: Plan, head: Plan): Row[] {
  // Components only group resources: their changes show in their children.
  const custom = (resources: RecordedResource[]) => resources.filter((resource) => resource.custom);
  const comparison = comparePlans(custom(base.resources), custom(head.resources));
  const byUrn = new Map(head.resources.map((resource) => [resource.urn, resource]));
  const rows: Row[] = [
    ...comparison.added.map((r) => ({
      order: 0,
      change: "+ add",
      type: r.type,
      names: [r.name],
      detail: "",
    })),
    ...comparison.changed.map((change) => {
      const resource = byUrn.get(change.urn)!;
      const causes = replacementCauses(
        change.type,
        change.paths,
        resource.options?.replaceOnChanges,
      );
      const forcing = change.changes.filter((c) => causes.includes(c.path));
      const others = change.changes.filter((c) => !causes.includes(c.path));
      return forcing.length === 0
        ? {
            order: 2,
            change: "~ update",
            type: change.type,
            names: [resource.name],
            detail: changeList(others),
          }
        : {
            order: 1,
            change: "**± replace**",
            type: change.type,
            names: [resource.name],
            detail: `${changeList(forcing)}<br>${forcing.length === 1 ? "forces" : "force"} replacement${others.length > 0 ? `; also:<br>${changeList(others)}` : ""}`,
          };
    }),
    // A resource kept on delete leaves the stack's state only: it stays in AWS.
    ...comparison.removed.map((r) =>
      r.options?.retainOnDelete
        ? { order: 4, change: "- forget", type: r.type, names: [r.name], detail: "kept in AWS" }
        : { order: 3, change: "- delete", type: r.type, names: [r.name], detail: "" },
    ),
  ];
  // Identical changes to many resources are one row ("cpu 500m → 750m on 600 Deployments").
  const merged = new Map<string, Row>();
  for (const row of rows) {
    const key = `${row.order}\n${row.type}\n${row.detail}`;
    const existing = merged.get(key);
    if (existing) existing.names.push(...row.names);
    else merged.set(key, { ...row, names: [...row.names] });
  }
  return [...merged.values()].sort(
    (a, b) => a.order - b.order || (a.type + a.names[0] < b.type + b.names[0] ? -1 : 1),
  );
}

function names(row: Row): string {
  const shown = row.names.slice(0, MAX_NAMES).map(code).join(", ");
  const more = row.names.length > MAX_NAMES ? ` +${row.names.length - MAX_NAMES} more` : "";
  return row.names.length > 1
    ? `${row.names.length} × ${code(displayType(row.type))}: ${shown}${more}`
    : `${code(displayType(row.type))} ${shown}`;
}

/** How much of each stack's diff to show. */
type Detail = "full" | "no-tables" | "summary";

/**
 * Every risk of one stack, with the models moving in or out of it: the transition's findings,
 * the head's rule violations, and what the change means (review/risk.ts). Those at `refuse` fail
 * `maas diff`.
 */
export function stackRisks(diff: StackDiff, moves: ShardMove[] = []): Risk[] {
  const found = risks({
    transition: transition(diff.base.plan.resources, diff.head.plan.resources),
    findings: diff.findings,
    base: diff.base.catalogue,
    head: diff.head.catalogue,
    violations: diff.violations,
  });
  // A production weight change that nothing guards (review/rollout-review.ts).
  const production = diff.head.plan.protected === true;
  for (const model of diff.head.catalogue.models) {
    const { warning } = rolloutLines(
      diff.base.catalogue.models.find((m) => m.name === model.name),
      model,
      production,
    );
    if (warning) found.push({ level: "warn", text: warning });
  }
  // A move is safe only with its state move (the command under "Across stacks"): said in both
  // stacks, so neither reads "no risk".
  const stack = diff.head.plan.stack;
  for (const move of moves.filter((m) => m.from === stack || m.to === stack))
    found.unshift({
      level: "warn",
      text:
        move.from === stack
          ? `model ${code(move.model)} leaves this stack for ${code(move.to)}: the steps below assume its state has moved (the command under "Across stacks"); without the move, pulumi up here deletes its workloads, routing and alarms, and its traffic stops`
          : `model ${code(move.model)} arrives from ${code(move.from)}: the steps below assume its state has moved (the command under "Across stacks"); without the move, pulumi up here fails to create names ${code(move.from)} still holds`,
    });
  return found;
}

/** The risk section of one stack, as lines. */
function riskLines(diff: StackDiff, moves: ShardMove[]): string[] {
  const found = stackRisks(diff, moves);
  return found.length === 0
    ? ["No risk found: `pulumi up` can go from base to head safely."]
    : found.map((risk) => `- ${ICON[risk.level]} ${risk.text}`);
}

/** What the catalogue edit means for one stack, per model (with its traffic chart). */
function catalogueLines(diff: StackDiff, detail: Detail): string[] {
  const models = catalogueChanges(diff.base.catalogue, diff.head.catalogue);
  const consumers = consumerChanges(diff.base.catalogue, diff.head.catalogue);
  if (models.length === 0 && consumers.length === 0)
    return ["No change to what the catalogue resolves to."];
  const consumerLines =
    consumers.length === 0
      ? []
      : ["**consumers**", "", ...consumers.map((line) => `- ${line}`), ""];
  return consumerLines.concat(
    models.flatMap(({ model, lines }) => {
      const before = diff.base.catalogue.models.find((m) => m.name === model);
      const after = diff.head.catalogue.models.find((m) => m.name === model);
      const chart = detail === "summary" ? undefined : trafficChart(before, after);
      const schedule = after ? rolloutLines(before, after, false).lines : [];
      return [
        `**${code(model)}**`,
        "",
        ...[...lines, ...schedule].map((line) => `- ${line}`),
        "",
        ...(chart ?? []),
      ];
    }),
  );
}

/** One stack's resource changes: a count, and the table (collapsed) when there is room. */
function resourceLines(diff: StackDiff, detail: Detail, label: string): string[] {
  const rows = resourceRows(diff.base.plan, diff.head.plan);
  if (rows.length === 0) return [`${label}no resource changes.`, ""];
  const count = (order: number) =>
    rows.filter((row) => row.order === order).reduce((n, row) => n + row.names.length, 0);
  const kept = count(4) > 0 ? `, ${count(4)} to forget (kept in AWS)` : "";
  const summary = `${label}${count(0)} to add, ${count(2)} to update, ${count(1)} to replace, ${count(3)} to delete${kept}`;
  return detail === "full"
    ? details(summary, [
        "| change | resource | what changes (before → after) |",
        "|---|---|---|",
        ...rows.map((row) => `| ${row.change} | ${cell(names(row))} | ${cell(row.detail)} |`),
      ])
    : [`${summary}. (The table is left out to fit the comment: see the full diff.)`, ""];
}

const stackLabel = (diff: StackDiff) =>
  `${code(diff.head.plan.stack)} (environment ${code(diff.head.plan.environment)})`;

/**
 * A section across stacks: stacks where it reads the same are shown once under all their
 * names; where they differ, each group under its own.
 */
function section(
  title: string,
  diffs: StackDiff[],
  lines: (diff: StackDiff) => string[],
  lead: string[] = [],
): string[] {
  const groups: { stacks: StackDiff[]; lines: string[] }[] = [];
  for (const diff of diffs) {
    const text = lines(diff);
    const same = groups.find((group) => group.lines.join("\n") === text.join("\n"));
    if (same) same.stacks.push(diff);
    else groups.push({ stacks: [diff], lines: text });
  }
  const out = [`### ${title}`, "", ...lead];
  for (const group of groups) {
    if (diffs.length > 1) out.push(`#### ${group.stacks.map(stackLabel).join(", ")}`, "");
    out.push(...group.lines, "");
  }
  return out;
}

/**
 * What only the stacks together show: a layout that does not fit (a shard with no stack or two,
 * physical names two stacks would create), refused; models moving between stacks, with the state
 * move each needs before `pulumi up`.
 */
function acrossLines(moves: ShardMove[], refusals: string[]): string[] {
  if (moves.length === 0 && refusals.length === 0) return [];
  return [
    "#### Across stacks",
    "",
    ...refusals.map((text) => `- ${ICON.refuse} ${text}`),
    ...(refusals.length > 0 ? [""] : []),
    ...moves.flatMap((move) => [
      `- ${ICON.warn} model ${code(move.model)} moves from stack ${code(move.from)} to ${code(move.to)}. Its AWS and Kubernetes names stay the same, so its state must move first, before \`pulumi up\` on either stack (Pulumi CLI 3.131 or later); otherwise ${code(move.from)} deletes its workloads and ${code(move.to)} fails to create names that still exist. The steps below are those after the move:`,
      "",
      "  ```sh",
      ...stateMoveCommand(move)
        .split("\n")
        .map((line) => `  ${line}`),
      "  ```",
      "",
    ]),
  ];
}

/** Stacks left out because the change does not touch them, and why. */
function untouchedLines(untouched: Map<string, string>): string[] {
  if (untouched.size === 0) return [];
  return [
    `Not planned, as this change does not touch them: ${[...untouched]
      .map(([stack, why]) => `${code(stack)} (${why})`)
      .join("; ")}.`,
    "",
  ];
}

/**
 * Stacks planned scoped (review/scope.ts): which models, and what was not computed. Every line
 * a scoped review adds says "scoped" (the review reads otherwise as the full one would).
 */
function scopedLines(diffs: StackDiff[]): string[] {
  const scoped = diffs.filter((diff) => diff.head.plan.scope !== undefined);
  if (scoped.length === 0) return [];
  return [
    `Scoped review: only the catalogue changed, so each stack was planned, on both sides, for the models the change touches only, beside everything it shares: ${scoped
      .map(
        (diff) =>
          `${code(diff.head.plan.stack)}: ${diff.head.plan.scope!.map(code).join(", ") || "no model"}`,
      )
      .join(
        "; ",
      )}. Its other models read the same on both sides and were not planned: their resources do not change, their rules were not checked again, and the stack's cost total is not given. \`maas diff --no-scope\` plans the stacks whole.`,
    "",
  ];
}

interface RenderOptions {
  moves: ShardMove[];
  /** What the stacks together refuse (plan/layout-check.ts, crossStackCollisions). */
  refusals: string[];
  untouched: Map<string, string>;
  /** The base as the heading names it when no stack was planned (Markdown). */
  baseLabel: string;
}

/**
 * How each stack's base was planned: one label when they agree, else each with its stacks (a
 * review of a ref plans a stack the change scopes with the working tree's program, the others
 * with the ref's own).
 */
function baseLabels(diffs: StackDiff[]): string {
  const stacks = new Map<string, string[]>();
  for (const diff of diffs)
    stacks.set(diff.base.label, [
      ...(stacks.get(diff.base.label) ?? []),
      code(diff.head.plan.stack),
    ]);
  if (stacks.size === 1) return [...stacks.keys()][0]!;
  return [...stacks].map(([label, names]) => `${names.join(", ")}: ${label}`).join("; ");
}

function render(diffs: StackDiff[], detail: Detail, options: RenderOptions): string {
  const first = diffs[0];
  if (!first)
    return [
      COMMENT_MARKER,
      `## maas diff: no stack changes`,
      "",
      `Base: ${options.baseLabel} · Head: working tree`,
      "",
      ...untouchedLines(options.untouched),
      ...acrossLines(options.moves, options.refusals),
    ].join("\n");
  const { moves } = options;
  const lines = [
    COMMENT_MARKER,
    `## maas diff: ${diffs.map(stackLabel).join(", ")}`,
    "",
    `Base: ${baseLabels(diffs)} · Head: ${first.head.label}`,
    "",
    ...untouchedLines(options.untouched),
    ...scopedLines(diffs),
    ...section(
      "Risk",
      diffs,
      (diff) => riskLines(diff, moves),
      acrossLines(moves, options.refusals),
    ),
    ...section("Catalogue", diffs, (diff) => catalogueLines(diff, detail)),
    // What the change costs (cost/): both sides priced alike, from their recorded resources.
    ...section("Cost", diffs, (diff) =>
      costSection(
        diff.base.plan.resources,
        diff.head.plan.resources,
        detail,
        { base: coldStandbys(diff.base.catalogue), head: coldStandbys(diff.head.catalogue) },
        diff.head.plan.scope !== undefined,
      ),
    ),
  ];
  if (detail !== "summary") {
    lines.push("### Resources", "");
    for (const diff of diffs)
      // Plain text: GitHub renders no Markdown inside <summary>.
      lines.push(
        ...resourceLines(
          diff,
          detail,
          diffs.length > 1 ? `${diff.head.plan.stack} (${diff.head.plan.environment}): ` : "",
        ),
      );
  }
  lines.push(
    "<sub>Offline plans of each side, compared (each with its own program, or the same one where only the catalogue differs): the inputs they register, not a provider diff. Provider-computed values are placeholders. The way from base to head is modelled on Pulumi's engine. Every rule id is explained in docs/rules.md.</sub>",
    "",
  );
  return lines.join("\n");
}

/**
 * The comment: whole when it fits GitHub's limit; otherwise without the resource tables, and
 * cut with a note as the last resort. `full` is always the whole text (the workflow's artifact).
 */
export function markdownDiff(
  diffs: StackDiff[],
  options: {
    summary?: boolean;
    moves?: ShardMove[];
    refusals?: string[];
    untouched?: Map<string, string>;
    /** The base as the heading names it when no stack was planned (Markdown). */
    baseLabel?: string;
  } = {},
): { comment: string; full: string } {
  const scope: RenderOptions = {
    moves: options.moves ?? [],
    refusals: options.refusals ?? [],
    untouched: options.untouched ?? new Map<string, string>(),
    baseLabel: options.baseLabel ?? "base",
  };
  const full = render(diffs, "full", scope);
  if (options.summary) return { comment: render(diffs, "summary", scope), full };
  if (full.length <= COMMENT_LIMIT) return { comment: full, full };
  const compact = render(diffs, "no-tables", scope);
  const note =
    "\n\n**The diff is longer than a comment can hold and was cut here.** The whole diff is the workflow run's `maas-diff` artifact (or `maas diff --full FILE`).\n";
  if (compact.length <= COMMENT_LIMIT) return { comment: compact, full };
  return { comment: `${compact.slice(0, COMMENT_LIMIT - note.length)}${note}`, full };
}
