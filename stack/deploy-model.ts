/**
 * deployModel(): everything one model gets, in the order the way from one state to the next
 * needs (model-version.ts, model-traffic.ts).
 */
import { servedVersions } from "../catalogue";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import type { ConsumerAuth } from "../catalogue/schema";
import {
  frontDoorApiName,
  frontDoorMetricNamespace,
  modelNamespace,
  repositoryName,
  roleName,
} from "../catalogue/names";
import { PINNED_LISTENER_PORT } from "../components/ingress";
import { ModelIdentity } from "../components/model-identity";
import { ModelImages } from "../components/model-images";
import { ModelMonitoring } from "../components/model-monitoring";
import { ModelRecords } from "../components/model-records";
import { ModelRouting } from "../components/model-routing";
import { ModelService } from "../components/model-service";
import { ModelTraffic } from "../components/model-traffic";
import { PinnedRoute } from "../components/pinned-route";
import { endpointPath } from "../components/specs/routing";
import { deployedModel } from "../rollout/effective";
import type { DeployedModel } from "./outputs";
import { GPU_TOLERATIONS, POD_IDENTITY_AGENT } from "./platform";
import type { Shared } from "./shared";
import { modelTags, versionTags } from "./tags";

/** Who may call the model through the front door, with the API each calls (its dashboard rows). */
function frontDoorCallers(
  model: ResolvedModel,
  consumerAuth: Map<string, ConsumerAuth> | undefined,
  deployment: string,
): { callers?: { consumer: string; api: string }[]; frontDoorNamespace?: string } {
  if (!consumerAuth || !model.access) return {};
  return {
    callers: model.access.map((consumer) => ({
      consumer,
      api: frontDoorApiName(deployment, consumerAuth.get(consumer) ?? "sigv4"),
    })),
    frontDoorNamespace: frontDoorMetricNamespace(deployment),
  };
}

/**
 * Everything one model gets. A model whose versions are all retired keeps its images and its
 * registry items (history) and nothing else: no workloads, routing, alarms or dashboard.
 */
