/**
 * Which stacks a change leaves untouched (review/scope.ts), over the split test project
 * (test/fixtures/sharded): only a catalogue edit can leave a stack out.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stackScopes, untouchedStacks } from "../../review/scope";
import { checkoutAt } from "../../plan/base-checkout";
import { PROJECT_ROOT } from "../helpers/cli";
import { editFile, projectRepository } from "../helpers/repository";

const SHARDED = join(PROJECT_ROOT, "test", "fixtures", "sharded");
const STACKS = ["platform", "platform-vision", "platform-risk"];

/** The stacks of the repository at `dir` that its working tree's change leaves untouched. */
function untouchedIn(dir: string): string[] {
  const previous = process.cwd();
  process.chdir(dir);
  const checkout = checkoutAt("HEAD", dir, { cacheRoot: join(dir, ".cache"), log: () => {} });
  try {
    if (typeof checkout === "string") throw new Error(checkout);
    return [...untouchedStacks(stackScopes(STACKS, { ref: "HEAD", checkout }, {})).keys()];
  } finally {
    if (typeof checkout !== "string") checkout.cleanup();
    process.chdir(previous);
  }
}

describe("stacks a change leaves untouched", () => {
  it("plans every stack when anything but the catalogue changed", () => {
    const dir = projectRepository(SHARDED);
    editFile(dir, "models.yaml", '"1.4.0": { traffic: 90 }', '"1.4.0": { traffic: 80 }');
    editFile(dir, "models.yaml", '"1.5.0": { traffic: 10 }', '"1.5.0": { traffic: 20 }');
    const untouched = () => untouchedIn(dir);
    expect(untouched()).toEqual(["platform", "platform-risk"]);
    writeFileSync(join(dir, "NOTES.md"), "a file the program never reads\n");
    expect(untouched()).toEqual([]);
  });

  it("plans the base and every shard on a load balancer whose idle timeout a model's api: raises", () => {
    // fraud-scorer (shard risk) shares load balancer main with image-classifier (shard vision):
    // main's idle timeout rises, and vision's pods are told so.
    const shared = projectRepository(SHARDED);
    editFile(
      shared,
      "models.yaml",
      "    shard: risk\n    image: ghcr.io/acme-risk/fraud",
      "    shard: risk\n    api: { streaming: true, timeout: 10m }\n    image: ghcr.io/acme-risk/fraud",
    );
    expect(untouchedIn(shared)).toEqual([]);
    // churn-predictor is alone on load balancer batch: the vision shard is left alone.
    const alone = projectRepository(SHARDED);
    editFile(
      alone,
      "models.yaml",
      "    routing: { loadBalancer: batch }",
      "    routing: { loadBalancer: batch }\n    api: { timeout: 2m }",
    );
    expect(untouchedIn(alone)).toEqual(["platform-vision"]);
  });
});
