/**
 * What a catalogue edit means, per model and version, in the words of models.yaml: versions
 * added, retired, removed; traffic, replicas, resources and SLO before and after; a standby going
 * cold, and a cold one woken (with how long its wake takes).
 */
import { isColdStandby, wakeTime } from "../catalogue";
import type {
  ResolvedCatalogue,
  ResolvedConsumer,
  ResolvedModel,
  ResolvedVersion,
} from "../catalogue";
import { API_DEFAULTS } from "../catalogue/defaults";
import { FIRST_API_KEY } from "../catalogue/resolve";
import { code } from "./markdown";

export interface ModelChanges {
  model: string;
  /** One line per change, e.g. `1.5.0: traffic 10% → 50%`. */
  lines: string[];
}

function state(version: ResolvedVersion): string {
  if (version.status === "retired") return "retired";
  return isColdStandby(version) ? "cold standby, 0%" : `${version.status}, ${version.traffic}%`;
}

/** What a version's change of standby means: it stops running, or is woken before it serves. */
function standbyChange(before: ResolvedVersion, after: ResolvedVersion): string | undefined {
  const wasCold = isColdStandby(before);
  const isCold = isColdStandby(after);
  if (!wasCold && isCold)
    return `${after.version}: goes cold: its pods, autoscaler, target group and alarms are deleted, so it costs nothing while it waits; its image and record stay. Waking it later takes ${wakeTime(after)} before it can take traffic`;
  if (wasCold && !isCold && after.status !== "retired")
    return `${after.version}: woken: its pods are created and pulumi up moves the rule only once they are ready, ${wakeTime(after)}${after.traffic > 0 ? "; its share waits until then" : ""}`;
  return undefined;
}

const replicas = (v: ResolvedVersion) =>
  `${v.autoscaling.minReplicas}-${v.autoscaling.maxReplicas}`;
const resources = (v: ResolvedVersion) =>
  `cpu ${v.resources.cpu}, memory ${v.resources.memory}${v.gpu ? `, gpu ${v.gpu.count}` : ""}`;
const slo = (v: ResolvedVersion) => `p99 ${v.slo.latencyP99Ms} ms, 5xx ${v.slo.errorRatePercent}%`;
/** A version's image source, for humans (and for comparing sources). */
export const imageSource = (v: ResolvedVersion) =>
  v.image === undefined
    ? "none"
    : v.image.kind === "image"
      ? v.image.reference
      : `build ${v.image.context} (${v.image.contentDigest.slice(7, 19)})`;

function versionChanges(before: ResolvedVersion, after: ResolvedVersion): string[] {
  const lines: string[] = [];
  const compare = (what: string, render: (v: ResolvedVersion) => string) => {
    if (render(before) !== render(after))
      lines.push(`${after.version}: ${what} ${code(render(before))} → ${code(render(after))}`);
  };
  if (before.status !== after.status)
    lines.push(
      `${after.version}: ${state(before)} → ${state(after)}${after.status === "retired" ? "" : before.status === "retired" ? `, image ${code(imageSource(after))}` : ""}`,
    );
  else if (before.traffic !== after.traffic)
    lines.push(`${after.version}: traffic ${before.traffic}% → ${after.traffic}%`);
  const standby = standbyChange(before, after);
  if (standby) lines.push(standby);
  if (after.status !== "retired" && before.status !== "retired") {
    compare("replicas", replicas);
    compare("resources", resources);
    compare("SLO (alarm thresholds)", slo);
    compare("image", imageSource);
    compare("port", (v) => String(v.port));
    compare(
      "health check",
      (v) =>
        `${v.healthCheck.path}${v.healthCheck.livenessPath ? ` (liveness ${v.healthCheck.livenessPath})` : ""}, startup ${v.healthCheck.startupSeconds} s`,
    );
    compare("environment variables", (v) => JSON.stringify(v.env));
  }
  return lines;
}

/** How a model's requests are served (`api:`, its defaults when it declares none). */
const requests = (model: ResolvedModel) => {
  const api = model.api ?? API_DEFAULTS;
  return `${api.streaming ? "streamed" : "buffered"}, up to ${api.timeoutSeconds} s`;
};

/** Who may call a model through the front door (`none`: nobody; `-`: no front door). */
const callers = (model: ResolvedModel) =>
  model.access === undefined ? "-" : model.access.join(", ") || "none";

