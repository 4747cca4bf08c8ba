/**
 * A fake world for the rollout engine: a record store with the real conditional-write rule, a
 * "stack" whose updates run the program's own rollout logic (rollout/effective.ts: what every
 * `pulumi up` applies), a load balancer whose rule weights are what the last update or ModifyRule
 * set, healthy targets and metrics driven by scripts, and a clock that moves only when slept on.
 * Nothing is timed: a bake of ten minutes is ten minutes of fake time.
 */
import { createHash } from "node:crypto";
import { runningVersions } from "../../catalogue";
import type { ResolvedCatalogue, ResolvedModel, ResolvedRolloutPolicy } from "../../catalogue";
import { ROLLOUT_DEFAULTS } from "../../catalogue/defaults";
import { derivedListenerPriority } from "../../catalogue/names";
import { applyRollouts } from "../../rollout/effective";
import { RolloutEngine } from "../../rollout/engine";
import type { WindowMetrics } from "../../rollout/gates";
import type { ModelTargets, Ports } from "../../rollout/ports";
import { StackLockedError } from "../../rollout/ports";
import type { RolloutRecord } from "../../rollout/record";
import { RolloutRecordSchema } from "../../rollout/record";
import type { Weights } from "../../rollout/weights";
import { resolvedVersion } from "./resolved";

export const START = Date.parse("2026-12-01T10:00:00Z");

/** The digest reference a version's image was pushed as, in the fake world. */
export function pushedImage(model: string, version: string): string {
  const digest = createHash("sha256").update(`${model}/${version}`).digest("hex");
  return `registry.example.com/${model}@sha256:${digest}`;
}

export function policy(overrides: Partial<ResolvedRolloutPolicy> = {}): ResolvedRolloutPolicy {
  return { ...ROLLOUT_DEFAULTS, schedule: { kind: "steps", steps: [10, 50] }, ...overrides };
}

/** A model whose versions have these shares; `rollout` is each version's policy. */
export function model(
  name: string,
  shares: Weights,
  rollout: ResolvedRolloutPolicy | "none" = policy(),
): ResolvedModel {
  return {
    name,
    owner: "team",
    shard: "main",
    routing: { priority: derivedListenerPriority(name), loadBalancer: "main" },
    versions: Object.entries(shares).map(([version, traffic]) =>
      resolvedVersion({
        version,
        workloadName: `${name}-v${version}`,
        traffic,
        status: traffic > 0 ? "live" : "standby",
        image: { kind: "image", reference: `registry.example.com/${name}:${version}` },
        autoscaling: { minReplicas: 2, maxReplicas: 20, targetCPUUtilization: 70 },
        ...(rollout === "none" ? {} : { rollout }),
      }),
    ),
  };
}

export type MetricsScript = (
  model: string,
  version: string,
  window: { start: Date; end: Date; weight: number },
) => WindowMetrics;

/** Plenty of healthy traffic: 100 requests a minute per percent of weight, fast, no errors. */
export const healthy: MetricsScript = (_model, _version, { start, end, weight }) => {
  const requests = Math.round(((end.getTime() - start.getTime()) / 60_000) * weight * 100);
  return {
    requests,
    errors: 0,
    p99Ms: 100,
    latencySamples: requests,
    minHealthyHosts: 2,
    connectionErrors: 0,
  };
};

export class FakeWorld {
  now = START;
  records = new Map<string, RolloutRecord>();
  history: RolloutRecord[] = [];
  /** What the last update (or ModifyRule) set, per model. */
  live = new Map<string, Weights>();
  minReplicas = new Map<string, Record<string, number>>();
  pinned = new Map<string, string>();
  /** Every deployer and load-balancer call, in order. */
  calls: string[] = [];
  metrics: MetricsScript = healthy;
  healthyTargets: (model: string, version: string) => number = () => 2;
  /** Models the stack serves without exporting their addresses (deployed before maas rollout). */
  unaddressed: string[] = [];
  /** False until the stack's first update with rollouts has created the table. */
  tableReady = true;
  /** Set true to make updates fail as a locked stack does. */
  locked = false;
  /** What the program deploys, by model. */
  catalogue: ResolvedCatalogue;
  /**
   * The versions that run pods, by model, as the last whole update left them (a targeted update
   * creates and deletes only what it names). Unknown until the first whole update: everything
   * the catalogue serves or the rule sends to.
   */
  running = new Map<string, string[]>();
  /** `running` after each whole update, with the weights it applied. */
  wholeUpdates: { running: Record<string, string[]>; weights: Record<string, Weights> }[] = [];
  /** Targeted autoscalers of versions the program no longer runs: a half-deleted version. */
  partial: string[] = [];
  deployed = false;

