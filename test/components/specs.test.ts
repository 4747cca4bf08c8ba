/** Pure spec builders, tested directly without the mock runtime (docs/maintainers.md: components stay thin, specs are pure functions). */
import { describe, expect, it } from "vitest";
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";
import { autoscalerSpec, disruptionBudgetSpec } from "../../components/specs/autoscaling";
import { deploymentSpec, progressDeadlineSeconds } from "../../components/specs/deployment";
import { repositoryName } from "../../catalogue/names";
import { imageTag, lifecyclePolicy } from "../../components/specs/ecr";
import { oidcIssuer } from "../../components/specs/model-policies";
import { CONTAINER_NAME, MODEL_CACHE_PATH, PORT_NAME, RUN_AS_ID } from "../../components/specs/pod";
import { allowModelTrafficSpec } from "../../components/specs/network-policy";
import { registryItem } from "../../components/specs/registry-item";
import { resolvedVersion } from "../helpers/resolved";

const version = resolvedVersion({
  version: "1.5.0",
  workloadName: "scorer-v1-5-0",
  traffic: 10,
  port: 9000,
  healthCheck: { path: "/ready", startupSeconds: 62 },
  resources: { cpu: "250m", memory: "512Mi", modelCache: "1Gi" },
  autoscaling: { minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 60 },
  slo: { latencyP99Ms: 250, errorRatePercent: 0.5 },
  env: { THREADS: "2" },
});
const model: ResolvedModel = {
  name: "scorer",
  owner: "team-a",
  shard: "main",
  routing: { priority: 7, loadBalancer: "main" },
  versions: [version],
};
const pod = (overrides: Partial<ResolvedVersion> = {}) =>
  deploymentSpec({
    model,
    version: { ...version, ...overrides },
    image: `registry.example.com/scorer@sha256:${"a".repeat(64)}`,
    artifactUri: "s3://bucket/scorer/1.5.0/",
    serviceAccountName: "scorer",
    gpu: {
      nodeSelector: { gpu: "yes" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    },
    admission: { "maas/target-group-binding": "scorer-v1-5-0-abc123" },
  }).template as any;

describe("deployment spec", () => {
  it("renders the hardened pod of a version: non-root, read-only, no capabilities, no token", () => {
    const { metadata, spec } = pod();
    const [server, ...others] = spec.containers;
    expect(others).toEqual([]);
    expect(spec).toMatchObject({
      serviceAccountName: "scorer",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // A model without api: drains a 29 s request: 20 s preStop + 30 s + 15 s, as always.
      terminationGracePeriodSeconds: 65,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_ID,
        runAsGroup: RUN_AS_ID,
        fsGroup: RUN_AS_ID,
        seccompProfile: { type: "RuntimeDefault" },
      },
    });
    expect(server.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: RUN_AS_ID,
      runAsGroup: RUN_AS_ID,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(server).toMatchObject({
      name: CONTAINER_NAME,
      image: `registry.example.com/scorer@sha256:${"a".repeat(64)}`,
      readinessProbe: { httpGet: { path: "/ready", port: PORT_NAME } },
      lifecycle: { preStop: { sleep: { seconds: 20 } } },
    });
    // The model's identity, artifacts, cache and port, then the version's own env.
    expect(server.env).toEqual([
      { name: "MODEL_NAME", value: "scorer" },
      { name: "MODEL_VERSION", value: "1.5.0" },
      { name: "MODEL_URI", value: "s3://bucket/scorer/1.5.0/" },
      { name: "MODEL_CACHE_DIR", value: MODEL_CACHE_PATH },
      { name: "PORT", value: "9000" },
      { name: "THREADS", value: "2" },
    ]);
    // Memory limited at its request, CPU requested only; the model cache as ephemeral storage.
    expect(server.resources).toEqual({
      requests: { cpu: "250m", memory: "512Mi", "ephemeral-storage": "1Gi" },
      limits: { memory: "512Mi" },
    });
    // Writable only where it must be: /tmp and the model cache, each a size-limited emptyDir.
    const volumes = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(server.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(
      ["/tmp", MODEL_CACHE_PATH].sort(),
    );
    for (const mount of server.volumeMounts)
      expect(volumes[mount.name].emptyDir.sizeLimit, mount.name).toMatch(/^\d+(Mi|Gi)$/);
    const cache = server.volumeMounts.find((m: any) => m.mountPath === MODEL_CACHE_PATH);
    expect(volumes[cache.name].emptyDir.sizeLimit).toBe("1Gi");
    // Spread over zones and nodes, pod by pod of this version.
    expect(
      spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.labelSelector.matchLabels]),
    ).toEqual([
      [
        "topology.kubernetes.io/zone",
        { "app.kubernetes.io/name": "scorer", "maas/version": "1.5.0" },
      ],
      ["kubernetes.io/hostname", { "app.kubernetes.io/name": "scorer", "maas/version": "1.5.0" }],
    ]);
    // Counted within the rollout's own ReplicaSet, so old pods don't skew a new one's spread.
    for (const constraint of spec.topologySpreadConstraints)
      expect(constraint.matchLabelKeys).toContain("pod-template-hash");
    expect(metadata.labels).toMatchObject({
      "app.kubernetes.io/name": "scorer",
      "app.kubernetes.io/instance": "scorer-v1-5-0",
      "app.kubernetes.io/version": "1.5.0",
      "app.kubernetes.io/part-of": "maas",
      "maas/owner": "team-a",
      "maas/version": "1.5.0",
    });
    expect(metadata.annotations).toEqual({ "maas/target-group-binding": "scorer-v1-5-0-abc123" });
  });

  it("checks liveness by TCP unless a liveness path is given, so it never equals readiness", () => {
    expect(pod().spec.containers[0].livenessProbe.tcpSocket).toEqual({ port: "http" });
    expect(
      pod({ healthCheck: { path: "/ready", livenessPath: "/alive", startupSeconds: 60 } }).spec
        .containers[0].livenessProbe.httpGet,
    ).toEqual({
      path: "/alive",
      port: "http",
    });
  });

  it("gives slow loaders startupSeconds before liveness applies (rounded up to whole probe periods)", () => {
    expect(pod().spec.containers[0].startupProbe).toMatchObject({
      periodSeconds: 5,
      failureThreshold: 13,
    });
  });

  it("schedules GPU versions on GPU nodes only when they ask for GPUs", () => {
    expect(pod().spec.nodeSelector).toBeUndefined();
    const gpu = pod({ gpu: { count: 2 } }).spec;
    expect(gpu.nodeSelector).toEqual({ gpu: "yes" });
    expect(gpu.containers[0].resources.limits).toEqual({ memory: "512Mi", "nvidia.com/gpu": "2" });
  });

  it("allows a rollout at least ten minutes, more for slow loaders", () => {
    expect(progressDeadlineSeconds(60)).toBe(600);
    expect(progressDeadlineSeconds(900)).toBe(1200);
  });
});

