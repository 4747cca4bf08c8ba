/**
 * The rollout engine: carries the catalogue's changes out step by step, through the ports
 * (ports.ts), deciding from the record alone, so any run resumes where another stopped (GitHub
 * jobs end at 6 h, OIDC sessions at 1 h: correctness never depends on one long job).
 *
 * A run (`maas rollout run`): decide per model (decide.ts), write the new records, then one whole
 * `pulumi up` of the merged commit (step 0: the program holds every stepped model at its
 * baseline and creates the rising version at 0 %), pin what it deployed, run the pre-traffic
 * checks, and drive. Driving (also `maas rollout resume`): per running model, bake the current
 * step while judging its gates (gates.ts), then scale the rising version for the next share and
 * move its weight with targeted updates (seconds, not a whole-stack update); after the last
 * step's bake, complete. Every write is conditional on the revision read, so an operator's abort
 * or pause written meanwhile always wins.
 */
import { progressDeadlineSeconds } from "../components/specs/deployment";
import { servedVersions } from "../catalogue";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { decide } from "./decide";
import { combineWindows, judgeWindow } from "./gates";
import type { Verdict } from "./gates";
import type { ModelTargets, Ports, Unaddressed } from "./ports";
import { StackLockedError, weightsByTargetGroup } from "./ports";
import { heldWeights, isActive, shareAtStep, weightsAtStep } from "./record";
import type { CheckLog, RolloutRecord, StepLog } from "./record";
import type { Weights } from "./weights";

/** How often a bake's gates are judged: "twice in a row" means two windows this far apart. */
export const CHECK_INTERVAL_MS = 2 * 60_000;
/**
 * How far behind now a window ends: the load balancer publishes every 60 seconds, and its
 * datapoints take a while to become visible (not documented; three minutes covers it).
 */
export const METRIC_DELAY_MS = 3 * 60_000;
/** How often the rising version's healthy pods are counted while it scales. */
export const CAPACITY_POLL_MS = 15_000;
/** Checks kept per step in the record (the first ones and the last ones tell the story). */
export const CHECKS_KEPT = 30;

export interface EngineOptions {
  stack: string;
  commit?: string;
  /** The run stops driving at this instant; a later run resumes from the records. */
  until: Date;
}

export interface RunSummary {
  /** Per model: what the run found or did, in one line. */
  outcomes: Record<string, string>;
  /** Rollouts the run had to refuse: nothing was applied. */
  refused: string[];
}

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

export class RolloutEngine {
  constructor(
    private readonly ports: Ports,
    private readonly options: EngineOptions,
  ) {}

  private log(model: string, text: string): void {
    this.ports.log.line(model, text);
  }

  /** Writes `next` over `current` (one revision up); false when another writer came first. */
  private async write(
    current: RolloutRecord,
    next: Partial<RolloutRecord>,
  ): Promise<RolloutRecord | undefined> {
    const record: RolloutRecord = {
      ...current,
      ...next,
      revision: current.revision + 1,
      updatedAt: this.ports.clock.now().toISOString(),
    };
    return (await this.ports.store.put(record, current.revision)) ? record : undefined;
  }

  /** The weights each model's rule has now, and its versions' healthy pods, from the last update's outputs. */
  private async liveState(targets: Record<string, ModelTargets>, model: string) {
    const found = targets[model];
    if (!found) return { live: undefined, healthy: {} };
    const byArn = await this.ports.loadBalancer.ruleWeights(found.ruleArn);
    const live: Weights = {};
    const healthy: Record<string, number> = {};
    for (const [version, group] of Object.entries(found.targetGroups)) {
      live[version] = byArn[group.arn] ?? 0;
      healthy[version] = await this.ports.loadBalancer.healthyTargets(group.arn);
    }
    return { live, healthy };
  }

