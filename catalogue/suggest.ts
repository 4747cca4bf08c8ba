/**
 * "Did you mean" for unknown names, in work that grows with the input, not with its square: a
 * catalogue with 20,000 unknown names among 20,000 known ones once compared every pair (and
 * listed every known name in every message). A check compares at most SUGGESTION_BUDGET names
 * in all, and a message lists at most MAX_LISTED of what is allowed.
 */
import { distance } from "fastest-levenshtein";

/** Known names one catalogue check may compare unknown ones with (docs/catalogue.md, "Errors"). */
export const SUGGESTION_BUDGET = 1_000_000;
/** An unknown name longer than this gets no suggestion: no known name comes close to it. */
export const LONGEST_SUGGESTED = 128;
/** How many allowed names a message lists; the rest are counted. */
export const MAX_LISTED = 20;

/** An unknown name as messages quote it: long ones are cut, so a message stays a line. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name);
}

function closest(unknown: string, known: readonly string[]): string | undefined {
  if (unknown.length > LONGEST_SUGGESTED) return undefined;
  // About one edit per three characters (`replica` -> `replicas`), one for short words (`9.9` is not `1.0`).
  const tolerance = unknown.length <= 3 ? 1 : Math.max(2, Math.floor(unknown.length / 3));
  const lowered = unknown.toLowerCase();
  let best: { key: string; score: number } | undefined;
  for (const key of known) {
    // The distance is at least the difference in length: most names are passed over unread.
    if (Math.abs(key.length - unknown.length) > tolerance) continue;
    const score = distance(lowered, key.toLowerCase());
    if (!best || score < best.score) best = { key, score };
  }
  return best && best.score <= tolerance ? best.key : undefined;
}

/** The known key a typo most likely meant, if one is close enough to suggest (one lookup). */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  return closest(unknown, known);
}

/** "allowed: a, b" with at most MAX_LISTED names, then how many more there are. */
export function allowedList(known: readonly string[]): string {
  if (known.length <= MAX_LISTED) return known.join(", ");
  return `${known.slice(0, MAX_LISTED).join(", ")} and ${(known.length - MAX_LISTED).toLocaleString("en")} more`;
}

/**
 * Suggestions within one check's budget: each lookup spends one unit per known name it may
 * compare; once the budget is spent, unknown names are reported without a suggestion.
 */
export class Suggestions {
  private remaining: number;

  constructor(readonly budget = SUGGESTION_BUDGET) {
    this.remaining = budget;
  }

  /** Known names compared so far. */
  get spent(): number {
    return this.budget - this.remaining;
  }

  closestKey(unknown: string, known: readonly string[]): string | undefined {
    if (unknown.length > LONGEST_SUGGESTED || known.length > this.remaining) return undefined;
    this.remaining -= known.length;
    return closest(unknown, known);
  }

  /** "did you mean `x`?" or the list of what is allowed. */
  unknownKeyMessage(unknown: string, known: readonly string[], what = "key"): string {
    const suggestion = this.closestKey(unknown, known);
    const quoted = quoteName(unknown);
    if (suggestion) return `unknown ${what} ${quoted}; did you mean "${suggestion}"?`;
    return known.length > 0
      ? `unknown ${what} ${quoted}; allowed: ${allowedList(known)}`
      : `unknown ${what} ${quoted}`;
  }
}
