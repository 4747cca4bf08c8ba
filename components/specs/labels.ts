/**
 * Labels of the Kubernetes objects, in one place. Selectors use only labels that never change
 * for a Deployment's life (the model and the version): a selector change would replace it.
 */
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";

export const PART_OF = "maas";
const LABEL_PREFIX = "maas";

/** Selects one version's pods: immutable for the Deployment's life. */
export function versionSelector(model: string, version: string): Record<string, string> {
  return { "app.kubernetes.io/name": model, [`${LABEL_PREFIX}/version`]: version };
}

/** Selects every pod of a model, whatever the version (NetworkPolicy). */
export function modelSelector(model: string): Record<string, string> {
  return { "app.kubernetes.io/name": model };
}

/** Labels on every object of a model (recommended labels plus the owning team). */
export function modelLabels(model: ResolvedModel): Record<string, string> {
  return {
    "app.kubernetes.io/name": model.name,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    [`${LABEL_PREFIX}/owner`]: model.owner,
  };
}

/**
 * Labels on every object of a version, pod template included. Nothing that changes with
 * traffic goes here: a weight shift must never restart pods.
 */
export function versionLabels(
  model: ResolvedModel,
  version: ResolvedVersion,
): Record<string, string> {
  return {
    ...modelLabels(model),
    ...versionSelector(model.name, version.version),
    "app.kubernetes.io/instance": version.workloadName,
    "app.kubernetes.io/version": version.version,
    "app.kubernetes.io/component": "model-server",
  };
}
