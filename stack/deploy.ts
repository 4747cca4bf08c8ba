/**
 * deploy(catalogue, settings): everything the stack creates, from the resolved catalogue and
 * the stack settings. The same function runs under `pulumi up` and under the offline plan.
 * deployShared() is what the stack has once (a shard reads it from its base: readShared());
 * deployModel() is everything one model gets, in the order the way from one state to the next
 * needs (model-version.ts, model-traffic.ts).
 */
import { servedVersions } from "../catalogue";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue, ResolvedModel } from "../catalogue";
import { DEFAULT_LOAD_BALANCER } from "../catalogue/quotas";
import type { ConsumerAuth } from "../catalogue/schema";
import {
  frontDoorApiName,
  frontDoorMetricNamespace,
  imageRecordName,
  modelNamespace,
  repositoryName,
  roleName,
  rolloutTableName,
} from "../catalogue/names";
import { AlarmTopic } from "../components/alarm-topic";
import { catalogueSnapshot } from "../components/catalogue-snapshot";
import { Ingress, PINNED_LISTENER_PORT } from "../components/ingress";
import { LoadBalancerAlarms } from "../components/load-balancer-alarms";
import { ModelIdentity } from "../components/model-identity";
import { ModelImages } from "../components/model-images";
import { ModelMonitoring } from "../components/model-monitoring";
import { ModelRecords } from "../components/model-records";
import { ModelRouting } from "../components/model-routing";
import { ModelService } from "../components/model-service";
import { ModelTraffic } from "../components/model-traffic";
import { PinnedRoute } from "../components/pinned-route";
import { ModelRegistry } from "../components/registry";
import { FrontDoor } from "../components/front-door";
import type { FrontDoorBackend } from "../components/front-door-api";
import { FrontDoorLink } from "../components/front-door-link";
import { deployerPrincipalArns } from "../components/specs/front-door";
import { loadBalancerIdleTimeouts } from "../components/specs/request-timing";
import { endpointPath, FRONT_DOOR_PATH } from "../components/specs/routing";
import { deployedModel } from "../rollout/effective";
import type { ModelRolloutView } from "../rollout/effective";
import { deployedCatalogue, frontDoorModels, loadBalancerNames } from "./layout";
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

/** What `maas rollout` addresses of a model (rollout/ports.ts, ModelTargets), from the stack's outputs. */
export interface DeployedRolloutTargets {
  /** URNs a step updates. */
  trafficRule: pulumi.Output<string>;
  pinnedRoute?: pulumi.Output<string>;
  autoscalers: Record<string, pulumi.Output<string>>;
  /** What the engine reads and break-glass sets without Pulumi. */
  ruleArn: pulumi.Output<string>;
  loadBalancerArnSuffix: pulumi.Output<string>;
  targetGroups: Record<string, { arn: pulumi.Output<string>; arnSuffix: pulumi.Output<string> }>;
  /** Where the pinned route answers, while one exists. */
  pinnedUrl?: pulumi.Output<string>;
  /** The Host header the pinned route matches (host routing). */
  pinnedHost?: string;
}

export interface DeployedModel {
  /**
   * The load balancer's address and the model's path or host. Without a front door, where
   * clients send requests; with one, reachable only from it (callers use consumers.<c>.url).
   */
  endpoint?: pulumi.Output<string>;
  dashboardUrl?: string;
  namespace?: pulumi.Output<string>;
  roleArn?: pulumi.Output<string>;
  repositoryUrl?: pulumi.Output<string>;
  versions: Record<string, DeployedVersion>;
  rollout?: DeployedRolloutTargets;
}

/** A load balancer as models use it; a base stack exports these and its shards read them. */
export interface SharedLoadBalancer {
  dnsName: pulumi.Output<string>;
  scheme: pulumi.Output<string>;
  arnSuffix: pulumi.Output<string>;
  /** The listener clients' requests arrive on: models' traffic rules attach here. */
  listenerArn: pulumi.Output<string>;
  /** The listener that keeps every served version's target group in use. */
  readinessListenerArn: pulumi.Output<string>;
  /** The listener of the rollouts' pinned routes. */
  pinnedListenerArn: pulumi.Output<string>;
  securityGroupId: pulumi.Output<string>;
}

/** The registry as models use it (exported by a base stack, read by its shards). */
export interface SharedRegistry {
  bucket: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  table: pulumi.Output<string>;
  /** The rollout records (fixed name: names.ts rolloutTableName). */
  rolloutsTable: pulumi.Output<string>;
  keyArn: pulumi.Output<string>;
}

