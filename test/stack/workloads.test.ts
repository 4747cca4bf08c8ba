/**
 * Kubernetes side of deploy(), through the mock runtime: per model a namespace, ServiceAccount
 * and NetworkPolicies; per served version a Deployment, Service, HPA and PDB; none for retired.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { projectPlans } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

type Json = Record<string, any>;

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NAMESPACE = "kubernetes:core/v1:Namespace";

let dev: PlanFixture;
let prod: PlanFixture;

beforeAll(async () => ({ dev, prod } = await projectPlans()));

const container = (fixture: PlanFixture, name: string) =>
  fixture.inputs(DEPLOYMENT, name).spec.template.spec.containers[0] as Json;

describe("per model", () => {
  it("creates one namespace per model, labelled for Pod Security Admission restricted", () => {
    expect(dev.ofType(NAMESPACE).map((r) => (r.inputs as Json).metadata.name)).toEqual([
      "fraud-scorer",
      "image-classifier",
      "text-embedder",
    ]);
    const labels = dev.inputs(NAMESPACE, "text-embedder").metadata.labels as Json;
    for (const mode of ["enforce", "warn", "audit"])
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
    expect(labels["maas/owner"]).toBe("search-team");
    // The load balancer controller injects readiness gates only where this label is set.
    expect(labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBe("enabled");
  });

  it("gives each model its own ServiceAccount bound to its IAM role (IRSA in dev), without an API token", () => {
    const account = dev.inputs("kubernetes:core/v1:ServiceAccount", "image-classifier");
    expect(account.metadata).toMatchObject({
      name: "image-classifier",
      namespace: "image-classifier",
    });
    expect(account.metadata.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/maas-dev_image-classifier",
    });
    expect(account.automountServiceAccountToken).toBe(false);
  });

  it("uses EKS Pod Identity in prod: an association per model, no annotation, egress to the agent", () => {
    const association = prod.one(
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "image-classifier",
    ).inputs as Json;
    expect(association).toMatchObject({
      clusterName: "maas-prod",
      namespace: "image-classifier",
      serviceAccount: "image-classifier",
    });
    expect(
      prod.inputs("kubernetes:core/v1:ServiceAccount", "image-classifier").metadata.annotations,
    ).toBeUndefined();
    const egress = prod.inputs(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "image-classifier-model-traffic",
    ).spec.egress as Json[];
    expect(egress).toContainEqual({
      to: [{ ipBlock: { cidr: "169.254.170.23/32" } }],
      ports: [{ protocol: "TCP", port: 80 }],
    });
  });

  it("denies all traffic by default and admits only the model's named port from the VPC, DNS and HTTPS out", () => {
    expect(
      dev.inputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", "image-classifier-deny-all").spec,
    ).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
    const allow = dev.inputs(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "image-classifier-model-traffic",
    ).spec;
    expect(allow.podSelector).toEqual({
      matchLabels: { "app.kubernetes.io/name": "image-classifier" },
    });
    expect(allow.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: "http" }] },
    ]);
    expect((allow.egress as Json[]).map((rule) => rule.ports)).toEqual([
      [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
      [{ protocol: "TCP", port: 443 }],
    ]);
  });
});

describe("per version", () => {
  it("creates a Deployment, Service, HPA and PDB for every served version and none for the retired one", () => {
    const served = [
      "fraud-scorer-v3-2-1",
      "image-classifier-v1-4-0",
      "image-classifier-v1-5-0",
      "text-embedder-v1-9-2",
      "text-embedder-v2-0-0",
    ];
    for (const type of [DEPLOYMENT, SERVICE, HPA, PDB])
      expect(dev.ofType(type).map((r) => r.name)).toEqual(served);
    expect(dev.ofType(DEPLOYMENT).filter((r) => r.name.includes("v1-8-0"))).toEqual([]);
  });

  it("starts a rollout at the HPA's minimum and leaves the replica count to the HPA afterwards", () => {
    for (const deployment of prod.ofType(DEPLOYMENT)) {
      expect((deployment.inputs as Json).spec.replicas).toBe(
        prod.inputs(HPA, deployment.name).spec.minReplicas,
      );
      expect(deployment.options?.ignoreChanges).toEqual(["spec.replicas"]);
    }
  });

  it("admits pods only after what admission hands them: the binding (readiness gates), the role's policy, the association", () => {
    const deployment = prod.one(DEPLOYMENT, "image-classifier-v1-5-0");
    const urnOf = (type: string, name: string) => prod.one(type, name).urn;
    expect(deployment.dependencies).toEqual(
      expect.arrayContaining([
        urnOf("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "image-classifier-v1-5-0"),
        urnOf("aws:iam/rolePolicy:RolePolicy", "image-classifier-artifacts"),
        urnOf("aws:eks/podIdentityAssociation:PodIdentityAssociation", "image-classifier"),
        prod.one("aws:lb/listenerRule:ListenerRule", "image-classifier-readiness").urn,
      ]),
    );
    // The pods name their binding: a new target group (and so a new binding) rolls them, and
    // the new pods get the new binding's readiness gate.
    expect(
      (deployment.inputs as Json).spec.template.metadata.annotations["maas/target-group-binding"],
    ).toBe(
      prod.inputs("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "image-classifier-v1-5-0")
        .metadata.name,
    );
  });

  it("scales between the resolved min and max, with the environment overlay applied", () => {
    expect(dev.inputs(HPA, "image-classifier-v1-4-0").spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 2,
    });
    expect(prod.inputs(HPA, "image-classifier-v1-4-0").spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
    });
    expect(prod.inputs(HPA, "text-embedder-v2-0-0").spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 4,
    });
  });

  it("points the HPA at the version's Deployment by its (auto-assigned) name", () => {
    const deploymentName = "image-classifier-v1-4-0";
    const target = dev.inputs(HPA, deploymentName).spec.scaleTargetRef as Json;
    expect(target).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
    expect(target.name).toMatch(/^image-classifier-v1-4-0-[0-9a-f]{8}$/);
    expect(dev.one(HPA, deploymentName).dependencies).toContain(
      dev.one(DEPLOYMENT, deploymentName).urn,
    );
  });

  it("runs a standby version at its minimum size like any other: warm for an instant rollback", () => {
    expect(prod.inputs(HPA, "text-embedder-v1-9-2").spec.minReplicas).toBe(3);
  });

  it("applies version-level overrides (the 1.5.0 canary's CPU)", () => {
    expect(container(dev, "image-classifier-v1-5-0").resources).toEqual({
      requests: { cpu: "1", memory: "1Gi", "ephemeral-storage": "2Gi" },
      limits: { memory: "1Gi" },
    });
    expect(container(dev, "image-classifier-v1-4-0").resources.requests.cpu).toBe("500m");
  });

  it("gives GPU models the GPU limit, toleration and the node selector from stack config", () => {
    const gpuPod = prod.inputs(DEPLOYMENT, "text-embedder-v2-0-0").spec.template.spec as Json;
    expect(gpuPod.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(gpuPod.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(gpuPod.nodeSelector).toEqual({
      "karpenter.k8s.aws/instance-gpu-manufacturer": "nvidia",
    });
    expect(dev.inputs(DEPLOYMENT, "text-embedder-v2-0-0").spec.template.spec.nodeSelector).toEqual({
      "nvidia.com/gpu.present": "true",
    });
    const cpuPod = prod.inputs(DEPLOYMENT, "fraud-scorer-v3-2-1").spec.template.spec as Json;
    expect(cpuPod.nodeSelector).toBeUndefined();
    expect(cpuPod.tolerations).toBeUndefined();
  });

  it("tells the server who it is and where its artifacts are", () => {
    const env = container(dev, "image-classifier-v1-5-0").env as Json[];
    expect(env.slice(0, 3)).toEqual([
      { name: "MODEL_NAME", value: "image-classifier" },
      { name: "MODEL_VERSION", value: "1.5.0" },
      {
        name: "MODEL_URI",
        value: expect.stringMatching(
          /^s3:\/\/registry-artifacts-[0-9a-f]{7}\/image-classifier\/1\.5\.0\/$/,
        ) as unknown,
      },
    ]);
    expect(container(dev, "fraud-scorer-v3-2-1").env).toContainEqual({
      name: "SCORE_THRESHOLD",
      value: "0.85",
    });
  });

  it("labels every per-version object with the model and version, and selects pods only by stable labels", () => {
    for (const type of [DEPLOYMENT, SERVICE, HPA, PDB]) {
      const labels = dev.inputs(type, "image-classifier-v1-5-0").metadata.labels as Json;
      expect(labels).toMatchObject({
        "app.kubernetes.io/name": "image-classifier",
        "app.kubernetes.io/version": "1.5.0",
      });
    }
    const deployment = dev.inputs(DEPLOYMENT, "image-classifier-v1-5-0").spec;
    expect(deployment.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "image-classifier",
      "maas/version": "1.5.0",
    });
    expect(dev.inputs(SERVICE, "image-classifier-v1-5-0").spec.selector).toEqual(
      deployment.selector.matchLabels,
    );
  });

  it("names Services after the version so DNS and the load balancer can refer to them", () => {
    const service = dev.inputs(SERVICE, "image-classifier-v1-5-0");
    expect(service.metadata.name).toBe("image-classifier-v1-5-0");
    expect(service.spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    });
    expect(dev.plan.outputs).toMatchObject({
      models: {
        "image-classifier": {
          versions: {
            "1.5.0": {
              serviceDnsName: "image-classifier-v1-5-0.image-classifier.svc.cluster.local",
            },
          },
        },
      },
    });
  });

  it("waits for rollouts no longer than the progress deadline allows", () => {
    expect(dev.one(DEPLOYMENT, "text-embedder-v2-0-0").options?.customTimeouts).toEqual({
      create: "25m",
      update: "25m",
    });
    expect(dev.inputs(DEPLOYMENT, "text-embedder-v2-0-0").spec.progressDeadlineSeconds).toBe(1200);
  });

  it("uses the explicit Kubernetes provider from stack config for every Kubernetes object", () => {
    const provider = dev.one("pulumi:providers:kubernetes", "kubernetes");
    expect(provider.inputs).toMatchObject({
      context: "arn:aws:eks:eu-west-1:123456789012:cluster/maas-dev",
      enableServerSideApply: "true",
    });
    for (const resource of dev.plan.resources.filter(
      (r) => r.custom && r.type.startsWith("kubernetes:"),
    )) {
      expect(resource.provider, resource.urn).toBe(provider.urn);
    }
  });
});
