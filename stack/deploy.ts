/**
 * deploy(catalogue, settings): everything the stack creates, from the resolved catalogue and
 * the stack settings. The same function runs under `pulumi up` and under the offline plan.
 * deployShared() is what the stack has once; deployModel() is everything one model gets, in the
 * order the way from one state to the next needs (model-version.ts, model-traffic.ts).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { DEFAULT_LOAD_BALANCER } from "../catalogue/quotas";
import { modelNamespace, repositoryName, roleName } from "../catalogue/names";
import { AlarmTopic } from "../components/alarm-topic";
import { Ingress } from "../components/ingress";
import { LoadBalancerAlarms } from "../components/load-balancer-alarms";
import { ModelIdentity } from "../components/model-identity";
import { ModelImages } from "../components/model-images";
import { ModelMonitoring } from "../components/model-monitoring";
import { ModelRecords } from "../components/model-records";
import { ModelRouting } from "../components/model-routing";
import { ModelService } from "../components/model-service";
import { ModelTraffic } from "../components/model-traffic";
import { ModelRegistry } from "../components/registry";
import { endpointPath, servedVersions } from "../components/specs/routing";
import type { StackSettings } from "./settings";
import { modelTags, stackTags, versionTags } from "./tags";

/** EKS Pod Identity agent address: pods fetch credentials from it (IPv4, port 80). */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };

/** GPU nodes carry this taint (EKS GPU AMIs, NVIDIA GPU operator); GPU pods tolerate it. */
const GPU_TOLERATIONS = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];

export interface DeployedVersion {
  serviceDnsName: pulumi.Output<string>;
  image: pulumi.Output<string>;
  targetGroupArn: pulumi.Output<string>;
}

export interface DeployedModel {
  /** Where clients send requests: the load balancer's address and the model's path or host. */
  endpoint?: pulumi.Output<string>;
  dashboardUrl?: string;
  namespace?: pulumi.Output<string>;
  roleArn?: pulumi.Output<string>;
  repositoryUrl?: pulumi.Output<string>;
  versions: Record<string, DeployedVersion>;
}

export interface DeployedStack {
  registry: { bucket: pulumi.Output<string>; table: pulumi.Output<string> };
  /** The load balancers models are served through, by name (`main` unless the catalogue names others). */
  loadBalancers: Record<string, { dnsName: pulumi.Output<string>; scheme: "http" | "https" }>;
  alarmTopicArn: pulumi.Output<string>;
  models: Record<string, DeployedModel>;
}

/** What every model uses: providers, registry, load balancer, alarm topic. */
interface Shared {
  settings: StackSettings;
  onAws: pulumi.ComponentResourceOptions;
  onKubernetes: pulumi.ComponentResourceOptions;
  registry: ModelRegistry;
  /** The load balancers, by name: each model is served through the one its routing names. */
  ingresses: Map<string, Ingress>;
  alarmTopic: AlarmTopic;
}

export function deploy(catalogue: ResolvedCatalogue, settings: StackSettings): DeployedStack {
  const shared = deployShared(catalogue, settings);
  const models = Object.fromEntries(
    catalogue.models.map((model) => [model.name, deployModel(model, shared)]),
  );
  return {
    registry: { bucket: shared.registry.bucketName, table: shared.registry.tableName },
    loadBalancers: Object.fromEntries(
      [...shared.ingresses].map(([name, ingress]) => [
        name,
        { dnsName: ingress.loadBalancer.dnsName, scheme: ingress.scheme },
      ]),
    ),
    alarmTopicArn: shared.alarmTopic.topic.arn,
    models,
  };
}

