/** AWS tags: stack-wide ones through the provider's default tags, the rest per resource. */
import type { ResolvedModel } from "../catalogue";
import type { StackSettings } from "./settings";

export function stackTags(settings: StackSettings): Record<string, string> {
  return {
    "maas:stack": settings.stack,
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
