/**
 * The Kubernetes objects of a plan as manifests, one file per object, numbered so that
 * `kubectl apply -f <dir>` creates namespaces before what lives in them.
 */
import { DEFAULT_SCALAR_STYLE_RULES, dump, SCALAR_STYLE } from "js-yaml";
import type { ScalarLayout } from "js-yaml";
import { Schema } from "yaml";
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

/**
 * The plain forms the yaml library reads as something other than a string, in YAML 1.1 and in
 * 1.2's core schema (`on`, `1_000`, `.5`, `2026-11-27`, `4e336`, …), from its own schemas.
 */
const NON_STRING_PLAIN = [new Schema({ schema: "yaml-1.1" }), new Schema({ schema: "core" })]
  .flatMap((schema) => schema.tags)
  .filter((tag) => tag.default === true && tag.tag !== "tag:yaml.org,2002:str")
  .flatMap((tag) => (tag.test ? [tag.test] : []));

/**
 * A plain key at the start of a line that begins with `---` or `...` ends the document: js-yaml
 * 5.5 writes such a top-level key plain (the manifests property test found it).
 */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/;

/** A string any of those forms would misread is double-quoted (keys too). */
function quoteWhatYamlReadsOtherwise(layout: ScalarLayout): void {
  if (layout.style !== SCALAR_STYLE.PLAIN) return;
  if (layout.node.tag !== layout.presenterOptions.schema.defaultScalarTag.tagName) return;
  const text = layout.node.value;
  if (DOCUMENT_MARKER.test(text) || NON_STRING_PLAIN.some((form) => form.test(text)))
    layout.style = SCALAR_STYLE.DOUBLE_QUOTED;
}

/**
 * A manifest as YAML that every reader takes the same way. kubectl reads YAML 1.1
 * (sigs.k8s.io/yaml), where a plain `on`, `no`, `1_000` or `2024-01-01` is not a string, so an
 * env value `on` written plain fails `kubectl apply` ("cannot unmarshal bool into ... string").
 * js-yaml's default dump schema quotes every string that YAML 1.1 or 1.2 would read as anything
 * else, and the rule above adds the few forms the yaml library reads otherwise still (a lone
 * `.`, `e4`, `4e336`). js-yaml is also about three times faster than yaml's Document API on a
 * shard's 1,900 objects (docs/operations.md, "Performance").
 */
export function manifestText(manifest: Manifest): string {
  return dump(manifest.object, {
    lineWidth: -1,
    noRefs: true,
    quoteStyle: "double",
    scalarStyleRules: [quoteWhatYamlReadsOtherwise, ...Object.values(DEFAULT_SCALAR_STYLE_RULES)],
  });
}
