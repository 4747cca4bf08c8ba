/**
 * What the rollout engine does to a model (engine.ts decides when): advance a step (scale the
 * rising version, then move its weight), complete, hold, abort, break glass; and the operator's
 * verbs (promote, pause, resume). Every write is conditional on the revision of the record the
 * caller holds, and none brings an ended rollout back (write()): a pause or an abort written
 * meanwhile always wins. After every targeted update the record is read again: an abort written
 * while the update ran would otherwise be overwritten by the weights that update applied.
 */
import { progressDeadlineSeconds } from "../components/specs/deployment";
import type { Ports } from "./ports";
import { StackLockedError, weightsByTargetGroup } from "./ports";
import { heldWeights, isActive, shareAtStep, weightsAtStep } from "./record";
import type { RolloutRecord, StepLog } from "./record";
import { sameWeights } from "./weights";
import type { Weights } from "./weights";

/** How often the rising version's healthy pods are counted while it scales. */
export const CAPACITY_POLL_MS = 15_000;

export interface EngineOptions {
  stack: string;
  commit?: string;
  /** The run stops driving at this instant; a later run resumes from the records. */
  until: Date;
}

/** What failed when the record changed under a verb: the person runs it again. */
function changedMeanwhile(model: string): Error {
  return new Error(`model ${model}: the record changed meanwhile; run the command again`);
}

export abstract class RolloutActions {
  constructor(
    protected readonly ports: Ports,
    protected readonly options: EngineOptions,
  ) {}

  protected log(model: string, text: string): void {
    this.ports.log.line(model, text);
  }

  /**
   * Writes `next` over `current` (one revision up); undefined when another writer came first,
   * or when `current` has ended: an aborted, completed or superseded rollout stays so.
   */
  protected async write(
    current: RolloutRecord,
    next: Partial<RolloutRecord>,
  ): Promise<RolloutRecord | undefined> {
    if (!isActive(current)) {
      this.log(current.model, `rollout ${current.id} is ${current.status}: left as it is`);
      return undefined;
    }
    const record: RolloutRecord = {
      ...current,
      ...next,
      revision: current.revision + 1,
      updatedAt: this.ports.clock.now().toISOString(),
    };
    return (await this.ports.store.put(record, current.revision)) ? record : undefined;
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
    return this.shift(current, next);
  }

  /** Raises the rising version's autoscaler for `step` and waits for its pods. */
  private async scale(record: RolloutRecord, step: number): Promise<boolean> {
    const targets = (await this.ports.deployer.targets())[record.model];
    const version = record.risingLimits;
    const total = Object.values(record.baselineReplicas).reduce((sum, n) => sum + n, 0);
    const wanted = Math.ceil((total * shareAtStep(record, step)) / 100);
    const autoscaler = targets?.autoscalers[record.rising];
    const group = record.routing.targetGroups[record.rising];
    if (!targets || !autoscaler || !group || wanted === 0) return true;
    this.log(
      record.model,
      `scaling ${record.rising} for ${shareAtStep(record, step)}%: waiting for ${wanted} healthy pods`,
    );
    await this.ports.deployer.upTargets([autoscaler]);
    if (!(await this.stillHolds(record))) return false;
    const deadline =
      this.ports.clock.now().getTime() + progressDeadlineSeconds(version.startupSeconds) * 1000;
    for (;;) {
      const healthy = await this.ports.loadBalancer.healthyTargets(group.arn);
      // The autoscaler's ceiling may hold it below its share of the baseline: its maximum - 1 then.
      if (healthy >= Math.min(wanted, version.maxReplicas - 1)) return true;
      if (this.ports.clock.now().getTime() >= deadline) {
        // The record this run holds: if a person paused or aborted meanwhile, theirs stands.
        await this.hold(
          record,
          `${record.rising} did not reach ${wanted} healthy pods for its next share (${healthy} healthy)`,
        );
        return false;
      }
      await this.ports.clock.sleep(CAPACITY_POLL_MS);
    }
  }

