/**
 * rules 8-14: autoscaling, disruption budgets, network policies, namespaces, service
 * accounts, labels and Services, checked across the plan's Kubernetes objects.
 */
import {
  describeObject,
  labelSelectorMatches,
  ofKind,
  podTemplates,
  report,
  sameNamespace,
  serviceSelects,
} from "./kubernetes-objects";
import type { KubernetesObject, Rule, Typed } from "./kubernetes-objects";

function autoscalerOf(
  objects: KubernetesObject[],
  deployment: Typed<"Deployment">,
): Typed<"HorizontalPodAutoscaler"> | undefined {
  return ofKind(objects, "HorizontalPodAutoscaler").find(
    (h) => sameNamespace(h, deployment) && h.spec?.scaleTargetRef.name === deployment.metadata.name,
  );
}

const autoscaling: Rule = {
  id: "RULES-8/autoscaling",
  why: "An HPA without a valid target or range never scales; a production version with one replica has no redundancy.",
  fix: "Set autoscaling.minReplicas (at least 2 in production) below autoscaling.maxReplicas.",
  description:
    "autoscaling/v2 HPAs target a Deployment of their namespace, max above min, scale-down stabilisation, metrics only on requested resources, min >= 2 in production.",
  check: (objects, context) =>
    ofKind(objects, "HorizontalPodAutoscaler").flatMap((hpa) => {
      const spec = hpa.spec;
      const min = spec?.minReplicas ?? 1;
      const max = spec?.maxReplicas ?? 0;
      const target = ofKind(objects, "Deployment").find(
        (d) => sameNamespace(d, hpa) && d.metadata.name === spec?.scaleTargetRef.name,
      );
      const requested = new Set(
        (target?.spec?.template.spec?.containers ?? []).flatMap((c) =>
          Object.keys(c.resources?.requests ?? {}),
        ),
      );
      const unrequested = (spec?.metrics ?? []).filter(
        (m) => m.type === "Resource" && !requested.has(m.resource?.name ?? ""),
      );
      // The type says autoscaling/v2; a plan's objects are data and may say otherwise.
      const apiVersion: string = hpa.apiVersion;
      return report("RULES-8/autoscaling", hpa, [
        ...(apiVersion === "autoscaling/v2" ? [] : [`uses ${apiVersion}, not autoscaling/v2`]),
        ...(target
          ? []
          : [
              `targets ${String(spec?.scaleTargetRef.name)}, which is no Deployment in its namespace`,
            ]),
        ...(max > min ? [] : [`maxReplicas ${max} is not above minReplicas ${min}`]),
        ...(spec?.behavior?.scaleDown?.stabilizationWindowSeconds !== undefined
          ? []
          : ["has no scale-down stabilisation window"]),
        ...unrequested.map((m) => `scales on ${String(m.resource?.name)} without a request for it`),
        ...(context.production && min < 2 ? [`minReplicas ${min} is below 2 in production`] : []),
      ]);
    }),
};

const disruptionBudgets: Rule = {
  id: "RULES-9/disruption-budget",
  why: "Node drains must not evict every replica of a version at once, nor be blocked forever by a budget that allows no disruption.",
  fix: "Keep the PodDisruptionBudget maas creates; run at least two replicas.",
  description:
    "A PDB for every Deployment, allowing at least one voluntary disruption and evicting unhealthy pods.",
  check: (objects) =>
    podTemplates(objects).flatMap(({ owner, labels }) => {
      const budget = ofKind(objects, "PodDisruptionBudget").find(
        (pdb) =>
          sameNamespace(pdb, owner) &&
          labelSelectorMatches(pdb.spec?.selector?.matchLabels, labels),
      );
      if (!budget)
        return report("RULES-9/disruption-budget", owner, ["has no PodDisruptionBudget"]);
      const { maxUnavailable, minAvailable, unhealthyPodEvictionPolicy } = budget.spec ?? {};
      const minimum = autoscalerOf(objects, owner)?.spec?.minReplicas ?? 1;
      return report("RULES-9/disruption-budget", budget, [
        ...(maxUnavailable === 0 || maxUnavailable === "0%"
          ? ["allows no voluntary disruption (maxUnavailable 0)"]
          : []),
        ...(typeof minAvailable === "number" && minAvailable >= minimum
          ? [`minAvailable ${minAvailable} is not below the HPA minimum ${minimum}`]
          : []),
        ...(unhealthyPodEvictionPolicy === "AlwaysAllow"
          ? []
          : ["unhealthyPodEvictionPolicy is not AlwaysAllow"]),
      ]);
    }),
};

