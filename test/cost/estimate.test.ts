/**
 * The estimate from recorded resources, against figures worked out by hand: a synthetic plan of
 * known resources priced with round-number prices (so every figure below can be checked on
 * paper), the reference instance a pod is priced as, volume tiers, ranges, a region without
 * prices; then the test project's own plan with the real price file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost, podHour, tieredCost } from "../../cost/estimate";
import type { CostEstimate } from "../../cost/estimate";
import { change, range, usd } from "../../cost/format";
import { costSummary } from "../../cost/summary";
import { PRICES_DIR } from "../../cost/prices";
import type { PriceFile } from "../../cost/prices";
import type { RecordedResource } from "../../plan/record";
import { planOf } from "../helpers/plan";

const cited = (usd: number, unit = "month") => ({
  usd,
  unit,
  confidence: "published" as const,
  source: "https://example.com/price",
  retrieved: "2026-01-01",
});

/** Round prices, so the figures below are arithmetic a reader can redo. */
export const ROUND_PRICES: PriceFile = {
  version: 1,
  region: "eu-west-1",
  currency: "USD",
  retrieved: "2026-01-01",
  method: "made up for the test",
  ec2: {
    general: {
      instanceType: "g.xlarge",
      vcpu: 4,
      memoryGiB: 16,
      gpus: 0,
      hour: cited(0.2, "hour"),
    },
    gpu: [
      { instanceType: "a.1", vcpu: 4, memoryGiB: 16, gpus: 1, hour: cited(1, "hour") },
      { instanceType: "a.2", vcpu: 8, memoryGiB: 32, gpus: 1, hour: cited(1.2, "hour") },
      { instanceType: "a.4", vcpu: 48, memoryGiB: 192, gpus: 4, hour: cited(5.6, "hour") },
    ],
  },
  loadBalancer: { hour: cited(0.025, "hour"), lcuHour: cited(0.008, "LCU-hour") },
  apiGateway: {
    restRequests: {
      ...cited(3.5, "million requests"),
      tiers: [
        { upTo: 333, usd: 3.5 },
        { upTo: 1000, usd: 2.8 },
        { upTo: 20000, usd: 2.38 },
        { upTo: null, usd: 1.51 },
      ],
    },
  },
  waf: { webAclMonth: cited(5), ruleMonth: cited(1), millionRequests: cited(0.6) },
  cloudWatch: {
    alarmMetricMonth: cited(0.1),
    highResolutionAlarmMetricMonth: cited(0.3),
    dashboardMonth: cited(3),
    logsIngestedGB: cited(0.5, "GB"),
    logsStoredGBMonth: {
      usd: 0.03,
      unit: "GB-month",
      confidence: "unconfirmed",
      note: "not confirmed: a stand-in",
    },
  },
  kms: { keyMonth: cited(1) },
  secretsManager: { secretMonth: cited(0.4) },
  ecr: { storageGBMonth: cited(0.1, "GB-month") },
};

const STACK = "urn:pulumi:t::maas::pulumi:pulumi:Stack::maas-t";
let counter = 0;
function resource(
  type: string,
  inputs: Record<string, unknown>,
  parent = STACK,
  name?: string,
): RecordedResource {
  const n = name ?? `r${counter++}`;
  return {
    urn: `urn:pulumi:t::maas::${type}::${n}`,
    type,
    name: n,
    parent,
    custom: true,
    inputs,
    dependencies: [],
  };
}
const labels = (model: string, version: string) => ({
  "app.kubernetes.io/name": model,
  "maas/version": version,
});
function workload(
  model: string,
  version: string,
  requests: Record<string, string>,
  hpa?: [number, number],
) {
  const parent = `urn:pulumi:t::maas::maas:model:ModelVersion::${model}-${version}`;
  return [
    resource(
      "kubernetes:apps/v1:Deployment",
      {
        metadata: { namespace: model, labels: labels(model, version) },
        spec: {
          replicas: 1,
          template: { spec: { containers: [{ name: "server", resources: { requests } }] } },
        },
      },
      parent,
    ),
    ...(hpa
      ? [
          resource(
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            {
              metadata: { namespace: model, labels: labels(model, version) },
              spec: { minReplicas: hpa[0], maxReplicas: hpa[1] },
            },
            parent,
          ),
        ]
      : []),
  ];
}
const versionTags = (model: string, version: string) => ({
  "maas:model": model,
  "maas:version": version,
  "maas:owner": "t",
});

