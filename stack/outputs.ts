/**
 * What the stack exports (stack/program.ts): its registry, load balancers, alarm topic, front door
 * consumers and domain, and per model what `maas rollout` and `maas smoke` address. A base stack's
 * registry and load balancers are what its shards read (stack/read-base.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConsumerAuth } from "../catalogue/schema";

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
