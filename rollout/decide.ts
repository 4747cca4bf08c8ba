/**
 * What a run of `maas rollout` does for one model when it begins, from the catalogue, the
 * model's record and the weights its rule has now. Pure: the new record, or why nothing moves.
 *
 * - The record is for the catalogue's target: an active one resumes, an ended one stays.
 * - Otherwise a new rollout from what serves now to the catalogue's target: immediate (a
 *   reduction, nothing served before, no stepped policy), stepped (one version rises under its
 *   policy), held at its baseline (two versions rise, or the baseline is not warm: the record
 *   says why, and promote or abort decides), or refused (the target retires a version that
 *   still serves: the program could not hold it, so nothing may be applied).
 * - An active rollout whose target the catalogue changed is superseded: the new one starts from
 *   the old one's baseline (the last weights that were judged good), as Argo restarts from the
 *   stable ReplicaSet.
 */
import { createHash } from "node:crypto";
import { isColdStandby, servedVersions } from "../catalogue";
import type { ResolvedModel } from "../catalogue";
import { catalogueImages, catalogueWeights, recordMatchesCatalogue } from "./effective";
import { isActive, judgedWeights, RECORD_SCHEMA_VERSION } from "./record";
import type { RolloutRecord } from "./record";
import { planRollout } from "./schedule";
import type { Weights } from "./weights";
import { isReduction } from "./weights";

export type Decision =
  /** Nothing to start: no record needed, or the record already covers the catalogue. */
  | { kind: "none"; why: string }
  /** The record covers the catalogue and is active: go on from it. */
  | { kind: "resume"; record: RolloutRecord }
  /** A new record to write before the stack's update. */
  | { kind: "start"; record: RolloutRecord; superseded?: RolloutRecord }
  /** Nothing may be applied: the whole run stops before updating the stack. */
  | { kind: "refuse"; why: string };

export interface DecideInput {
  model: ResolvedModel;
  record: RolloutRecord | undefined;
  /** The weights the model's rule has now (DescribeRules), undefined when it has no rule yet. */
  live: Weights | undefined;
  /** Healthy pods per version now (DescribeTargetHealth), for versions that have a target group. */
  healthy: Record<string, number>;
  now: Date;
  commit?: string;
}

function rolloutId(now: Date, rising: string, target: Weights): string {
  const digest = createHash("sha256").update(JSON.stringify(target)).digest("hex").slice(0, 6);
  return `${now.toISOString()}/${rising}/${digest}`;
}

/** Versions serving in the baseline that the catalogue's target puts in cold standby. */
function coldAfter(model: ResolvedModel, baseline: Weights): { coldAfter?: string[] } {
  const cold = servedVersions(model)
    .filter((v) => isColdStandby(v) && (baseline[v.version] ?? 0) > 0)
    .map((v) => v.version);
  return cold.length > 0 ? { coldAfter: cold } : {};
}