const networkPolicies: Rule = {
  id: "RULES-10/network-policy",
  why: "Every pod is selected by a default-deny policy, so only the traffic a model server needs reaches it or leaves it.",
  fix: "Keep the NetworkPolicies maas creates; if the server needs another destination, add it deliberately in components/specs/network-policy.ts.",
  description:
    "Every namespace with pods denies all traffic by default, and every pod is selected by a policy for ingress and egress.",
  check: (objects) =>
    podTemplates(objects).flatMap(({ owner, labels }) => {
      const policies = ofKind(objects, "NetworkPolicy").filter((policy) =>
        sameNamespace(policy, owner),
      );
      const types = (policy: (typeof policies)[number]) => new Set(policy.spec?.policyTypes ?? []);
      const denyAll = policies.some((policy) => {
        const selectsAll =
          Object.keys(policy.spec?.podSelector.matchLabels ?? {}).length === 0 &&
          !policy.spec?.podSelector.matchExpressions;
        return (
          selectsAll &&
          types(policy).has("Ingress") &&
          types(policy).has("Egress") &&
          !policy.spec?.ingress &&
          !policy.spec?.egress
        );
      });
      const selecting = policies.filter((policy) =>
        labelSelectorMatches(policy.spec?.podSelector.matchLabels ?? {}, labels),
      );
      return report("RULES-10/network-policy", owner, [
        ...(denyAll
          ? []
          : [`namespace ${String(owner.metadata.namespace)} has no default-deny NetworkPolicy`]),
        ...(selecting.some((p) => types(p).has("Ingress"))
          ? []
          : ["pods are selected by no ingress policy"]),
        ...(selecting.some((p) => types(p).has("Egress"))
          ? []
          : ["pods are selected by no egress policy"]),
      ]);
    }),
};

const namespaces: Rule = {
  id: "RULES-11/namespaces",
  why: "The default namespace and missing Pod Security labels let pods run unrestricted.",
  fix: "Use a model name that is not a system namespace; keep the namespace labels maas sets.",
  description:
    "Nothing in the default namespace; namespaces enforce, warn and audit Pod Security restricted.",
  check: (objects) => [
    ...objects
      .filter((object) => object.metadata.namespace === "default")
      .map((object) => ({
        rule: "RULES-11/namespaces",
        object: describeObject(object),
        message: "lives in the default namespace",
        source: object,
      })),
    ...ofKind(objects, "Namespace").flatMap((namespace) =>
      report(
        "RULES-11/namespaces",
        namespace,
        ["enforce", "warn", "audit"]
          .filter(
            (mode) =>
              namespace.metadata.labels?.[`pod-security.kubernetes.io/${mode}`] !== "restricted",
          )
          .map((mode) => `pod-security.kubernetes.io/${mode} is not restricted`),
      ),
    ),
  ],
};

const serviceAccounts: Rule = {
  id: "RULES-12/service-account",
  why: "Pods must not run as the default ServiceAccount or mount an API token they do not need.",
  fix: "Keep the per-model ServiceAccount; credentials come from IRSA or Pod Identity.",
  description:
    "Pods run as a dedicated ServiceAccount of their namespace, without the API token mounted.",
  check: (objects) =>
    podTemplates(objects).flatMap(({ owner, spec }) => {
      const name = spec.serviceAccountName;
      const dedicated = name !== undefined && name !== "default";
      const account = ofKind(objects, "ServiceAccount").find(
        (sa) => sameNamespace(sa, owner) && sa.metadata.name === name,
      );
      return report("RULES-12/service-account", owner, [
        ...(dedicated ? [] : ["runs as the default ServiceAccount"]),
        ...(dedicated && !account
          ? [`ServiceAccount ${name} is not defined in its namespace`]
          : []),
        ...(spec.automountServiceAccountToken === false ||
        (spec.automountServiceAccountToken === undefined &&
          account?.automountServiceAccountToken === false)
          ? []
          : ["mounts the Kubernetes API token"]),
      ]);
    }),
};

const VERSION_LABELS = ["name", "instance", "version", "component", "part-of", "managed-by"].map(
  (label) => `app.kubernetes.io/${label}`,
);
const PER_VERSION_KINDS = [
  "Deployment",
  "Service",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
];

const recommendedLabels: Rule = {
  id: "RULES-13/recommended-labels",
  why: "Tools (dashboards, cost reports, kubectl selectors) find a version's objects by the recommended app.kubernetes.io labels.",
  fix: "Keep the labels maas sets (components/specs/labels.ts).",
  description: "Per-version objects and their pods carry the recommended app.kubernetes.io labels.",
  check: (objects) => [
    ...objects
      .filter((object) => PER_VERSION_KINDS.includes(object.kind))
      .flatMap((object) =>
        report(
          "RULES-13/recommended-labels",
          object,
          VERSION_LABELS.filter((label) => !object.metadata.labels?.[label]).map(
            (label) => `has no ${label} label`,
          ),
        ),
      ),
    ...podTemplates(objects).flatMap(({ owner, labels }) =>
      report(
        "RULES-13/recommended-labels",
        owner,
        VERSION_LABELS.filter((label) => !labels[label]).map(
          (label) => `pod template has no ${label} label`,
        ),
      ),
    ),
  ],
};

const services: Rule = {
  id: "RULES-14/services",
  why: "A Service that selects no pods, or is exposed beyond the cluster, sends the load balancer's traffic nowhere or opens a second door.",
  fix: "Keep the ClusterIP Service per version that maas creates.",
  description: "Services are ClusterIP and select the pods of a Deployment in their namespace.",
  check: (objects) =>
    ofKind(objects, "Service").flatMap((service) => {
      const type = service.spec?.type ?? "ClusterIP";
      const selected = podTemplates(objects).some(
        ({ owner, labels }) =>
          sameNamespace(owner, service) && serviceSelects(service.spec?.selector, labels),
      );
      return report("RULES-14/services", service, [
        ...(type === "ClusterIP" ? [] : [`type is ${type}, not ClusterIP`]),
        ...(selected ? [] : ["selects the pods of no Deployment"]),
      ]);
    }),
};

export const CLUSTER_RULES: Rule[] = [
  autoscaling,
  disruptionBudgets,
  networkPolicies,
  namespaces,
  serviceAccounts,
  recommendedLabels,
  services,
];