/** A stack with known resources: what each costs is worked out in the test below. */
function knownPlan(): RecordedResource[] {
  const monitoring = resource("maas:monitoring:ModelMonitoring", {}, STACK, "b");
  return [
    resource("pulumi:providers:aws", { region: "eu-west-1" }),
    // a/1: 0.5 vCPU, 4 GiB: memory is the larger share (4/16), 25% of $0.20 = $0.05 an hour.
    ...workload("a", "1", { cpu: "500m", memory: "4Gi" }, [2, 5]),
    // b/2: one GPU, 2 vCPU, 8 GiB fits below a.1: the whole a.1, $1 an hour; no autoscaler, 1 replica.
    ...workload("b", "2", { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" }),
    // b/3: 4 vCPU, 16 GiB do not fit below a.1 (its daemons need room): a.2, $1.20 an hour.
    ...workload("b", "3", { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" }, [1, 3]),
    resource("aws:lb/loadBalancer:LoadBalancer", { name: "lb-1", loadBalancerType: "application" }),
    resource("aws:apigateway/restApi:RestApi", {}),
    resource("aws:apigateway/usagePlan:UsagePlan", {
      apiStages: [{ stage: "daily" }],
      quotaSettings: { limit: 1_000_000, period: "DAY" },
    }),
    resource("aws:apigateway/usagePlan:UsagePlan", {
      apiStages: [{ stage: "open" }],
      throttleSettings: { rateLimit: 10 },
    }),
    resource("aws:wafv2/webAcl:WebAcl", { rules: [{}, {}] }, STACK, "acl"),
    resource("aws:wafv2/webAclAssociation:WebAclAssociation", {
      resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/x/stages/daily",
    }),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 60, tags: versionTags("a", "1") }),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", {
      metricQueries: [
        { metric: { period: 60 } },
        { metric: { period: 60 } },
        { expression: "a / b" },
      ],
      tags: versionTags("a", "1"),
    }),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 10 }),
    monitoring,
    resource("aws:cloudwatch/dashboard:Dashboard", {}, monitoring.urn),
    resource("aws:kms/key:Key", { enableKeyRotation: true }),
    resource("aws:secretsmanager/secret:Secret", {}),
    resource("aws:ecr/repository:Repository", { name: "maas/t/a", tags: { "maas:model": "a" } }),
    resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", {
      repository: "maas/t/a",
      policy: JSON.stringify({
        rules: [{ selection: { countType: "imageCountMoreThan", countNumber: 20 } }],
      }),
    }),
    resource("aws:cloudwatch/logGroup:LogGroup", {
      namePrefix: "/aws/apigateway/t/access-",
      retentionInDays: 365,
    }),
  ];
}

type Priced = Extract<CostEstimate, { priced: true }>;
function priced(estimate: CostEstimate): Priced {
  if (!estimate.priced) expect.fail(estimate.why);
  return estimate;
}

