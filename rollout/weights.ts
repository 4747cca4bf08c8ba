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
 * `total` whole points split among versions in proportion to `weights` (integers), by the
 * D'Hondt (Jefferson) divisor method: one point at a time to the version with the largest
 * weight / (points so far + 1), ties to the earlier version key. Unlike largest remainders, a
 * divisor method never takes a point back from a version as the total grows (it is house
 * monotone), so a version that shrinks along a rollout never grows back between two steps, and
 * with the whole total every version gets exactly its weight.
 */
function apportion(weights: [string, number][], total: number): Record<string, number> {
  const points = Object.fromEntries(weights.map(([version]) => [version, 0]));
  for (let given = 0; given < total; given++) {
    let best: [string, number] | undefined;
    for (const [version, weight] of weights) {
      if (points[version]! >= weight) continue;
      const quotient = weight / (points[version]! + 1);
      if (!best || quotient > best[1]) best = [version, quotient];
    }
    if (!best) break;
    points[best[0]] = points[best[0]]! + 1;
  }
  return points;
}

/**
 * The weights when the rising version has `riseTo` percent: it gets exactly that, and every
 * other version moves from its baseline share towards its target share by the same fraction
 * of the way as the rising version has come (in whole points: what the shrinking versions give
 * up is what the rising one gains, split in proportion to how far each shrinks). With two
 * versions this is "the others shrink in proportion"; with more, each ends exactly at its
 * target, and none ever moves back between two steps.
 */
export function stepWeights(
  baseline: Weights,
  target: Weights,
  rising: string,
  riseTo: number,
): Weights {
  const from = share(baseline, rising);
  const to = share(target, rising);
  const progress = to === from ? 1 : Math.min(1, Math.max(0, (riseTo - from) / (to - from)));
  const others = versionsOf(baseline, target).filter((version) => version !== rising);
  const change = (version: string) => share(target, version) - share(baseline, version);
  const shrinking = others
    .filter((v) => change(v) < 0)
    .map((v): [string, number] => [v, -change(v)]);
  const growing = others.filter((v) => change(v) > 0).map((v): [string, number] => [v, change(v)]);
  // Another version that rises too (a rollout a person promoted past a refusal) gains in step.
  const gains = apportion(
    growing,
    Math.floor(progress * growing.reduce((sum, [, w]) => sum + w, 0) + 1e-9),
  );
  const gained = Object.values(gains).reduce((sum, n) => sum + n, 0);
  const losses = apportion(shrinking, riseTo - from + gained);
  const weights: Weights = {};
  for (const version of versionsOf(baseline, target))
    weights[version] =
      version === rising
        ? riseTo
        : share(baseline, version) + (gains[version] ?? 0) - (losses[version] ?? 0);
  return weights;
}
