/**
 * The Kubernetes objects of a plan as manifests, one file per object, numbered so that
 * `kubectl apply -f <dir>` creates namespaces before what lives in them.
 */
import { stringify } from "yaml";
import { placeholderResource } from "./placeholders";
import type { RecordedResource } from "./record";

export interface Manifest {
  /** File name within the manifests directory. */
  file: string;
  object: Record<string, unknown>;
}

const APPLY_ORDER = [
  "Namespace",
  "ServiceAccount",
  "NetworkPolicy",
  "Deployment",
  "Service",
  "TargetGroupBinding",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
];

function apiVersionAndKind(resource: RecordedResource): { apiVersion: string; kind: string } {
  const [, groupVersion = "", kind = ""] = resource.type.split(":");
  const fromType = groupVersion.startsWith("core/")
    ? groupVersion.slice("core/".length)
    : groupVersion;
  return {
    apiVersion:
      typeof resource.inputs.apiVersion === "string" ? resource.inputs.apiVersion : fromType,
    kind: typeof resource.inputs.kind === "string" ? resource.inputs.kind : kind,
  };
}

export function isKubernetesObject(resource: RecordedResource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:");
}

export function kubernetesManifests(resources: RecordedResource[], region: string): Manifest[] {
  const manifests = resources.filter(isKubernetesObject).map((resource) => {
    const { apiVersion, kind } = apiVersionAndKind(resource);
    // Auto-named objects get the same placeholder name the plan's other references use.
    const named = placeholderResource(
      { type: resource.type, name: resource.name, inputs: resource.inputs },
      { region },
    ).state;
    const { apiVersion: _a, kind: _k, metadata, ...rest } = named;
    const { name, namespace, ...otherMetadata } = metadata as { name: string; namespace?: string };
    const meta = { name, ...(namespace === undefined ? {} : { namespace }), ...otherMetadata };
    const object = { apiVersion, kind, metadata: meta, ...rest };
    const order = APPLY_ORDER.indexOf(kind);
    const prefix = String(order < 0 ? APPLY_ORDER.length : order).padStart(2, "0");
    const file = `${prefix}-${kind.toLowerCase()}-${meta.namespace ? `${meta.namespace}-` : ""}${meta.name}.yaml`;
    return { file, object };
  });
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export function manifestText(manifest: Manifest): string {
  return stringify(manifest.object, { lineWidth: 0 });
}
