/** Shared helpers for catalogue tests: check YAML text as if it were test/fixtures/models.yaml. */
import { checkCatalogueText, formatProblem, resolveChecked } from "../../catalogue";
import type { CheckOptions, Problem, ResolvedCatalogue } from "../../catalogue";
import { CATALOGUE_RULES } from "../../catalogue/rules";

export const FIXTURE_FILE = "test/fixtures/models.yaml";

const DOCUMENTED = new Set(CATALOGUE_RULES.map((rule) => rule.id));

/**
 * The problems as they are, after failing the test on any whose rule docs/rules.md does not
 * document: every fixture that goes through problemsOf checks the ids it makes the code emit.
 */
export function documented(problems: readonly Problem[]): readonly Problem[] {
  const unknown = problems.filter((problem) => !DOCUMENTED.has(problem.rule));
  if (unknown.length > 0)
    throw new Error(
      `problems carry rule ids no catalogue rule documents (catalogue/rules.ts): ${unknown.map(formatProblem).join("; ")}`,
    );
  return problems;
}

/** Problems as `line:col: path: message [rule]` (the file name is the same for every fixture). */
export function problemsOf(text: string, options: CheckOptions = {}): string[] {
  const result = checkCatalogueText(text, FIXTURE_FILE, options);
  if (result.ok) return [];
  return documented(result.problems).map((problem) =>
    formatProblem(problem).slice(FIXTURE_FILE.length + 1),
  );
}

/** The resolved catalogue of a valid fixture; fails the test with the problems otherwise. */
export function resolvedOf(text: string, environment?: string): ResolvedCatalogue {
  const result = checkCatalogueText(
    text,
    FIXTURE_FILE,
    environment === undefined ? {} : { environment },
  );
  if (!result.ok)
    throw new Error(
      `expected a valid catalogue:\n${result.problems.map(formatProblem).join("\n")}`,
    );
  return resolveChecked(result, environment);
}

/** Joins lines, so fixtures read like the file and line numbers are easy to count. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** A valid catalogue that every rule fixture mutates: canary, standby, retired, an overlay. */
export const BASELINE = yaml(
  "apiVersion: maas/v1", //                                   1
  "models:", //                                               2
  "  scorer:", //                                             3
  "    owner: team-a", //                                     4
  "    build: { context: ./server }", //                      5
  "    versions:", //                                         6
  '      "1.0.0": { traffic: 90 }', //                        7
  '      "1.1.0": { traffic: 10 }', //                        8
  '      "0.9.0": { traffic: 0 }', //                         9
  '      "0.8.0": { retired: true }', //                     10
  "environments:", //                                        11
  "  dev:", //                                               12
  "    models:", //                                          13
  '      scorer: { versions: { "1.0.0": { traffic: 50 }, "1.1.0": { traffic: 50 } } }', // 14
);

/** BASELINE with one line replaced (1-based), for one-mutation fixtures. */
export function mutate(line: number, replacement: string | string[]): string {
  const lines = BASELINE.trimEnd().split("\n");
  lines.splice(line - 1, 1, ...(Array.isArray(replacement) ? replacement : [replacement]));
  return yaml(...lines);
}