  constructor(models: ResolvedModel[], deployed: Record<string, Weights> = {}) {
    this.catalogue = { models };
    for (const [name, weights] of Object.entries(deployed)) this.live.set(name, weights);
    this.deployed = Object.keys(deployed).length > 0;
  }

  /** What `pulumi up` does: the program's rollout logic over the current records. */
  /**
   * What `pulumi up` does: the program reads the records when it starts (what it will apply),
   * `during` runs while the update is in flight (another process's write), then the resources
   * take what the program read.
   */
  private async program(
    models?: Set<string>,
    rules = true,
    autoscalers = true,
    during?: () => Promise<void>,
  ): Promise<void> {
    const applied = applyRollouts(this.catalogue, this.records);
    if (!applied.ok) throw new Error(applied.problems.join("\n"));
    await during?.();
    const runs = (name: string) =>
      runningVersions(applied.applied.catalogue.models.find((m) => m.name === name)!).map(
        (v) => v.version,
      );
    if (!models) {
      for (const m of applied.applied.catalogue.models) this.running.set(m.name, runs(m.name));
      this.wholeUpdates.push({
        running: Object.fromEntries(this.running),
        weights: Object.fromEntries(
          Object.entries(applied.applied.views).map(([name, view]) => [name, view.weights]),
        ),
      });
    }
    for (const [name, view] of Object.entries(applied.applied.views)) {
      if (models && !models.has(name)) continue;
      if (rules) this.live.set(name, view.weights);
      if (autoscalers) this.minReplicas.set(name, view.minReplicas);
      if (rules) {
        if (view.pinnedVersion) this.pinned.set(name, view.pinnedVersion);
        else this.pinned.delete(name);
      }
    }
    this.deployed = true;
    // The stack's outputs are updated by every update, targeted or not (Pulumi always targets
    // the root stack): from now on it exports every model's addresses.
    this.unaddressed = [];
  }

  /** Runs once, in the middle of the next targeted update (then forgotten). */
  duringNextTargetedUpdate?: () => Promise<void>;

