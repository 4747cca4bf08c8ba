/**
 * rules 1-14 on the generated Kubernetes objects: the example plans pass every rule;
 * one mutation per rule fails it with that rule's id and message (kube-score fixture style).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkKubernetesObjects, KUBERNETES_RULES, MAX_OBJECT_BYTES } from "../../policy";
import type { KubernetesObject } from "../../policy";
import { planOf } from "../helpers/plan";

type Json = Record<string, any>;

let baseline: KubernetesObject[];

beforeAll(async () => {
  baseline = (await planOf({ stack: "dev" })).manifests.map(
    (manifest) => manifest.object as KubernetesObject,
  );
});

function find(objects: KubernetesObject[], kind: string, name: string): Json {
  const found = objects.find(
    (o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)),
  );
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

const CANARY = "image-classifier-v1-5-0";
const pod = (objects: KubernetesObject[]) =>
  find(objects, "Deployment", CANARY).spec.template.spec as Json;
const server = (objects: KubernetesObject[]) => pod(objects).containers[0] as Json;

/** Mutations by rule: each breaks the baseline in one way and names the message it must produce. */
const cases: {
  name: string;
  mutate: (objects: KubernetesObject[]) => void;
  rule: string;
  message: string;
  production?: boolean;
}[] = [
  {
    name: "container-resources-fail",
    rule: "RULES-1/container-resources",
    message: "has no memory limit",
    mutate: (o) => delete server(o).resources.limits.memory,
  },
  {
    name: "image-digest-fail",
    rule: "RULES-2/image-pinned",
    message: "image registry.example.com/m:1.0 is not pinned by digest",
    mutate: (o) => (server(o).image = "registry.example.com/m:1.0"),
  },
  {
    name: "image-pull-policy-fail",
    rule: "RULES-2/image-pinned",
    message: "imagePullPolicy is Always, not IfNotPresent",
    mutate: (o) => (server(o).imagePullPolicy = "Always"),
  },
  {
    name: "run-as-root-fail",
    rule: "RULES-3/pod-security",
    message: "runAsUser 0 is not a UID >= 10000",
    mutate: (o) => (
      (server(o).securityContext.runAsUser = 0),
      (pod(o).securityContext.runAsUser = 0)
    ),
  },
  {
    name: "privilege-escalation-fail",
    rule: "RULES-3/pod-security",
    message: "allowPrivilegeEscalation is not false",
    mutate: (o) => (server(o).securityContext.allowPrivilegeEscalation = true),
  },
  {
    name: "writable-root-fail",
    rule: "RULES-3/pod-security",
    message: "readOnlyRootFilesystem is not true",
    mutate: (o) => (server(o).securityContext.readOnlyRootFilesystem = false),
  },
  {
    name: "capabilities-fail",
    rule: "RULES-3/pod-security",
    message: "capabilities do not drop ALL",
    mutate: (o) => (server(o).securityContext.capabilities.drop = ["NET_RAW"]),
  },
  {
    name: "seccomp-fail",
    rule: "RULES-3/pod-security",
    message: "seccompProfile is not RuntimeDefault",
    mutate: (o) => (
      (server(o).securityContext.seccompProfile = { type: "Unconfined" }),
      (pod(o).securityContext.seccompProfile = { type: "Unconfined" })
    ),
  },
  {
    name: "host-network-fail",
    rule: "RULES-3/pod-security",
    message: "uses the host's network, PID or IPC namespace",
    mutate: (o) => (pod(o).hostNetwork = true),
  },
  {
    name: "host-path-fail",
    rule: "RULES-3/pod-security",
    message: "mounts a hostPath volume",
    mutate: (o) => pod(o).volumes.push({ name: "host", hostPath: { path: "/" } }),
  },
  {
    name: "tmp-volume-fail",
    rule: "RULES-3/pod-security",
    message: "has no emptyDir at /tmp (the root filesystem is read-only)",
    mutate: (o) =>
      (server(o).volumeMounts = server(o).volumeMounts.filter((m: Json) => m.mountPath !== "/tmp")),
  },
  {
    name: "readiness-fail",
    rule: "RULES-4/probes",
    message: "has no readinessProbe",
    mutate: (o) => delete server(o).readinessProbe,
  },
  {
    name: "identical-probes-fail",
    rule: "RULES-4/probes",
    message: "livenessProbe is identical to readinessProbe",
    mutate: (o) => (server(o).livenessProbe = structuredClone(server(o).readinessProbe)),
  },
  {
    name: "startup-fail",
    rule: "RULES-4/probes",
    message: "has no startupProbe for slow model loads",
    mutate: (o) => delete server(o).startupProbe,
  },
  {
    name: "probe-port-fail",
    rule: "RULES-4/probes",
    message: "readiness probe port metrics is not a declared container port",
    mutate: (o) => (server(o).readinessProbe.httpGet.port = "metrics"),
  },
  {
    name: "pre-stop-fail",
    rule: "RULES-5/graceful-shutdown",
    message: "has no preStop delay: the load balancer would still send to a stopping pod",
    mutate: (o) => delete server(o).lifecycle,
  },
  {
    name: "grace-period-fail",
    rule: "RULES-5/graceful-shutdown",
    message: "terminationGracePeriodSeconds 20 is not longer than the preStop delay 20",
    mutate: (o) => (pod(o).terminationGracePeriodSeconds = 20),
  },
  {
    name: "max-unavailable-fail",
    rule: "RULES-6/deployment-strategy",
    message: "maxUnavailable is 1, not 0",
    mutate: (o) => (find(o, "Deployment", CANARY).spec.strategy.rollingUpdate.maxUnavailable = 1),
  },
  {
    name: "replicas-under-hpa-fail",
    rule: "RULES-6/deployment-strategy",
    message:
      "sets replicas 7 although an HPA scales it (only its minReplicas 1, as the first rollout's size, is allowed)",
    mutate: (o) => (find(o, "Deployment", CANARY).spec.replicas = 7),
  },
  {
    name: "selector-fail",
    rule: "RULES-6/deployment-strategy",
    message: "selector is not contained in the pod template's labels",
    mutate: (o) =>
      (find(o, "Deployment", CANARY).spec.selector.matchLabels["maas/version"] = "9.9.9"),
  },
  {
    name: "zone-spread-fail",
    rule: "RULES-7/topology-spread",
    message: "does not spread across zones",
    mutate: (o) => (pod(o).topologySpreadConstraints = pod(o).topologySpreadConstraints.slice(1)),
  },
  {
    name: "hpa-target-fail",
    rule: "RULES-8/autoscaling",
    message: "targets nothing-here, which is no Deployment in its namespace",
    mutate: (o) =>
      (find(o, "HorizontalPodAutoscaler", CANARY).spec.scaleTargetRef.name = "nothing-here"),
  },
  {
    name: "hpa-range-fail",
    rule: "RULES-8/autoscaling",
    message: "maxReplicas 1 is not above minReplicas 1",
    mutate: (o) => (find(o, "HorizontalPodAutoscaler", CANARY).spec.maxReplicas = 1),
  },
  {
    name: "hpa-stabilisation-fail",
    rule: "RULES-8/autoscaling",
    message: "has no scale-down stabilisation window",
    mutate: (o) =>
      delete find(o, "HorizontalPodAutoscaler", CANARY).spec.behavior.scaleDown
        .stabilizationWindowSeconds,
  },
  {
    name: "hpa-prod-minimum-fail",
    rule: "RULES-8/autoscaling",
    message: "minReplicas 1 is below 2 in production",
    production: true,
    mutate: () => undefined,
  },
  {
    name: "pdb-missing-fail",
    rule: "RULES-9/disruption-budget",
    message: "has no PodDisruptionBudget",
    mutate: (o) =>
      o.splice(o.indexOf(find(o, "PodDisruptionBudget", CANARY) as KubernetesObject), 1),
  },
  {
    name: "pdb-zero-disruptions-fail",
    rule: "RULES-9/disruption-budget",
    message: "allows no voluntary disruption (maxUnavailable 0)",
    mutate: (o) => (find(o, "PodDisruptionBudget", CANARY).spec.maxUnavailable = 0),
  },
  {
    name: "pdb-eviction-policy-fail",
    rule: "RULES-9/disruption-budget",
    message: "unhealthyPodEvictionPolicy is not AlwaysAllow",
    mutate: (o) => delete find(o, "PodDisruptionBudget", CANARY).spec.unhealthyPodEvictionPolicy,
  },
  {
    name: "default-deny-fail",
    rule: "RULES-10/network-policy",
    message: "namespace image-classifier has no default-deny NetworkPolicy",
    mutate: (o) =>
      o.splice(
        o.findIndex(
          (x) =>
            x.kind === "NetworkPolicy" &&
            x.metadata.name === "deny-all" &&
            x.metadata.namespace === "image-classifier",
        ),
        1,
      ),
  },
  {
    name: "namespace-psa-fail",
    rule: "RULES-11/namespaces",
    message: "pod-security.kubernetes.io/enforce is not restricted",
    mutate: (o) =>
      (find(o, "Namespace", "image-classifier").metadata.labels[
        "pod-security.kubernetes.io/enforce"
      ] = "baseline"),
  },
  {
    name: "default-namespace-fail",
    rule: "RULES-11/namespaces",
    message: "lives in the default namespace",
    mutate: (o) =>
      o.push({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "stray", namespace: "default" },
      }),
  },
  {
    name: "service-account-fail",
    rule: "RULES-12/service-account",
    message: "runs as the default ServiceAccount",
    mutate: (o) => (pod(o).serviceAccountName = "default"),
  },
  {
    name: "api-token-fail",
    rule: "RULES-12/service-account",
    message: "mounts the Kubernetes API token",
    mutate: (o) => (
      (pod(o).automountServiceAccountToken = true),
      (find(o, "ServiceAccount", "image-classifier").automountServiceAccountToken = true)
    ),
  },
  {
    name: "labels-fail",
    rule: "RULES-13/recommended-labels",
    message: "has no app.kubernetes.io/version label",
    mutate: (o) => delete find(o, "Service", CANARY).metadata.labels["app.kubernetes.io/version"],
  },
  {
    name: "service-type-fail",
    rule: "RULES-14/services",
    message: "type is LoadBalancer, not ClusterIP",
    mutate: (o) => (find(o, "Service", CANARY).spec.type = "LoadBalancer"),
  },
  {
    name: "service-selector-fail",
    rule: "RULES-14/services",
    message: "selects the pods of no Deployment",
    mutate: (o) => (find(o, "Service", CANARY).spec.selector["maas/version"] = "0.0.0"),
  },
  {
    // A Service's empty selector selects no pods (unlike a label selector's empty matchLabels).
    name: "service-empty-selector-fail",
    rule: "RULES-14/services",
    message: "selects the pods of no Deployment",
    mutate: (o) => (find(o, "Service", CANARY).spec.selector = {}),
  },
];

