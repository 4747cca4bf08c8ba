/**
 * The human summary of a plan: what runs per model and version, and what gets created. Rows fit
 * 80 columns; models in natural order (model-2 before model-10); colour only where `paint` adds it.
 */
import { isColdStandby } from "../catalogue";
import type { ResolvedCatalogue, ResolvedModel, ResolvedVersion } from "../catalogue";
import type { RecordedResource } from "../plan/record";
import { naturalCompare } from "./terminal";
import type { Terminal } from "./terminal";

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => cell.padEnd(widths[index] ?? 0))
    .join("  ")
    .trimEnd();
}

const STATUS_STYLE = { live: "green", standby: "yellow", retired: "dim" } as const;

function versionRows(model: ResolvedModel): string[][] {
  // A GPU column only for models that use GPUs.
  const gpu = (version: ResolvedVersion) =>
    model.versions.some((v) => v.gpu) ? [version.gpu ? `gpu ${version.gpu.count}` : "gpu 0"] : [];
  return model.versions.map((version) =>
    version.status === "retired"
      ? [version.version, "retired", "-", "no workload"]
      : isColdStandby(version)
        ? [
            version.version,
            "standby",
            "0%",
            `cold: no pods; a wake takes up to ${version.healthCheck.startupSeconds}s + scheduling`,
          ]
        : [
            version.version,
            version.status,
            `${version.traffic}%`,
            `pods ${version.autoscaling.minReplicas}-${version.autoscaling.maxReplicas}`,
            `cpu ${version.resources.cpu}`,
            `mem ${version.resources.memory}`,
            ...gpu(version),
            `p99 ${version.slo.latencyP99Ms}ms`,
            `5xx ${version.slo.errorRatePercent}%`,
          ],
  );
}

/** Who may call the model through the front door, when there is one. */
function callers(model: ResolvedModel): string {
  if (model.access === undefined) return "";
  return model.access.length > 0
    ? `, callers ${model.access.join(", ")}`
    : ", no callers: not callable";
}

/** One line per model (`--summary`), or its versions one per row. */
export function catalogueSummary(
  catalogue: ResolvedCatalogue,
  out: Pick<Terminal, "paint">,
  compact = false,
): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...catalogue.models.map((model) => model.name.length));
  for (const model of [...catalogue.models].sort((a, b) => naturalCompare(a.name, b.name))) {
    const served = model.versions.filter((v) => v.status !== "retired");
    if (compact) {
      const split = served.map((v) => `${v.version} ${v.traffic}%`).join(", ") || "retired";
      lines.push(`  ${out.paint("bold", model.name.padEnd(width))}  ${split}`);
      continue;
    }
    const shards = new Set(catalogue.models.map((m) => m.routing.loadBalancer)).size > 1;
    lines.push(
      `  ${out.paint("bold", model.name)} (owner ${model.owner}${shards ? `, load balancer ${model.routing.loadBalancer}` : ""}${callers(model)})`,
    );
    const rows = versionRows(model);
    // The last cell of a short row (retired, cold) says what does not run: it sets no width.
    const full = Math.max(...rows.map((cells) => cells.length));
    const widths = rows.reduce<number[]>(
      (max, cells) =>
        cells.map((cell, index) =>
          cells.length < full && index === cells.length - 1
            ? (max[index] ?? 0)
            : Math.max(max[index] ?? 0, cell.length),
        ),
      [],
    );
    rows.forEach((cells, index) => {
      const status = model.versions[index]!.status;
      const text = row(cells, widths);
      // Colour the status word only: the columns stay aligned.
      lines.push(
        `    ${text.replace(` ${status} `, ` ${out.paint(STATUS_STYLE[status], status)} `)}`,
      );
    });
  }
  return lines;
}

/** Resources by provider package: aws, kubernetes, docker-build…; components counted apart. */
export function resourceCounts(resources: RecordedResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) {
    const key = resource.type.startsWith("pulumi:providers:")
      ? "providers"
      : resource.custom
        ? (resource.type.split(":")[0] ?? "")
        : "components";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, count]) => `${key} ${count}`);
  return `${resources.length} resources: ${parts.join(", ")}`;
}

/** The front door's consumers, one line: who may call, how, and how much. */
export function consumersSummary(catalogue: ResolvedCatalogue): string[] {
  if (!catalogue.consumers) return [];
  const consumers = catalogue.consumers.map(
    (c) =>
      `${c.name} (${c.auth}, ${c.rateLimit.requestsPerSecond}/s${c.quota ? `, ${c.quota.requests}/${c.quota.per}` : ""})`,
  );
  return [`front door: ${consumers.join(", ") || "no consumers"}`];
}
