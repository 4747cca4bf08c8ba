/**
 * Work that could grow faster than the input is bounded by size: "did you mean" spends a fixed
 * budget. Bounds are asserted by counting (comparisons spent, lengths), never by timing.
 */
import { describe, expect, it } from "vitest";
import { MAX_LISTED, SUGGESTION_BUDGET, Suggestions } from "../../catalogue/suggest";
import { problemsOf, yaml } from "../helpers/catalogue";

const IMAGE = `registry.example.com/m@sha256:${"a".repeat(64)}`;

describe("did you mean, within a budget", () => {
  it("compares at most SUGGESTION_BUDGET names whatever the number of unknown names, and lists at most MAX_LISTED", () => {
    const known = Array.from({ length: 20_000 }, (_, i) => `consumer-number-${i}`);
    const suggestions = new Suggestions();
    const messages = Array.from({ length: 20_000 }, (_, i) =>
      suggestions.unknownKeyMessage(`unknown-caller-${i}`, known, "consumer"),
    );
    expect(suggestions.spent).toBeLessThanOrEqual(SUGGESTION_BUDGET);
    for (const message of messages) expect(message.length).toBeLessThan(600);
    expect(messages[0]).toBe(
      `unknown consumer "unknown-caller-0"; allowed: ${known.slice(0, MAX_LISTED).join(", ")} and 19,980 more`,
    );
  });

  it("still finds a typo among a thousand models", () => {
    const suggestions = new Suggestions();
    const known = Array.from({ length: 1000 }, (_, i) => `model-${i}`);
    expect(suggestions.unknownKeyMessage("modle-517", known, "model")).toBe(
      'unknown model "modle-517"; did you mean "model-517"?',
    );
  });

  it("reports 5,000 unknown consumers among 5,000 declared ones in messages of bounded length", () => {
    const n = 5000;
    const text = yaml(
      "apiVersion: maas/v1",
      "consumers:",
      ...Array.from(
        { length: n },
        (_, i) =>
          `  consumer-${i}: { principals: ["arn:aws:iam::111122223333:role/r${i}"], rateLimit: { requestsPerSecond: 1, burst: 1 } }`,
      ),
      "models:",
      "  a:",
      "    owner: t",
      `    image: ${IMAGE}`,
      '    versions: { "1": { traffic: 100 } }',
      "    access:",
      ...Array.from({ length: n }, (_, i) => `      - caller-${i}`),
    );
    const problems = problemsOf(text).filter((problem) => problem.includes("unknown consumer"));
    expect(problems).toHaveLength(n);
    // Once every known name was listed in every message: 5,000 x 5,000 names.
    expect(problems.reduce((total, problem) => total + problem.length, 0)).toBeLessThan(n * 600);
  });
});
