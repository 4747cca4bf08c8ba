/**
 * The rendered pull-request comments in docs/pr-comment/ are what `maas diff` writes today:
 * each edit rendered again (docs/pr-comment/examples.ts) equals the committed file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, renderExample } from "../../docs/pr-comment/examples";
import { PROJECT_ROOT } from "../helpers/cli";

describe("the rendered pull-request comments (docs/pr-comment/)", () => {
  it.each(EXAMPLES)(
    "$file is what maas diff writes for its edit (npm run pr-comment)",
    async (example) => {
      const committed = readFileSync(
        join(PROJECT_ROOT, "docs", "pr-comment", example.file),
        "utf8",
      );
      expect(
        await renderExample(example),
        "stale: run npm run pr-comment and commit the result",
      ).toBe(committed);
    },
    300_000,
  );
});
