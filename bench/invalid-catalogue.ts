/**
 * How reporting scales when every model has a problem: N models with an invalid owner, one
 * problem each, every one located by line and column. Linear since positions come from a
 * per-map index and duplicate keys are found in one pass. Run with `npm run bench`.
 */
import { performance } from "node:perf_hooks";
import { checkCatalogueText } from "../catalogue";

const SIZES = (process.env.MAAS_BENCH_INVALID_SIZES ?? "5000,20000,40000").split(",").map(Number);

function catalogue(models: number): string {
  const lines = ["apiVersion: maas/v1", "models:"];
  for (let index = 0; index < models; index++)
    lines.push(
      `  model-${index}:`,
      "    owner: 'not a label!'",
      `    image: registry.example.com/m@sha256:${"a".repeat(64)}`,
      '    versions: { "1.0.0": { traffic: 100 } }',
    );
  return `${lines.join("\n")}\n`;
}

console.log(`node ${process.version}; one problem per model`);
console.log("models  size (MB)  problems  validate (ms)");
for (const models of SIZES) {
  const text = catalogue(models);
  const start = performance.now();
  const checked = checkCatalogueText(text, "models.yaml");
  const elapsed = performance.now() - start;
  console.log(
    `${String(models).padStart(6)}  ${(text.length / 1e6).toFixed(1).padStart(9)}  ${String(checked.ok ? 0 : checked.problems.length).padStart(8)}  ${elapsed.toFixed(0).padStart(13)}`,
  );
}
