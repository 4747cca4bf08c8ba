/**
 * What the program deploys for a model, from the catalogue *and* its rollout record: the
 * weights the record holds it at, the capacity the rollout keeps, the images it pinned, and the
 * version its pinned route serves. Every `pulumi up` goes through here (stack/program.ts), and
 * so does the offline plan, with a recorded or an empty record.
 *
 * - No record: the catalogue, as without rollouts.
 * - A record for the catalogue's target: the record's weights (its current step; the target once
 *   completed; the baseline once aborted, until the catalogue's target changes).
 * - A record for another target: a reduction of what the record holds (a rollback) applies at
 *   once; anything that raises a version waits at the record's weights for `maas rollout`.
 * - Cold standby: a version the record uses runs (warm), whatever the catalogue says; once the
 *   rollout has completed, the catalogue's `standby: cold` applies to its baseline.
 */
import { imageIdentity, servedVersions } from "../catalogue";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { heldWeights, isActive, judgedWeights, shareAtStep } from "./record";
import type { RolloutRecord } from "./record";
import type { Weights } from "./weights";
import { isReduction, sameWeights } from "./weights";

export interface ModelRolloutView {
  /** The weights the program applies, by served version. */
  weights: Weights;
  /** Why they are not the catalogue's, when they are not. */
  holding?: string;
  /** minReplicas the rollout raises, by version. */
  minReplicas: Record<string, number>;
  /** Digest-pinned references the record keeps, by version: used instead of resolving again. */
  pinnedImages: Record<string, string>;
  /** The version the pinned route serves: the rising version of an active rollout. */
  pinnedVersion?: string;
  /**
   * Versions the record uses (its baseline and rising version, while it is active or aborted):
   * they keep running whatever the catalogue's `standby:` says, so an abort always has warm pods
   * to return to and a cold rising version is woken by step 0's update, before any weight moves.
   */
  warm?: string[];
}

/** The catalogue's weights of a model: its served versions' traffic. */
export function catalogueWeights(model: ResolvedModel): Weights {
  return Object.fromEntries(servedVersions(model).map((v) => [v.version, v.traffic]));
}

export function catalogueImages(model: ResolvedModel): Record<string, string> {
  return Object.fromEntries(servedVersions(model).map((v) => [v.version, imageIdentity(v)]));
}

/** The record was made for exactly what the catalogue asks now. */
export function recordMatchesCatalogue(record: RolloutRecord, model: ResolvedModel): boolean {
  const images = catalogueImages(model);
  return (
    sameWeights(record.target, catalogueWeights(model)) &&
    Object.keys(record.targetImages).length === Object.keys(images).length &&
    Object.entries(record.targetImages).every(([version, image]) => images[version] === image)
  );
}

/**
 * The capacity the rollout keeps, raised over the catalogue's minReplicas and kept below its
 * maxReplicas (the autoscaler needs room above its minimum): the baseline at its size when the
 * rollout began, the rising version at its share of that size for the step it is scaled for.
 */
function heldCapacity(record: RolloutRecord, model: ResolvedModel): Record<string, number> {
  const served = new Map(servedVersions(model).map((v) => [v.version, v]));
  const raise = (version: string, wanted: number): [string, number][] => {
    const spec = served.get(version);
    if (!spec) return [];
    const { minReplicas, maxReplicas } = spec.autoscaling;
    const raised = Math.max(minReplicas, Math.min(wanted, maxReplicas - 1));
    return raised > minReplicas ? [[version, raised]] : [];
  };
  const baseline = Object.entries(record.baselineReplicas).flatMap(([version, replicas]) =>
    version === record.rising ? [] : raise(version, replicas),
  );
  const total = Object.values(record.baselineReplicas).reduce((sum, n) => sum + n, 0);
  const rising = isActive(record)
    ? raise(record.rising, Math.ceil((total * shareAtStep(record, record.capacityStep)) / 100))
    : [];
  return Object.fromEntries([...baseline, ...rising]);
}