/** A consumer's way in: its URLs (the stage), how it authenticates, and where its API key is. */
export interface DeployedConsumer {
  auth: ConsumerAuth;
  /**
   * `https://<api>.execute-api.<region>.amazonaws.com/<consumer>`: models are under /models/<m>/.
   * It changes when the consumer changes how it calls, or its API is created anew. None while no
   * model is served (an API without a method cannot be deployed), and none once
   * maas:disableExecuteApiEndpoint turns it off.
   */
  url?: pulumi.Output<string>;
  /**
   * `https://<maas:apiDomain>/<consumer>`, with a custom domain: the same whichever API serves the
   * consumer. Models are under /models/<m>/ as with `url`.
   */
  stableUrl?: pulumi.Output<string>;
  /** The Secrets Manager secret holding its API key (only its principals can read it). */
  apiKeySecretArn?: pulumi.Output<string>;
  /** The KMS key of that secret: a reader in another account needs kms:Decrypt on it. */
  apiKeySecretKeyArn: pulumi.Output<string>;
  /** The models it may call. */
  models: string[];
  /** oauth: where it gets access tokens (client credentials grant, HTTP Basic client id and secret). */
  tokenEndpoint?: pulumi.Output<string>;
  /** oauth: its app client's id. */
  clientId?: pulumi.Output<string>;
  /** oauth: the Secrets Manager secret holding its client secret (only its principals can read it). */
  clientSecretArn?: pulumi.Output<string>;
  /** oauth: the scopes its tokens carry, one per model it may call (`models/<model>`). */
  scopes?: string[];
  /** Why it has no URL yet, when it has none. */
  note?: string;
}

/** The front door's custom domain, with what its DNS record needs. */
export interface DeployedApiDomain {
  domainName: string;
  /** The target of the domain's DNS record: an alias (Route 53) or a CNAME to it. */
  regionalDomainName: pulumi.Output<string>;
  /** The hosted zone of that target, for a Route 53 alias record. */
  regionalZoneId: pulumi.Output<string>;
  /** Whether the stack writes the record (maas:apiHostedZoneId) or you do. */
  dnsRecord: string;
}

export interface DeployedStack {
  registry: SharedRegistry;
  /** The front door's consumers, by name, when the catalogue declares consumers. */
  consumers?: Record<string, DeployedConsumer>;
  /** The front door's custom domain, when maas:apiDomain is set. */
  apiDomain?: DeployedApiDomain;
  /** The load balancers models are served through, by name (`main` unless the catalogue names others). */
  loadBalancers: Record<string, SharedLoadBalancer>;
  alarmTopicArn: pulumi.Output<string>;
  models: Record<string, DeployedModel>;
}

/** What every model uses: providers, registry, load balancers, alarm topic. */
interface Shared {
  settings: StackSettings;
  onAws: pulumi.ComponentResourceOptions;
  onKubernetes: () => pulumi.ComponentResourceOptions;
  registry: SharedRegistry;
  /** The load balancers, by name: each model is served through the one its routing names. */
  loadBalancers: Record<string, SharedLoadBalancer>;
  alarmTopicArn: pulumi.Output<string>;
  /** The front door's consumers (a single or base stack that has one). */
  consumers?: Record<string, DeployedConsumer>;
  /** The front door's custom domain (a single or base stack that has one). */
  apiDomain?: DeployedApiDomain;
  /** How each consumer of the catalogue calls (every stack: the models' dashboards). */
  consumerAuth?: Map<string, ConsumerAuth>;
  /**
   * Tells the front door what routes a model once deployModel() has made it (the front door is
   * made first: the models' dashboards and outputs read it); settle() ends the wait for models
   * this stack does not route.
   */
  frontDoorRouting?: FrontDoorRouting;
  /** What the rollout records make of each model (rollout/effective.ts). */
  rollouts: Record<string, ModelRolloutView>;
  /** Who may reach the model port on pods (podIngressSources()). */
  podIngressSources: pulumi.Input<string>[];
  /** The logical names of every deployed model's image records (names.ts imageRecordName). */
  imageRecordNames: ReadonlySet<string>;
  /** The load balancers' idle timeouts where raised, by name (specs/request-timing.ts). */
  idleTimeouts: Record<string, number>;
}

/** Per model, a promise of what routes it, resolved when its traffic rule exists. */
class FrontDoorRouting {
  private readonly waiting = new Map<string, (resources: pulumi.Resource[]) => void>();
  private readonly promises = new Map<string, Promise<pulumi.Resource[]>>();

  routedBy(model: string): Promise<pulumi.Resource[]> {
    let promise = this.promises.get(model);
    if (!promise) {
      promise = new Promise((resolve) => this.waiting.set(model, resolve));
      this.promises.set(model, promise);
    }
    return promise;
  }

  routed(model: string, resources: pulumi.Resource[]): void {
    // The promise the front door holds, made here when the front door does not route the model.
    void this.routedBy(model);
    this.waiting.get(model)?.(resources);
    this.waiting.delete(model);
  }

  /** Models this stack does not route (a base's shards route theirs): nothing to wait for. */
  settle(): void {
    for (const model of [...this.waiting.keys()]) this.routed(model, []);
  }
}