describe("the estimate of known resources, worked out by hand", () => {
  const estimate = priced(
    estimateCost(knownPlan(), { prices: ROUND_PRICES, pricesFile: "round.json" }),
  );
  const line = (kind: string, model?: string, version?: string) => {
    const found = estimate.lines.filter(
      (l) => l.kind === kind && l.model === model && l.version === version,
    );
    expect(found, `${kind} ${model} ${version}`).toHaveLength(1);
    return found[0]!;
  };

  it("prices pods as shares of the reference instance that would run them, from the fewest pods to the most", () => {
    // a/1: $0.05 an hour × 730 = $36.50 a pod; 2 to 5 pods.
    expect(line("compute", "a", "1").monthly).toEqual({ low: 73, high: 182.5 });
    expect(line("compute", "a", "1").detail).toBe(
      "0.5 vCPU, 4 GiB a pod as 25% of one g.xlarge ($0.20/hour), 2–5 pods",
    );
    // b/2: $730 a pod, the Deployment's one replica.
    expect(line("compute", "b", "2").monthly).toEqual({ low: 730, high: 730 });
    // b/3: $1.20 × 730 = $876 a pod; 1 to 3 pods.
    expect(line("compute", "b", "3").monthly!.low).toBeCloseTo(876, 9);
    expect(line("compute", "b", "3").monthly!.high).toBeCloseTo(2628, 9);
    expect(line("compute", "b", "3").detail).toContain("as one a.2 ($1.20/hour), 1–3 pods");
  });

  it("charges the load balancer's hours, and 0 to 1 LCU on average", () => {
    // 730 × $0.025 = $18.25; one LCU more: 730 × $0.008 = $5.84.
    expect(line("load balancer").monthly!.low).toBeCloseTo(18.25, 9);
    expect(line("load balancer").monthly!.high).toBeCloseTo(24.09, 9);
  });

  it("bounds requests by the consumers' quotas (or rate limits), and WAF by the same requests", () => {
    // 1M a day × 730/24 = 30,416,666.7; 10/s × 3,600 × 730 = 26,280,000; 56.6967M × $3.50 = $198.44.
    expect(line("API Gateway requests").monthly!.low).toBe(0);
    expect(line("API Gateway requests").monthly!.high).toBeCloseTo(198.438333, 5);
    expect(line("API Gateway requests").detail).toBe(
      "0 to 56.7M requests a month (daily 1M/day, open no quota: 10/s all month), from $3.50 per million",
    );
    // $5 the web ACL + 2 rules × $1, plus 56.6967M × $0.60.
    expect(line("WAF").monthly!.low).toBe(7);
    expect(line("WAF").monthly!.high).toBeCloseTo(7 + 34.018, 9);
  });

  it("counts every metric an alarm reads, at the high-resolution price below 60 seconds", () => {
    // One plain alarm, one metric-math alarm on two metrics: 3 × $0.10.
    expect(line("alarms", "a", "1").monthly!.low).toBeCloseTo(0.3, 9);
    expect(line("alarms", "a", "1").detail).toBe("2 alarms on 3 metrics × $0.10");
    expect(line("alarms").monthly!.low).toBeCloseTo(0.3, 9);
    expect(line("alarms").detail).toBe("1 alarm on 1 metric × $0.10 (high resolution: $0.30)");
  });

  it("gives a dashboard to the model whose component holds it, and keys and secrets to the stack", () => {
    expect(line("dashboards", "b").monthly).toEqual({ low: 3, high: 3 });
    expect(line("KMS keys").monthly).toEqual({ low: 1, high: 1 });
    expect(line("KMS keys").detail).toContain("rotation on");
    expect(line("secrets").monthly).toEqual({ low: 0.4, high: 0.4 });
  });

  it("says how storage and logs are charged, without a figure the plan cannot support", () => {
    expect(line("image storage", "a").monthly).toBeUndefined();
    expect(line("image storage", "a").detail).toBe(
      "repository maas/t/a: $0.10 per GB-month of image layers kept (its lifecycle keeps the 20 newest builds; builds share unchanged layers); image sizes are not in the plan",
    );
    expect(line("logs").monthly).toBeUndefined();
    expect(line("logs").detail).toContain(
      "$0.50 per GB ingested, $0.03 per GB-month kept (kept 365 days)",
    );
  });

  it("adds up per version, per model, shared and in total; names the unconfirmed prices it used", () => {
    expect(
      estimate.models.map((m) => [m.model, m.versions.map((v) => [v.version, v.pods])]),
    ).toEqual([
      ["a", [["1", { low: 2, high: 5 }]]],
      [
        "b",
        [
          ["2", { low: 1, high: 1 }],
          ["3", { low: 1, high: 3 }],
        ],
      ],
    ]);
    const a = estimate.models[0]!;
    expect(a.monthly.low).toBeCloseTo(73.3, 9);
    expect(a.monthly.high).toBeCloseTo(182.8, 9);
    const b = estimate.models[1]!;
    expect(b.monthly.low).toBeCloseTo(730 + 876 + 3, 9);
    expect(b.monthly.high).toBeCloseTo(730 + 2628 + 3, 9);
    // 18.25 + 0 + 7 + 0.3 + 1 + 0.4; 24.09 + 198.4383 + 41.018 + 0.3 + 1 + 0.4.
    expect(estimate.shared.low).toBeCloseTo(26.95, 9);
    expect(estimate.shared.high).toBeCloseTo(265.246333, 5);
    expect(estimate.total.low).toBeCloseTo(73.3 + 1609 + 26.95, 9);
    expect(estimate.total.high).toBeCloseTo(182.8 + 3361 + 265.246333, 5);
    expect(estimate.prices).toEqual({
      file: "round.json",
      retrieved: "2026-01-01",
      used: 17,
      unconfirmed: ["cloudWatch.logsStoredGBMonth"],
    });
  });

  it("rounds what it shows to what the assumptions carry", () => {
    expect(range(estimate.total)).toBe("$1,710–3,810");
    expect([usd(0), usd(0.4), usd(73.3), usd(182.8), usd(1709.25), usd(12345)]).toEqual([
      "$0",
      "<$1",
      "$73",
      "$180",
      "$1,710",
      "$12,300",
    ]);
    expect(change({ low: 10, high: 20 }, { low: 45, high: 90 })).toBe("+$35 to +$70");
    expect(change({ low: 10, high: 20 }, { low: 10, high: 20.000000001 })).toBe("$0");
    expect(costSummary(estimate)[0]).toBe(
      'cost: $1,710–3,810 a month on demand (eu-west-1 prices of 2026-01-01, 1 of 17 not confirmed for eu-west-1): a $73–180 (1 $73–180); b $1,610–3,360 (2 $730, 3 $880–2,630); shared $27–270; not estimated: image storage, logs (plan.json\'s cost; docs/review.md, "Cost")',
    );
  });
});