export function rolloutView(
  model: ResolvedModel,
  record: RolloutRecord | undefined,
): { ok: true; view: ModelRolloutView } | { ok: false; problem: string } {
  const target = catalogueWeights(model);
  if (!record) return { ok: true, view: { weights: target, minReplicas: {}, pinnedImages: {} } };
  const matches = recordMatchesCatalogue(record, model);
  const held = heldWeights(record);
  // Against what was judged, never the current step's unjudged weights.
  const reduction =
    !matches &&
    isReduction(isActive(record) ? judgedWeights(record) : held, target, record.baseline);
  const weights = matches ? held : reduction ? target : held;
  const served = new Set(Object.keys(target));
  const missing = Object.entries(weights).filter(([version, w]) => w > 0 && !served.has(version));
  if (missing.length > 0)
    return {
      ok: false,
      problem: `model ${model.name}: rollout ${record.id} (${record.status}) holds ${missing.map(([v, w]) => `${v} at ${w}%`).join(", ")}, which the catalogue retires or removes; keep ${missing.length === 1 ? "it" : "them"} served until the rollout of ${record.rising} has ended (maas rollout status ${model.name}), or abort it`,
    };
  const images = catalogueImages(model);
  // A pin holds while the catalogue names the image it was pinned from, also after the rollout
  // completed: a tag moved later never rolls the version's pods to what was never baked. While
  // a rollout holds the model at its weights against a changed catalogue (until maas rollout
  // supersedes it), every pin holds: nothing unbaked runs at a share it never had.
  const holdingChange = isActive(record) && !matches && !reduction;
  const pinnedImages = Object.fromEntries(
    Object.entries(record.pinnedImages).filter(
      ([version]) =>
        served.has(version) &&
        record.status !== "superseded" &&
        (holdingChange || record.targetImages[version] === images[version]),
    ),
  );
  const holding = matches
    ? isActive(record)
      ? `rollout ${record.id} is ${record.status} at step ${record.step} of ${record.shares.length}`
      : record.status === "aborted"
        ? `rollout ${record.id} was aborted${record.reason ? ` (${record.reason})` : ""}: the baseline holds until the catalogue's target changes`
        : undefined
    : reduction
      ? undefined
      : `the catalogue's new target waits for maas rollout (rollout ${record.id} is ${record.status})`;
  const uses = isActive(record) || record.status === "aborted";
  const warm = uses
    ? [...served].filter(
        (version) =>
          version === record.rising ||
          (record.baseline[version] ?? 0) > 0 ||
          (weights[version] ?? 0) > 0,
      )
    : [];
  return {
    ok: true,
    view: {
      weights: Object.fromEntries([...served].map((version) => [version, weights[version] ?? 0])),
      ...(holding && !sameWeights(weights, target) ? { holding } : {}),
      minReplicas:
        (matches && (isActive(record) || record.status === "aborted")) || holdingChange
          ? heldCapacity(record, model)
          : {},
      pinnedImages,
      ...(isActive(record) && served.has(record.rising) ? { pinnedVersion: record.rising } : {}),
      ...(warm.length > 0 ? { warm } : {}),
    },
  };
}

/** A model as the program deploys it: the view's weights and capacity over the catalogue's. */
export function deployedModel(model: ResolvedModel, view: ModelRolloutView): ResolvedModel {
  return {
    ...model,
    versions: model.versions.map((version) => {
      if (version.status === "retired") return version;
      const traffic = view.weights[version.version] ?? 0;
      const minReplicas = view.minReplicas[version.version];
      return {
        ...version,
        traffic,
        status: traffic > 0 ? "live" : "standby",
        ...(view.warm?.includes(version.version) ? { standby: "warm" as const } : {}),
        ...(minReplicas === undefined
          ? {}
          : { autoscaling: { ...version.autoscaling, minReplicas } }),
      };
    }),
  };
}

export interface AppliedRollouts {
  /** The catalogue with every model's rollout view applied. */
  catalogue: ResolvedCatalogue;
  /** The views, by model (models without a record have the catalogue's). */
  views: Record<string, ModelRolloutView>;
}

/** Every model's view, or the problems that stop the program. */
export function applyRollouts(
  catalogue: ResolvedCatalogue,
  records: ReadonlyMap<string, RolloutRecord>,
): { ok: true; applied: AppliedRollouts } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const views: Record<string, ModelRolloutView> = {};
  const models = catalogue.models.map((model) => {
    const result = rolloutView(model, records.get(model.name));
    if (!result.ok) {
      problems.push(result.problem);
      return model;
    }
    views[model.name] = result.view;
    return deployedModel(model, result.view);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, applied: { catalogue: { ...catalogue, models }, views } };
}
