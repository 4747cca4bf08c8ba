/**
 * NetworkPolicies of a model's namespace: deny everything, then allow exactly what a model
 * server needs: requests on its ports from the VPC (the load balancer sends to pod IPs),
 * DNS, and HTTPS out (S3 for artifacts, STS for its IAM role).
 */
import type * as k8s from "@pulumi/kubernetes";
import { modelSelector } from "./labels";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;

export function denyAllSpec(): Spec {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

export interface ModelTrafficInputs {
  model: string;
  /** Container ports of the model's versions. */
  ports: number[];
  /** CIDR the load balancer's nodes live in (stack config maas:vpcCidr). */
  vpcCidr: string;
  /** Extra egress, e.g. the EKS Pod Identity agent. */
  extraEgress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}

export function allowModelTrafficSpec(inputs: ModelTrafficInputs): Spec {
  const ports = [...new Set(inputs.ports)].sort((a, b) => a - b);
  return {
    podSelector: { matchLabels: modelSelector(inputs.model) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: [{ ipBlock: { cidr: inputs.vpcCidr } }],
        ports: ports.map((port) => ({ protocol: "TCP", port })),
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