describe("the reference instance a pod is priced as", () => {
  const { ec2 } = ROUND_PRICES;
  it("is a share of the general-purpose instance without GPUs: the larger of its vCPU and memory fractions", () => {
    expect(podHour({ cpu: 2, memoryGiB: 2, gpus: 0 }, ec2)).toMatchObject({ usd: 0.1, share: 0.5 });
    expect(podHour({ cpu: 8, memoryGiB: 8, gpus: 0 }, ec2)).toMatchObject({ usd: 0.4, share: 2 });
  });

  it("is the cheapest GPU instance the pod fits below, by its share of it", () => {
    // Two GPUs: half of a.4 ($2.80), the only instance with two.
    expect(podHour({ cpu: 8, memoryGiB: 32, gpus: 2 }, ec2)).toMatchObject({
      usd: 2.8,
      share: 0.5,
    });
    // One GPU and 40 vCPU: only a.4 holds it, by its vCPU share (40/48).
    expect(podHour({ cpu: 40, memoryGiB: 8, gpus: 1 }, ec2)).toMatchObject({
      usd: (40 / 48) * 5.6,
    });
  });

  it("is none when no reference instance holds the pod", () => {
    expect(podHour({ cpu: 8, memoryGiB: 32, gpus: 8 }, ec2)).toEqual({
      why: "no reference GPU instance (a.1, a.2, a.4) holds 8 GPUs, 8 vCPU and 32 GiB",
    });
  });
});

describe("volume tiers", () => {
  const { restRequests } = ROUND_PRICES.apiGateway;
  it("price each tier's requests at its rate", () => {
    expect(tieredCost(100, restRequests)).toBeCloseTo(350, 9);
    // 333 × $3.50 + 667 × $2.80 + 500 × $2.38.
    expect(tieredCost(1500, restRequests)).toBeCloseTo(1165.5 + 1867.6 + 1190, 9);
    expect(tieredCost(25000, restRequests)).toBeCloseTo(
      1165.5 + 1867.6 + 19000 * 2.38 + 5000 * 1.51,
      6,
    );
  });
});

describe("a region without prices", () => {
  it("is not estimated, and says why instead of borrowing another region's prices", () => {
    const resources = knownPlan().map((r) =>
      r.type === "pulumi:providers:aws" ? { ...r, inputs: { region: "ap-south-1" } } : r,
    );
    const estimate = estimateCost(resources);
    expect(estimate).toEqual({
      priced: false,
      region: "ap-south-1",
      why: "no prices for region ap-south-1 (cost/prices/ has eu-west-1, us-east-1)",
    });
    expect(costSummary(estimate)).toEqual([
      "cost: not estimated: no prices for region ap-south-1 (cost/prices/ has eu-west-1, us-east-1)",
    ]);
  });
});

describe("the test project's dev plan, with the eu-west-1 price file", () => {
  let estimate: Priced;
  beforeAll(async () => {
    estimate = priced(estimateCost((await planOf({ stack: "dev" })).plan.resources));
  });

  it("prices every served version, the standby too, and no retired one", () => {
    expect(estimate.models.map((m) => [m.model, m.versions.map((v) => v.version)])).toEqual([
      ["fraud-scorer", ["3.2.1"]],
      ["image-classifier", ["1.4.0", "1.5.0"]],
      ["text-embedder", ["1.9.2", "2.0.0"]],
    ]);
    const prices = JSON.parse(
      readFileSync(join(PRICES_DIR, "eu-west-1.json"), "utf8"),
    ) as PriceFile;
    // The standby 1.9.2 (2 vCPU, 8 GiB, one GPU) runs 1 to 2 whole g5.xlarge, like the live 2.0.0.
    const standby = estimate.lines.find((l) => l.kind === "compute" && l.version === "1.9.2")!;
    expect(standby.monthly).toEqual({
      low: prices.ec2.gpu[0]!.hour.usd * 730,
      high: prices.ec2.gpu[0]!.hour.usd * 730 * 2,
    });
    expect(estimate.prices.file).toBe("cost/prices/eu-west-1.json");
  });
});
