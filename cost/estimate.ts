/**
 * What a planned stack costs a month, from what the plan records: the resources the program
 * registers (their inputs, tags and labels), priced from the region's price file
 * (cost/prices.ts). Nothing is derived from the catalogue again, so the estimate is of what
 * `pulumi up` would create, rollout records and config included.
 *
 * Where usage is unknown the figure is a range (the fewest pods to the most the autoscaler may
 * run; no requests to the consumers' quotas) or, where nothing bounds it, no figure at all but
 * the way it is charged (log ingestion, image storage). docs/review.md, "Cost", states every
 * assumption; `ASSUMPTIONS` below is the same list, shown in the review.
 */
import type { RecordedResource } from "../policy/planned-resource";
import { loadPrices, pricesOf } from "./prices";
import type { PriceFile, ReferenceInstance, TieredPrice } from "./prices";
import { unitPrice } from "./format";
import type { Range } from "./format";
import { GIB, quantity } from "./quantity";

export type { Range } from "./format";

/** Hours in a month, as AWS's pricing examples and calculator count them. */
export const HOURS_PER_MONTH = 730;

export type CostKind =
  | "compute"
  | "load balancer"
  | "API Gateway requests"
  | "WAF"
  | "alarms"
  | "dashboards"
  | "KMS keys"
  | "secrets"
  | "image storage"
  | "logs";

export interface CostLine {
  kind: CostKind;
  /** How the figure is reached (or, when there is none, how the thing is charged). */
  detail: string;
  /** Absent: usage that nothing in the plan bounds; not in the totals. */
  monthly?: Range;
  model?: string;
  version?: string;
  /** Compute: the fewest and the most pods priced. */
  pods?: Range;
  /** Paths of the prices it used (`loadBalancer.hour`), to say which are unconfirmed. */
  prices: string[];
}

export interface VersionCost {
  version: string;
  /** The fewest and the most pods the version runs. */
  pods: Range;
  monthly: Range;
}

export interface ModelCost {
  model: string;
  monthly: Range;
  versions: VersionCost[];
}

export type CostEstimate =
  | {
      priced: true;
      region: string;
      /** The price file used: where, when its prices were gathered, which of those used are unconfirmed. */
      prices: { file: string; retrieved: string; used: number; unconfirmed: string[] };
      lines: CostLine[];
      models: ModelCost[];
      /** What no single model owns: load balancers, the front door, keys, the stack's alarms. */
      shared: Range;
      total: Range;
    }
  | { priced: false; region?: string; why: string };

/** What every figure assumes, as the review's collapsed section and the docs say it. */
export const ASSUMPTIONS = [
  `Monthly means ${HOURS_PER_MONTH} hours, on-demand prices, before taxes, credits, free tiers, Savings Plans or Reserved Instances.`,
  "Compute is what the pods request, not what they use: a pod without GPUs costs its share of the reference general-purpose instance (the larger of its vCPU and memory fractions); a pod with GPUs costs its share of the cheapest reference GPU instance it fits on (the largest of its GPU, vCPU and memory fractions; its requests must stay below the instance's size, which also runs the node's own daemons). Ranges run from every version's minimum replicas to its maximum (the HorizontalPodAutoscaler's bounds). Node overhead, EBS volumes, the EKS control plane and spare capacity the scheduler leaves are not counted: the cluster is not this stack's.",
  "A load balancer costs its hours plus 0 to 1 LCU on average (an LCU is 25 new connections a second, 3,000 active connections, 1 GB an hour or 1,000 rule evaluations a second); each further LCU on average adds its LCU-hour price × 730.",
  "API Gateway requests (and the WAF requests on the same stages) run from none to every consumer's quota used in full each month (a daily quota × 730/24, a weekly one × 730/168; a consumer without a quota at its rate limit all month), priced in AWS's volume tiers as if the stack were the account's only API.",
  "An alarm costs its price per metric it reads (a metric-math alarm counts each metric in its expression); high resolution below a 60-second period.",
  "Not estimated, as nothing in the plan says how much: log ingestion and storage, image storage in ECR, KMS key rotations (each adds to the key's monthly price), requests to KMS, Secrets Manager, S3, DynamoDB (on demand), SNS, X-Ray traces, and data transfer.",
];