function modelChanges(
  before: ResolvedModel | undefined,
  after: ResolvedModel | undefined,
): string[] {
  if (!before)
    return [
      `model added (owner ${code(after!.owner)}): ${after!.versions.map((v) => `${v.version} ${state(v)}${v.status === "retired" ? "" : `, image ${code(imageSource(v))}`}`).join("; ")}`,
    ];
  if (!after)
    return [
      "model removed: its workloads, routing and alarms are deleted; its registry items, images and repository stay in AWS",
    ];
  const old = new Map(before.versions.map((v) => [v.version, v]));
  const current = new Map(after.versions.map((v) => [v.version, v]));
  return [
    ...after.versions
      .filter((v) => !old.has(v.version))
      .map(
        (v) =>
          `${v.version}: added (${state(v)})${v.status === "retired" ? "" : `, image ${code(imageSource(v))}`}`,
      ),
    ...before.versions
      .filter((v) => !current.has(v.version))
      .map(
        (v) =>
          `${v.version}: removed from the catalogue (was ${state(v)}); its registry item stays, saying ${v.status}`,
      ),
    ...after.versions.flatMap((v) =>
      old.has(v.version) ? versionChanges(old.get(v.version)!, v) : [],
    ),
    ...(before.owner === after.owner ? [] : [`owner ${code(before.owner)} → ${code(after.owner)}`]),
    ...(requests(before) === requests(after)
      ? []
      : [`requests ${code(requests(before))} → ${code(requests(after))}`]),
    ...(callers(before) === callers(after)
      ? []
      : [`callers ${code(callers(before))} → ${code(callers(after))}`]),
    ...(before.routing.priority === after.routing.priority
      ? []
      : [`listener rule priority ${before.routing.priority} → ${after.routing.priority}`]),
    ...(before.shard === after.shard
      ? []
      : [
          `shard ${code(before.shard)} → ${code(after.shard)} (where the catalogue is split over stacks, that shard's stack deploys it)`,
        ]),
    ...(before.routing.loadBalancer === after.routing.loadBalancer
      ? []
      : [
          `load balancer ${code(before.routing.loadBalancer)} → ${code(after.routing.loadBalancer)}: the model's endpoint moves to that load balancer's address`,
        ]),
  ];
}

const limits = (consumer: ResolvedConsumer) =>
  `${consumer.auth}, ${consumer.rateLimit.requestsPerSecond}/s, burst ${consumer.rateLimit.burst}${consumer.quota ? `, ${consumer.quota.requests} per ${consumer.quota.per}` : ""}; principals ${consumer.principals.join(", ")}${consumer.apiKeys.length > 1 || consumer.apiKeys[0] !== FIRST_API_KEY ? `; keys ${consumer.apiKeys.join(", ")}` : ""}`;

/** Consumers added, removed or changed (`consumer checkout: 50/s → 100/s`), one line each. */
export function consumerChanges(before: ResolvedCatalogue, after: ResolvedCatalogue): string[] {
  const old = new Map((before.consumers ?? []).map((c) => [c.name, c]));
  const current = new Map((after.consumers ?? []).map((c) => [c.name, c]));
  return [
    ...[...current.values()]
      .filter((c) => !old.has(c.name))
      .map((c) => `consumer ${code(c.name)} added: ${code(limits(c))}`),
    ...[...old.values()]
      .filter((c) => !current.has(c.name))
      .map((c) => `consumer ${code(c.name)} removed`),
    ...[...current.values()]
      .filter((c) => old.has(c.name) && limits(old.get(c.name)!) !== limits(c))
      .map(
        (c) => `consumer ${code(c.name)}: ${code(limits(old.get(c.name)!))} → ${code(limits(c))}`,
      ),
  ];
}

export function catalogueChanges(
  before: ResolvedCatalogue,
  after: ResolvedCatalogue,
): ModelChanges[] {
  // Natural order (model-2 before model-10), the same on every machine.
  const names = [...new Set([...before.models, ...after.models].map((m) => m.name))].sort(
    new Intl.Collator("en", { numeric: true }).compare,
  );
  return names
    .map((model) => ({
      model,
      lines: modelChanges(
        before.models.find((m) => m.name === model),
        after.models.find((m) => m.name === model),
      ),
    }))
    .filter((changes) => changes.lines.length > 0);
}
