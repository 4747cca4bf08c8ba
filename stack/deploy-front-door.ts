/** The API Gateway front door of a single or base stack, and what its consumers are told. */
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";
import { FrontDoor } from "../components/front-door";
import type { FrontDoorBackend } from "../components/front-door-api";
import type { FrontDoorLink } from "../components/front-door-link";
import { endpointPath, FRONT_DOOR_PATH } from "../components/specs/routing";
import type { FrontDoorRouting } from "./front-door-routing";
import { frontDoorModels } from "./layout";
import type { DeployedApiDomain, DeployedConsumer, SharedLoadBalancer } from "./outputs";
import type { StackSettings } from "./settings";

/**
 * The front door of every served model of the catalogue (a base's covers its shards' models):
 * each integration calls the model's load balancer on its client listener, with the host and
 * path its listener rule matches (components/specs/routing.ts).
 */
export function deployFrontDoor(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  routedBy: FrontDoorRouting,
  shared: {
    link: FrontDoorLink;
    loadBalancers: Record<string, SharedLoadBalancer>;
    loadBalancerArns: Record<string, pulumi.Output<string>>;
    accountId: pulumi.Output<string>;
    deployer: pulumi.Output<string[]>;
    alarmTopicArn: pulumi.Output<string>;
    onAws: pulumi.ComponentResourceOptions;
  },
): { consumers: Record<string, DeployedConsumer>; apiDomain?: DeployedApiDomain } {
  const https = settings.ingress.certificateArn !== undefined;
  const port = https ? 443 : 80;
  const routing = settings.ingress.routing;
  const models: FrontDoorBackend[] = frontDoorModels(catalogue).map((model) => {
    const loadBalancer = shared.loadBalancers[model.routing.loadBalancer]!;
    const endpoint = endpointPath(model.name, routing);
    return {
      name: model.name,
      access: model.access,
      loadBalancerArn: shared.loadBalancerArns[model.routing.loadBalancer]!,
      origin: pulumi.interpolate`${https ? "https" : "http"}://${endpoint.host ?? loadBalancer.dnsName}:${port}`,
      // The listener rule matches /models/<m> and below (path routing), or the host and the
      // front door's own first segment (host routing: specs/routing.ts, frontDoorMatch).
      basePath:
        endpoint.host === undefined ? endpoint.path.replace(/\/$/, "") : `/${FRONT_DOOR_PATH}`,
      routedBy: routedBy.routedBy(model.name),
      ...(model.api ? { api: model.api } : {}),
    };
  });
  const consumers = catalogue.consumers ?? [];
  const frontDoor = new FrontDoor(
    "front-door",
    {
      stack: settings.deployment,
      region: settings.region,
      accountId: shared.accountId,
      deployer: shared.deployer,
      consumers,
      models,
      vpcLinkId: shared.link.vpcLink.id,
      alarmTopicArn: shared.alarmTopicArn,
      logRetentionDays: settings.frontDoor.logRetentionDays,
      ...(settings.frontDoor.domain ? { domain: settings.frontDoor.domain } : {}),
      disableExecuteApiEndpoint: settings.frontDoor.disableExecuteApiEndpoint,
      endpointAccessMode: settings.frontDoor.endpointAccessMode,
      tags: {},
    },
    shared.onAws,
  );
  const domain = frontDoor.domain;
  const apiDomain: DeployedApiDomain | undefined = domain
    ? {
        domainName: settings.frontDoor.domain!.name,
        regionalDomainName: domain.domainName.regionalDomainName,
        regionalZoneId: domain.domainName.regionalZoneId,
        dnsRecord: domain.record
          ? `an alias A record in Route 53 hosted zone ${settings.frontDoor.domain!.hostedZoneId!}, written by the stack`
          : "yours to create: an alias A record (Route 53) or a CNAME to regionalDomainName",
      }
    : undefined;
  const consumerOutputs = Object.fromEntries(
    consumers.map((consumer): [string, DeployedConsumer] => {
      const access = frontDoor.consumers[consumer.name];
      const granted = models.filter((m) => m.access.includes(consumer.name)).map((m) => m.name);
      const issuer = frontDoor.tokens;
      const token = issuer?.consumers[consumer.name];
      const tokens =
        issuer && token
          ? {
              tokenEndpoint: issuer.tokenEndpoint,
              clientId: token.client.id,
              clientSecretArn: token.secret.arn,
              scopes: token.scopes,
            }
          : {};
      // No model served (bootstrapping, or the last one retired): no API, so no stage or key yet.
      if (!access)
        return [
          consumer.name,
          {
            auth: consumer.auth,
            apiKeySecretKeyArn: frontDoor.key.arn,
            models: granted,
            ...tokens,
            note: "no model is served yet: the consumer's URL and key come with the first served model it may call",
          },
        ];
      const stableUrl = domain?.url(consumer.name);
      return [
        consumer.name,
        {
          auth: consumer.auth,
          // Off, the execute-api URL answers 403: only the stable one is handed out.
          ...(settings.frontDoor.disableExecuteApiEndpoint ? {} : { url: access.stage.invokeUrl }),
          ...(stableUrl ? { stableUrl } : {}),
          apiKeySecretArn: access.secret.arn,
          apiKeySecretKeyArn: frontDoor.key.arn,
          models: granted,
          ...tokens,
        },
      ];
    }),
  );
  return { consumers: consumerOutputs, ...(apiDomain ? { apiDomain } : {}) };
}