export function deployModel(catalogueModel: ResolvedModel, shared: Shared): DeployedModel {
  const { settings, registry, onAws } = shared;
  const rollout = shared.rollouts[catalogueModel.name];
  // What runs follows the rollout record (weights, capacity); the registry keeps the catalogue's word.
  const model = rollout ? deployedModel(catalogueModel, rollout) : catalogueModel;
  const images = new ModelImages(
    model.name,
    {
      model,
      repositoryName: repositoryName(settings.deployment, model.name),
      kmsKeyArn: registry.keyArn,
      keepImages: settings.images.keep,
      platform: settings.images.platform,
      tags: modelTags(model),
      ...(rollout ? { pinned: rollout.pinnedImages } : {}),
    },
    onAws,
  );
  new ModelRecords(
    model.name,
    {
      model: catalogueModel,
      environment: settings.environment,
      tableName: registry.table,
      bucketName: registry.bucket,
      images: images.references,
      imageRecordNames: shared.imageRecordNames,
    },
    onAws,
  );
  const repository = images.repository ? { repositoryUrl: images.repository.repositoryUrl } : {};
  if (servedVersions(model).length === 0) return { ...repository, versions: {} };

  const loadBalancer = shared.loadBalancers[model.routing.loadBalancer]!;
  const serviceAccount = {
    namespace: modelNamespace(model.name),
    serviceAccount: modelNamespace(model.name),
  };
  const identity = new ModelIdentity(
    model.name,
    {
      model: model.name,
      roleName: roleName(settings.deployment, model.name),
      serviceAccount,
      binding: settings.identity,
      bucketArn: registry.bucketArn,
      keyArn: registry.keyArn,
      region: settings.region,
      tags: modelTags(model),
    },
    onAws,
  );
  const routing = new ModelRouting(
    model.name,
    {
      stack: settings.deployment,
      model,
      vpcId: settings.ingress.vpcId,
      loadBalancer: {
        internal: !settings.ingress.internetFacing,
        vpcId: settings.ingress.vpcId,
        name: model.routing.loadBalancer,
      },
      readinessListenerArn: loadBalancer.readinessListenerArn,
      routing: settings.ingress.routing,
      modelTags: modelTags(model),
      versionTags: (version) => versionTags(model, version),
    },
    onAws,
  );
  const service = new ModelService(
    model.name,
    {
      model,
      images: images.references,
      artifactBucket: registry.bucket,
      ...(identity.serviceAccountAnnotations
        ? { serviceAccountAnnotations: identity.serviceAccountAnnotations }
        : {}),
      podIngressSources: shared.podIngressSources,
      // The agent stays reachable while the roles trust Pod Identity at all: pods admitted
      // with it keep renewing through it until a switch to IRSA has replaced them.
      ...(settings.identity.clusterName !== undefined
        ? {
            extraEgress: [
              {
                to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }],
                ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }],
              },
            ],
          }
        : {}),
      gpu: { nodeSelector: settings.gpu.nodeSelector, tolerations: GPU_TOLERATIONS },
      targetGroups: Object.fromEntries(
        Object.entries(routing.targetGroups).map(([version, group]) => [
          version,
          { arn: group.arn, name: routing.targetGroupNames[version]! },
        ]),
      ),
      vpcId: settings.ingress.vpcId,
      loadBalancerSecurityGroupId: loadBalancer.securityGroupId,
      admission: [...identity.admission, routing.readinessRule!],
      identity: identity.podIdentity,
      loadBalancerIdleSeconds: shared.idleTimeouts[model.routing.loadBalancer],
    },
    shared.onKubernetes(),
  );
  const traffic = new ModelTraffic(
    model.name,
    {
      model,
      listenerArn: loadBalancer.listenerArn,
      targetGroups: routing.targetGroups,
      ready: Object.values(service.versions).map((version) => version.deployment),
      routing: settings.ingress.routing,
      frontDoor: shared.consumerAuth !== undefined,
      tags: modelTags(model),
    },
    onAws,
  );
  shared.frontDoorRouting?.routed(model.name, [traffic]);
  const pinnedVersion = rollout?.pinnedVersion;
  const pinned = pinnedVersion
    ? new PinnedRoute(
        model.name,
        {
          model: model.name,
          priority: model.routing.priority,
          listenerArn: loadBalancer.pinnedListenerArn,
          targetGroupArn: routing.targetGroups[pinnedVersion]!.arn,
          routing: settings.ingress.routing,
          tags: versionTags(model, pinnedVersion),
        },
        onAws,
      )
    : undefined;
  const monitoring = new ModelMonitoring(
    model.name,
    {
      stack: settings.deployment,
      region: settings.region,
      model,
      loadBalancerArnSuffix: loadBalancer.arnSuffix,
      targetGroupArnSuffixes: Object.fromEntries(
        Object.entries(routing.targetGroups).map(([version, group]) => [version, group.arnSuffix]),
      ),
      alarmTopicArn: shared.alarmTopicArn,
      timing: settings.alarms,
      versionTags: (version) => versionTags(model, version),
      ...frontDoorCallers(model, shared.consumerAuth, settings.deployment),
    },
    onAws,
  );
  const endpoint = endpointPath(model.name, settings.ingress.routing);
  return {
    endpoint: pulumi.interpolate`${loadBalancer.scheme}://${endpoint.host ?? loadBalancer.dnsName}${endpoint.path}`,
    dashboardUrl: monitoring.dashboardUrl,
    namespace: service.namespace,
    roleArn: identity.role.arn,
    ...repository,
    versions: Object.fromEntries(
      Object.entries(service.versions).map(([version, workload]) => [
        version,
        {
          serviceDnsName: workload.serviceDnsName,
          image: images.references[version]!,
          targetGroupArn: routing.targetGroups[version]!.arn,
        },
      ]),
    ),
    rollout: {
      trafficRule: traffic.rule.urn,
      ...(pinned ? { pinnedRoute: pinned.rule.urn } : {}),
      autoscalers: Object.fromEntries(
        Object.entries(service.versions).map(([version, workload]) => [
          version,
          workload.autoscaler.urn,
        ]),
      ),
      ruleArn: traffic.rule.arn,
      loadBalancerArnSuffix: loadBalancer.arnSuffix,
      targetGroups: Object.fromEntries(
        Object.entries(routing.targetGroups).map(([version, group]) => [
          version,
          { arn: group.arn, arnSuffix: group.arnSuffix },
        ]),
      ),
      ...(pinned
        ? {
            pinnedUrl: pulumi.interpolate`http://${loadBalancer.dnsName}:${PINNED_LISTENER_PORT}${endpoint.host === undefined ? endpoint.path : "/"}`,
            ...(endpoint.host === undefined ? {} : { pinnedHost: endpoint.host }),
          }
        : {}),
    },
  };
}
