/** `maas plan`'s cost lines: the stack's month, per model and version, and what is not counted. */
import type { CostEstimate } from "./estimate";
import { range } from "./format";

export function costSummary(estimate: CostEstimate): string[] {
  if (!estimate.priced) return [`cost: not estimated: ${estimate.why}`];
  const { prices, region } = estimate;
  const unconfirmed =
    prices.unconfirmed.length > 0
      ? `, ${prices.unconfirmed.length} of ${prices.used} not confirmed for ${region}`
      : "";
  const models = estimate.models.map(
    (model) =>
      `${model.model} ${range(model.monthly)} (${model.versions
        .map((version) => `${version.version} ${range(version.monthly)}`)
        .join(", ")})`,
  );
  const unbounded = [
    ...new Set(estimate.lines.filter((line) => !line.monthly).map((line) => line.kind)),
  ];
  return [
    `cost: ${range(estimate.total)} a month on demand (${region} prices of ${prices.retrieved}${unconfirmed}): ${[...models, `shared ${range(estimate.shared)}`].join("; ")}${unbounded.length > 0 ? `; not estimated: ${unbounded.join(", ")}` : ""} (plan.json's cost; docs/review.md, "Cost")`,
  ];
}
