/** What a single or base stack has once: registry, alarm topic, load balancers, front door. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";
import { DEFAULT_LOAD_BALANCER } from "../catalogue/quotas";
import { rolloutTableName } from "../catalogue/names";
import { AlarmTopic } from "../components/alarm-topic";
import { Ingress } from "../components/ingress";
import { LoadBalancerAlarms } from "../components/load-balancer-alarms";
import { ModelRegistry } from "../components/registry";
import { FrontDoorLink } from "../components/front-door-link";
import { deployerPrincipalArns } from "../components/specs/front-door";
import { deployFrontDoor } from "./deploy-front-door";
import { FrontDoorRouting } from "./front-door-routing";
import { loadBalancerNames } from "./layout";
import type { SharedLoadBalancer } from "./outputs";
import type { Providers } from "./providers";
import type { StackSettings } from "./settings";
import type { Shared } from "./shared";

/**
 * What a single or base stack owns: registry, alarm topic, and one load balancer per name the
 * catalogue's served models use (a base serves every shard's models).
 */
export function deployShared(
  catalogue: ResolvedCatalogue,
  deployed: ResolvedCatalogue,
  settings: StackSettings,
  providers: Providers,
  idleTimeouts: Record<string, number>,
): Omit<Shared, "rollouts" | "podIngressSources" | "imageRecordNames" | "idleTimeouts"> {
  const { onAws } = providers;
  const account = aws.getCallerIdentityOutput({}, { provider: providers.aws });

  const registry = new ModelRegistry(
    "registry",
    {
      accountId: account.accountId,
      stack: settings.deployment,
      region: settings.region,
      catalogue: deployed,
      protect: settings.protect,
      rolloutTableName: rolloutTableName(settings.deployment),
    },
    onAws,
  );
  const alarmTopic = new AlarmTopic(
    "alarms",
    {
      stack: settings.deployment,
      accountId: account.accountId,
      region: settings.region,
      kmsKeyArn: registry.key.arn,
      emails: settings.alarms.emails,
    },
    onAws,
  );
  // With consumers, the load balancers admit only the front door's VPC link.
  const link = catalogue.consumers
    ? new FrontDoorLink(
        "front-door",
        {
          stack: settings.deployment,
          vpcId: settings.ingress.vpcId,
          subnetIds: settings.ingress.subnetIds,
          tags: {},
        },
        onAws,
      )
    : undefined;
  // One load balancer per name the served models use; `main` keeps the names it always had.
  const loadBalancers: Record<string, SharedLoadBalancer> = {};
  const loadBalancerArns: Record<string, pulumi.Output<string>> = {};
  for (const name of loadBalancerNames(catalogue.models)) {
    const suffix = name === DEFAULT_LOAD_BALANCER ? "" : `-${name}`;
    const ingress = new Ingress(
      `ingress${suffix}`,
      {
        stack: settings.deployment,
        name,
        settings: settings.ingress,
        vpcCidr: settings.network.vpcCidr,
        idleTimeout: idleTimeouts[name],
        ...(link ? { frontDoorSecurityGroupId: link.securityGroup.id } : {}),
        protect: settings.protect,
      },
      onAws,
    );
    loadBalancers[name] = {
      dnsName: ingress.loadBalancer.dnsName,
      scheme: pulumi.output(ingress.scheme),
      arnSuffix: ingress.loadBalancer.arnSuffix,
      listenerArn: ingress.listener.arn,
      readinessListenerArn: ingress.readinessListener.arn,
      pinnedListenerArn: ingress.pinnedListener.arn,
      securityGroupId: ingress.securityGroup.id,
    };
    loadBalancerArns[name] = ingress.loadBalancer.arn;
    new LoadBalancerAlarms(
      `load-balancer${suffix}`,
      {
        stack: settings.deployment,
        name,
        loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
        alarmTopicArn: alarmTopic.topic.arn,
        timing: settings.alarms,
      },
      onAws,
    );
  }
  const frontDoorRouting = link && catalogue.consumers ? new FrontDoorRouting() : undefined;
  const frontDoor =
    link && catalogue.consumers && frontDoorRouting
      ? deployFrontDoor(catalogue, settings, frontDoorRouting, {
          link,
          loadBalancers,
          loadBalancerArns,
          accountId: account.accountId,
          deployer: account.arn.apply(deployerPrincipalArns),
          alarmTopicArn: alarmTopic.topic.arn,
          onAws,
        })
      : undefined;
  return {
    settings,
    onAws,
    onKubernetes: providers.onKubernetes,
    ...(frontDoor ? { consumers: frontDoor.consumers } : {}),
    ...(frontDoor?.apiDomain ? { apiDomain: frontDoor.apiDomain } : {}),
    registry: {
      bucket: registry.bucketName,
      bucketArn: registry.bucket.arn,
      table: registry.tableName,
      rolloutsTable: registry.rollouts.name,
      keyArn: registry.key.arn,
    },
    loadBalancers,
    alarmTopicArn: alarmTopic.topic.arn,
    ...(frontDoorRouting ? { frontDoorRouting } : {}),
  };
}