  /** Moves the weights to `step` with a targeted update, then starts its bake. */
  protected async shift(record: RolloutRecord, step: number): Promise<RolloutRecord | undefined> {
    const moved =
      record.step === step
        ? record
        : await this.write(record, { step, capacityStep: Math.max(record.capacityStep, step) });
    if (!moved) return undefined;
    const targets = (await this.ports.deployer.targets())[record.model];
    const weights = weightsAtStep(moved, step);
    this.log(record.model, `step ${step}/${moved.shares.length}: ${formatWeights(weights)}`);
    if (targets) await this.ports.deployer.upTargets([targets.trafficRule]);
    if (!(await this.stillHolds(moved))) return undefined;
    const shifted: StepLog = {
      step,
      share: shareAtStep(moved, step),
      weights,
      shiftedAt: this.ports.clock.now().toISOString(),
      checks: [],
    };
    return this.write(moved, { steps: [...moved.steps.filter((s) => s.step !== step), shifted] });
  }

  /**
   * After a targeted update made for `applied`: whether the record still says so. If it was
   * aborted (or otherwise ended) while the update ran, the update may have set weights the
   * record no longer holds: they are put right before anything else.
   */
  private async stillHolds(applied: RolloutRecord): Promise<boolean> {
    const now = await this.ports.store.get(applied.model);
    if (now && now.revision === applied.revision) return true;
    if (now && !isActive(now)) {
      this.log(applied.model, `rollout ${now.id} became ${now.status} during the update`);
      await this.enforce(now);
    }
    return false;
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
    await this.release(done);
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
    if (!record.routing.ruleArn)
      throw new Error(
        `model ${model}: step 0 of rollout ${record.id} has not finished (no rule or target groups are recorded, so no step could be judged): run maas rollout run again first`,
      );
    // A baseline measured while it was cold is measured again: the rising version is sized on it.
    const measured = record.step === 0 ? { baselineReplicas: await this.baselineNow(record) } : {};
    const running = await this.write(record, {
      status: "running",
      reason: undefined,
      ...measured,
    });
    if (!running) throw changedMeanwhile(model);
    this.log(model, options.full ? "promoted to the target" : `step ${record.step} promoted`);
    if (options.full) {
      const last = await this.write(running, {
        step: running.shares.length,
        capacityStep: running.shares.length,
      });
      if (!last) throw changedMeanwhile(model);
      const done = await this.complete(
        last,
        closeLastStep(last.steps, "promoted", this.ports.clock.now(), true),
      );
      if (!done) throw changedMeanwhile(model);
      return done;
    }
    const advanced = await this.advance(running, "promoted");
    return advanced ?? (await this.ports.store.get(model))!;
  }

