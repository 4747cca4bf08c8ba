/**
 * The Kubernetes objects of a plan as manifests, one file per object, numbered by their kind's
 * `applyOrder` (kinds/kubernetes.ts) so that `kubectl apply -f <dir>` creates namespaces before
 * what lives in them.
 */
import { DEFAULT_SCALAR_STYLE_RULES, dump, SCALAR_STYLE } from "js-yaml";
import type { ScalarLayout } from "js-yaml";
import { Schema } from "yaml";
import { KINDS, kindOf } from "../kinds";
import { placeholderResource } from "./placeholders";
import type { RecordedResource } from "./record";

export interface Manifest {
  /** File name within the manifests directory. */
  file: string;
  object: Record<string, unknown>;
}

/** Past every kind the registry orders (kinds/kubernetes.ts, `applyOrder`). */
const UNORDERED = Math.max(...[...KINDS.values()].map((k) => k.kubernetes?.applyOrder ?? 0)) + 1;

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
    const order = kindOf(resource.type)?.kubernetes?.applyOrder ?? UNORDERED;
    const prefix = String(order).padStart(2, "0");
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
 * kubectl's reader, go-yaml v2 under sigs.k8s.io/yaml, deletes every `_` of a plain scalar and
 * then takes it for a number when Go's strconv.ParseInt in base 0 does (`0x`, `0o`, `0b` or `0`
 * prefixes in either case, after a sign), when it has YAML's float form, or when it is `0b` and
 * a signed binary: `0X1F`, `-0o17`, `+_3` and `1e1_0` are numbers to kubectl.
 */
const GO_YAML_NUMBER = [
  /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^-?0[bB][-+]?[01]+$/,
];

/**
 * A plain key at the start of a line that begins with `---` or `...` ends the document: js-yaml
 * 5.5 writes such a top-level key plain (the manifests property test found it).
 */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/;

/**
 * A multi-line string with a line that starts with a space needs a block's indentation
 * indicator (`|2-`), and the yaml library misreads such a block ending in a line of spaces: these
 * are double-quoted instead.
 */
const INDENTED_LINE = /(?:^|\n)[ \t]/;

/** A string any of those readers would misread is double-quoted (keys too). */
function quoteWhatYamlReadsOtherwise(layout: ScalarLayout): void {
  if (layout.style !== SCALAR_STYLE.PLAIN) return;
  if (layout.node.tag !== layout.presenterOptions.schema.defaultScalarTag.tagName) return;
  const text = layout.node.value;
  const withoutUnderscores = text.replaceAll("_", "");
  if (
    DOCUMENT_MARKER.test(text) ||
    (text.includes("\n") && INDENTED_LINE.test(text)) ||
    NON_STRING_PLAIN.some((form) => form.test(text)) ||
    GO_YAML_NUMBER.some((form) => form.test(withoutUnderscores))
  )
    layout.style = SCALAR_STYLE.DOUBLE_QUOTED;
}

/**
 * A manifest as YAML that every reader takes the same way. kubectl reads YAML 1.1
 * (sigs.k8s.io/yaml), where a plain `on`, `no` or `1_000` is not a string, so an env value `on`
 * written plain fails `kubectl apply` ("cannot unmarshal bool into ... string"); other 1.1
 * readers also take `2024-01-01` for a date. js-yaml's default dump schema quotes what YAML 1.1
 * and 1.2 read as something else; the rule above adds the forms go-yaml or the yaml library
 * still read otherwise (`0X1F`, `-0o17`, `.`, `e4`, `2026-8-7`, …). It is also about 1.7 times
 * faster than yaml's Document API on a shard's 1,900 objects (docs/performance.md,
 * "Performance").
 */
export function manifestText(manifest: Manifest): string {
  return dump(manifest.object, {
    lineWidth: -1,
    noRefs: true,
    quoteStyle: "double",
    scalarStyleRules: [quoteWhatYamlReadsOtherwise, ...Object.values(DEFAULT_SCALAR_STYLE_RULES)],
  });
}
