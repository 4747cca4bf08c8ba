/** `maas validate`: every problem in the catalogue, one line each, or a one-line summary. */
import { checkCatalogueFile, formatProblem, resolveChecked } from "../catalogue";
import type { ResolvedCatalogue } from "../catalogue";
import { processIo } from "./io";
import type { Io } from "./io";

export interface ValidateOptions {
  environment?: string;
}

export function runValidate(file: string, options: ValidateOptions, io: Io = processIo()): number {
  const checked = checkCatalogueFile(
    file,
    options.environment === undefined ? {} : { environment: options.environment },
  );
  if (!checked.ok) {
    for (const problem of checked.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    io.stderr.write(
      `${file}: ${checked.problems.length} problem${checked.problems.length === 1 ? "" : "s"}\n`,
    );
    return 1;
  }
  const resolved = resolveChecked(checked, options.environment);
  const environments = Object.keys(checked.document.environments ?? {});
  const scope =
    options.environment !== undefined
      ? `environment ${options.environment}`
      : `base catalogue${environments.length > 0 ? ` and environments ${environments.join(", ")}` : ""}`;
  io.stdout.write(`${file}: valid (${scope}): ${summarise(resolved)}\n`);
  return 0;
}

/** "3 models, 8 versions (5 live, 2 standby, 1 retired)". */
export function summarise(catalogue: ResolvedCatalogue): string {
  const versions = catalogue.models.flatMap((model) => model.versions);
  const count = (status: string) => versions.filter((version) => version.status === status).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(catalogue.models.length, "model")}, ${plural(versions.length, "version")} (${count("live")} live, ${count("standby")} standby, ${count("retired")} retired)`;
}