function deployShared(catalogue: ResolvedCatalogue, settings: StackSettings): Shared {
  const awsProvider = new aws.Provider("aws", {
    region: settings.region,
    defaultTags: { tags: stackTags(settings) },
  });
  // Built from stack config only: never whatever kubeconfig context happens to be current.
  const kubernetes = new k8s.Provider("kubernetes", {
    ...(settings.kubernetes.kubeconfig
      ? { kubeconfig: settings.kubernetes.kubeconfig }
      : { context: settings.kubernetes.context }),
    enableServerSideApply: true,
  });
  const onAws = { providers: [awsProvider] };
  const account = aws.getCallerIdentityOutput({}, { provider: awsProvider });

  const registry = new ModelRegistry(
    "registry",
    {
      accountId: account.accountId,
      stack: settings.stack,
      region: settings.region,
      catalogue,
      protect: settings.protect,
    },
    onAws,
  );
  const alarmTopic = new AlarmTopic(
    "alarms",
    {
      stack: settings.stack,
      accountId: account.accountId,
      region: settings.region,
      kmsKeyArn: registry.key.arn,
      emails: settings.alarms.emails,
    },
    onAws,
  );
  // One load balancer per name the served models use; `main` keeps the names it always had.
  const names = [
    ...new Set(
      catalogue.models
        .filter((model) => servedVersions(model).length > 0)
        .map((model) => model.routing.loadBalancer),
    ),
  ].sort();
  const ingresses = new Map<string, Ingress>();
  for (const name of names) {
    const suffix = name === DEFAULT_LOAD_BALANCER ? "" : `-${name}`;
    const ingress = new Ingress(
      `ingress${suffix}`,
      {
        stack: settings.stack,
        name,
        vpcId: settings.ingress.vpcId,
        vpcCidr: settings.network.vpcCidr,
        subnetIds: settings.ingress.subnetIds,
        internetFacing: settings.ingress.internetFacing,
        allowedCidrs: settings.ingress.allowedCidrs,
        ...(settings.ingress.certificateArn
          ? { certificateArn: settings.ingress.certificateArn }
          : {}),
        ...(settings.ingress.accessLogsBucket
          ? { accessLogsBucket: settings.ingress.accessLogsBucket }
          : {}),
        protect: settings.protect,
      },
      onAws,
    );
    ingresses.set(name, ingress);
    new LoadBalancerAlarms(
      `load-balancer${suffix}`,
      {
        stack: settings.stack,
        name,
        loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
        alarmTopicArn: alarmTopic.topic.arn,
        timing: settings.alarms,
      },
      onAws,
    );
  }
  return {
    settings,
    onAws,
    onKubernetes: { providers: [kubernetes] },
    registry,
    ingresses,
    alarmTopic,
  };
}

/**
 * Everything one model gets. A model whose versions are all retired keeps its images and its
 * registry items (history) and nothing else: no workloads, routing, alarms or dashboard.
 */
function deployModel(model: ResolvedModel, shared: Shared): DeployedModel {
  const { settings, registry, onAws } = shared;
  const images = new ModelImages(
    model.name,
    {
      model,
      repositoryName: repositoryName(settings.stack, model.name),
      kmsKeyArn: registry.key.arn,
      keepImages: settings.images.keep,
      platform: settings.images.platform,
      tags: modelTags(model),
    },
    onAws,
  );
  new ModelRecords(
    model.name,
    {
      model,
      environment: settings.environment,
      tableName: registry.tableName,
      bucketName: registry.bucketName,
      images: images.references,
    },
    onAws,
  );
  const repository = images.repository ? { repositoryUrl: images.repository.repositoryUrl } : {};
  if (servedVersions(model).length === 0) return { ...repository, versions: {} };

  const ingress = shared.ingresses.get(model.routing.loadBalancer)!;
  const serviceAccount = {
    namespace: modelNamespace(model.name),
    serviceAccount: modelNamespace(model.name),
  };
  const identity = new ModelIdentity(
    model.name,
    {
      model: model.name,
      roleName: roleName(settings.stack, model.name),
      serviceAccount,
      binding: settings.identity,
      bucketArn: registry.bucket.arn,
      keyArn: registry.key.arn,
      region: settings.region,
      tags: modelTags(model),
    },
    onAws,
  );
  const routing = new ModelRouting(
    model.name,
    {
      stack: settings.stack,
      model,
      vpcId: settings.ingress.vpcId,
      loadBalancer: {
        internal: !settings.ingress.internetFacing,
        vpcId: settings.ingress.vpcId,
        name: model.routing.loadBalancer,
      },
      readinessListenerArn: ingress.readinessListener.arn,
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
      artifactBucket: registry.bucketName,
      ...(identity.serviceAccountAnnotations
        ? { serviceAccountAnnotations: identity.serviceAccountAnnotations }
        : {}),
      vpcCidr: settings.network.vpcCidr,
      ...(settings.identity.mode === "pod-identity"
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
      loadBalancerSecurityGroupId: ingress.securityGroup.id,
      admission: [...identity.admission, routing.readinessRule!],
      identity: identity.podIdentity,
    },
    shared.onKubernetes,
  );
  new ModelTraffic(
    model.name,
    {
      model,
      listenerArn: ingress.listener.arn,
      targetGroups: routing.targetGroups,
      ready: Object.values(service.versions).map((version) => version.deployment),
      routing: settings.ingress.routing,
      tags: modelTags(model),
    },
    onAws,
  );
  const monitoring = new ModelMonitoring(
    model.name,
    {
      stack: settings.stack,
      region: settings.region,
      model,
      loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
      targetGroupArnSuffixes: Object.fromEntries(
        Object.entries(routing.targetGroups).map(([version, group]) => [version, group.arnSuffix]),
      ),
      alarmTopicArn: shared.alarmTopic.topic.arn,
      timing: settings.alarms,
      versionTags: (version) => versionTags(model, version),
    },
    onAws,
  );
  const endpoint = endpointPath(model.name, settings.ingress.routing);
  return {
    endpoint: pulumi.interpolate`${ingress.scheme}://${endpoint.host ?? ingress.loadBalancer.dnsName}${endpoint.path}`,
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
  };
}
