/** The pull-request diff's catalogue changes, in models.yaml's terms. */
import { describe, expect, it } from "vitest";
import type { ResolvedCatalogue, ResolvedVersion } from "../../catalogue";
import { catalogueChanges, consumerChanges } from "../../review/catalogue-diff";
import { resolvedVersion } from "../helpers/resolved";

const version = resolvedVersion;
const catalogue = (...versions: ResolvedVersion[]): ResolvedCatalogue => ({
  models: [
    {
      name: "m",
      owner: "team-a",
      shard: "main",
      routing: { priority: 7, loadBalancer: "main" },
      versions,
    },
  ],
});

describe("catalogue changes", () => {
  it("says when a standby goes cold and when a cold one is woken, with how long a wake takes", () => {
    const startup = { path: "/healthz", startupSeconds: 900 };
    const warm = catalogue(
      version({ version: "2.0.0", traffic: 100, healthCheck: startup }),
      version({ version: "1.9.2", traffic: 0, status: "standby", healthCheck: startup }),
    );
    const cold = catalogue(
      version({ version: "2.0.0", traffic: 100, healthCheck: startup }),
      version({
        version: "1.9.2",
        traffic: 0,
        status: "standby",
        standby: "cold",
        healthCheck: startup,
      }),
    );
    const rollback = catalogue(
      version({ version: "2.0.0", traffic: 0, status: "standby", healthCheck: startup }),
      version({ version: "1.9.2", traffic: 100, healthCheck: startup }),
    );
    expect(catalogueChanges(warm, cold)[0]!.lines).toEqual([
      "1.9.2: goes cold: its pods, autoscaler, target group and alarms are deleted, so it costs nothing while it waits; its image and record stay. Waking it later takes up to 15 min (healthCheck.startupSeconds) plus scheduling and the image pull before it can take traffic",
    ]);
    expect(catalogueChanges(cold, rollback)[0]!.lines).toEqual([
      "2.0.0: live, 100% → standby, 0%",
      "1.9.2: cold standby, 0% → live, 100%",
      "1.9.2: woken: its pods are created and pulumi up moves the rule only once they are ready, up to 15 min (healthCheck.startupSeconds) plus scheduling and the image pull; its share waits until then",
    ]);
    expect(catalogueChanges(cold, warm)[0]!.lines).toEqual([
      "1.9.2: woken: its pods are created and pulumi up moves the rule only once they are ready, up to 15 min (healthCheck.startupSeconds) plus scheduling and the image pull",
    ]);
  });

  it("says what happened to each version in models.yaml's terms", () => {
    const before = catalogue(
      version({ version: "1.0.0", traffic: 90 }),
      version({ version: "0.9.0", traffic: 10 }),
      version({ version: "0.8.0", traffic: 0, status: "standby" }),
    );
    const after = catalogue(
      version({
        version: "1.0.0",
        traffic: 100,
        resources: { cpu: "1", memory: "1Gi", modelCache: "2Gi" },
        slo: { latencyP99Ms: 250, errorRatePercent: 1 },
      }),
      version({ version: "0.9.0", traffic: 0, status: "retired" }),
      version({
        version: "1.1.0",
        traffic: 0,
        status: "standby",
        autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilization: 70 },
      }),
    );
    expect(catalogueChanges(before, after)).toEqual([
      {
        model: "m",
        lines: [
          "1.1.0: added (standby, 0%), image `registry.example.com/model@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`",
          "0.8.0: removed from the catalogue (was standby, 0%); its registry item stays, saying standby",
          "1.0.0: traffic 90% → 100%",
          "1.0.0: resources `cpu 500m, memory 1Gi` → `cpu 1, memory 1Gi`",
          "1.0.0: SLO (alarm thresholds) `p99 300 ms, 5xx 1%` → `p99 250 ms, 5xx 1%`",
          "0.9.0: live, 10% → retired",
        ],
      },
    ]);
  });

  it("reports added and removed models", () => {
    expect(catalogueChanges(catalogue(version({})), { models: [] })).toEqual([
      {
        model: "m",
        lines: [
          "model removed: its workloads, routing and alarms are deleted; its registry items, images and repository stay in AWS",
        ],
      },
    ]);
    expect(catalogueChanges({ models: [] }, catalogue(version({})))[0]!.lines).toEqual([
      "model added (owner `team-a`): 1.0.0 live, 100%, image `registry.example.com/model@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`",
    ]);
  });

  it("says how a model's requests are served when its api: changes, and nothing when it says the defaults", () => {
    const plain = catalogue(version({}));
    const streamed = {
      models: plain.models.map((m) => ({ ...m, api: { streaming: true, timeoutSeconds: 600 } })),
    };
    expect(catalogueChanges(plain, streamed)).toEqual([
      { model: "m", lines: ["requests `buffered, up to 29 s` → `streamed, up to 600 s`"] },
    ]);
    const defaults = {
      models: plain.models.map((m) => ({ ...m, api: { streaming: false, timeoutSeconds: 29 } })),
    };
    expect(catalogueChanges(plain, defaults)).toEqual([]);
  });
});

describe("access changes", () => {
  const consumer = (name: string, requestsPerSecond: number) => ({
    name,
    auth: "sigv4" as const,
    principals: [`arn:aws:iam::111122223333:role/${name}`],
    rateLimit: { requestsPerSecond, burst: 10 },
    apiKeys: ["1"],
  });
  const withAccess = (access: string[], ...consumers: ReturnType<typeof consumer>[]) => {
    const base = catalogue(version({ version: "1.0.0", traffic: 100 }));
    return { ...base, consumers, models: base.models.map((m) => ({ ...m, access })) };
  };

  it("name who may call a model, before and after", () => {
    const before = withAccess(["a"], consumer("a", 5), consumer("b", 5));
    const after = withAccess(["a", "b"], consumer("a", 5), consumer("b", 5));
    expect(catalogueChanges(before, after)).toEqual([
      { model: "m", lines: ["callers `a` → `a, b`"] },
    ]);
    expect(catalogueChanges(after, withAccess([], consumer("a", 5), consumer("b", 5)))).toEqual([
      { model: "m", lines: ["callers `a, b` → `none`"] },
    ]);
  });

  it("name consumers added, removed and changed, with their limits", () => {
    expect(
      consumerChanges(
        withAccess([], consumer("a", 5), consumer("b", 5)),
        withAccess([], consumer("a", 50), consumer("c", 1)),
      ),
    ).toEqual([
      "consumer `c` added: `sigv4, 1/s, burst 10; principals arn:aws:iam::111122223333:role/c`",
      "consumer `b` removed",
      "consumer `a`: `sigv4, 5/s, burst 10; principals arn:aws:iam::111122223333:role/a` → `sigv4, 50/s, burst 10; principals arn:aws:iam::111122223333:role/a`",
    ]);
  });
});
