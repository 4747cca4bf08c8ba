import { distance } from "fastest-levenshtein";

/** The known key a typo most likely meant, if one is close enough to suggest. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lowered = unknown.toLowerCase();
  let best: { key: string; score: number } | undefined;
  for (const key of known) {
    const score = distance(lowered, key.toLowerCase());
    if (!best || score < best.score) best = { key, score };
  }
  // About one edit per three characters (`replica` -> `replicas`), one for short words (`9.9` is not `1.0`).
  const tolerance = unknown.length <= 3 ? 1 : Math.max(2, Math.floor(unknown.length / 3));
  return best && best.score <= tolerance ? best.key : undefined;
}

/** "did you mean `x`?" or the list of what is allowed. */
export function unknownKeyMessage(unknown: string, known: readonly string[], what = "key"): string {
  const suggestion = closestKey(unknown, known);
  if (suggestion) return `unknown ${what} "${unknown}"; did you mean "${suggestion}"?`;
  return known.length > 0
    ? `unknown ${what} "${unknown}"; allowed: ${known.join(", ")}`
    : `unknown ${what} "${unknown}"`;
}
