/** Who may reach the model port on pods (NetworkPolicy ingress of every model). */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";
import type { Providers } from "./providers";
import type { StackSettings } from "./settings";

/**
 * Who may reach the model port on pods: maas:podIngressCidrs; else, behind a front door, the
 * load balancers' subnets (their CIDRs, looked up: the load balancers send from addresses in
 * them), so no other workload in the VPC calls a model around the door; else the VPC. The
 * kubelet's probes come from the pod's own node, which NetworkPolicy lets through on the CNIs
 * EKS runs (docs/front-door.md, "The front door").
 */
export function podIngressSources(
  settings: StackSettings,
  catalogue: ResolvedCatalogue,
  providers: Providers,
): pulumi.Input<string>[] {
  if (settings.network.podIngressCidrs) return settings.network.podIngressCidrs;
  if (!catalogue.consumers) return [settings.network.vpcCidr];
  return settings.ingress.subnetIds.map(
    (id) => aws.ec2.getSubnetOutput({ id }, { provider: providers.aws }).cidrBlock,
  );
}
