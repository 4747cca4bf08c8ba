/**
 * Traffic shares during a rollout. A rollout moves a model from its baseline weights (what
 * served before) to the catalogue's target: one version's share rises step by step and the
 * others shrink in proportion to how far the rise has come, so the last step is exactly the
 * target. A change in which no version rises above what it has now or had before the rollout
 * began is a reduction (a rollback): it applies at once, never in steps (SageMaker's and Argo's
 * rollback semantics).
 */

/** Percent of the model's requests per version key; integers that sum to 100 (or 0 when nothing serves). */
export type Weights = Record<string, number>;

function share(weights: Weights, version: string): number {
  return weights[version] ?? 0;
}

function versionsOf(...weights: Weights[]): string[] {
  return [...new Set(weights.flatMap((w) => Object.keys(w)))].sort();
}

/** Same shares for every version (a version absent from one side counts as 0). */
export function sameWeights(a: Weights, b: Weights): boolean {
  return versionsOf(a, b).every((version) => share(a, version) === share(b, version));
}

/** Versions whose share is higher in `to` than in `from`. */
export function risingVersions(from: Weights, to: Weights): string[] {
  return versionsOf(from, to).filter((version) => share(to, version) > share(from, version));
}

/**
 * A reduction: no version gets more than it has now (`current`) or had when the last rollout
 * began (`baseline`). Moving back towards what served before is always safe to do at once.
 */
export function isReduction(current: Weights, target: Weights, baseline?: Weights): boolean {
  return versionsOf(current, target, baseline ?? {}).every(
    (version) =>
      share(target, version) <= Math.max(share(current, version), share(baseline ?? {}, version)),
  );
}

/**
 * Integer shares that sum to `total`, as close to the exact ones as integers can be: each gets
 * its floor, and the largest remainders get one more (ties go to the earlier version key, so
 * the result is the same on every run).
 */
function largestRemainder(exact: [string, number][], total: number): Weights {
  const floors = exact.map(([version, value]) => ({
    version,
    floor: Math.floor(value + 1e-9),
    remainder: value - Math.floor(value + 1e-9),
  }));
  let left = total - floors.reduce((sum, entry) => sum + entry.floor, 0);
  const order = [...floors].sort(
    (a, b) => b.remainder - a.remainder || (a.version < b.version ? -1 : 1),
  );
  const extra = new Set<string>();
  for (const entry of order) {
    if (left <= 0) break;
    extra.add(entry.version);
    left -= 1;
  }
  return Object.fromEntries(
    floors.map((entry) => [entry.version, entry.floor + (extra.has(entry.version) ? 1 : 0)]),
  );
}

/**
 * The weights when the rising version has `riseTo` percent: it gets exactly that, and every
 * other version moves from its baseline share towards its target share by the same fraction
 * of the way as the rising version has come. With two versions this is "the others shrink in
 * proportion"; with more, each ends exactly at its target.
 */
export function stepWeights(
  baseline: Weights,
  target: Weights,
  rising: string,
  riseTo: number,
): Weights {
  const from = share(baseline, rising);
  const to = share(target, rising);
  const progress = to === from ? 1 : (riseTo - from) / (to - from);
  const others = versionsOf(baseline, target)
    .filter((version) => version !== rising)
    .map((version): [string, number] => [
      version,
      share(baseline, version) + progress * (share(target, version) - share(baseline, version)),
    ]);
  const othersTotal = others.reduce((sum, [, value]) => sum + value, 0);
  // The exact shares of the others sum to 100 - riseTo; rounding must keep that sum.
  const scaled = others.map(([version, value]): [string, number] => [
    version,
    othersTotal === 0 ? 0 : (value * (100 - riseTo)) / othersTotal,
  ]);
  return { ...largestRemainder(scaled, 100 - riseTo), [rising]: riseTo };
}