  ports(): Ports {
    const done = <T>(value: T) => Promise.resolve(value);
    const locked = () =>
      this.locked
        ? Promise.reject(new StackLockedError("the stack is currently locked by 1 lock(s)"))
        : undefined;
    return {
      store: {
        get: (model) => {
          const found = this.records.get(model);
          return done(found ? structuredClone(found) : undefined);
        },
        ready: () => done(this.tableReady),
        put: (record, expected) => {
          const stored = this.records.get(record.model);
          if (stored?.revision !== expected) return done(false);
          if (record.revision !== (expected ?? 0) + 1)
            throw new Error(`revision ${record.revision} written over ${String(expected)}`);
          // The real store keeps what DynamoDB would hold: JSON, undefined fields dropped.
          const parsed = RolloutRecordSchema.parse(JSON.parse(JSON.stringify(record)));
          this.records.set(record.model, parsed);
          this.history.push(structuredClone(parsed));
          return done(true);
        },
      },
      deployer: {
        up: () => {
          this.calls.push("up");
          return locked() ?? this.program();
        },
        upTargets: (urns) => {
          this.calls.push(`up --target ${urns.join(" ")}`);
          const refused = locked();
          if (refused) return refused;
          const models = new Set(urns.map((urn) => urn.split(":")[2]!));
          // An autoscaler the program no longer has is deleted alone by a targeted update.
          const applied = applyRollouts(this.catalogue, this.records);
          if (applied.ok)
            for (const urn of urns.filter((u) => u.startsWith("urn:hpa:"))) {
              const [, , name, version] = urn.split(":") as [string, string, string, string];
              const found = applied.applied.catalogue.models.find((m) => m.name === name);
              if (found && !runningVersions(found).some((v) => v.version === version))
                this.partial.push(`${name}:${version}`);
            }
          const during = this.duringNextTargetedUpdate;
          this.duringNextTargetedUpdate = undefined;
          return this.program(
            models,
            urns.some((u) => u.startsWith("urn:rule:")),
            urns.some((u) => u.startsWith("urn:hpa:")),
            during,
          );
        },
        targets: () => done(this.targets()),
        unaddressed: () =>
          done({
            listeners: { main: "arn:listener:main" },
            models: Object.fromEntries(
              this.unaddressed.map((name) => [
                name,
                Object.fromEntries(
                  Object.keys(this.live.get(name) ?? {}).map((v) => [v, `arn:tg:${name}:${v}`]),
                ),
              ]),
            ),
          }),
      },
      metrics: {
        window: (_lb, suffixes, start, end) =>
          done(
            Object.fromEntries(
              suffixes.map((suffix) => {
                const [, model, version] = suffix.split("/") as [string, string, string];
                const weight = this.live.get(model)?.[version] ?? 0;
                return [suffix, this.metrics(model, version, { start, end, weight })];
              }),
            ),
          ),
      },
      loadBalancer: {
        healthyTargets: (arn) => {
          const [, , model, version] = arn.split(":") as [string, string, string, string];
          return done(this.healthyTargets(model, version));
        },
        ruleWeights: (ruleArn) => {
          const model = ruleArn.split(":")[2]!;
          return done(
            Object.fromEntries(
              Object.entries(this.live.get(model) ?? {}).map(([v, w]) => [
                `arn:tg:${model}:${v}`,
                w,
              ]),
            ),
          );
        },
        weightsAtPriority: (_listener, priority) => {
          const found = this.catalogue.models.find((m) => m.routing.priority === priority);
          if (!found || !this.live.has(found.name)) return done(undefined);
          return done(
            Object.fromEntries(
              Object.entries(this.live.get(found.name)!).map(([v, w]) => [
                `arn:tg:${found.name}:${v}`,
                w,
              ]),
            ),
          );
        },
        setRuleWeights: (ruleArn, weights) => {
          this.calls.push(`ModifyRule ${ruleArn}`);
          const model = ruleArn.split(":")[2]!;
          this.live.set(
            model,
            Object.fromEntries(Object.entries(weights).map(([arn, w]) => [arn.split(":")[3]!, w])),
          );
          return done(undefined);
        },
      },
      preTraffic: { run: () => done({ ok: true, detail: "5 of 5 answered 200" }) },
      notifier: {
        notify: (subject) => {
          this.calls.push(`notify ${subject}`);
          return done(undefined);
        },
      },
      clock: {
        now: () => new Date(this.now),
        sleep: (ms) => {
          this.now += Math.max(ms, 1000);
          return done(undefined);
        },
      },
      log: { line: () => undefined },
    };
  }

  /** The models' addresses as the last update's outputs have them. */
  private targets(): Record<string, ModelTargets> {
    if (!this.deployed) return {};
    const targets: Record<string, ModelTargets> = {};
    for (const m of this.catalogue.models) {
      if (this.unaddressed.includes(m.name)) continue;
      // What the last update deployed: the catalogue's served versions and what still has a share.
      const versions = [
        ...new Set([
          ...m.versions.filter((v) => v.status !== "retired").map((v) => v.version),
          ...Object.keys(this.live.get(m.name) ?? {}),
        ]),
      ].sort();
      targets[m.name] = {
        trafficRule: `urn:rule:${m.name}`,
        ...(this.pinned.has(m.name) ? { pinnedRoute: `urn:pinned:${m.name}` } : {}),
        // The last whole update's outputs: autoscalers of the versions it left running.
        autoscalers: Object.fromEntries(
          (this.running.get(m.name) ?? versions).map((v) => [v, `urn:hpa:${m.name}:${v}`]),
        ),
        ruleArn: `arn:rule:${m.name}`,
        loadBalancerArnSuffix: "app/main/1",
        targetGroups: Object.fromEntries(
          versions.map((v) => [
            v,
            { arn: `arn:tg:${m.name}:${v}`, arnSuffix: `tg/${m.name}/${v}` },
          ]),
        ),
        images: Object.fromEntries(versions.map((v) => [v, pushedImage(m.name, v)])),
        ...(this.pinned.has(m.name) ? { pinnedUrl: `http://lb:9443/models/${m.name}/` } : {}),
      };
    }
    return targets;
  }

  engine(minutes = 600): RolloutEngine {
    return new RolloutEngine(this.ports(), {
      stack: "test",
      until: new Date(this.now + minutes * 60_000),
    });
  }

  record(model: string): RolloutRecord {
    const found = this.records.get(model);
    if (!found) throw new Error(`no record for ${model}`);
    return found;
  }
}
