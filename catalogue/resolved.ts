/**
 * The resolved catalogue: one environment's fully merged, plain-data view of models.yaml.
 * It is the only input the components get, so everything here is explicit and sorted.
 */
import type { ConsumerAuth } from "./schema";

export type VersionStatus = "live" | "standby" | "retired";

export type ResolvedImageSource =
  | {
      kind: "build";
      /** Build context, POSIX path relative to the project root. */
      context: string;
      /** Dockerfile path relative to the context. */
      dockerfile: string;
      args: Record<string, string>;
      target?: string;
      /** `sha256:…` of what the build sees (build-context.ts): names the image tag. */
      contentDigest: string;
    }
  | {
      kind: "image";
      /** A prebuilt reference pinned by digest or explicit tag. */
      reference: string;
    };

export interface ResolvedSettings {
  port: number;
  healthCheck: {
    /** Readiness and startup probe path. */
    path: string;
    /** Liveness probe path; undefined means a TCP check on the port. */
    livenessPath?: string;
    startupSeconds: number;
  };
  resources: { cpu: string; memory: string; modelCache: string };
  autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilization: number };
  slo: { latencyP99Ms: number; errorRatePercent: number };
  gpu?: { count: number };
  /** Extra environment variables, sorted by name. */
  env: Record<string, string>;
  /** How the version reaches its share when it rises (rollout/); none: at once. */
  rollout?: ResolvedRolloutPolicy;
}

/** The steps of a rollout as the catalogue writes them (rollout/schedule.ts turns them into shares). */
export type RolloutSchedule =
  | { kind: "steps"; steps: number[] }
  | { kind: "canary"; weight: number }
  | { kind: "linear"; step: number };

/** A version's rollout policy with every default filled in (catalogue/defaults.ts). */
export interface ResolvedRolloutPolicy {
  mode: "auto" | "manual" | "immediate";
  /** Undefined only with mode immediate. */
  schedule?: RolloutSchedule;
  bakeMinutes: number;
  maxBakeMinutes: number;
  warmupMinutes: number;
  timeoutMinutes: number;
  /** The configured evidence floor (the gates raise it to 3 / the error SLO at least). */
  minRequests: number;
  latencyMarginPercent: number;
  errorMarginPoints: number;
  preTraffic?: { path: string; requests: number };
}

export interface ResolvedVersion extends ResolvedSettings {
  /** The catalogue key, e.g. `1.4.0`. */
  version: string;
  /** Kubernetes name of the version's workload objects, e.g. `image-classifier-v1-4-0`. */
  workloadName: string;
  status: VersionStatus;
  /** Percent of the model's traffic: 0 for standby and retired versions. */
  traffic: number;
  /** Undefined only for a retired version that names no image. */
  image?: ResolvedImageSource;
}

export interface ResolvedModel {
  name: string;
  owner: string;
  description?: string;
  /** The shard stack that deploys it when the catalogue is split (`main` unless it names another). */
  shard: string;
  routing: {
    /** The model's listener rule priority on its load balancer (explicit or derived from its name). */
    priority: number;
    /** The load balancer it is served through (`main` unless the catalogue names another). */
    loadBalancer: string;
  };
  /** Every version, retired included, in version order. */
  versions: ResolvedVersion[];
  /** The consumers allowed to call it, sorted; present only when the catalogue declares consumers. */
  access?: string[];
  /** How its requests are served (`api:`), when the catalogue says; none: buffered, up to 29 s. */
  api?: ResolvedApi;
}

/** A model's `api:` with its defaults filled in (catalogue/defaults.ts, API_DEFAULTS). */
export interface ResolvedApi {
  /** The front door streams the response as the server writes it, instead of buffering it whole. */
  streaming: boolean;
  /**
   * The longest request, in seconds: the front door's integration timeout, and what the load
   * balancer's idle timeout and the pods' shutdown outlast (components/specs/request-timing.ts).
   */
  timeoutSeconds: number;
}

/** A caller of the model API (`consumers:`), with the limits its usage plan enforces. */
export interface ResolvedConsumer {
  name: string;
  description?: string;
  /**
   * sigv4: calls are signed by its principals; oauth: calls carry an access token of its own app
   * client; apiKey: calls carry its key alone. Every kind sends its key (its principals read it).
   */
  auth: ConsumerAuth;
  /** IAM role or user ARNs and account IDs, sorted. */
  principals: string[];
  rateLimit: { requestsPerSecond: number; burst: number };
  quota?: { requests: number; per: "day" | "week" | "month" };
  /** Labels of its API keys, oldest first; the last is the one its secret holds. */
  apiKeys: string[];
}

export interface ResolvedCatalogue {
  /** The overlay applied, or undefined for the base catalogue. */
  environment?: string;
  /** Models sorted by name. */
  models: ResolvedModel[];
  /** Consumers sorted by name, when the catalogue declares any: models are then served through the front door. */
  consumers?: ResolvedConsumer[];
}

/** The versions that run (live and standby): each gets a workload, a target group and alarms. */
export function servedVersions(model: ResolvedModel): ResolvedVersion[] {
  return model.versions.filter((version) => version.status !== "retired");
}

/**
 * What identifies a version's image in the catalogue: its build's content digest, or its
 * reference. A new one is a new rollout (rollout/decide.ts) and a new image item in the registry.
 */
export function imageIdentity(version: ResolvedVersion): string {
  if (!version.image) return "";
  return version.image.kind === "build" ? version.image.contentDigest : version.image.reference;
}
