/**
 * Which stacks a change leaves untouched (cli/diff-scope.ts), over the split test project
 * (test/fixtures/sharded): only a catalogue edit can leave a stack out.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { untouchedStacks } from "../../cli/diff-scope";
import { checkoutAt } from "../../plan/base-checkout";
import { PROJECT_ROOT } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");
const STACKS = ["platform", "platform-vision", "platform-risk"];

describe("stacks a change leaves untouched", () => {
  it("plans every stack when anything but the catalogue changed", () => {
    const dir = projectRepository(SHARDED);
    editFile(dir, "models.yaml", '"1.4.0": { traffic: 90 }', '"1.4.0": { traffic: 80 }');
    editFile(dir, "models.yaml", '"1.5.0": { traffic: 10 }', '"1.5.0": { traffic: 20 }');
    const untouched = () => {
      const previous = process.cwd();
      process.chdir(dir);
      const checkout = checkoutAt("HEAD", dir, { cacheRoot: join(dir, ".cache"), log: () => {} });
      try {
        if (typeof checkout === "string") throw new Error(checkout);
        return [...untouchedStacks(STACKS, "HEAD", checkout, {}).keys()];
      } finally {
        if (typeof checkout !== "string") checkout.cleanup();
        process.chdir(previous);
      }
    };
    expect(untouched()).toEqual(["platform", "platform-risk"]);
    writeFileSync(join(dir, "NOTES.md"), "a file the program never reads\n");
    expect(untouched()).toEqual([]);
  });
});
