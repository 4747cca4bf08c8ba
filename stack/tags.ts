/** AWS tags: deployment-wide ones through the provider's default tags, the rest per resource. */
import type { ResolvedModel } from "../catalogue";
import type { StackSettings } from "./settings";

/**
 * The provider's default tags. They name the deployment (a shard's base stack, not the shard):
 * every stack of a split catalogue then configures its AWS provider identically, which is what
 * lets `pulumi state move` reuse the destination's provider when a model moves between shards
 * (pulumi/pulumi pkg/cmd/pulumi/state/state_move.go: a provider with the same URN is reused only
 * if its inputs are equal; otherwise the move fails with "provider … already exists").
 */
export function stackTags(settings: StackSettings): Record<string, string> {
  return {
    "maas:stack": settings.deployment,
    "maas:project": settings.project,
    "maas:environment": settings.environment,
  };
}

export function modelTags(model: ResolvedModel): Record<string, string> {
  return { "maas:model": model.name, "maas:owner": model.owner };
}

export function versionTags(model: ResolvedModel, version: string): Record<string, string> {
  return { ...modelTags(model), "maas:version": version };
}
