/** What deployModel() is given: what every model of the stack uses, deployed or read from a base. */
import type * as pulumi from "@pulumi/pulumi";
import type { ConsumerAuth } from "../catalogue/schema";
import type { ModelRolloutView } from "../rollout/effective";
import type { FrontDoorRouting } from "./front-door-routing";
import type {
  DeployedApiDomain,
  DeployedConsumer,
  SharedLoadBalancer,
  SharedRegistry,
} from "./outputs";
import type { StackSettings } from "./settings";

/** What every model uses: providers, registry, load balancers, alarm topic. */
export interface Shared {
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