  /** The same, for a model an older maas deployed: its rule found by its priority. */
  private async legacyState(legacy: Unaddressed, model: ResolvedModel) {
    const groups = legacy.models[model.name];
    const listener = legacy.listeners[model.routing.loadBalancer];
    if (!groups || !listener) return { live: undefined, healthy: {} };
    const byArn = await this.ports.loadBalancer.weightsAtPriority(listener, model.routing.priority);
    if (!byArn) return { live: undefined, healthy: {} };
    const live: Weights = {};
    const healthy: Record<string, number> = {};
    for (const [version, arn] of Object.entries(groups)) {
      live[version] = byArn[arn] ?? 0;
      healthy[version] = await this.ports.loadBalancer.healthyTargets(arn);
    }
    return { live, healthy };
  }

  /**
   * `maas rollout run`: start what the catalogue asks, update the whole stack once (step 0),
   * pin, check before traffic, then drive until done or `until`.
   */
  async run(catalogue: ResolvedCatalogue): Promise<RunSummary> {
    const summary: RunSummary = { outcomes: {}, refused: [] };
    const before = await this.ports.deployer.targets();
    // Models an older maas deployed export no rollout addresses: their weights now are read
    // from their listener's rule at their priority, and their target groups.
    const legacy = await this.ports.deployer.unaddressed();
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
          writes.push({
            record: decision.record,
            expected: record?.revision,
            ...(decision.superseded ? { superseded: decision.superseded } : {}),
          });
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
      summary.outcomes[record.model] = describeStart(record);
      this.log(record.model, describeStart(record));
    }