  /** Healthy pods of each baseline version now. */
  private async baselineNow(record: RolloutRecord): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const version of Object.keys(record.baselineReplicas)) {
      const group = record.routing.targetGroups[version];
      counts[version] = group
        ? await this.ports.loadBalancer.healthyTargets(group.arn)
        : (record.baselineReplicas[version] ?? 0);
    }
    return counts;
  }

  /** `maas rollout pause`: no step advances until resume; the weights stay. */
  async pause(model: string, reason: string): Promise<RolloutRecord> {
    const record = await this.activeRecord(model);
    if (record.status !== "running")
      throw new Error(`model ${model}: rollout ${record.id} is ${record.status}, not running`);
    const paused = await this.write(record, { status: "paused", reason });
    if (!paused) throw changedMeanwhile(model);
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
    if (!running) throw changedMeanwhile(model);
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
   * To the baseline at once, whatever the step: the record first (every later update obeys it),
   * then the weights (enforce()). Only this rollout: if another took its place meanwhile, the
   * abort is not carried over to it.
   */
  async abort(
    record: RolloutRecord,
    reason: string,
    options: { breakGlass?: boolean } = {},
  ): Promise<boolean> {
    let current: RolloutRecord | undefined = record;
    let aborted: RolloutRecord | undefined;
    // An abort never loses a race with the engine: read again and write again.
    for (
      let attempt = 0;
      attempt < 5 && current?.id === record.id && isActive(current);
      attempt++
    ) {
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
    }
    if (!aborted) {
      if (current && current.id === record.id && !isActive(current)) return false;
      if (current && current.id !== record.id) return false;
      throw new Error(
        `model ${record.model}: could not write the abort; run maas rollout abort again`,
      );
    }
    this.log(record.model, `aborted: ${reason}; back to ${formatWeights(aborted.baseline)}`);
    await this.enforce(aborted, options.breakGlass === true);
    await this.ports.notifier.notify(
      `maas ${this.options.stack}: ${record.model} rollout aborted`,
      `Rollout ${record.id} of ${record.rising} aborted: ${reason}. Traffic is back at ${formatWeights(aborted.baseline)}.`,
    );
    return true;
  }

  /**
   * Makes the live rule hold what the record holds: a targeted update (the rule, the pinned
   * route, the autoscalers), or, when Pulumi cannot (the stack is locked, an update failed) or
   * `breakGlass`, ModifyRule directly; then the rule's weights are read back and set directly
   * if they still differ (an update that started before the record changed may land after).
   */
  protected async enforce(record: RolloutRecord, breakGlass = false): Promise<void> {
    if (!breakGlass) {
      try {
        await this.updateModel(record);
      } catch (error) {
        const why =
          error instanceof StackLockedError
            ? "the stack is locked by another update"
            : error instanceof Error
              ? error.message
              : String(error);
        this.log(
          record.model,
          `pulumi could not apply it (${why}); setting the rule's weights directly`,
        );
        breakGlass = true;
      }
    }
    if (breakGlass) await this.breakGlass(record);
    if (record.routing.ruleArn && !(await this.ruleHolds(record))) {
      this.log(record.model, "the rule's weights differ from the record's: setting them directly");
      await this.breakGlass(record);
    }
  }

  /** Whether the live rule's weights are the ones the record holds. */
  protected async ruleHolds(record: RolloutRecord): Promise<boolean> {
    const live = await this.ports.loadBalancer.ruleWeights(record.routing.ruleArn);
    const byVersion: Weights = {};
    for (const [version, group] of Object.entries(record.routing.targetGroups))
      byVersion[version] = live[group.arn] ?? 0;
    return sameWeights(byVersion, heldWeights(record));
  }

  /** The rule's weights set with ModifyRule, outside Pulumi; the record already says the same. */
  private async breakGlass(record: RolloutRecord): Promise<void> {
    const { ruleArn, targetGroups } = record.routing;
    if (!ruleArn)
      throw new Error(
        `model ${record.model}: the record has no rule ARN (step 0 of rollout ${record.id} never finished); run maas rollout run, or pulumi up, to apply the baseline it holds`,
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

  /**
   * The end of a completed rollout. Baseline versions the catalogue puts in cold standby stop
   * running now: a whole update deletes their workload, target group and alarms together (a
   * targeted one would delete only what it names, such as an autoscaler, and leave the pods
   * running without it). Their traffic left at the last step's shift, a bake ago. Otherwise, or
   * when the whole update cannot run, a targeted update; the cold versions then go at the
   * stack's next whole update.
   */
  private async release(record: RolloutRecord): Promise<void> {
    const cold = record.coldAfter ?? [];
    if (cold.length > 0) {
      try {
        this.log(
          record.model,
          `${cold.join(", ")} go to cold standby: pulumi up of the whole stack`,
        );
        await this.ports.deployer.up();
        return;
      } catch (error) {
        this.log(
          record.model,
          `the whole update failed (${error instanceof Error ? error.message : String(error)}); ${cold.join(", ")} go cold at the stack's next whole update`,
        );
      }
    }
    await this.updateModel(record);
  }

  /**
   * A targeted update of everything the record moves: the rule, the pinned route, the
   * autoscalers (not those of versions a completed rollout lets go cold: see release()).
   */
  private async updateModel(record: RolloutRecord): Promise<void> {
    const targets = (await this.ports.deployer.targets())[record.model];
    if (!targets) return;
    const cold = new Set(record.status === "completed" ? (record.coldAfter ?? []) : []);
    await this.ports.deployer.upTargets([
      targets.trafficRule,
      ...(targets.pinnedRoute ? [targets.pinnedRoute] : []),
      ...Object.entries(targets.autoscalers)
        .filter(([version]) => !cold.has(version))
        .map(([, urn]) => urn),
    ]);
  }
}

export function closeLastStep(
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