export function deploy(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  rollouts: Record<string, ModelRolloutView> = {},
): DeployedStack {
  const providers = stackProviders(settings);
  const deployed = deployedCatalogue(catalogue, settings.layout);
  const { models } = deployed;
  // From the whole catalogue: a load balancer serves the models of every shard.
  const idleTimeouts = loadBalancerIdleTimeouts(catalogue.models);
  const shared: Shared = {
    ...(settings.layout.kind === "shard"
      ? readShared(settings, settings.layout.baseStack, loadBalancerNames(models), providers)
      : deployShared(catalogue, deployed, settings, providers, idleTimeouts)),
    ...(catalogue.consumers
      ? { consumerAuth: new Map(catalogue.consumers.map((c) => [c.name, c.auth])) }
      : {}),
    rollouts,
    podIngressSources: podIngressSources(settings, catalogue, providers),
    imageRecordNames: new Set(
      models.flatMap((model) =>
        servedVersions(
          rollouts[model.name] ? deployedModel(model, rollouts[model.name]!) : model,
        ).map((version) => imageRecordName(version.workloadName)),
      ),
    ),
    idleTimeouts,
  };
  // A single or base stack's registry writes its snapshot; a shard writes its own beside it.
  if (settings.layout.kind === "shard")
    catalogueSnapshot(
      "catalogue-snapshot",
      {
        bucket: shared.registry.bucket,
        keyArn: shared.registry.keyArn,
        stack: settings.stack,
        catalogue: deployed,
      },
      { provider: providers.aws },
    );
  const deployedModels = Object.fromEntries(
    models.map((model) => [model.name, deployModel(model, shared)]),
  );
  shared.frontDoorRouting?.settle();
  return {
    registry: shared.registry,
    ...(shared.consumers ? { consumers: shared.consumers } : {}),
    ...(shared.apiDomain ? { apiDomain: shared.apiDomain } : {}),
    loadBalancers: shared.loadBalancers,
    alarmTopicArn: shared.alarmTopicArn,
    models: deployedModels,
  };
}

/**
 * Who may reach the model port on pods: maas:podIngressCidrs; else, behind a front door, the
 * load balancers' subnets (their CIDRs, looked up: the load balancers send from addresses in
 * them), so no other workload in the VPC calls a model around the door; else the VPC. The
 * kubelet's probes come from the pod's own node, which NetworkPolicy lets through on the CNIs
 * EKS runs (docs/operations.md, "The front door").
 */
function podIngressSources(
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

interface Providers {
  aws: aws.Provider;
  onAws: pulumi.ComponentResourceOptions;
  /** The cluster's provider, made when the first model needs it: a base stack has none. */
  onKubernetes: () => pulumi.ComponentResourceOptions;
}

function stackProviders(settings: StackSettings): Providers {
  const awsProvider = new aws.Provider("aws", {
    region: settings.region,
    defaultTags: { tags: stackTags(settings) },
  });
  let kubernetes: k8s.Provider | undefined;
  return {
    aws: awsProvider,
    onAws: { providers: [awsProvider] },
    onKubernetes: () => {
      // Built from stack config only: never whatever kubeconfig context happens to be current.
      kubernetes ??= new k8s.Provider("kubernetes", {
        ...(settings.kubernetes.kubeconfig
          ? { kubeconfig: settings.kubernetes.kubeconfig }
          : { context: settings.kubernetes.context }),
        enableServerSideApply: true,
      });
      return { providers: [kubernetes] };
    },
  };
}

/**
 * A shard's shared infrastructure is its base stack's: read through a StackReference (the base
 * is a stack of this project, in this organization). A load balancer the base does not have yet
 * stops the shard with what to do: the base's `pulumi up` comes first.
 */
function readShared(
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

/**
 * What a single or base stack owns: registry, alarm topic, and one load balancer per name the
 * catalogue's served models use (a base serves every shard's models).
 */
function deployShared(
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
        vpcId: settings.ingress.vpcId,
        vpcCidr: settings.network.vpcCidr,
        subnetIds: settings.ingress.subnetIds,
        internetFacing: settings.ingress.internetFacing,
        idleTimeout: idleTimeouts[name],
        allowedCidrs: settings.ingress.allowedCidrs,
        keepDirectAccess: settings.ingress.keepDirectAccess,
        pinnedRouteCidrs: settings.ingress.pinnedRouteCidrs,
        ...(link ? { frontDoorSecurityGroupId: link.securityGroup.id } : {}),
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

/**
 * The front door of every served model of the catalogue (a base's covers its shards' models):
 * each integration calls the model's load balancer on its client listener, with the host and
 * path its listener rule matches (components/specs/routing.ts).
 */
function deployFrontDoor(
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
function deployModel(catalogueModel: ResolvedModel, shared: Shared): DeployedModel {
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
