/**
 * The Markdown a pull request shows: what a catalogue (or config) edit changes, per model in
 * models.yaml's terms, then per resource, with the changes that force a replacement called out.
 */
import type { ResolvedCatalogue } from "../catalogue";
import { catalogueChanges } from "./catalogue-diff";
import { comparePlans } from "./compare";
import type { RecordedResource } from "./record";
import { replacementCauses } from "./replacements";
import type { Plan } from "./run";
import type { TransitionFinding } from "./transition-rules";

export interface DiffSide {
  /** How the side was chosen, e.g. `main` or `working tree`. */
  label: string;
  plan: Plan;
  catalogue: ResolvedCatalogue;
}

const MAX_PATHS = 6;

type Row = { order: number; change: string; resource: RecordedResource; detail: string };

function resourceName(resource: RecordedResource): string {
  return `\`${resource.type}\` \`${resource.name}\``;
}

function paths(list: string[]): string {
  const shown = list.slice(0, MAX_PATHS).map((path) => `\`${path.replace(/^inputs\./, "")}\``);
  return list.length > MAX_PATHS
    ? `${shown.join(", ")} (+${list.length - MAX_PATHS} more)`
    : shown.join(", ");
}

function resourceRows(base: Plan, head: Plan): Row[] {
  // Components only group resources: their changes show in their children.
  const custom = (resources: RecordedResource[]) => resources.filter((resource) => resource.custom);
  const comparison = comparePlans(custom(base.resources), custom(head.resources));
  const byUrn = new Map(head.resources.map((resource) => [resource.urn, resource]));
  return [
    ...comparison.added.map((resource) => ({ order: 0, change: "+ add", resource, detail: "" })),
    ...comparison.changed.map((change) => {
      const resource = byUrn.get(change.urn)!;
      const causes = replacementCauses(change.type, change.paths);
      const others = change.paths.filter((path) => !causes.includes(path));
      if (causes.length === 0)
        return { order: 2, change: "~ update", resource, detail: paths(change.paths) };
      const detail = `${paths(causes)} ${causes.length === 1 ? "forces" : "force"} replacement${others.length > 0 ? `; also ${paths(others)}` : ""}`;
      return { order: 1, change: "**± replace**", resource, detail };
    }),
    ...comparison.removed.map((resource) => ({
      order: 3,
      change: "- delete",
      resource,
      detail: "",
    })),
  ].sort((a, b) => a.order - b.order || (a.resource.urn < b.resource.urn ? -1 : 1));
}

function findingLines(findings: TransitionFinding[]): string[] {
  if (findings.length === 0)
    return ["No transition problem: `pulumi up` can go from base to head safely.", ""];
  const refused = findings.filter((f) => f.severity === "refuse");
  return [
    ...(refused.length > 0
      ? [
          `**${refused.length} ${refused.length === 1 ? "change" : "changes"} would fail \`pulumi up\`, drop requests or lose data; split or change the edit:**`,
          "",
          ...refused.map((f) => `- ⛔ \`${f.rule}\`: ${f.message}`),
          "",
        ]
      : []),
    ...findings.filter((f) => f.severity === "warn").map((f) => `- ⚠️ \`${f.rule}\`: ${f.message}`),
    "",
  ];
}

export function markdownDiff(
  base: DiffSide,
  head: DiffSide,
  findings: TransitionFinding[] = [],
): string {
  const lines = [
    `## maas diff: stack \`${head.plan.stack}\` (environment \`${head.plan.environment}\`)`,
    "",
    `Base: ${base.label} · Head: ${head.label}`,
    "",
    "### The way from base to head",
    "",
    ...findingLines(findings),
  ];

  const models = catalogueChanges(base.catalogue, head.catalogue);
  lines.push("### Catalogue", "");
  if (models.length === 0) lines.push("No change to what the catalogue resolves to.", "");
  for (const { model, lines: changes } of models)
    lines.push(`**${model}**`, "", ...changes.map((change) => `- ${change}`), "");

  const rows = resourceRows(base.plan, head.plan);
  const count = (order: number) => rows.filter((row) => row.order === order).length;
  lines.push("### Resources", "");
  if (rows.length === 0) {
    lines.push("No resource changes.", "");
  } else {
    lines.push(
      `${count(0)} to add, ${count(2)} to update, ${count(1)} to replace, ${count(3)} to delete.`,
      "",
    );
    lines.push("| change | resource | inputs |", "|---|---|---|");
    for (const row of rows)
      lines.push(`| ${row.change} | ${resourceName(row.resource)} | ${row.detail} |`);
    lines.push("");
  }
  lines.push(
    `<sub>Offline plan: the inputs each side's program registers, compared; not a provider diff. Provider-computed values are placeholders. Replacements are called out from the providers' documented immutable fields.</sub>`,
    "",
  );
  return lines.join("\n");
}