const LABEL_MODEL = "app.kubernetes.io/name";
const LABEL_VERSION = "maas/version";
const TAG_MODEL = "maas:model";
const TAG_VERSION = "maas:version";

/** Components named after their model: what they hold belongs to it (a dashboard has no tags). */
const MODEL_COMPONENTS = new Set([
  "maas:model:ModelService",
  "maas:monitoring:ModelMonitoring",
  "maas:image:ModelImages",
  "maas:identity:ModelIdentity",
  "maas:routing:ModelRouting",
  "maas:routing:ModelTraffic",
  "maas:registry:ModelRecords",
]);

/** How many of a quota's periods a month holds. */
const QUOTA_PERIODS: Record<string, number> = {
  DAY: HOURS_PER_MONTH / 24,
  WEEK: HOURS_PER_MONTH / 168,
  MONTH: 1,
};

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}
interface Container {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}
/** The recorded inputs the estimate reads, as plain JSON (the components say where each comes from). */
interface Inputs {
  [field: string]: unknown;
  region?: string;
  tags?: Record<string, string>;
  metadata?: { namespace?: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    minReplicas?: number;
    maxReplicas?: number;
    template?: { spec?: PodSpec };
  };
  name?: string;
  namePrefix?: string;
  retentionInDays?: number;
  loadBalancerType?: string;
  quotaSettings?: { limit?: number; period?: string };
  throttleSettings?: { rateLimit?: number };
  apiStages?: { stage?: string }[];
  resourceArn?: string;
  rules?: unknown[];
  period?: number;
  metricQueries?: { metric?: { period?: number } }[];
  enableKeyRotation?: boolean;
  repository?: string;
  policy?: string;
}
const inputsOf = (resource: RecordedResource) => resource.inputs as Inputs;

/** The region the plan's AWS provider deploys to. */
export function planRegion(resources: RecordedResource[]): string | undefined {
  const provider = resources.find((r) => r.type === "pulumi:providers:aws");
  const region = provider ? inputsOf(provider).region : undefined;
  return typeof region === "string" ? region : undefined;
}

/** The estimate of a plan's resources, with the price file of the region they deploy to. */
export function estimateCost(
  resources: RecordedResource[],
  options: { prices?: PriceFile; pricesFile?: string; pricesDir?: string } = {},
): CostEstimate {
  const region = planRegion(resources);
  if (region === undefined)
    return { priced: false, why: "the plan has no AWS provider, so no region to price" };
  let prices = options.prices;
  let file = options.pricesFile ?? `cost/prices/${region}.json`;
  if (!prices) {
    const loaded = loadPrices(region, options.pricesDir);
    if (!loaded.ok) return { priced: false, region, why: loaded.why };
    prices = loaded.prices;
    file = loaded.file;
  }
  const lines = costLines(resources, prices);
  const used = new Set(lines.flatMap((line) => line.prices));
  const unconfirmed = pricesOf(prices)
    .filter(([path, price]) => used.has(path) && price.confidence === "unconfirmed")
    .map(([path]) => path);
  return {
    priced: true,
    region,
    prices: { file, retrieved: prices.retrieved, used: used.size, unconfirmed },
    lines,
    ...totals(lines),
  };
}

function totals(lines: CostLine[]): { models: ModelCost[]; shared: Range; total: Range } {
  const sum = (of: CostLine[]) =>
    of.reduce<Range>(
      (acc, line) =>
        line.monthly
          ? { low: acc.low + line.monthly.low, high: acc.high + line.monthly.high }
          : acc,
      { low: 0, high: 0 },
    );
  const models = [...new Set(lines.flatMap((line) => line.model ?? []))].sort().map((model) => {
    const own = lines.filter((line) => line.model === model);
    const versions = [...new Set(own.flatMap((line) => line.version ?? []))]
      .sort()
      .map((version) => {
        const lines = own.filter((line) => line.version === version);
        const compute = lines.find((line) => line.kind === "compute");
        return {
          version,
          pods: compute?.pods ?? { low: 0, high: 0 },
          monthly: sum(lines),
        };
      });
    return { model, monthly: sum(own), versions };
  });
  return {
    models,
    shared: sum(lines.filter((line) => line.model === undefined)),
    total: sum(lines),
  };
}

