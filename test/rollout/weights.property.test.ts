/**
 * The weights of a rollout's steps, over generated baselines and targets (fast-check): every
 * step sums to 100, the rising version has exactly its step's share, every other version moves
 * only towards its target from one step to the next (never back), and the last step is the
 * target. A reduction is recognised whatever the shares.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isReduction, stepWeights } from "../../rollout/weights";
import type { Weights } from "../../rollout/weights";

const VERSIONS = ["a", "b", "c", "d", "e"];

/** Integer shares over `count` versions that sum to 100. */
const shares = (count: number) =>
  fc
    .array(fc.integer({ min: 0, max: 100 }), { minLength: count - 1, maxLength: count - 1 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((x, y) => x - y), 100];
      return Object.fromEntries<number>(
        VERSIONS.slice(0, count).map((v, i) => [v, points[i + 1]! - points[i]!]),
      );
    });

/** A baseline and a target where exactly one version (the last) rises and the others do not. */
const rollout = fc
  .integer({ min: 2, max: 5 })
  .chain((count) => fc.tuple(shares(count), shares(count)))
  .map(([baseline, target]) => {
    const versions = Object.keys(baseline);
    const rising = versions.at(-1)!;
    // Shrink every other version towards a share no higher than its baseline's.
    const others = versions.slice(0, -1);
    const capped = Object.fromEntries<number>(
      others.map((v) => [v, Math.min(target[v]!, baseline[v]!)]),
    );
    const rest = 100 - Object.values(capped).reduce((s, n) => s + n, 0);
    return { baseline, target: { ...capped, [rising]: rest }, rising };
  })
  .filter(({ baseline, target, rising }) => target[rising]! > baseline[rising]!);

describe("a rollout's step weights", () => {
  it("sum to 100, give the rising version its share, move the others only towards their target, and end at it", () => {
    fc.assert(
      fc.property(rollout, ({ baseline, target, rising }) => {
        const from = baseline[rising]!;
        const to = target[rising]!;
        // Each step's checks as plain comparisons, asserted once per run: the runs take 78,000
        // steps, and an expect() per comparison made this test 30 s of the unit tier's time.
        const broken: string[] = [];
        let previous = baseline;
        for (let share = from + 1; share <= to; share++) {
          const weights = stepWeights(baseline, target, rising, share);
          const at = `step ${share} ${JSON.stringify(weights)}`;
          const sum = Object.values(weights).reduce((s, n) => s + n, 0);
          if (sum !== 100) broken.push(`${at}: sums to ${sum}`);
          if (weights[rising] !== share) broken.push(`${at}: ${rising} has ${weights[rising]}`);
          for (const version of Object.keys(baseline).filter((v) => v !== rising)) {
            if (!(weights[version]! <= previous[version]!))
              broken.push(`${at}: ${version} grew from ${previous[version]}`);
            if (!(weights[version]! >= target[version]!))
              broken.push(`${at}: ${version} went below its target ${target[version]}`);
          }
          previous = weights;
        }
        expect(broken).toEqual([]);
        expect(stepWeights(baseline, target, rising, to)).toEqual(target);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the case the review found: a shrinking version never grows back", () => {
    const baseline = { a: 5, b: 27, c: 23, d: 28, e: 17 };
    const target = { a: 0, b: 22, c: 74, d: 1, e: 3 };
    let previous: Weights = baseline;
    for (let share = 24; share <= 74; share++) {
      const weights = stepWeights(baseline, target, "c", share);
      for (const v of ["a", "b", "d", "e"]) expect(weights[v]!).toBeLessThanOrEqual(previous[v]!);
      previous = weights;
    }
  });

  it("calls a change a reduction exactly when no version gets more than it has or had", () => {
    fc.assert(
      fc.property(shares(3), shares(3), shares(3), (current, target, baseline) => {
        const expected = Object.keys(target).every(
          (v) => target[v]! <= Math.max(current[v]!, baseline[v]!),
        );
        expect(isReduction(current, target, baseline)).toBe(expected);
      }),
    );
  });
});
