/**
 * Hostile inputs whose work could grow faster than their size (issue 19, item 7), timed:
 *
 * - `alias`: a small catalogue whose models all alias one large anchored env map, so the data
 *   it stands for is hundreds of times the file (validated, then resolved for its environment,
 *   and the resolved catalogue written out as JSON, as a plan would hold it);
 * - `unknown`: N consumers declared and N unknown names in one access list (every one gets its
 *   "did you mean").
 *
 * `npx tsx bench/input-growth.ts [alias|unknown]`; sizes by MAAS_BENCH_ALIAS_MODELS (default
 * 2000), MAAS_BENCH_ALIAS_ENTRIES (1000) and MAAS_BENCH_UNKNOWN (5000,20000). Figures, not
 * assertions: test/catalogue/input-limits.test.ts asserts the bounds by counting.
 */
import { performance } from "node:perf_hooks";
import { checkCatalogueText, resolveChecked } from "../catalogue";

const IMAGE = `registry.example.com/m@sha256:${"a".repeat(64)}`;

/** One anchored env map of `entries` variables, aliased by every other model. */
export function aliasCatalogue(models: number, entries: number): string {
  const lines = ["apiVersion: maas/v1", "models:"];
  for (let index = 0; index < models; index++) {
    lines.push(
      `  m${index}:`,
      "    owner: t",
      `    image: ${IMAGE}`,
      '    versions: { "1": { traffic: 100 } }',
    );
    // 50 models a load balancer: each holds 100 listener rules (quotas.ts).
    lines.push(
      `    routing: { priority: ${index + 1}, loadBalancer: lb-${Math.floor(index / 50)} }`,
    );
    if (index === 0) {
      lines.push("    env: &big");
      for (let entry = 0; entry < entries; entry++)
        lines.push(`      VARIABLE_${entry}: "value of variable number ${entry}"`);
    } else lines.push("    env: *big");
  }
  lines.push("environments: { dev: {} }");
  return `${lines.join("\n")}\n`;
}

/** `n` consumers declared, and `n` names nobody declared in one model's access list. */
export function unknownConsumersCatalogue(n: number): string {
  const lines = ["apiVersion: maas/v1", "consumers:"];
  for (let index = 0; index < n; index++)
    lines.push(
      `  consumer-${index}: { principals: ["arn:aws:iam::111122223333:role/r${index}"], rateLimit: { requestsPerSecond: 1, burst: 1 } }`,
    );
  lines.push("models:", "  a:", "    owner: t", `    image: ${IMAGE}`);
  lines.push('    versions: { "1": { traffic: 100 } }', "    access:");
  for (let index = 0; index < n; index++) lines.push(`      - caller-${index}`);
  return `${lines.join("\n")}\n`;
}

function measure(label: string, text: string, resolve: boolean): void {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const checked = checkCatalogueText(text, "models.yaml");
  let written = 0;
  if (checked.ok && resolve) written = JSON.stringify(resolveChecked(checked, "dev")).length;
  const elapsed = performance.now() - start;
  const heap = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const outcome = checked.ok
    ? "valid"
    : `${checked.problems.length} problem(s): ${checked.problems[0]!.message.slice(0, 150)}`;
  console.log(
    `${label.padEnd(34)} ${(text.length / 1e3).toFixed(0).padStart(7)} KB  ${(elapsed / 1e3).toFixed(2).padStart(7)} s  heap +${heap.toFixed(0).padStart(5)} MB  resolved ${(written / 1e6).toFixed(1).padStart(6)} MB  rss ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB  ${outcome}`,
  );
}

const which = process.argv[2];
console.log(`node ${process.version}`);
if (which === undefined || which === "alias") {
  const models = Number(process.env.MAAS_BENCH_ALIAS_MODELS ?? 2000);
  const entries = Number(process.env.MAAS_BENCH_ALIAS_ENTRIES ?? 1000);
  measure(`alias: ${models} models x ${entries} vars`, aliasCatalogue(models, entries), true);
}
if (which === undefined || which === "unknown") {
  for (const n of (process.env.MAAS_BENCH_UNKNOWN ?? "5000,20000").split(",").map(Number))
    measure(`unknown: ${n} consumers, ${n} unknown`, unknownConsumersCatalogue(n), false);
}
