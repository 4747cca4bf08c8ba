/**
 * The rollout record: per model, what its rollout is doing, kept in the stack's rollouts table
 * (components/rollout-table.ts) as items of its own, never as Pulumi-managed TableItems (an
 * update of one drops the attributes the program does not set, and a refresh copies the live
 * item into the state). Every `pulumi up` reads it (stack/rollout-records.ts), so an unrelated
 * update mid-rollout applies the current step's weights, and one after an abort the baseline's.
 *
 * Written only by the engine (rollout/engine.ts) and the `maas rollout` verbs, each write
 * conditional on the revision it read: two writers never both win, and a step never advances
 * past an abort written meanwhile.
 */
import { z } from "zod";
import type { ResolvedRolloutPolicy } from "../catalogue";
import type { Weights } from "./weights";
import { stepWeights } from "./weights";

/** The layout of a record; a reader refuses any other. */
export const RECORD_SCHEMA_VERSION = 1;

export const ROLLOUT_STATUSES = [
  "running",
  "paused",
  "inconclusive",
  "completed",
  "aborted",
  "superseded",
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/** Statuses in which the rollout still holds the model at one of its steps. */
export const ACTIVE_STATUSES: readonly RolloutStatus[] = ["running", "paused", "inconclusive"];

const weights = z.record(z.string(), z.number().int().min(0).max(100));
const instant = z.iso.datetime();

/** One judgement of a bake's window (rollout/gates.ts). */
const check = z.object({
  at: instant,
  verdict: z.enum(["pass", "fail", "short", "abort", "both-breach"]),
  detail: z.string(),
  windowStart: instant,
  windowEnd: instant,
  requests: z.number().int().min(0),
});
export type CheckLog = z.infer<typeof check>;

const stepLog = z.object({
  step: z.number().int().min(0),
  share: z.number().int().min(0).max(100),
  weights,
  /** When the step's weights were confirmed applied (its bake counts from here). */
  shiftedAt: instant,
  checks: z.array(check),
  outcome: z
    .enum(["passed", "promoted", "failed", "inconclusive", "aborted", "superseded"])
    .optional(),
  endedAt: instant.optional(),
});
export type StepLog = z.infer<typeof stepLog>;

const policy = z.object({
  mode: z.enum(["auto", "manual", "immediate"]),
  schedule: z
    .union([
      z.object({ kind: z.literal("steps"), steps: z.array(z.number().int()) }),
      z.object({ kind: z.literal("canary"), weight: z.number().int() }),
      z.object({ kind: z.literal("linear"), step: z.number().int() }),
    ])
    .optional(),
  bakeMinutes: z.number(),
  maxBakeMinutes: z.number(),
  warmupMinutes: z.number(),
  timeoutMinutes: z.number(),
  minRequests: z.number(),
  latencyMarginPercent: z.number(),
  errorMarginPoints: z.number(),
  preTraffic: z.object({ path: z.string(), requests: z.number().int() }).optional(),
}) satisfies z.ZodType<ResolvedRolloutPolicy>;

export const RolloutRecordSchema = z.object({
  schema: z.literal(RECORD_SCHEMA_VERSION),
  model: z.string().min(1),
  /** `<startedAt>/<rising version>`: also the sort key of the rollout's history item. */
  id: z.string().min(1),
  /** Bumped by every write; each write is conditional on the revision it read. */
  revision: z.number().int().min(1),
  status: z.enum(ROLLOUT_STATUSES),
  /** Why the rollout is paused, held, aborted or superseded, in words. */
  reason: z.string().optional(),
  /** The commit whose catalogue the rollout carries out. */
  commit: z.string().optional(),
  startedAt: instant,
  updatedAt: instant,
  /** startedAt + the policy's timeoutMinutes: past it, a running rollout is held. */
  deadline: instant,
  /** The weights that served when the rollout began: where an abort returns. */
  baseline: weights,
  /** The catalogue's weights: where the last step ends. */
  target: weights,
  /** The image each served version of the target runs (build content digest or reference): a change is a new rollout. */
  targetImages: z.record(z.string(), z.string()),
  rising: z.string().min(1),
  /** The rising version's share at steps 1..n; the last is its target share. */
  shares: z.array(z.number().int().min(1).max(100)).min(1),
  /** The step whose weights apply: 0 is the baseline (the rising version created at 0 %). */
  step: z.number().int().min(0),
  /** The step the rising version is scaled for: one ahead of `step` while capacity comes up. */
  capacityStep: z.number().int().min(0),
  policy,
  /** The rising version's objectives, as the catalogue gave them when the rollout began. */
  slo: z.object({ latencyP99Ms: z.number(), errorRatePercent: z.number() }),
  /** The rising version's autoscaler ceiling and start-up time: how far and how long it scales. */
  risingLimits: z.object({
    maxReplicas: z.number().int().min(1),
    startupSeconds: z.number().int().min(0),
  }),
  /** Digest-pinned image references by version: what bakes is what was checked. */
  pinnedImages: z.record(z.string(), z.string().regex(/^[^\s@]+@sha256:[0-9a-f]{64}$/)),
  /** Healthy pods per baseline version when the rollout began: the capacity it holds. */
  baselineReplicas: z.record(z.string(), z.number().int().min(0)),
  /** What the engine and break-glass address without Pulumi: the rule and the target groups. */
  routing: z.object({
    ruleArn: z.string(),
    loadBalancerArnSuffix: z.string(),
    targetGroups: z.record(z.string(), z.object({ arn: z.string(), arnSuffix: z.string() })),
  }),
  preTraffic: z.object({ at: instant, ok: z.boolean(), detail: z.string() }).optional(),
  steps: z.array(stepLog),
  /**
   * Baseline versions the target puts in cold standby (`standby: cold` at 0 %): the rollout keeps
   * them running until it completes, then a whole update lets them go cold (actions.ts).
   */
  coldAfter: z.array(z.string()).optional(),
});
export type RolloutRecord = z.infer<typeof RolloutRecordSchema>;

export function isActive(record: RolloutRecord): boolean {
  return ACTIVE_STATUSES.includes(record.status);
}

/** The weights of step `step` (0: the baseline; the last: the target). */
export function weightsAtStep(record: RolloutRecord, step: number): Weights {
  if (step <= 0) return record.baseline;
  if (step >= record.shares.length) return record.target;
  return stepWeights(record.baseline, record.target, record.rising, record.shares[step - 1]!);
}

/** The weights the record holds the model at: what every `pulumi up` applies. */
export function heldWeights(record: RolloutRecord): Weights {
  switch (record.status) {
    case "completed":
      return record.target;
    case "aborted":
    case "superseded":
      return record.baseline;
    default:
      return weightsAtStep(record, record.step);
  }
}

/**
 * The weights the last judged step held: the last step a bake passed (or a person promoted),
 * or the baseline. A change of the catalogue is a rollback only measured against these: the
 * current step's weights are not judged yet.
 */
export function judgedWeights(record: RolloutRecord): Weights {
  const passed = [...record.steps]
    .reverse()
    .find((step) => step.outcome === "passed" || step.outcome === "promoted");
  return passed ? weightsAtStep(record, passed.step) : record.baseline;
}

/** The rising version's share at a step. */
export function shareAtStep(record: RolloutRecord, step: number): number {
  return step <= 0
    ? (record.baseline[record.rising] ?? 0)
    : record.shares[Math.min(step, record.shares.length) - 1]!;
}

/** A record read from the table, or why it cannot be used. */
export function parseRecord(
  value: unknown,
  where: string,
): { ok: true; record: RolloutRecord } | { ok: false; problem: string } {
  const parsed = RolloutRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    ok: false,
    problem: `${where}: the rollout record is unreadable (${issue.path.join(".") || "item"}: ${issue.message}); it was not written by this version of maas. Inspect it with maas rollout status, and abort or replace it`,
  };
}