    this.log("*", "step 0: pulumi up of the whole stack (stepped models held at their baseline)");
    await this.ports.deployer.up();
    const after = await this.ports.deployer.targets();
    for (const { record } of writes) {
      const current = await this.ports.store.get(record.model);
      const targets = after[record.model];
      if (!current || current.id !== record.id || !targets) continue;
      const pinned = await this.write(current, {
        routing: {
          ruleArn: targets.ruleArn,
          loadBalancerArnSuffix: targets.loadBalancerArnSuffix,
          targetGroups: targets.targetGroups,
        },
        pinnedImages: targets.images,
      });
      if (pinned && pinned.status === "running") await this.preTraffic(pinned, targets);
    }
    await this.drive(catalogue.models.map((m) => m.name));
    return summary;
  }

  /** The pre-traffic check through the pinned route, before the first step. */
  private async preTraffic(record: RolloutRecord, targets: ModelTargets): Promise<void> {
    const check = record.policy.preTraffic;
    if (!check) return;
    if (!targets.pinnedUrl) {
      await this.hold(
        record,
        "the pre-traffic check has no pinned route to call (maas:pinnedRouteCidrs is not set)",
      );
      return;
    }
    this.log(
      record.model,
      `pre-traffic check: ${check.requests} requests to ${targets.pinnedUrl}${check.path.replace(/^\//, "")}`,
    );
    const result = await this.ports.preTraffic.run({
      url: `${targets.pinnedUrl}${check.path.replace(/^\//, "")}`,
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

  /** Drives every running rollout of `models` until none runs or the run's time is up. */
  async drive(models: string[]): Promise<void> {
    for (;;) {
      let next = Number.POSITIVE_INFINITY;
      let running = 0;
      for (const model of models) {
        const due = await this.tick(model);
        if (due !== undefined) {
          running += 1;
          next = Math.min(next, due);
        }
      }
      const now = this.ports.clock.now().getTime();
      if (running === 0) return;
      if (now >= this.options.until.getTime()) {
        this.log(
          "*",
          `this run's time is up; ${running} rollout(s) go on from their records (maas rollout resume)`,
        );
        return;
      }
      await this.ports.clock.sleep(Math.max(0, Math.min(next, this.options.until.getTime()) - now));
    }
  }

  /**
   * One look at a model's rollout: act if something is due. Returns when to look again, or
   * undefined when nothing more will happen without a person or a new catalogue.
   */
  async tick(model: string): Promise<number | undefined> {
    const record = await this.ports.store.get(model);
    if (!record || record.status !== "running") return undefined;
    const now = this.ports.clock.now();
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
      if (record.policy.preTraffic && !record.preTraffic?.ok) return undefined;
      await this.advance(record);
      return now.getTime();
    }
    const current = record.steps.find((s) => s.step === record.step);
    if (current?.outcome === "passed" || current?.outcome === "promoted") {
      // The run that passed this step died before the next one was applied: go on with it.
      await this.advance(record, current.outcome);
      return now.getTime();
    }
    if (!current) {
      // The record moved to this step but the update never confirmed it: apply it again.
      await this.shift(record, record.step);
      return now.getTime();
    }
    return this.bake(record, current);
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
        await this.advance(logged, "passed");
        return this.ports.clock.now().getTime();
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

  /**
   * To the next step: scale the rising version for its next share first (Argo's setCanaryScale),
   * then move the weights; after the last step's bake, complete.
   */
  async advance(
    record: RolloutRecord,
    outcome: "passed" | "promoted" = "passed",
  ): Promise<RolloutRecord | undefined> {
    // A promotion overrides the step's inconclusive end; a pass never overrides anything.
    const steps =
      record.step > 0
        ? closeLastStep(record.steps, outcome, this.ports.clock.now(), outcome === "promoted")
        : record.steps;
    if (record.step >= record.shares.length) return this.complete(record, steps);
    const next = record.step + 1;
    let current: RolloutRecord = { ...record, steps };
    if (current.capacityStep < next) {
      const scaling = await this.write(current, { capacityStep: next });
      if (!scaling) return undefined;
      current = scaling;
    }
    // Scaling is idempotent: a run that died while waiting for the pods waits again.
    if (!(await this.scale(current, next))) return undefined;
    const reread = await this.ports.store.get(record.model);
    if (!reread || reread.revision !== current.revision) return undefined;
    return this.shift(current, next);
  }

  /** Raises the rising version's autoscaler for `step` and waits for its pods. */
  private async scale(record: RolloutRecord, step: number): Promise<boolean> {
    const targets = (await this.ports.deployer.targets())[record.model];
    const version = record.risingLimits;
    const total = Object.values(record.baselineReplicas).reduce((sum, n) => sum + n, 0);
    const wanted = Math.ceil((total * shareAtStep(record, step)) / 100);
    const autoscaler = targets?.autoscalers[record.rising];
    if (!targets || !autoscaler || wanted === 0) return true;
    this.log(
      record.model,
      `scaling ${record.rising} for ${shareAtStep(record, step)}%: waiting for ${wanted} healthy pods`,
    );
    await this.ports.deployer.upTargets([autoscaler]);
    const group = record.routing.targetGroups[record.rising];
    if (!group) return true;
    const deadline =
      this.ports.clock.now().getTime() + progressDeadlineSeconds(version.startupSeconds) * 1000;
    for (;;) {
      const healthy = await this.ports.loadBalancer.healthyTargets(group.arn);
      // The autoscaler's ceiling may hold it below its share of the baseline: its maximum - 1 then.
      if (healthy >= Math.min(wanted, version.maxReplicas - 1)) return true;
      if (this.ports.clock.now().getTime() >= deadline) {
        await this.hold(
          (await this.ports.store.get(record.model)) ?? record,
          `${record.rising} did not reach ${wanted} healthy pods for its next share (${healthy} healthy)`,
        );
        return false;
      }
      await this.ports.clock.sleep(CAPACITY_POLL_MS);
    }
  }

  /** Moves the weights to `step` with a targeted update, then starts its bake. */
  private async shift(record: RolloutRecord, step: number): Promise<RolloutRecord | undefined> {
    const moved =
      record.step === step
        ? record
        : await this.write(record, { step, capacityStep: Math.max(record.capacityStep, step) });
    if (!moved) return undefined;
    const targets = (await this.ports.deployer.targets())[record.model];
    const weights = weightsAtStep(moved, step);
    this.log(record.model, `step ${step}/${moved.shares.length}: ${formatWeights(weights)}`);
    if (targets) await this.ports.deployer.upTargets([targets.trafficRule]);
    const shifted: StepLog = {
      step,
      share: shareAtStep(moved, step),
      weights,
      shiftedAt: this.ports.clock.now().toISOString(),
      checks: [],
    };
    return this.write(moved, { steps: [...moved.steps.filter((s) => s.step !== step), shifted] });
  }

  private async complete(
    record: RolloutRecord,
    steps: StepLog[],
  ): Promise<RolloutRecord | undefined> {
    const done = await this.write(record, { status: "completed", steps });
    if (!done) return undefined;
    this.log(
      record.model,
      `completed: ${formatWeights(record.target)}; the baseline's capacity and the pinned route are released`,
    );
    await this.updateModel(done);
    await this.ports.notifier.notify(
      `maas ${this.options.stack}: ${record.model} ${record.rising} rolled out`,
      `Rollout ${record.id} completed at ${formatWeights(record.target)}.`,
    );
    return done;
  }

  /**
   * `maas rollout promote`: the current step counts as passed now (its bake, an inconclusive
   * verdict or a failed pre-traffic check overruled by a person), and the next one is applied;
   * with `full`, the catalogue's target at once, completing the rollout.
   */
  async promote(model: string, options: { full?: boolean } = {}): Promise<RolloutRecord> {
    const record = await this.activeRecord(model);
    const running = await this.write(record, { status: "running", reason: undefined });
    if (!running)
      throw new Error(`model ${model}: the record changed meanwhile; run the command again`);
    this.log(model, options.full ? "promoted to the target" : `step ${record.step} promoted`);
    if (options.full) {
      const last = await this.write(running, {
        step: running.shares.length,
        capacityStep: running.shares.length,
      });
      if (!last)
        throw new Error(`model ${model}: the record changed meanwhile; run the command again`);
      const done = await this.complete(
        last,
        closeLastStep(last.steps, "promoted", this.ports.clock.now(), true),
      );
      if (!done)
        throw new Error(`model ${model}: the record changed meanwhile; run the command again`);
      return done;
    }
    const advanced = await this.advance(running, "promoted");
    return advanced ?? (await this.ports.store.get(model))!;
  }

  /** `maas rollout pause`: no step advances until resume; the weights stay, the gates keep watching only when resumed. */
  async pause(model: string, reason: string): Promise<RolloutRecord> {
    const record = await this.activeRecord(model);
    if (record.status !== "running")
      throw new Error(`model ${model}: rollout ${record.id} is ${record.status}, not running`);
    const paused = await this.write(record, { status: "paused", reason });
    if (!paused)
      throw new Error(`model ${model}: the record changed meanwhile; run the command again`);
    this.log(model, `paused at step ${record.step}: ${reason}`);
    return paused;
  }

  /** `maas rollout resume` of a paused rollout: its step's bake goes on (its window counts from the shift). */
  async resume(model: string): Promise<RolloutRecord> {
    const record = await this.activeRecord(model);
    if (record.status !== "paused")
      throw new Error(
        `model ${model}: rollout ${record.id} is ${record.status}; only a paused rollout resumes${record.status === "inconclusive" ? " (an inconclusive one is promoted or aborted)" : ""}`,
      );
    const running = await this.write(record, { status: "running", reason: undefined });
    if (!running)
      throw new Error(`model ${model}: the record changed meanwhile; run the command again`);
    this.log(model, `resumed at step ${record.step}`);
    return running;
  }

  private async activeRecord(model: string): Promise<RolloutRecord> {
    const record = await this.ports.store.get(model);
    if (!record) throw new Error(`model ${model} has no rollout record: nothing to act on`);
    if (!isActive(record))
      throw new Error(
        `model ${model}: rollout ${record.id} is ${record.status}; nothing to act on`,
      );
    return record;
  }

  /** Holds the rollout at its weights: a person decides (promote or abort). */
  async hold(record: RolloutRecord, reason: string, notify = false): Promise<void> {
    const held = await this.write(record, {
      status: "inconclusive",
      reason,
      steps:
        record.step > 0
          ? closeLastStep(record.steps, "inconclusive", this.ports.clock.now(), true)
          : record.steps,
    });
    if (!held) return;
    this.log(
      record.model,
      `held at step ${record.step}: ${reason}. Decide: maas rollout promote ${record.model}, or maas rollout abort ${record.model}`,
    );
    if (notify)
      await this.ports.notifier.notify(
        `maas ${this.options.stack}: ${record.model} rollout held`,
        `${reason}\nDecide: maas rollout promote or abort ${record.model}.`,
      );
  }

  /**
   * To the baseline at once, whatever the step: the record first (every later update obeys
   * it), then a targeted update; if Pulumi cannot (the stack is locked, an update failed), the
   * rule's weights directly (ModifyRule), which the next update agrees with.
   */
  async abort(
    record: RolloutRecord,
    reason: string,
    options: { breakGlass?: boolean } = {},
  ): Promise<boolean> {
    let current: RolloutRecord | undefined = record;
    let aborted: RolloutRecord | undefined;
    // An abort never loses a race: re-read and write again until it is stored.
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      aborted = await this.write(current, {
        status: "aborted",
        reason,
        steps:
          current.step > 0
            ? closeLastStep(current.steps, "aborted", this.ports.clock.now(), true)
            : current.steps,
      });
      if (aborted) break;
      current = await this.ports.store.get(record.model);
      if (current && !isActive(current) && current.status !== "completed") return false;
    }
    if (!aborted)
      throw new Error(
        `model ${record.model}: could not write the abort; run maas rollout abort again`,
      );
    this.log(record.model, `aborted: ${reason}; back to ${formatWeights(aborted.baseline)}`);
    if (options.breakGlass) await this.breakGlass(aborted);
    else {
      try {
        await this.updateModel(aborted);
      } catch (error) {
        const why =
          error instanceof StackLockedError
            ? "the stack is locked by another update"
            : String(error);
        this.log(
          record.model,
          `pulumi could not apply the abort (${why}); setting the rule's weights directly`,
        );
        await this.breakGlass(aborted);
      }
    }
    await this.ports.notifier.notify(
      `maas ${this.options.stack}: ${record.model} rollout aborted`,
      `Rollout ${record.id} of ${record.rising} aborted: ${reason}. Traffic is back at ${formatWeights(aborted.baseline)}.`,
    );
    return true;
  }

  /** The rule's weights set with ModifyRule, outside Pulumi; the record already says the same. */
  private async breakGlass(record: RolloutRecord): Promise<void> {
    const { ruleArn, targetGroups } = record.routing;
    if (!ruleArn)
      throw new Error(
        `model ${record.model}: the record has no rule ARN yet (step 0 never finished); nothing serves the new version`,
      );
    await this.ports.loadBalancer.setRuleWeights(
      ruleArn,
      weightsByTargetGroup(heldWeights(record), targetGroups),
    );
    this.log(
      record.model,
      `break-glass: rule weights set to ${formatWeights(heldWeights(record))} with ModifyRule`,
    );
  }

  /** A targeted update of everything the record moves: the rule, the pinned route, the autoscalers. */
  private async updateModel(record: RolloutRecord): Promise<void> {
    const targets = (await this.ports.deployer.targets())[record.model];
    if (!targets) return;
    await this.ports.deployer.upTargets([
      targets.trafficRule,
      ...(targets.pinnedRoute ? [targets.pinnedRoute] : []),
      ...Object.values(targets.autoscalers),
    ]);
  }
}

function withCheck(steps: StepLog[], step: number, check: CheckLog): StepLog[] {
  return steps.map((s) => {
    if (s.step !== step) return s;
    const checks = [...s.checks, check];
    // Keep the first checks and the latest ones: the record stays far below DynamoDB's 400 KB.
    return {
      ...s,
      checks:
        checks.length > CHECKS_KEPT
          ? [...checks.slice(0, 5), ...checks.slice(-(CHECKS_KEPT - 5))]
          : checks,
    };
  });
}

function closeLastStep(
  steps: StepLog[],
  outcome: NonNullable<StepLog["outcome"]>,
  now: Date,
  overwrite = false,
): StepLog[] {
  const last = steps.at(-1);
  if (!last || (last.outcome && !overwrite)) return steps;
  return [...steps.slice(0, -1), { ...last, outcome, endedAt: now.toISOString() }];
}

export function formatWeights(weights: Weights): string {
  return (
    Object.entries(weights)
      .filter(([, w]) => w > 0)
      .map(([v, w]) => `${v} ${w}%`)
      .join(", ") || "no traffic"
  );
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
