/**
 * NetworkPolicies of a model's namespace: deny everything, then allow exactly what a model
 * server needs: requests on its ports from the VPC (the load balancer sends to pod IPs),
 * DNS, and HTTPS out (S3 for artifacts, STS for its IAM role).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { modelSelector } from "./labels";
import { PORT_NAME } from "./pod";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;

export function denyAllSpec(): Spec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

export interface ModelTrafficInputs {
  model: string;
  /** Who may reach the model port: the load balancers' addresses (stack/pod-ingress.ts, podIngressSources). */
  sources: pulumi.Input<string>[];
  /** Extra egress, e.g. the EKS Pod Identity agent. */
  extraEgress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}

export function allowModelTrafficSpec(inputs: ModelTrafficInputs): Spec {
  return {
    podSelector: { matchLabels: modelSelector(inputs.model) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: inputs.sources.map((cidr) => ({ ipBlock: { cidr } })),
        // The named container port, not its number: a model's port change then never edits this
        // policy, which would cut the old pods off while the rollout still needs them. The VPC
        // CNI's network policy controller resolves named ingress ports against the selected pods
        // (amazon-network-policy-controller-k8s, pkg/k8s/pod_utils.go, v1.0.8+ for ipBlock peers).
        ports: [{ protocol: "TCP", port: PORT_NAME }],
      },
    ],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      // S3 and STS have no fixed addresses a NetworkPolicy could name; HTTPS to anywhere is the
      // narrowest rule that works. The IAM role limits what the credentials can read.
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ...(inputs.extraEgress ?? []),
    ],
  };
}
