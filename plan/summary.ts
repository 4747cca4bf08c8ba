/** The human summary of a plan: what runs per model and version, and what gets created. */
import type { ResolvedCatalogue, ResolvedVersion } from "../catalogue";
import type { RecordedResource } from "./record";

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => cell.padEnd(widths[index] ?? 0))
    .join("  ")
    .trimEnd();
}

export function catalogueSummary(catalogue: ResolvedCatalogue): string[] {
  const lines: string[] = [];
  for (const model of catalogue.models) {
    lines.push(`  ${model.name} (owner ${model.owner})`);
    // A GPU column only for models that use GPUs.
    const gpu = (version: ResolvedVersion) =>
      model.versions.some((v) => v.gpu) ? [version.gpu ? `gpu ${version.gpu.count}` : "gpu 0"] : [];
    const rows = model.versions.map((version) =>
      version.status === "retired"
        ? [version.version, "retired", "-", "no workload"]
        : [
            version.version,
            version.status,
            `${version.traffic}%`,
            `replicas ${version.autoscaling.minReplicas}-${version.autoscaling.maxReplicas}`,
            `cpu ${version.resources.cpu}`,
            `memory ${version.resources.memory}`,
            ...gpu(version),
            `p99 ${version.slo.latencyP99Ms}ms`,
            `5xx ${version.slo.errorRatePercent}%`,
          ],
    );
    const widths = rows.reduce<number[]>(
      (max, cells) => cells.map((cell, index) => Math.max(max[index] ?? 0, cell.length)),
      [],
    );
    for (const cells of rows) lines.push(`    ${row(cells, widths)}`);
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
  return `${resources.length} resources (${parts.join(", ")})`;
}
