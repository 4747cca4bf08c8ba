/**
 * Turns zod issues into located problems: the right node (a key for unknown or invalid keys,
 * the value otherwise), a dotted path, and a message that says what is allowed.
 */
import type { z } from "zod";
import { INPUT_RULES } from "./input-rules";
import { knownKeysAt } from "./json-schema";
import type { Problem } from "./problem";
import { problemAt } from "./source";
import type { CatalogueSource } from "./source";

const pathOf = (issue: z.core.$ZodIssue) =>
  issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));

/** A refinement that judges a rule of its own names it (`params.rule`); the rest are the schema's. */
function ruleOf(issue: z.core.$ZodIssue): { id: string } {
  const rule =
    issue.code === "custom" ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  return typeof rule === "string" ? { id: rule } : INPUT_RULES.schema;
}

export function schemaProblems(
  source: CatalogueSource,
  issues: readonly z.core.$ZodIssue[],
): Problem[] {
  // A key missing because it was misspelt (`ratelimit:` for `rateLimit:`) follows from the typo:
  // the "did you mean" says it, and "is required" would only send the reader elsewhere.
  const misspelt = new Set(
    issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.flatMap((key) => {
            const meant = source.suggestions.closestKey(key, knownKeysAt(pathOf(issue)));
            return meant ? [JSON.stringify([...pathOf(issue), meant])] : [];
          })
        : [],
    ),
  );
  return issues.flatMap((issue): Problem[] => {
    const path = pathOf(issue);
    if (issue.message.startsWith("is required") && misspelt.has(JSON.stringify(path))) return [];
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys.map((key) =>
          problemAt(
            INPUT_RULES["known-keys"],
            source,
            [...path, key],
            source.suggestions.unknownKeyMessage(key, knownKeysAt(path)),
            {
              key: true,
            },
          ),
        );
      case "invalid_key":
        return [
          problemAt(INPUT_RULES.schema, source, path, issue.issues[0]?.message ?? issue.message, {
            key: true,
          }),
        ];
      default:
        return [problemAt(ruleOf(issue), source, path, issue.message)];
    }
  });
}
