/**
 * What the rollout engine needs from the world, as interfaces: the engine (engine.ts) is pure
 * decisions over these, tested against fakes driven by recorded sequences
 * (test/rollout/engine.test.ts); the real ones talk to DynamoDB, CloudWatch, ELBv2 and the
 * Pulumi CLI (rollout/aws/, rollout/pulumi-deployer.ts).
 */
import type { WindowMetrics } from "./gates";
import type { RolloutRecord } from "./record";
import type { Weights } from "./weights";

/** The rollouts table: one current record per model, and every rollout's history. */
export interface RecordStore {
  /** The model's current record, or undefined when it never rolled. */
  get(model: string): Promise<RolloutRecord | undefined>;
  /**
   * Writes `record` (its revision one above `expected`) if the stored current record still has
   * revision `expected` (undefined: none stored yet), and the rollout's history item with it.
   * False when another writer came first: re-read and decide again.
   */
  put(record: RolloutRecord, expected: number | undefined): Promise<boolean>;
  /** Whether the table exists (the stack's first update with rollouts creates it). */
  ready(): Promise<boolean>;
}

/** Where the stack's resources of one model are, from its outputs (stack/outputs.ts). */
export interface ModelTargets {
  /** URNs a step updates: the traffic rule, the pinned route, the versions' autoscalers. */
  trafficRule: string;
  pinnedRoute?: string;
  autoscalers: Record<string, string>;
  /** What the engine reads without Pulumi. */
  ruleArn: string;
  loadBalancerArnSuffix: string;
  targetGroups: Record<string, { arn: string; arnSuffix: string }>;
  /** The digest-pinned image reference each served version runs. */
  images: Record<string, string>;
  /** Where the pinned route answers (`http://<lb>:<port>/models/<m>/` or the host's), when one is configured. */
  pinnedUrl?: string;
  pinnedHost?: string;
}

/** The Pulumi stack: whole updates, targeted updates, and what it exports. */
export interface Deployer {
  /** `pulumi up` of the whole stack. */
  up(): Promise<void>;
  /** `pulumi up --target …`: only these resources change. */
  upTargets(urns: string[]): Promise<void>;
  /** The models' addresses from the stack's outputs, by model. */
  targets(): Promise<Record<string, ModelTargets>>;
  /**
   * Models the stack serves without exporting their rollout addresses (deployed by a maas older
   * than its rollouts): their client listener and their versions' target groups, which older
   * stacks export, so the weights they serve can still be read before step 0.
   */
  unaddressed(): Promise<Unaddressed>;
}

export interface Unaddressed {
  /** Each load balancer's client listener (`loadBalancers.<name>.listenerArn`). */
  listeners: Record<string, string>;
  /** Per model, its versions' target group ARNs (`models.<m>.versions.<v>.targetGroupArn`). */
  models: Record<string, Record<string, string>>;
}

/** Raised by a Deployer when another update holds the stack's lock. */
export class StackLockedError extends Error {
  override readonly name = "StackLockedError";
}

/** The target groups' metrics over a window (CloudWatch GetMetricData). */
export interface MetricSource {
  window(
    loadBalancerArnSuffix: string,
    targetGroupArnSuffixes: string[],
    start: Date,
    end: Date,
  ): Promise<Record<string, WindowMetrics>>;
}

/** The live state of the load balancer (ELBv2). */
export interface LoadBalancerState {
  /** Targets the load balancer sees healthy now, by target group ARN (DescribeTargetHealth). */
  healthyTargets(targetGroupArn: string): Promise<number>;
  /** The rule's forward weights now, by target group ARN (DescribeRules). */
  ruleWeights(ruleArn: string): Promise<Record<string, number>>;
  /** The forward weights of the listener's rule at `priority`, when it has one (DescribeRules). */
  weightsAtPriority(
    listenerArn: string,
    priority: number,
  ): Promise<Record<string, number> | undefined>;
  /** Sets the rule's forward weights (ModifyRule): the break-glass path, outside Pulumi. */
  setRuleWeights(ruleArn: string, weights: Record<string, number>): Promise<void>;
}

/** Calls through the pinned route (rollout/smoke.ts). */
export interface PreTrafficCheck {
  run(input: {
    url: string;
    host?: string;
    requests: number;
  }): Promise<{ ok: boolean; detail: string }>;
}

/** Tells people: the alarm topic, besides the log. */
export interface Notifier {
  notify(subject: string, message: string): Promise<void>;
}

export interface Clock {
  now(): Date;
  sleep(milliseconds: number): Promise<void>;
}

/** Progress a person follows in a terminal or a CI log: one line per event, no TTY needed. */
export interface ProgressLog {
  line(model: string, text: string): void;
}

export interface Ports {
  store: RecordStore;
  deployer: Deployer;
  metrics: MetricSource;
  loadBalancer: LoadBalancerState;
  preTraffic: PreTrafficCheck;
  notifier: Notifier;
  clock: Clock;
  log: ProgressLog;
}

/** Weights by version -> by target group ARN, for ELBv2. */
export function weightsByTargetGroup(
  weights: Weights,
  targetGroups: Record<string, { arn: string }>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(targetGroups).map(([version, group]) => [group.arn, weights[version] ?? 0]),
  );
}
