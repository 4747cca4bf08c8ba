/**
 * Turns zod issues into located problems: the right node (a key for unknown or invalid keys,
 * the value otherwise), a dotted path, and a message that says what is allowed.
 */
import type { z } from "zod";
import { knownKeysAt } from "./json-schema";
import type { Problem } from "./problem";
import { problemAt } from "./source";
import type { CatalogueSource } from "./source";
import { unknownKeyMessage } from "./suggest";

export function schemaProblems(
  source: CatalogueSource,
  issues: readonly z.core.$ZodIssue[],
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.map((segment) =>
      typeof segment === "number" ? segment : String(segment),
    );
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys.map((key) =>
          problemAt(source, [...path, key], unknownKeyMessage(key, knownKeysAt(path)), {
            key: true,
          }),
        );
      case "invalid_key":
        return [problemAt(source, path, issue.issues[0]?.message ?? issue.message, { key: true })];
      default:
        return [problemAt(source, path, issue.message)];
    }
  });
}
