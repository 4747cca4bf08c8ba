/**
 * deploy(catalogue, settings): everything the stack creates, from the resolved catalogue and
 * the stack settings. The same function runs under `pulumi up` and under the offline plan.
 * deployShared() is what the stack has once (deploy-shared.ts, with the front door:
 * deploy-front-door.ts; a shard reads it from its base: readShared(), read-base.ts);
 * deployModel() is everything one model gets (deploy-model.ts); what the stack exports is
 * typed in outputs.ts.
 */
import { servedVersions } from "../catalogue";
import type { ResolvedCatalogue } from "../catalogue";
import { imageRecordName } from "../catalogue/names";
import { catalogueSnapshot } from "../components/catalogue-snapshot";
import { loadBalancerIdleTimeouts } from "../components/specs/request-timing";
import { deployedModel } from "../rollout/effective";
import type { ModelRolloutView } from "../rollout/effective";
import { deployModel } from "./deploy-model";
import { deployShared } from "./deploy-shared";
import { modelScope } from "./plan-scope";
import { deployedCatalogue, loadBalancerNames } from "./layout";
import type { DeployedStack } from "./outputs";
import { podIngressSources } from "./pod-ingress";
import { stackProviders } from "./providers";
import { readShared } from "./read-base";
import type { StackSettings } from "./settings";
import type { Shared } from "./shared";

export type {
  DeployedApiDomain,
  DeployedConsumer,
  DeployedModel,
  DeployedRolloutTargets,
  DeployedStack,
  DeployedVersion,
  SharedLoadBalancer,
  SharedRegistry,
} from "./outputs";

export function deploy(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  rollouts: Record<string, ModelRolloutView> = {},
): DeployedStack {
  const providers = stackProviders(settings);
  const deployed = deployedCatalogue(catalogue, settings.layout);
  const { models } = deployed;
  // What runs follows the rollout record (deploy-model.ts).
  const served = (model: (typeof models)[number]) =>
    servedVersions(rollouts[model.name] ? deployedModel(model, rollouts[model.name]!) : model);
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
        served(model).map((version) => imageRecordName(version.workloadName)),
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
  // A scoped offline plan (stack/plan-scope.ts) makes only the touched models' components;
  // all above is built from the whole catalogue, as in the full plan.
  const scope = modelScope();
  const deployedModels = Object.fromEntries(
    models
      .filter((model) => scope === undefined || scope.has(model.name))
      .map((model) => [model.name, deployModel(model, shared)]),
  );
  // The Kubernetes provider is made on a served model's first use (providers.ts): a model left
  // out of the scope would have made it.
  if (models.some((model) => !deployedModels[model.name] && served(model).length > 0))
    shared.onKubernetes();
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