/** Who a resource's cost belongs to: its tags, its labels, or the model component above it. */
function ownerOf(
  resource: RecordedResource,
  byUrn: Map<string, RecordedResource>,
): { model?: string; version?: string } {
  const inputs = inputsOf(resource);
  const tags = inputs.tags;
  if (typeof tags?.[TAG_MODEL] === "string")
    return { model: tags[TAG_MODEL], ...(tags[TAG_VERSION] ? { version: tags[TAG_VERSION] } : {}) };
  const labels = inputs.metadata?.labels;
  if (typeof labels?.[LABEL_MODEL] === "string")
    return {
      model: labels[LABEL_MODEL],
      ...(labels[LABEL_VERSION] ? { version: labels[LABEL_VERSION] } : {}),
    };
  for (let urn = resource.parent; urn; urn = byUrn.get(urn)?.parent) {
    const parent = byUrn.get(urn);
    if (parent && MODEL_COMPONENTS.has(parent.type)) return { model: parent.name };
  }
  return {};
}

const monthly = (price: { usd: number }, count = 1) => price.usd * count * HOURS_PER_MONTH;

/** Every line of the estimate, in a stable order: per version, per model, then shared. */
function costLines(resources: RecordedResource[], prices: PriceFile): CostLine[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const owned = (resource: RecordedResource) => ownerOf(resource, byUrn);
  const lines: CostLine[] = [
    ...computeLines(ofType, owned, prices),
    ...loadBalancerLines(ofType, prices),
    ...frontDoorLines(ofType, prices),
    ...alarmLines(ofType, owned, prices),
  ];

  const dashboards = groupBy(ofType("aws:cloudwatch/dashboard:Dashboard"), owned);
  for (const [owner, group] of dashboards)
    lines.push({
      kind: "dashboards",
      detail: `${count(group.length, "dashboard")}`,
      monthly: fixed(prices.cloudWatch.dashboardMonth.usd * group.length),
      ...owner,
      prices: ["cloudWatch.dashboardMonth"],
    });
  const keys = groupBy(ofType("aws:kms/key:Key"), owned);
  for (const [owner, group] of keys)
    lines.push({
      kind: "KMS keys",
      detail: `${count(group.length, "customer managed key")}${group.some((k) => inputsOf(k).enableKeyRotation) ? " (rotation on: each rotation adds to the price, not counted)" : ""}`,
      monthly: fixed(prices.kms.keyMonth.usd * group.length),
      ...owner,
      prices: ["kms.keyMonth"],
    });
  const secrets = groupBy(ofType("aws:secretsmanager/secret:Secret"), owned);
  for (const [owner, group] of secrets)
    lines.push({
      kind: "secrets",
      detail: `${count(group.length, "Secrets Manager secret")}`,
      monthly: fixed(prices.secretsManager.secretMonth.usd * group.length),
      ...owner,
      prices: ["secretsManager.secretMonth"],
    });
  for (const repository of ofType("aws:ecr/repository:Repository")) {
    const name = String(inputsOf(repository).name ?? repository.name);
    const kept = keptBuilds(ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy"), name);
    lines.push({
      kind: "image storage",
      detail: `repository ${name}: ${usdExact(prices.ecr.storageGBMonth.usd)} per GB-month of image layers kept${kept === undefined ? "" : ` (its lifecycle keeps the ${kept} newest builds; builds share unchanged layers)`}; image sizes are not in the plan`,
      ...owned(repository),
      prices: ["ecr.storageGBMonth"],
    });
  }
  for (const group of ofType("aws:cloudwatch/logGroup:LogGroup")) {
    const inputs = inputsOf(group);
    const name = String(inputs.name ?? inputs.namePrefix ?? group.name);
    lines.push({
      kind: "logs",
      detail: `log group ${name}: ${usdExact(prices.cloudWatch.logsIngestedGB.usd)} per GB ingested, ${usdExact(prices.cloudWatch.logsStoredGBMonth.usd)} per GB-month kept${inputs.retentionInDays ? ` (kept ${inputs.retentionInDays} days)` : ""}; the volume depends on traffic`,
      ...owned(group),
      prices: ["cloudWatch.logsIngestedGB", "cloudWatch.logsStoredGBMonth"],
    });
  }
  return lines;
}

const fixed = (usd: number): Range => ({ low: usd, high: usd });
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
/** A unit price as written in a detail: no rounding beyond the price's own digits. */
export const usdExact = unitPrice;

function groupBy(
  resources: RecordedResource[],
  owned: (r: RecordedResource) => { model?: string; version?: string },
): Map<{ model?: string; version?: string }, RecordedResource[]> {
  const groups = new Map<
    string,
    { owner: { model?: string; version?: string }; of: RecordedResource[] }
  >();
  for (const resource of resources) {
    const owner = owned(resource);
    const key = `${owner.model ?? ""}\n${owner.version ?? ""}`;
    const group = groups.get(key) ?? { owner, of: [] };
    group.of.push(resource);
    groups.set(key, group);
  }
  return new Map([...groups.values()].map((group) => [group.owner, group.of]));
}

/** A pod's requests: its containers' summed, or an init container's when larger. */
export function podRequests(podSpec: PodSpec): { cpu: number; memoryGiB: number; gpus: number } {
  const of = (container: Container, name: string) =>
    quantity(container.resources?.requests?.[name] ?? container.resources?.limits?.[name]) ?? 0;
  const sum = (name: string) =>
    (podSpec.containers ?? []).reduce((total, c) => total + of(c, name), 0);
  const init = (name: string) =>
    Math.max(0, ...(podSpec.initContainers ?? []).map((c) => of(c, name)));
  const both = (name: string) => Math.max(sum(name), init(name));
  return { cpu: both("cpu"), memoryGiB: both("memory") / GIB, gpus: both("nvidia.com/gpu") };
}

/** An hour of one pod, as a share of the reference instance that would run it. */
export function podHour(
  pod: { cpu: number; memoryGiB: number; gpus: number },
  ec2: PriceFile["ec2"],
): { usd: number; instance: ReferenceInstance; share: number; price: string } | { why: string } {
  if (pod.gpus === 0) {
    const { general } = ec2;
    const share = Math.max(pod.cpu / general.vcpu, pod.memoryGiB / general.memoryGiB);
    return { usd: share * general.hour.usd, instance: general, share, price: "ec2.general.hour" };
  }
  const fits = ec2.gpu
    .map((instance, index) => ({
      instance,
      index,
      share: Math.max(
        pod.gpus / instance.gpus,
        pod.cpu / instance.vcpu,
        pod.memoryGiB / instance.memoryGiB,
      ),
    }))
    .filter(
      ({ instance }) =>
        instance.gpus >= pod.gpus && pod.cpu < instance.vcpu && pod.memoryGiB < instance.memoryGiB,
    )
    .map((fit) => ({ ...fit, usd: fit.share * fit.instance.hour.usd }))
    .sort((a, b) => a.usd - b.usd);
  const best = fits[0];
  if (!best)
    return {
      why: `no reference GPU instance (${ec2.gpu.map((i) => i.instanceType).join(", ")}) holds ${pod.gpus} GPUs, ${pod.cpu} vCPU and ${round(pod.memoryGiB)} GiB`,
    };
  return {
    usd: best.usd,
    instance: best.instance,
    share: best.share,
    price: `ec2.gpu.${best.index}.hour`,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

function computeLines(
  ofType: (type: string) => RecordedResource[],
  owned: (r: RecordedResource) => { model?: string; version?: string },
  prices: PriceFile,
): CostLine[] {
  // A version's autoscaler: beside its Deployment (same parent), same namespace, model, version.
  const key = (r: RecordedResource) => {
    const owner = owned(r);
    return [r.parent, inputsOf(r).metadata?.namespace, owner.model, owner.version].join("\n");
  };
  const autoscalers = new Map(
    ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((a) => [key(a), a]),
  );
  return ofType("kubernetes:apps/v1:Deployment").map((deployment) => {
    const inputs = inputsOf(deployment);
    const owner = owned(deployment);
    const hpa = autoscalers.get(key(deployment));
    const spec = hpa ? inputsOf(hpa).spec : undefined;
    const replicas = Number(inputs.spec?.replicas ?? 1);
    const pods: Range = spec
      ? { low: Number(spec.minReplicas ?? 1), high: Number(spec.maxReplicas) }
      : { low: replicas, high: replicas };
    const pod = podRequests(inputs.spec?.template?.spec ?? {});
    const hour = podHour(pod, prices.ec2);
    const what = `${round(pod.cpu)} vCPU, ${round(pod.memoryGiB)} GiB${pod.gpus ? `, ${pod.gpus} GPU` : ""} a pod`;
    const podsText =
      pods.low === pods.high ? count(pods.low, "pod") : `${pods.low}–${pods.high} pods`;
    const line: CostLine =
      "why" in hour
        ? {
            kind: "compute",
            detail: `${what}, ${podsText}: not estimated, ${hour.why}`,
            ...owner,
            pods,
            prices: [],
          }
        : {
            kind: "compute",
            detail: `${what} as ${hour.share === 1 ? "one" : `${Math.round(hour.share * 1000) / 10}% of one`} ${hour.instance.instanceType} (${usdExact(hour.instance.hour.usd)}/hour), ${podsText}`,
            monthly: { low: monthly(hour, pods.low), high: monthly(hour, pods.high) },
            ...owner,
            pods,
            prices: [hour.price],
          };
    return line;
  });
}

function loadBalancerLines(
  ofType: (type: string) => RecordedResource[],
  prices: PriceFile,
): CostLine[] {
  const { hour, lcuHour } = prices.loadBalancer;
  return ofType("aws:lb/loadBalancer:LoadBalancer").map((lb) => {
    const inputs = inputsOf(lb);
    const name = String(inputs.name ?? lb.name);
    if ((inputs.loadBalancerType ?? "application") !== "application")
      return {
        kind: "load balancer" as const,
        detail: `${name}: a ${String(inputs.loadBalancerType)} load balancer, not priced`,
        prices: [],
      };
    const base = monthly(hour);
    return {
      kind: "load balancer" as const,
      detail: `${name}: ${HOURS_PER_MONTH} hours × ${usdExact(hour.usd)}, plus 0–1 LCU × ${usdExact(lcuHour.usd)}/hour`,
      monthly: { low: base, high: base + monthly(lcuHour) },
      prices: ["loadBalancer.hour", "loadBalancer.lcuHour"],
    };
  });
}

/** Requests a month in AWS's volume tiers (`tiers[].upTo` in millions). */
export function tieredCost(millions: number, price: TieredPrice): number {
  let left = millions;
  let from = 0;
  let usd = 0;
  for (const tier of price.tiers) {
    const size = tier.upTo === null ? left : Math.min(left, tier.upTo - from);
    usd += size * tier.usd;
    left -= size;
    from = tier.upTo ?? from;
    if (left <= 0) break;
  }
  return usd;
}

/** A usage plan's most requests a month: its quota, or its rate limit all month. */
function monthlyCap(plan: RecordedResource): { requests: number; how: string } {
  const inputs = inputsOf(plan);
  const stage = inputs.apiStages?.[0]?.stage ?? plan.name;
  const { limit, period = "" } = inputs.quotaSettings ?? {};
  const periods = QUOTA_PERIODS[period];
  if (limit !== undefined && periods !== undefined)
    return {
      requests: limit * periods,
      how: `${stage} ${millionsText(limit)}/${period.toLowerCase()}`,
    };
  const rate = Number(inputs.throttleSettings?.rateLimit ?? 0);
  return {
    requests: rate * 3600 * HOURS_PER_MONTH,
    how: `${stage} no quota: ${rate}/s all month`,
  };
}

const millionsText = (requests: number) =>
  requests >= 1e6 ? `${Math.round((requests / 1e6) * 10) / 10}M` : `${Math.round(requests)}`;

function frontDoorLines(
  ofType: (type: string) => RecordedResource[],
  prices: PriceFile,
): CostLine[] {
  const lines: CostLine[] = [];
  const plans = ofType("aws:apigateway/usagePlan:UsagePlan").map(monthlyCap);
  const requests = plans.reduce((total, plan) => total + plan.requests, 0);
  const { restRequests } = prices.apiGateway;
  if (plans.length > 0)
    lines.push({
      kind: "API Gateway requests",
      detail: `0 to ${millionsText(requests)} requests a month (${plans.map((p) => p.how).join(", ")}), from ${usdExact(restRequests.usd)} per million`,
      monthly: { low: 0, high: tieredCost(requests / 1e6, restRequests) },
      prices: ["apiGateway.restRequests"],
    });
  else if (ofType("aws:apigateway/restApi:RestApi").length > 0)
    lines.push({
      kind: "API Gateway requests",
      detail: `${usdExact(restRequests.usd)} per million requests; no usage plan bounds them`,
      prices: ["apiGateway.restRequests"],
    });
  const onStages = ofType("aws:wafv2/webAclAssociation:WebAclAssociation").some((a) =>
    String(inputsOf(a).resourceArn).includes("/restapis/"),
  );
  const { webAclMonth, ruleMonth, millionRequests } = prices.waf;
  for (const acl of ofType("aws:wafv2/webAcl:WebAcl")) {
    const rules = inputsOf(acl).rules ?? [];
    const base = webAclMonth.usd + rules.length * ruleMonth.usd;
    const bounded = onStages && plans.length > 0;
    lines.push({
      kind: "WAF",
      detail: `web ACL ${acl.name} with ${count(rules.length, "rule")}, ${bounded ? `0 to ${millionsText(requests)} requests` : "requests not bounded by the plan"} at ${usdExact(millionRequests.usd)} per million`,
      monthly: { low: base, high: base + (bounded ? (requests / 1e6) * millionRequests.usd : 0) },
      prices: ["waf.webAclMonth", "waf.ruleMonth", "waf.millionRequests"],
    });
  }
  return lines;
}

function alarmLines(
  ofType: (type: string) => RecordedResource[],
  owned: (r: RecordedResource) => { model?: string; version?: string },
  prices: PriceFile,
): CostLine[] {
  const { alarmMetricMonth, highResolutionAlarmMetricMonth } = prices.cloudWatch;
  const lines: CostLine[] = [];
  for (const [owner, alarms] of groupBy(ofType("aws:cloudwatch/metricAlarm:MetricAlarm"), owned)) {
    let metrics = 0;
    let usd = 0;
    let high = false;
    for (const alarm of alarms) {
      const inputs = inputsOf(alarm);
      const queries = (inputs.metricQueries ?? []).filter((q) => q.metric);
      const n = queries.length || 1;
      const periods = [inputs.period, ...queries.map((q) => q.metric?.period)].filter(
        (p): p is number => typeof p === "number",
      );
      const highResolution = periods.some((p) => p < 60);
      high ||= highResolution;
      metrics += n;
      usd += n * (highResolution ? highResolutionAlarmMetricMonth : alarmMetricMonth).usd;
    }
    lines.push({
      kind: "alarms",
      detail: `${count(alarms.length, "alarm")} on ${count(metrics, "metric")} × ${usdExact(alarmMetricMonth.usd)}${high ? ` (high resolution: ${usdExact(highResolutionAlarmMetricMonth.usd)})` : ""}`,
      monthly: fixed(usd),
      ...owner,
      prices: [
        "cloudWatch.alarmMetricMonth",
        ...(high ? ["cloudWatch.highResolutionAlarmMetricMonth"] : []),
      ],
    });
  }
  return lines;
}

/** The builds a repository's lifecycle policy keeps, when it says. */
function keptBuilds(policies: RecordedResource[], repository: string): number | undefined {
  const policy = policies.find((p) => inputsOf(p).repository === repository);
  if (!policy) return undefined;
  try {
    const { rules } = JSON.parse(String(inputsOf(policy).policy)) as {
      rules?: { selection?: { countType?: string; countNumber?: number } }[];
    };
    const counted = rules?.find((rule) => rule.selection?.countType === "imageCountMoreThan");
    return counted?.selection?.countNumber;
  } catch {
    return undefined;
  }
}
