/** One thing wrong with a catalogue, located in its file. */
export interface Problem {
  /** The catalogue file as the user named it. */
  file: string;
  /** 1-based line and column of the node to blame. */
  line: number;
  col: number;
  /** Dotted path of the field, e.g. `models.image-classifier.versions.1.5.0.traffic`. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
  /** The id of the rule it breaks (`catalogue/weights-sum`), documented in docs/rules.md. */
  rule: string;
}

/**
 * `file:line:col: path: message [rule]`, the format editors and CI annotations understand (they
 * read up to the message; the rule's id closes the line, as a compiler's warning flag does).
 */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.path}: ${problem.message} [${problem.rule}]`;
}

/** Orders problems by position so output reads top to bottom, each problem once. */
export function sortProblems(problems: Problem[]): Problem[] {
  const unique = [
    ...new Map(problems.map((problem) => [formatProblem(problem), problem])).values(),
  ];
  return unique.sort(
    (a, b) =>
      a.line - b.line ||
      a.col - b.col ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

/** Renders what the user wrote, for "got …" in messages. */
export function describeInput(input: unknown): string {
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  if (input instanceof Uint8Array) return "binary data";
  if (typeof input === "object") return "a map";
  if (typeof input === "string")
    return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint")
    return String(input);
  return typeof input;
}