describe("Kubernetes rules (rules 1-14)", () => {
  it("has one rule per item", () => {
    expect(KUBERNETES_RULES.map((rule) => rule.id.split("/")[0])).toEqual(
      Array.from({ length: 14 }, (_, i) => `RULES-${i + 1}`),
    );
  });

  it.each(["dev", "prod"])("baseline-ok: the %s plan passes every rule", async (stack) => {
    const objects = (await planOf({ stack })).manifests.map(
      (manifest) => manifest.object as KubernetesObject,
    );
    expect(checkKubernetesObjects(objects, { production: stack === "prod" })).toEqual([]);
  });

  it.each(cases)("$name", ({ mutate, rule, message, production }) => {
    const objects = structuredClone(baseline);
    mutate(objects);
    const found = checkKubernetesObjects(objects, { production: production ?? false });
    expect(found.map((v) => `${v.rule}: ${v.message}`)).toContain(`${rule}: ${message}`);
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set([rule]));
  });
});

describe("kubernetes/object-size", () => {
  const withEnv = (bytes: number) => {
    const objects = structuredClone(baseline);
    server(objects).env = [
      ...(server(objects).env ?? []),
      { name: "BIG", value: "x".repeat(bytes) },
    ];
    return checkKubernetesObjects(objects, { production: false });
  };

  it("size-ok: a Deployment just under etcd's 1.5 MiB passes", () => {
    const size = Buffer.byteLength(JSON.stringify(find(baseline, "Deployment", CANARY)));
    expect(withEnv(MAX_OBJECT_BYTES - size - 100)).toEqual([]);
  });

  it("size-fail: a Deployment over it is refused, naming the catalogue's env", () => {
    const found = withEnv(MAX_OBJECT_BYTES);
    expect(found.map((v) => v.rule)).toEqual(["kubernetes/object-size"]);
    expect(found[0]!.message).toMatch(
      /^is 1\.50 MiB; etcd stores at most 1\.5 MiB per object \(its default --max-request-bytes\)\. Its size is the version's env \(models\.image-classifier\.versions\.1\.5\.0\.env in the catalogue/,
    );
  });
});