export function decide(input: DecideInput): Decision {
  const { model, record, now } = input;
  const target = catalogueWeights(model);
  if (record && recordMatchesCatalogue(record, model))
    return isActive(record)
      ? { kind: "resume", record }
      : { kind: "none", why: `rollout ${record.id} already ${record.status}` };

  const current = input.live ?? {};
  // A superseded rollout's baseline is the last judged-good state; otherwise what serves now.
  const baseline = record && isActive(record) ? record.baseline : current;
  const served = new Set(Object.keys(target));
  const dropped = Object.entries(baseline).filter(([v, w]) => w > 0 && !served.has(v));
  // A rollback only against what was judged: the current step of an active rollout was not.
  const reduction = isReduction(
    record && isActive(record) ? judgedWeights(record) : current,
    target,
    record?.baseline,
  );
  const policies = new Map(servedVersions(model).map((v) => [v.version, v.rollout]));
  const plan = planRollout(baseline, target, (v) => policies.get(v), reduction);
  const stepped = [...policies.values()].some((p) => p && p.mode !== "immediate");
  // A model with a stepped policy gets a record as soon as it serves, so a plain pulumi up of a
  // later change holds its weights for maas rollout instead of moving them at once.
  if (plan.kind === "none" && !record && !stepped)
    return { kind: "none", why: "no version's share rises" };
  // An aborted version does not come back with the same image because something else changed
  // (another version's image, a policy): only a new image or a new share for it starts again.
  if (
    record?.status === "aborted" &&
    plan.kind === "stepped" &&
    plan.rising === record.rising &&
    (target[plan.rising] ?? 0) === (record.target[record.rising] ?? 0) &&
    catalogueImages(model)[plan.rising] === record.targetImages[record.rising]
  )
    return {
      kind: "none",
      why: `rollout ${record.id} of ${record.rising} was aborted${record.reason ? ` (${record.reason})` : ""}, and the catalogue still asks for the same image at the same share: give it a new image or another share to try again; the baseline holds meanwhile`,
    };
  if (plan.kind === "stepped" && dropped.length > 0)
    return {
      kind: "refuse",
      why: `model ${model.name}: the catalogue retires or removes ${dropped.map(([v, w]) => `${v} (${w}% now)`).join(", ")} in the change that rolls out ${plan.rising}; the baseline must keep serving until the rollout's final bake has passed. Keep ${dropped.length === 1 ? "it" : "them"} at traffic: 0 for now and retire ${dropped.length === 1 ? "it" : "them"} in a later change`,
    };

  // With nothing rising (the catalogue's weights already serve), the largest share names the record.
  const risingVersion =
    plan.kind === "stepped"
      ? plan.rising
      : (Object.keys(target).find((v) => (target[v] ?? 0) > (baseline[v] ?? 0)) ??
        Object.keys(target).sort((a, b) => (target[b] ?? 0) - (target[a] ?? 0))[0]!);
  const spec = servedVersions(model).find((v) => v.version === risingVersion)!;
  const policy = plan.kind === "stepped" ? plan.policy : spec.rollout;
  const timeoutMinutes = policy?.timeoutMinutes ?? 0;
  const base: RolloutRecord = {
    schema: RECORD_SCHEMA_VERSION,
    model: model.name,
    id: rolloutId(now, risingVersion, target),
    revision: (record?.revision ?? 0) + 1,
    status: "running",
    ...(input.commit ? { commit: input.commit } : {}),
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    deadline: new Date(now.getTime() + timeoutMinutes * 60_000).toISOString(),
    baseline,
    target,
    targetImages: catalogueImages(model),
    rising: risingVersion,
    shares: plan.kind === "stepped" ? plan.shares : [target[risingVersion] ?? 0],
    step: 0,
    capacityStep: 0,
    policy: policy ?? {
      mode: "immediate",
      bakeMinutes: 0,
      maxBakeMinutes: 0,
      warmupMinutes: 0,
      timeoutMinutes: 0,
      minRequests: 0,
      latencyMarginPercent: 0,
      errorMarginPoints: 0,
    },
    slo: spec.slo,
    risingLimits: {
      maxReplicas: spec.autoscaling.maxReplicas,
      startupSeconds: spec.healthCheck.startupSeconds,
    },
    pinnedImages: {},
    baselineReplicas: Object.fromEntries(
      Object.entries(baseline)
        .filter(([, w]) => w > 0)
        .map(([v]) => [v, input.healthy[v] ?? 0]),
    ),
    routing: { ruleArn: "", loadBalancerArnSuffix: "", targetGroups: {} },
    steps: [],
    ...coldAfter(model, baseline),
  };
  const superseded = record && isActive(record) ? { superseded: record } : {};

  if (plan.kind === "immediate" || plan.kind === "none")
    // Recorded as completed at its target, so every later update applies it (and knows it):
    // a record left for an older target would hold the model there at the next rise.
    return {
      kind: "start",
      record: {
        ...base,
        status: "completed",
        reason: plan.kind === "none" ? "the catalogue's weights already serve; recorded" : plan.why,
        step: base.shares.length,
        capacityStep: base.shares.length,
      },
      ...superseded,
    };
  if (plan.kind === "refused")
    return {
      kind: "start",
      record: { ...base, status: "inconclusive", reason: plan.why },
      ...superseded,
    };

  const cold = Object.entries(baseline)
    .filter(([, w]) => w > 0)
    .flatMap(([version]) => {
      const wanted =
        servedVersions(model).find((v) => v.version === version)?.autoscaling.minReplicas ?? 1;
      const healthy = input.healthy[version] ?? 0;
      return healthy < wanted ? [`${version} has ${healthy} healthy of ${wanted}`] : [];
    });
  if (cold.length > 0)
    return {
      kind: "start",
      record: {
        ...base,
        status: "inconclusive",
        reason: `the baseline is not running warm (${cold.join(", ")}): a step would judge the new version against a baseline short of capacity. Wait for it, then maas rollout promote; or abort`,
      },
      ...superseded,
    };
  return { kind: "start", record: base, ...superseded };
}
