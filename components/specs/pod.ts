/**
 * The hardened pod of a model version: non-root, read-only root filesystem, no capabilities,
 * RuntimeDefault seccomp (Pod Security Standards "restricted"), probes that tell loading from
 * hanging, and a graceful shutdown timed with the load balancer (shutdown.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";
import { shutdownTiming } from "./shutdown";
import { versionLabels, versionSelector } from "./labels";

type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
type Container = k8s.types.input.core.v1.Container;
type Toleration = k8s.types.input.core.v1.Toleration;
type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;

/** The UID and GID the server runs as; the example images use the same (USER 10001). */
export const RUN_AS_ID = 10001;
export const CONTAINER_NAME = "server";
export const PORT_NAME = "http";
export const MODEL_CACHE_PATH = "/var/cache/model";
const TMP_SIZE = "256Mi";
const READINESS_PERIOD_SECONDS = 5;
const STARTUP_PERIOD_SECONDS = 5;

export interface GpuScheduling {
  /** Node labels of the GPU node group (stack config maas:gpuNodeSelector). */
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

export interface PodInputs {
  model: ResolvedModel;
  version: ResolvedVersion;
  /** Image reference pinned by digest. */
  image: pulumi.Input<string>;
  /** `s3://<registry bucket>/<model>/<version>/`: where the server finds its artifacts. */
  artifactUri: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  gpu: GpuScheduling;
  /**
   * What the pods receive only when they are admitted (admission.ts): their readiness gate's
   * binding, their credentials. Named in the template, so a change rolls the pods.
   */
  admission: Record<string, pulumi.Input<string>>;
  /**
   * The idle timeout of the model's load balancer where raised above ALB's 60 s
   * (request-timing.ts): the server must keep idle connections open longer, or the load balancer
   * may send a request on one the server is closing (ALB guide, "Connection idle timeout": a 502).
   */
  loadBalancerIdleSeconds?: number;
}

/** The variable that tells the server its load balancer's raised idle timeout. */
export const IDLE_TIMEOUT_ENV = "LOAD_BALANCER_IDLE_SECONDS";

export function podTemplate(inputs: PodInputs): PodTemplateSpec {
  const { model, version } = inputs;
  const shutdown = shutdownTiming(model);
  return {
    metadata: { labels: versionLabels(model, version), annotations: inputs.admission },
    spec: {
      serviceAccountName: inputs.serviceAccountName,
      // IRSA and Pod Identity inject their own projected token; the API token is not needed.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: shutdown.terminationGraceSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_ID,
        runAsGroup: RUN_AS_ID,
        fsGroup: RUN_AS_ID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [serverContainer(inputs, shutdown.preStopSeconds)],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: TMP_SIZE } },
        { name: "model-cache", emptyDir: { sizeLimit: version.resources.modelCache } },
      ],
      topologySpreadConstraints: spreadConstraints(model.name, version.version),
      ...(version.gpu
        ? { nodeSelector: inputs.gpu.nodeSelector, tolerations: inputs.gpu.tolerations }
        : {}),
    },
  };
}

function serverContainer(inputs: PodInputs, preStopSeconds: number): Container {
  const { model, version } = inputs;
  const gpu: Record<string, string> = version.gpu
    ? { "nvidia.com/gpu": String(version.gpu.count) }
    : {};
  return {
    name: CONTAINER_NAME,
    image: inputs.image,
    // The image is pinned by digest, so the cached copy is always the right one (RULES 2).
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: PORT_NAME, containerPort: version.port, protocol: "TCP" }],
    env: [
      { name: "MODEL_NAME", value: model.name },
      { name: "MODEL_VERSION", value: version.version },
      { name: "MODEL_URI", value: inputs.artifactUri },
      { name: "MODEL_CACHE_DIR", value: MODEL_CACHE_PATH },
      { name: "PORT", value: String(version.port) },
      ...(inputs.loadBalancerIdleSeconds === undefined
        ? []
        : [{ name: IDLE_TIMEOUT_ENV, value: String(inputs.loadBalancerIdleSeconds) }]),
      ...Object.entries(version.env).map(([name, value]) => ({ name, value })),
    ],
    resources: {
      // No CPU limit: throttling a model server only adds latency; memory is limited at its request.
      requests: {
        cpu: version.resources.cpu,
        memory: version.resources.memory,
        "ephemeral-storage": version.resources.modelCache,
        ...gpu,
      },
      limits: { memory: version.resources.memory, ...gpu },
    },
    readinessProbe: {
      httpGet: { path: version.healthCheck.path, port: PORT_NAME },
      periodSeconds: READINESS_PERIOD_SECONDS,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: {
      ...(version.healthCheck.livenessPath
        ? { httpGet: { path: version.healthCheck.livenessPath, port: PORT_NAME } }
        : { tcpSocket: { port: PORT_NAME } }),
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    // Liveness waits until the model has loaded: startupSeconds of readiness checks.
    startupProbe: {
      httpGet: { path: version.healthCheck.path, port: PORT_NAME },
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: 2,
      failureThreshold: Math.ceil(version.healthCheck.startupSeconds / STARTUP_PERIOD_SECONDS),
    },
    // Needs Kubernetes 1.30+ (sleep action): no shell or sleep binary required in the image.
    lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: RUN_AS_ID,
      runAsGroup: RUN_AS_ID,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: "tmp", mountPath: "/tmp" },
      { name: "model-cache", mountPath: MODEL_CACHE_PATH },
    ],
  };
}

/**
 * Spread replicas across zones and nodes. ScheduleAnyway: a GPU node group with one node in
 * one zone must still run the model; the scheduler prefers spreading but never refuses.
 * matchLabelKeys scopes the skew to one rollout's pods (pod-template-hash), Kubernetes 1.27+.
 */
function spreadConstraints(model: string, version: string): TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: versionSelector(model, version) },
    matchLabelKeys: ["pod-template-hash"],
  }));
}