describe("autoscaling and disruption budget", () => {
  it("scales on CPU between min and max, up fast, down after five minutes", () => {
    const spec = autoscalerSpec(version, "scorer-deployment") as any;
    expect(spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { name: "scorer-deployment" },
    });
    expect(spec.metrics[0].resource).toEqual({
      name: "cpu",
      target: { type: "Utilization", averageUtilization: 60 },
    });
    expect(spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  it("lets one pod at a time be evicted, unhealthy ones always", () => {
    expect(disruptionBudgetSpec("scorer", version)).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "scorer", "maas/version": "1.5.0" } },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
  });
});

describe("network policy", () => {
  it("admits the VPC on the named server port, whatever number a version listens on", () => {
    const spec = allowModelTrafficSpec({ model: "scorer", sources: ["10.0.0.0/16"] }) as any;
    expect(spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: "http" }] },
    ]);
    expect(pod().spec.containers[0].ports).toEqual([
      { name: "http", containerPort: 9000, protocol: "TCP" },
    ]);
  });
});

describe("ECR naming", () => {
  it("derives repository names, content tags and lifecycle rules", () => {
    expect(repositoryName("dev", "scorer")).toBe("maas/dev/scorer");
    const build = {
      contentDigest: `sha256:${"0123456789abcdef".repeat(4)}`,
      platform: "linux/amd64",
    };
    expect(imageTag(build)).toMatch(/^ctx-[0-9a-f]{16}$/);
    // A rebuild for another platform is a new tag: docker-build would push again.
    expect(imageTag({ ...build, platform: "linux/arm64" })).not.toBe(imageTag(build));
    expect((lifecyclePolicy(5) as any).rules[1].selection.countNumber).toBe(5);
  });
});

describe("IAM", () => {
  it("reads the issuer from an OIDC provider ARN and refuses anything else", () => {
    expect(
      oidcIssuer("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
    ).toBe("oidc.eks.eu-west-1.amazonaws.com/id/ABC");
    expect(() => oidcIssuer("arn:aws:iam::123456789012:role/x")).toThrow(
      "not an IAM OIDC provider ARN",
    );
  });
});

describe("registry item", () => {
  it("stores numbers as DynamoDB numbers and leaves out an unknown image", () => {
    expect(
      registryItem({
        model,
        version: { ...version, status: "retired", traffic: 0 },
        environment: "dev",
        artifactUri: "s3://b/scorer/1.5.0/",
      }),
    ).toEqual({
      model: { S: "scorer" },
      version: { S: "1.5.0" },
      status: { S: "retired" },
      traffic: { N: "0" },
      owner: { S: "team-a" },
      environment: { S: "dev" },
      artifactUri: { S: "s3://b/scorer/1.5.0/" },
      sloLatencyP99Ms: { N: "250" },
      sloErrorRatePercent: { N: "0.5" },
    });
  });
});
