/**
 * The review shows how a weight change will be carried out: the schedule per model (steps,
 * bakes, gates, worst-case duration), a rollback at once, and a warning when a production
 * stack's share rises with no policy to guard it.
 */
import { describe, expect, it } from "vitest";
import { markdownDiff } from "../../review/markdown-diff";
import { minutesText, rolloutLines } from "../../review/rollout-review";
import { model, policy } from "../helpers/rollout-world";
import { stackDiff } from "../helpers/stack-diff";
import { twoModels } from "../helpers/transition";

describe("the rollout in the review", () => {
  it("shows the steps, bakes, gates and how long a stepped rollout can take", () => {
    const { lines, warning } = rolloutLines(
      model("m", { a: 100 }),
      model("m", { a: 0, b: 100 }, policy({ schedule: { kind: "steps", steps: [5, 25, 50] } })),
      true,
    );
    expect(warning).toBeUndefined();
    expect(lines).toEqual([
      "rollout of b (auto): 0% → 5% → 25% → 50% → 100%; each step 2 min warm-up, then 10 min bake (extended to 60 min while the evidence is short)",
      "gates: p99 ≤ 300 ms and 5xx ≤ 1% (a breach fails only when worse than the baseline by 10% / 0.5 points; twice in a row aborts), judged on ≥ 300 requests and 1000 latency samples; 1 h 4 min if every bake passes at once, at most 4 h 24 min (limit 24 h); a breach returns it to a 100% at once",
    ]);
  });

  it("shows what the other versions keep at each step when three share the model", () => {
    const { lines } = rolloutLines(
      model("m", { a: 60, b: 40 }),
      model("m", { a: 45, b: 30, c: 25 }, policy({ schedule: { kind: "canary", weight: 10 } })),
      false,
    );
    expect(lines[0]).toContain("0% → 10% (a 54%, b 36%) → 25% (a 45%, b 30%)");
  });

  it("says a share that falls goes at once, and warns of none", () => {
    const { lines, warning } = rolloutLines(
      model("m", { a: 0, b: 100, c: 0 }),
      model("m", { a: 0, b: 100, c: 0 }),
      true,
    );
    expect(lines).toEqual([]);
    expect(warning).toBeUndefined();
  });

  it("says that a version going back to where the last rollout started is a rollback, at once", () => {
    const { lines } = rolloutLines(
      model("m", { a: 0, b: 100 }),
      model("m", { a: 100, b: 0 }),
      true,
    );
    expect(lines[0]).toBe(
      "if this returns `m` to the weights its last rollout started from, it is a rollback and goes at once; otherwise:",
    );
    expect(lines[1]).toMatch(/^rollout of a \(auto\): 0% → 10% → 50% → 100%/);
  });

  it("warns when a production share rises with no policy, and only in production", () => {
    const before = model("m", { a: 100, b: 0 }, "none");
    const after = model("m", { a: 90, b: 10 }, "none");
    expect(rolloutLines(before, after, true).warning).toMatch(
      /`m`'s share moves at once on production stack: no version that rises has a rollout policy/,
    );
    expect(rolloutLines(before, after, false).warning).toBeUndefined();
  });

  it("says how many minutes, in hours where it helps", () => {
    expect([minutesText(45), minutesText(60), minutesText(150)]).toEqual([
      "45 min",
      "1 h",
      "2 h 30 min",
    ]);
  });

  it("puts the schedule under the model and the production warning in the risk section of the comment", async () => {
    const shift = [
      ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 80 }'],
      ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 20 }'],
    ] as [string, string][];
    const unguarded = markdownDiff([
      await stackDiff(
        { stack: "prod", catalogue: twoModels() },
        { stack: "prod", catalogue: twoModels(...shift) },
      ),
    ]).comment;
    expect(unguarded).toContain("⚠️ **check** `scorer`'s share moves at once on production stack");
    const guarded = markdownDiff([
      await stackDiff(
        { stack: "prod", catalogue: twoModels() },
        {
          stack: "prod",
          catalogue: twoModels(...shift, [
            "    owner: team-a",
            "    owner: team-a\n    rollout: { linear: 5 }",
          ]),
        },
      ),
    ]).comment;
    expect(guarded).not.toContain("share moves at once");
    expect(guarded).toContain("- rollout of 1.1.0 (auto): 10% → 15% → 20%;");
    expect(guarded).toContain("a breach returns it to 1.0.0 90%, 1.1.0 10% at once");
  });
});
