/**
 * rules 1-7: what every model-server pod and Deployment must get right. Each rule is
 * a pure function over the plan's Kubernetes objects (kube-score / kube-linter / Polaris style).
 */
import type { IContainer, IPodSpec, IProbe } from "kubernetes-models/v1";
import {
  labelSelectorMatches,
  ofKind,
  podTemplates,
  report,
  sameNamespace,
} from "./kubernetes-objects";
import type { KubernetesObject, Rule } from "./kubernetes-objects";
import type { Violation } from "./rule";

/** Runs `check` on every container of every pod template. */
function perContainer(
  rule: string,
  objects: KubernetesObject[],
  check: (container: IContainer, pod: IPodSpec) => string[],
): Violation[] {
  return podTemplates(objects).flatMap(({ owner, spec }) =>
    spec.containers.flatMap((container) =>
      check(container, spec).map((message) => ({
        rule,
        object: `${owner.kind} ${owner.metadata.namespace}/${owner.metadata.name} container ${container.name}`,
        message,
        source: owner,
      })),
    ),
  );
}

const containerResources: Rule = {
  id: "RULES-1/container-resources",
  why: "Without requests the scheduler packs pods onto nodes that cannot run them, and a memory leak without a limit takes the node down with it (kube-score container-resources, kube-linter unset-*).",
  fix: "Set resources.cpu and resources.memory for the version (or in defaults); maas sets the memory limit to the request.",
  description: "Every container requests CPU and memory and limits memory.",
  check: (objects) =>
    perContainer("RULES-1/container-resources", objects, (container) => [
      ...(container.resources?.requests?.cpu ? [] : ["has no CPU request"]),
      ...(container.resources?.requests?.memory ? [] : ["has no memory request"]),
      ...(container.resources?.limits?.memory ? [] : ["has no memory limit"]),
    ]),
};

const imagePinned: Rule = {
  id: "RULES-2/image-pinned",
  why: "A tag can move under a running Deployment, so two pods of one version may run different code; a digest cannot (kube-score container-image-tag, checkov CKV_K8S_43).",
  fix: "Give image: a digest (@sha256:…) or an explicit version tag (maas resolves it to its digest); never latest.",
  description: "Images are pinned by digest and pulled IfNotPresent.",
  check: (objects) =>
    perContainer("RULES-2/image-pinned", objects, (container) => [
      ...(/@sha256:[a-f0-9]{64}$/.test(container.image ?? "")
        ? []
        : [`image ${container.image ?? "(none)"} is not pinned by digest`]),
      ...(container.imagePullPolicy === "IfNotPresent"
        ? []
        : [`imagePullPolicy is ${container.imagePullPolicy ?? "unset"}, not IfNotPresent`]),
    ]),
};

const podSecurity: Rule = {
  id: "RULES-3/pod-security",
  why: "The Pod Security Standard restricted profile: a compromised model server must not become root on the node.",
  fix: "Keep the pod spec as maas builds it; a model server image must run as a non-root user (UID 10001 in the examples) with a read-only root filesystem, writing only to /tmp and the model cache.",
  description:
    "Non-root (UID >= 10000), no privilege escalation, read-only root, no capabilities, RuntimeDefault seccomp, no host access.",
  check: (objects) =>
    perContainer("RULES-3/pod-security", objects, (container, pod) => {
      const own = container.securityContext ?? {};
      const runAsNonRoot = own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const runAsUser = own.runAsUser ?? pod.securityContext?.runAsUser;
      const seccomp = own.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      const volumes = pod.volumes ?? [];
      const tmp = (container.volumeMounts ?? []).find((mount) => mount.mountPath === "/tmp");
      return [
        ...(runAsNonRoot === true ? [] : ["runAsNonRoot is not true"]),
        ...(runAsUser !== undefined && runAsUser >= 10000
          ? []
          : [`runAsUser ${String(runAsUser)} is not a UID >= 10000`]),
        ...(own.allowPrivilegeEscalation === false
          ? []
          : ["allowPrivilegeEscalation is not false"]),
        ...(own.readOnlyRootFilesystem === true ? [] : ["readOnlyRootFilesystem is not true"]),
        ...((own.capabilities?.drop ?? []).includes("ALL") ? [] : ["capabilities do not drop ALL"]),
        ...(own.capabilities?.add?.length ? ["adds capabilities"] : []),
        ...(seccomp === "RuntimeDefault" ? [] : ["seccompProfile is not RuntimeDefault"]),
        ...(own.privileged === true ? ["is privileged"] : []),
        ...(pod.hostNetwork || pod.hostPID || pod.hostIPC
          ? ["uses the host's network, PID or IPC namespace"]
          : []),
        ...(volumes.some((volume) => volume.hostPath) ? ["mounts a hostPath volume"] : []),
        ...((container.ports ?? []).some((port) => port.hostPort !== undefined)
          ? ["binds a hostPort"]
          : []),
        ...(volumes.some((volume) => volume.name === tmp?.name && volume.emptyDir)
          ? []
          : ["has no emptyDir at /tmp (the root filesystem is read-only)"]),
      ];
    }),
};

function probePort(probe: IProbe | undefined): string | number | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port;
}

