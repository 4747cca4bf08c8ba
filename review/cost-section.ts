/**
 * The review's Cost section: what the change does to the stack's monthly bill, in one line first
 * ("+$734 to +$1,470 a month"), then the models and versions whose cost changes, then (collapsed)
 * the head's estimate line by line with the assumptions and the prices' dates and sources. Both
 * sides are priced with the same price files (the head's), so the change is the plan's, not the
 * prices'.
 */
import { ASSUMPTIONS, estimateCost } from "../cost/estimate";
import type { CostEstimate, CostLine, Range } from "../cost/estimate";
import { change, range } from "../cost/format";
import { cell, code, details } from "./markdown";
import type { RecordedResource } from "../plan/record";

/** How much of the section to show: everything, no line-by-line table, or the headline only. */
export type CostDetail = "full" | "no-tables" | "summary";

type Priced = Extract<CostEstimate, { priced: true }>;

const ZERO: Range = { low: 0, high: 0 };

/** The price file's date and how far to trust it, as a sentence; `full` names the unconfirmed prices. */
export function pricesNote(estimate: Priced, full = false): string {
  const { prices, region } = estimate;
  const names = full ? `: ${prices.unconfirmed.map(code).join(", ")}` : "";
  const unconfirmed =
    prices.unconfirmed.length > 0
      ? ` ${prices.unconfirmed.length} of the ${prices.used} prices used are not confirmed for ${region}${names}.`
      : "";
  return `Prices: ${region}, on demand, retrieved ${prices.retrieved} (${code(prices.file)}).${unconfirmed}`;
}

/**
 * Cold standbys of each side, as `model/version`: a version that runs nothing has no cost of its
 * own, so the table says why it went (cold) or came back (woken) instead of "removed", "added".
 */
export interface ColdStandbys {
  base: string[];
  head: string[];
}

/** Rows of the models and versions whose cost differs between the sides. */
function changedRows(base: Priced, head: Priced, cold: ColdStandbys): string[] {
  const rows: string[] = [];
  const names = [...new Set([...base.models, ...head.models].map((m) => m.model))].sort();
  const same = (a: Range, b: Range) => change(a, b) === "$0";
  for (const name of names) {
    const before = base.models.find((m) => m.model === name);
    const after = head.models.find((m) => m.model === name);
    const b = before?.monthly ?? ZERO;
    const a = after?.monthly ?? ZERO;
    if (same(b, a)) continue;
    const state = !before ? " (added)" : !after ? " (removed)" : "";
    rows.push(
      `| model ${code(name)}${state} | ${before ? range(b) : "–"} | ${after ? range(a) : "–"} | ${change(b, a)} |`,
    );
    const versions = [
      ...new Set([...(before?.versions ?? []), ...(after?.versions ?? [])].map((v) => v.version)),
    ].sort();
    for (const version of versions) {
      const v0 = before?.versions.find((v) => v.version === version);
      const v1 = after?.versions.find((v) => v.version === version);
      if (same(v0?.monthly ?? ZERO, v1?.monthly ?? ZERO)) continue;
      const pods = (v?: { pods: Range }) =>
        v
          ? ` (${v.pods.low === v.pods.high ? v.pods.low : `${v.pods.low}–${v.pods.high}`} pods)`
          : "";
      const key = `${name}/${version}`;
      const vState = !v0
        ? cold.base.includes(key)
          ? ", woken from cold standby"
          : ", added"
        : !v1
          ? cold.head.includes(key)
            ? ", cold standby"
            : ", removed"
          : "";
      rows.push(
        `| ↳ version ${code(version)}${vState} | ${v0 ? `${range(v0.monthly)}${pods(v0)}` : "–"} | ${v1 ? `${range(v1.monthly)}${pods(v1)}` : "–"} | ${change(v0?.monthly ?? ZERO, v1?.monthly ?? ZERO)} |`,
      );
    }
  }
  if (!same(base.shared, head.shared))
    rows.push(
      `| shared: load balancers, front door, keys, the stack's alarms | ${range(base.shared)} | ${range(head.shared)} | ${change(base.shared, head.shared)} |`,
    );
  return rows.length === 0
    ? []
    : ["| | base | head | change a month |", "|---|---|---|---|", ...rows];
}

const owner = (line: CostLine) =>
  line.model === undefined
    ? "shared"
    : `${code(line.model)}${line.version === undefined ? "" : ` ${code(line.version)}`}`;

/** The head's estimate, line by line: what, whose, how much, how. */
export function estimateTable(estimate: Priced): string[] {
  return [
    "| cost | of | a month | how |",
    "|---|---|---|---|",
    ...estimate.lines.map(
      (line) =>
        `| ${line.kind} | ${owner(line)} | ${line.monthly ? range(line.monthly) : "not estimated"} | ${cell(line.detail)} |`,
    ),
    `| **total** | | **${range(estimate.total)}** | |`,
  ];
}

/**
 * A scoped review's Cost section (review/scope.ts): the change and the rows are exact (the models
 * not planned cost the same on both sides), the stack's totals are not known.
 */
function scopedCost(delta: string, prices: string, rows: string[], detail: CostDetail): string[] {
  const headline =
    delta === "$0"
      ? "No change to what the stack costs a month."
      : `**${delta} a month**${delta.includes(" to ") ? " (at the fewest pods and no requests, to the most pods and every quota used)" : ""}.`;
  const scope =
    "The stack's total a month is not estimated: this review planned only the models the change touches (`maas diff --no-scope` plans the stack whole).";
  if (detail === "summary") return [headline];
  return [headline, "", scope, "", prices, "", ...rows, ...(rows.length > 0 ? [""] : [])];
}

/** The Cost section of one stack's diff, as lines; `scoped`: from scoped plans (scopedCost()). */
export function costSection(
  baseResources: RecordedResource[],
  headResources: RecordedResource[],
  detail: CostDetail,
  cold: ColdStandbys = { base: [], head: [] },
  scoped = false,
): string[] {
  const head = estimateCost(headResources);
  if (!head.priced) return [`Not estimated: ${head.why}.`];
  const base: CostEstimate =
    baseResources.length === 0
      ? { ...head, lines: [], models: [], shared: ZERO, total: ZERO }
      : estimateCost(baseResources);
  if (!base.priced)
    return [
      `The head costs **${range(head.total)} a month**; the base is not estimated: ${base.why}.`,
      "",
      pricesNote(head),
    ];
  const delta = change(base.total, head.total);
  if (scoped) return scopedCost(delta, pricesNote(head), changedRows(base, head, cold), detail);
  const headline =
    delta === "$0"
      ? `No change: **${range(head.total)} a month**.`
      : `**${delta} a month**${delta.includes(" to ") ? " (at the fewest pods and no requests, to the most pods and every quota used)" : ""}: ${range(base.total)} → ${range(head.total)}.`;
  if (detail === "summary") return [headline];
  const rows = changedRows(base, head, cold);
  const lines = [headline, "", pricesNote(head), "", ...rows, ...(rows.length > 0 ? [""] : [])];
  if (detail === "no-tables") return lines;
  return [
    ...lines,
    ...details(`How the head's ${range(head.total)} a month is estimated`, [
      ...estimateTable(head),
      "",
      ...ASSUMPTIONS.map((assumption) => `- ${assumption}`),
      `- ${pricesNote(head, true)} Every price in the file names its source and date, or says why it has none; where AWS's price list is reachable, \`npx tsx scripts/refresh-prices.ts\` refreshes them.`,
    ]),
  ];
}
