/**
 * The traffic split of a model before → after, as a Mermaid flowchart (GitHub renders Mermaid in
 * comments): one edge per version, labelled with its share before and after.
 */
import type { ResolvedModel } from "../catalogue";

const share = (model: ResolvedModel | undefined, version: string): string => {
  const found = model?.versions.find((v) => v.version === version);
  if (!found) return "—";
  return found.status === "retired" ? "retired" : `${found.traffic}%`;
};

/** Mermaid node ids and labels: only safe characters, quoted. */
const label = (text: string) => text.replace(/["<>`]/g, "");

export function trafficChart(
  before: ResolvedModel | undefined,
  after: ResolvedModel | undefined,
): string[] | undefined {
  const name = (after ?? before)!.name;
  // Versions that serve on either side (one retired or absent on both has no edge to draw).
  const serves = (model: ResolvedModel | undefined, version: string) =>
    model?.versions.some((v) => v.version === version && v.status !== "retired") ?? false;
  const versions = [
    ...new Set([...(before?.versions ?? []), ...(after?.versions ?? [])].map((v) => v.version)),
  ].filter((version) => serves(before, version) || serves(after, version));
  const edges = versions
    .map((version, index) => ({
      version,
      index,
      from: share(before, version),
      to: share(after, version),
    }))
    .filter((edge) => edge.from !== edge.to && !(edge.from === "—" && edge.to === "retired"));
  if (edges.length === 0) return undefined;
  return [
    "```mermaid",
    "flowchart LR",
    `  model["${label(name)}"]`,
    ...versions.map((version, index) => {
      const [from, to] = [share(before, version), share(after, version)];
      const edge = from === to ? from : `${from} → ${to}`;
      return `  model -->|"${label(edge)}"| v${index}["${label(version)}"]`;
    }),
    "```",
  ];
}
