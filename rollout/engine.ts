/**
 * The rollout engine: carries the catalogue's changes out step by step, through the ports
 * (ports.ts), deciding from the record alone, so any run resumes where another stopped (GitHub
 * jobs end at 6 h, OIDC sessions at 1 h: correctness never depends on one long job).
 *
 * A run (`maas rollout run`): decide per model (decide.ts), write the new records, then one whole
 * `pulumi up` of the merged commit (step 0: the program holds every stepped model at its
 * baseline and creates the rising version at 0 %), record what it deployed (the rule, the target
 * groups, the image digests), run the pre-traffic checks, and drive. Driving (also `maas rollout
 * drive`): per running model, bake the current step while judging its gates (gates.ts), then
 * scale the rising version for the next share and move its weight with targeted updates
 * (actions.ts); after the last step's bake, complete. A held or paused rollout is still watched
 * for the failures that abort at once. A step starts only with time left in the run to finish it.
 */
import { ROLLOUT_METRIC_DELAY_MINUTES } from "../catalogue/defaults";
import { progressDeadlineSeconds } from "../components/specs/deployment";
import { servedVersions } from "../catalogue";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { closeLastStep, formatWeights, RolloutActions } from "./actions";
import { decide } from "./decide";
import { combineWindows, judgeWindow } from "./gates";
import type { Verdict } from "./gates";
import type { ModelTargets, Unaddressed } from "./ports";
import { StackLockedError } from "./ports";
import { isActive } from "./record";
import type { CheckLog, RolloutRecord, RolloutStatus, StepLog } from "./record";
import type { Weights } from "./weights";

export { formatWeights };
export type { EngineOptions } from "./actions";

/** How often a bake's gates are judged: "twice in a row" means two windows this far apart. */
export const CHECK_INTERVAL_MS = 2 * 60_000;
/**
 * How far behind now a window ends: the load balancer publishes every 60 seconds, and its
 * datapoints take a while to become visible (not documented; three minutes covers it).
 */
export const METRIC_DELAY_MS = ROLLOUT_METRIC_DELAY_MINUTES * 60_000;
/** Checks kept per step in the record: the first ones and the latest (DynamoDB items hold 400 KB). */
export const CHECKS_KEPT = 12;
/** How long a whole update may take to get the stack's lock before a run gives up. */
export const LOCK_WAIT_MS = 10 * 60_000;
/** An aborted rollout's rule is checked against the record for this long after the abort. */
export const ABORT_WATCH_MS = 24 * 60 * 60_000;

export interface RunSummary {
  /** Per model: what the run found or did, in one line. */
  outcomes: Record<string, string>;
  /** Rollouts the run had to refuse: nothing was applied. */
  refused: string[];
  /** Rollouts whose status changed in this run, by model: from, to. */
  changed: Record<string, { from?: RolloutStatus; to: RolloutStatus }>;
}

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

export class RolloutEngine extends RolloutActions {
  /** The weights each model's rule has now, and its versions' healthy pods, from the last update's outputs. */
  private async liveState(targets: Record<string, ModelTargets>, model: string) {
    const found = targets[model];
    if (!found) return { live: undefined, healthy: {} };
    const byArn = await this.ports.loadBalancer.ruleWeights(found.ruleArn);
    return this.byVersion(byArn, found.targetGroups);
  }

  /** The same, for a model an older maas deployed: its rule found by its priority. */
  private async legacyState(legacy: Unaddressed, model: ResolvedModel) {
    const groups = legacy.models[model.name];
    const listener = legacy.listeners[model.routing.loadBalancer];
    if (!groups || !listener) return { live: undefined, healthy: {} };
    const byArn = await this.ports.loadBalancer.weightsAtPriority(listener, model.routing.priority);
    if (!byArn) return { live: undefined, healthy: {} };
    return this.byVersion(
      byArn,
      Object.fromEntries(Object.entries(groups).map(([version, arn]) => [version, { arn }])),
    );
  }

  private async byVersion(byArn: Record<string, number>, groups: Record<string, { arn: string }>) {
    const live: Weights = {};
    const healthy: Record<string, number> = {};
    for (const [version, group] of Object.entries(groups)) {
      live[version] = byArn[group.arn] ?? 0;
      healthy[version] = await this.ports.loadBalancer.healthyTargets(group.arn);
    }
    return { live, healthy };
  }