const probes: Rule = {
  id: "RULES-4/probes",
  why: "Without readiness the load balancer sends requests to pods still loading their model; a liveness probe identical to readiness restarts pods that are merely busy (kube-score pod-probes).",
  fix: "Give healthCheck.path (readiness and startup), optionally healthCheck.livenessPath, and healthCheck.startupSeconds long enough to load the model.",
  description:
    "Readiness on every container, liveness distinct from readiness, a startup probe, probes on declared ports.",
  check: (objects) =>
    perContainer("RULES-4/probes", objects, (container) => {
      const declared = new Set<string | number>(
        (container.ports ?? []).flatMap((port) => [
          port.containerPort,
          ...(port.name ? [port.name] : []),
        ]),
      );
      const problems: string[] = [];
      if (!container.readinessProbe) problems.push("has no readinessProbe");
      if (!container.livenessProbe) problems.push("has no livenessProbe");
      if (!container.startupProbe) problems.push("has no startupProbe for slow model loads");
      if (
        container.readinessProbe &&
        JSON.stringify(container.readinessProbe) === JSON.stringify(container.livenessProbe)
      ) {
        problems.push("livenessProbe is identical to readinessProbe");
      }
      const byKind = {
        readiness: container.readinessProbe,
        liveness: container.livenessProbe,
        startup: container.startupProbe,
      };
      for (const [kind, probe] of Object.entries(byKind)) {
        const port = probePort(probe);
        if (port !== undefined && !declared.has(port))
          problems.push(`${kind} probe port ${port} is not a declared container port`);
      }
      return problems;
    }),
};

const gracefulShutdown: Rule = {
  id: "RULES-5/graceful-shutdown",
  why: "A pod must leave the load balancer before it stops, or requests in flight and those routed during deregistration fail.",
  fix: "Keep the preStop delay and grace period maas sets (components/specs/shutdown.ts); the server should finish in-flight requests on SIGTERM.",
  description: "A preStop delay, and a termination grace period longer than it.",
  check: (objects) =>
    perContainer("RULES-5/graceful-shutdown", objects, (container, pod) => {
      const preStop = container.lifecycle?.preStop;
      if (!preStop?.sleep && !preStop?.exec)
        return ["has no preStop delay: the load balancer would still send to a stopping pod"];
      const delay = preStop.sleep?.seconds;
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      return delay !== undefined && grace <= delay
        ? [`terminationGracePeriodSeconds ${grace} is not longer than the preStop delay ${delay}`]
        : [];
    }),
};

const deploymentStrategy: Rule = {
  id: "RULES-6/deployment-strategy",
  why: "Rolling updates must never drop below the serving capacity and must fail visibly when they stall; replicas fought over by the HPA restart pods on every apply.",
  fix: "Keep maxUnavailable 0, maxSurge 1 and the progress deadline maas sets; replicas only at the HPA's minimum, which Pulumi then leaves to the HPA.",
  description:
    "Selector within template labels; RollingUpdate with maxUnavailable 0 and maxSurge >= 1; progress deadline above minReadySeconds; under an HPA, replicas only as the first rollout's size (the HPA's minimum).",
  check: (objects) =>
    ofKind(objects, "Deployment").flatMap((deployment) => {
      const spec = deployment.spec;
      const rolling = spec?.strategy?.rollingUpdate;
      const surge = rolling?.maxSurge;
      const autoscaler = ofKind(objects, "HorizontalPodAutoscaler").find(
        (hpa) =>
          sameNamespace(hpa, deployment) &&
          hpa.spec?.scaleTargetRef.name === deployment.metadata.name,
      );
      return report("RULES-6/deployment-strategy", deployment, [
        ...(labelSelectorMatches(spec?.selector.matchLabels, spec?.template.metadata?.labels)
          ? []
          : ["selector is not contained in the pod template's labels"]),
        ...(spec?.strategy?.type === "RollingUpdate" ? [] : ["strategy is not RollingUpdate"]),
        ...(rolling?.maxUnavailable === 0
          ? []
          : [`maxUnavailable is ${String(rolling?.maxUnavailable)}, not 0`]),
        ...((typeof surge === "number" && surge >= 1) ||
        (typeof surge === "string" && /^[1-9][0-9]*%$/.test(surge))
          ? []
          : ["maxSurge is below 1"]),
        ...((spec?.progressDeadlineSeconds ?? 600) > (spec?.minReadySeconds ?? 0)
          ? []
          : ["progressDeadlineSeconds is not above minReadySeconds"]),
        // A first rollout at the HPA's minimum (so traffic never lands on a single new pod) is
        // fine; any other count would fight the HPA on every apply.
        ...(autoscaler &&
        spec?.replicas !== undefined &&
        spec.replicas !== (autoscaler.spec?.minReplicas ?? 1)
          ? [
              `sets replicas ${spec.replicas} although an HPA scales it (only its minReplicas ${autoscaler.spec?.minReplicas ?? 1}, as the first rollout's size, is allowed)`,
            ]
          : []),
      ]);
    }),
};

const topologySpread: Rule = {
  id: "RULES-7/topology-spread",
  why: "Replicas of one version on one node or zone fail together.",
  fix: "Keep the topology spread constraints; run at least two replicas (autoscaling.minReplicas).",
  description: "Replicas spread across zones and nodes with constraints that select the pods.",
  check: (objects) =>
    podTemplates(objects).flatMap(({ owner, labels, spec }) => {
      const constraints = spec.topologySpreadConstraints ?? [];
      const keys = new Set(constraints.map((constraint) => constraint.topologyKey));
      return report("RULES-7/topology-spread", owner, [
        ...(keys.has("topology.kubernetes.io/zone") ? [] : ["does not spread across zones"]),
        ...(keys.has("kubernetes.io/hostname") ? [] : ["does not spread across nodes"]),
        ...constraints
          .filter((c) => !labelSelectorMatches(c.labelSelector?.matchLabels, labels))
          .map((c) => `spread constraint on ${c.topologyKey} does not select the pods`),
      ]);
    }),
};

export const WORKLOAD_RULES: Rule[] = [
  containerResources,
  imagePinned,
  podSecurity,
  probes,
  gracefulShutdown,
  deploymentStrategy,
  topologySpread,
];
