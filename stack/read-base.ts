/** A shard stack's shared infrastructure, read from its base stack's outputs. */
import * as pulumi from "@pulumi/pulumi";
import type { SharedLoadBalancer, SharedRegistry } from "./outputs";
import type { Providers } from "./providers";
import type { StackSettings } from "./settings";
import type { Shared } from "./shared";

/**
 * A shard's shared infrastructure is its base stack's: read through a StackReference (the base
 * is a stack of this project, in this organization). A load balancer the base does not have yet
 * stops the shard with what to do: the base's `pulumi up` comes first.
 */
export function readShared(
  settings: StackSettings,
  baseStack: string,
  loadBalancers: string[],
  providers: Providers,
): Omit<Shared, "rollouts" | "podIngressSources" | "imageRecordNames" | "idleTimeouts"> {
  const baseName = `${pulumi.getOrganization()}/${settings.project}/${baseStack}`;
  const base = new pulumi.StackReference("base", { name: baseName });
  const registry = base.requireOutput("registry") as pulumi.Output<Record<string, string>>;
  const field = (key: keyof SharedRegistry) => registry.apply((values) => values[key]!);
  const exported = base.requireOutput("loadBalancers") as pulumi.Output<
    Record<string, Record<keyof SharedLoadBalancer, string>>
  >;
  const loadBalancer = (name: string): SharedLoadBalancer => {
    const values = exported.apply((all) => {
      const found = all[name];
      if (!found)
        throw new pulumi.RunError(
          `the base stack ${baseName} has no load balancer ${name} (models of shard ${settings.layout.kind === "shard" ? settings.layout.shard : ""} use it): run pulumi up on the base stack first`,
        );
      return found;
    });
    const value = (key: keyof SharedLoadBalancer) => values.apply((found) => found[key]);
    return {
      dnsName: value("dnsName"),
      scheme: value("scheme"),
      arnSuffix: value("arnSuffix"),
      listenerArn: value("listenerArn"),
      readinessListenerArn: value("readinessListenerArn"),
      pinnedListenerArn: value("pinnedListenerArn"),
      securityGroupId: value("securityGroupId"),
    };
  };
  return {
    settings,
    onAws: providers.onAws,
    onKubernetes: providers.onKubernetes,
    registry: {
      bucket: field("bucket"),
      bucketArn: field("bucketArn"),
      table: field("table"),
      rolloutsTable: field("rolloutsTable"),
      keyArn: field("keyArn"),
    },
    loadBalancers: Object.fromEntries(loadBalancers.map((name) => [name, loadBalancer(name)])),
    alarmTopicArn: base.requireOutput("alarmTopicArn") as pulumi.Output<string>,
  };
}