  /** Each model's record status now. */
  private async statuses(models: string[]): Promise<Record<string, RolloutStatus | undefined>> {
    return Object.fromEntries(
      await Promise.all(
        models.map(async (model) => [model, (await this.ports.store.get(model))?.status] as const),
      ),
    );
  }

  /** What changed between two looks at the records. */
  private changes(
    before: Record<string, RolloutStatus | undefined>,
    after: Record<string, RolloutStatus | undefined>,
  ): RunSummary["changed"] {
    return Object.fromEntries(
      Object.entries(after).flatMap(([model, to]) =>
        to !== undefined && to !== before[model]
          ? [[model, { ...(before[model] ? { from: before[model] } : {}), to }]]
          : [],
      ),
    );
  }

  /** A whole update, waiting for the stack's lock a while: a drive's targeted update may hold it. */
  private async wholeUpdate(): Promise<void> {
    const giveUp = this.ports.clock.now().getTime() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await this.ports.deployer.up();
        return;
      } catch (error) {
        if (!(error instanceof StackLockedError) || this.ports.clock.now().getTime() >= giveUp)
          throw error;
        this.log("*", `${error.message}; trying again in a minute`);
        await this.ports.clock.sleep(60_000);
      }
    }
  }

  /**
   * `maas rollout run`: start what the catalogue asks, update the whole stack once (step 0),
   * record what it deployed, check before traffic, then drive until done or `until`.
   */
  async run(catalogue: ResolvedCatalogue): Promise<RunSummary> {
    const names = catalogue.models.map((m) => m.name);
    const initial = await this.statuses(names);
    const summary: RunSummary = { outcomes: {}, refused: [], changed: {} };
    const before = await this.ports.deployer.targets();
    // Models an older maas deployed export no rollout addresses: their weights now are read
    // from their listener's rule at their priority, and their target groups.
    const legacy = await this.ports.deployer.unaddressed();
    const ready = await this.ports.store.ready();
    const writes: {
      record: RolloutRecord;
      expected: number | undefined;
      superseded?: RolloutRecord;
    }[] = [];
    for (const model of catalogue.models) {
      if (servedVersions(model).length === 0) continue;
      const record = await this.ports.store.get(model.name);
      const { live, healthy } = before[model.name]
        ? await this.liveState(before, model.name)
        : await this.legacyState(legacy, model);
      const decision = decide({
        model,
        record,
        live,
        healthy,
        now: this.ports.clock.now(),
        ...(this.options.commit ? { commit: this.options.commit } : {}),
      });
      switch (decision.kind) {
        case "none":
          summary.outcomes[model.name] = decision.why;
          break;
        case "resume":
          summary.outcomes[model.name] = `resumes rollout ${decision.record.id}`;
          break;
        case "refuse":
          summary.refused.push(decision.why);
          break;
        case "start":
          // No table yet (the stack's first update with rollouts creates it): a change applied
          // at once needs no record, but one that must be held cannot be held.
          if (!ready && decision.record.status !== "completed") {
            summary.refused.push(
              `model ${model.name}: the stack has no rollouts table yet, so the rollout of ${decision.record.rising} could not hold its baseline: apply a commit that changes no model's weights first (its update creates the table), then this one`,
            );
            break;
          }
          if (ready)
            writes.push({
              record: decision.record,
              expected: record?.revision,
              ...(decision.superseded ? { superseded: decision.superseded } : {}),
            });
          summary.outcomes[model.name] = describeStart(decision.record);
      }
    }
    if (summary.refused.length > 0) {
      for (const why of summary.refused) this.log("*", `refused: ${why}`);
      this.log("*", "nothing was applied: the stack was not updated");
      return summary;
    }
    for (const { record, expected, superseded } of writes) {
      let base = expected;
      if (superseded) {
        const ended = await this.write(superseded, {
          status: "superseded",
          reason: `the catalogue changed its target; rollout ${record.id} starts from its baseline`,
          steps: closeLastStep(superseded.steps, "superseded", this.ports.clock.now()),
        });
        if (!ended)
          throw new Error(
            `model ${record.model}: the record changed while this run started; run again`,
          );
        base = ended.revision;
        this.log(record.model, `rollout ${superseded.id} superseded`);
      }
      const stored = await this.ports.store.put({ ...record, revision: (base ?? 0) + 1 }, base);
      if (!stored)
        throw new Error(
          `model ${record.model}: the record changed while this run started; run again`,
        );
      this.log(record.model, describeStart(record));
    }

    this.log("*", "step 0: pulumi up of the whole stack (stepped models held at their baseline)");
    await this.wholeUpdate();
    await this.recordDeployed(names);
    await this.drive(names);
    summary.changed = this.changes(initial, await this.statuses(names));
    return summary;
  }

  /**
   * After a whole update: what every active rollout needs of it and does not have yet (this
   * run's, and one whose step 0 an earlier run left unfinished): the rule and target groups, the
   * digests to pin, and the pre-traffic check.
   */
  private async recordDeployed(models: string[]): Promise<void> {
    const after = await this.ports.deployer.targets();
    for (const model of models) {
      const current = await this.ports.store.get(model);
      const targets = after[model];
      if (!current || !isActive(current) || !targets) continue;
      const needs = !current.routing.ruleArn || Object.keys(current.pinnedImages).length === 0;
      const recorded = needs
        ? await this.write(current, {
            routing: {
              ruleArn: targets.ruleArn,
              loadBalancerArnSuffix: targets.loadBalancerArnSuffix,
              targetGroups: targets.targetGroups,
            },
            pinnedImages: targets.images,
          })
        : current;
      if (recorded?.status === "running" && recorded.step === 0)
        await this.preTraffic(recorded, targets);
    }
  }

  /** The pre-traffic check through the pinned route, before the first step (once). */
  private async preTraffic(record: RolloutRecord, targets: ModelTargets): Promise<void> {
    const check = record.policy.preTraffic;
    if (!check || record.preTraffic?.ok) return;
    if (!targets.pinnedUrl) {
      await this.hold(record, "the pre-traffic check found no pinned route to call");
      return;
    }
    const url = `${targets.pinnedUrl}${check.path.replace(/^\//, "")}`;
    this.log(record.model, `pre-traffic check: ${check.requests} requests to ${url}`);
    const result = await this.ports.preTraffic.run({
      url,
      ...(targets.pinnedHost ? { host: targets.pinnedHost } : {}),
      requests: check.requests,
    });
    const at = this.ports.clock.now().toISOString();
    const written = await this.write(record, {
      preTraffic: { at, ok: result.ok, detail: result.detail },
    });
    if (!written) return;
    this.log(
      record.model,
      `pre-traffic check ${result.ok ? "passed" : "failed"}: ${result.detail}`,
    );
    if (!result.ok) await this.hold(written, `the pre-traffic check failed: ${result.detail}`);
  }

  /**
   * Drives every rollout of `models` until none runs or the run's time is up; what changed.
   * One model's failure (a lock, an AWS error) is logged and retried later; the others go on.
   */
  async drive(models: string[]): Promise<RunSummary["changed"]> {
    const initial = await this.statuses(models);
    for (;;) {
      let next = Number.POSITIVE_INFINITY;
      let running = 0;
      for (const model of models) {
        let due: number | undefined;
        try {
          due = await this.tick(model);
        } catch (error) {
          this.log(
            model,
            `${error instanceof Error ? error.message : String(error)}; trying again at the next look`,
          );
          due = this.ports.clock.now().getTime() + CHECK_INTERVAL_MS;
        }
        if (due !== undefined) {
          running += 1;
          next = Math.min(next, due);
        }
      }
      const now = this.ports.clock.now().getTime();
      if (running === 0 || now >= this.options.until.getTime()) {
        if (running > 0)
          this.log(
            "*",
            `this run's time is up; ${running} rollout(s) go on from their records (maas rollout drive)`,
          );
        return this.changes(initial, await this.statuses(models));
      }
      await this.ports.clock.sleep(Math.max(0, Math.min(next, this.options.until.getTime()) - now));
    }
  }

  /**
   * One look at a model's rollout: act if something is due. Returns when to look again, or
   * undefined when nothing more will happen in this run without a person or a new catalogue.
   */
  async tick(model: string): Promise<number | undefined> {
    const record = await this.ports.store.get(model);
    if (!record) return undefined;
    const now = this.ports.clock.now();
    if (record.status === "aborted") {
      // An update that started before the abort may have landed after it: the rule is put right.
      if (
        record.routing.ruleArn &&
        now.getTime() - Date.parse(record.updatedAt) < ABORT_WATCH_MS &&
        !(await this.ruleHolds(record))
      ) {
        this.log(model, `the rule does not hold aborted rollout ${record.id}'s baseline`);
        await this.enforce(record);
      }
      return undefined;
    }
    if (record.status === "paused" || record.status === "inconclusive") {
      await this.watchHeld(record);
      return undefined;
    }
    if (record.status !== "running") return undefined;
    if (now >= new Date(record.deadline)) {
      await this.hold(
        record,
        `the rollout's limit (${record.policy.timeoutMinutes} minutes) has passed`,
      );
      return undefined;
    }
    if (record.step === 0) {
      if (!record.routing.ruleArn) {
        await this.hold(
          record,
          "step 0's update of the whole stack did not finish (no rule is recorded): run maas rollout run again",
        );
        return undefined;
      }
      if (record.policy.preTraffic && !record.preTraffic?.ok) {
        const targets = (await this.ports.deployer.targets())[model];
        if (targets) await this.preTraffic(record, targets);
        return undefined;
      }
      return this.advanceInTime(record);
    }
    const current = record.steps.find((s) => s.step === record.step);
    if (current?.outcome === "passed" || current?.outcome === "promoted")
      // The run that passed this step died before the next one was applied: go on with it.
      return this.advanceInTime(record, current.outcome);
    if (!current) {
      // The record moved to this step but the update never confirmed it: apply it again.
      await this.shift(record, record.step);
      return now.getTime();
    }
    return this.bake(record, current);
  }

  /**
   * Advances, if this run has the time a step may take (the rising version's pods coming up,
   * and two targeted updates); otherwise leaves it to the next run, so no job is stopped in the
   * middle of an update.
   */
  private async advanceInTime(
    record: RolloutRecord,
    outcome: "passed" | "promoted" = "passed",
  ): Promise<number | undefined> {
    const budget = (progressDeadlineSeconds(record.risingLimits.startupSeconds) + 600) * 1000;
    if (this.ports.clock.now().getTime() + budget > this.options.until.getTime()) {
      this.log(
        record.model,
        "the next step is left to the next run: not enough time left in this one",
      );
      return undefined;
    }
    await this.advance(record, outcome);
    return this.ports.clock.now().getTime();
  }

  /**
   * A paused or held rollout keeps its weights, so it is still judged for what aborts at once
   * (no healthy target, errors at 5x the objective, connection errors); nothing else moves.
   */
  private async watchHeld(record: RolloutRecord): Promise<void> {
    const step = record.steps.find((s) => s.step === record.step);
    if (!step || record.step === 0) return;
    const now = this.ports.clock.now();
    const start = new Date(Math.ceil(Date.parse(step.shiftedAt) / 60_000) * 60_000);
    const end = new Date(minute(now.getTime() - METRIC_DELAY_MS));
    if (end.getTime() - start.getTime() < 60_000) return;
    const verdict = await this.judge(record, step, start, end);
    if (verdict.kind === "abort")
      await this.abort(record, `while ${record.status}: ${verdict.detail}`);
  }

  /** Judges the current step's window and acts on the verdict; returns when to look again. */
  private async bake(record: RolloutRecord, step: StepLog): Promise<number | undefined> {
    const now = this.ports.clock.now();
    const { warmupMinutes, bakeMinutes, maxBakeMinutes } = record.policy;
    const start = new Date(
      Math.ceil((Date.parse(step.shiftedAt) + warmupMinutes * 60_000) / 60_000) * 60_000,
    );
    const end = new Date(minute(now.getTime() - METRIC_DELAY_MS));
    const lastCheck = step.checks.at(-1);
    const dueAt = lastCheck
      ? Date.parse(lastCheck.at) + CHECK_INTERVAL_MS
      : start.getTime() + 60_000 + METRIC_DELAY_MS;
    if (end.getTime() - start.getTime() < 60_000 || now.getTime() < dueAt)
      return Math.max(dueAt, start.getTime() + 60_000 + METRIC_DELAY_MS);

    const verdict = await this.judge(record, step, start, end);
    const check: CheckLog = {
      at: now.toISOString(),
      verdict: verdict.kind,
      detail: verdict.detail,
      windowStart: start.toISOString(),
      windowEnd: end.toISOString(),
      requests: verdict.requests,
    };
    const baked = end.getTime() - start.getTime() >= bakeMinutes * 60_000;
    const extendedTooLong = end.getTime() - start.getTime() >= maxBakeMinutes * 60_000;
    const logged = await this.write(record, { steps: withCheck(record.steps, step.step, check) });
    if (!logged) return now.getTime();
    this.log(
      record.model,
      `step ${step.step}/${record.shares.length} (${step.share}%): ${verdict.kind}: ${verdict.detail}`,
    );
    switch (verdict.kind) {
      case "abort":
        await this.abort(logged, verdict.detail);
        return undefined;
      case "fail":
        if (lastCheck?.verdict === "fail") {
          await this.abort(logged, `failed two checks in a row: ${verdict.detail}`);
          return undefined;
        }
        return now.getTime() + CHECK_INTERVAL_MS;
      case "both-breach":
        await this.hold(logged, verdict.detail, true);
        return undefined;
      case "short":
        if (extendedTooLong) {
          await this.hold(
            logged,
            `too little evidence after ${maxBakeMinutes} minutes: ${verdict.detail}`,
          );
          return undefined;
        }
        return now.getTime() + CHECK_INTERVAL_MS;
      case "pass":
        if (!baked) return now.getTime() + CHECK_INTERVAL_MS;
        if (record.policy.mode === "manual") {
          this.log(
            record.model,
            `step ${step.step} baked and passed; waiting for maas rollout promote (mode: manual)`,
          );
          return now.getTime() + CHECK_INTERVAL_MS;
        }
        return this.advanceInTime(logged, "passed");
    }
  }

  private async judge(
    record: RolloutRecord,
    step: StepLog,
    start: Date,
    end: Date,
  ): Promise<Verdict & { requests: number }> {
    const groups = record.routing.targetGroups;
    const rising = groups[record.rising];
    if (!rising)
      return {
        kind: "short",
        detail: "the rising version's target group is not known yet",
        requests: 0,
      };
    // What the load balancer sees now, not a minute ago: no healthy pod is a breach at once.
    const healthyNow = await this.ports.loadBalancer.healthyTargets(rising.arn);
    if (healthyNow === 0)
      return {
        kind: "abort",
        detail: "the version has no healthy targets (DescribeTargetHealth)",
        requests: 0,
      };
    const serving = Object.entries(step.weights)
      .filter(([version, weight]) => weight > 0 && version !== record.rising && groups[version])
      .map(([version]) => version);
    const metrics = await this.ports.metrics.window(
      record.routing.loadBalancerArnSuffix,
      [rising.arnSuffix, ...serving.map((v) => groups[v]!.arnSuffix)],
      start,
      end,
    );
    const risingMetrics = metrics[rising.arnSuffix] ?? {
      requests: 0,
      errors: 0,
      latencySamples: 0,
      connectionErrors: 0,
    };
    const baseline = combineWindows(
      serving.flatMap((v) =>
        metrics[groups[v]!.arnSuffix] ? [metrics[groups[v]!.arnSuffix]!] : [],
      ),
    );
    const verdict = judgeWindow({
      rising: risingMetrics,
      ...(baseline ? { baseline } : {}),
      slo: record.slo,
      policy: record.policy,
    });
    return { ...verdict, requests: risingMetrics.requests };
  }
}

function withCheck(steps: StepLog[], step: number, check: CheckLog): StepLog[] {
  return steps.map((s) => {
    if (s.step !== step) return s;
    const checks = [...s.checks, check];
    // The first checks and the latest: the record stays far below DynamoDB's 400 KB.
    return {
      ...s,
      checks:
        checks.length > CHECKS_KEPT
          ? [...checks.slice(0, 2), ...checks.slice(-(CHECKS_KEPT - 2))]
          : checks,
    };
  });
}

function describeStart(record: RolloutRecord): string {
  switch (record.status) {
    case "completed":
      return `${formatWeights(record.target)} at once (${record.reason ?? "immediate"})`;
    case "inconclusive":
      return `rollout of ${record.rising} held at its baseline: ${record.reason ?? ""}`;
    default:
      return `rollout ${record.id}: ${record.rising} ${record.baseline[record.rising] ?? 0}% -> ${record.shares.join("% -> ")}%, ${record.policy.bakeMinutes} min bakes`;
  }
}
