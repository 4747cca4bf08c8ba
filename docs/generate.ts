/**
 * The generated parts of the guides, so that nothing a reader looks up in a table can drift from
 * the code that enforces it:
 *
 * - docs/catalogue.md: the models.yaml field tables, from the catalogue's zod schema
 *   (catalogue/schema.ts: descriptions, types, allowed values and limits, through zod's JSON Schema
 *   exporter, the same models.schema.json editors read) and the built-in defaults
 *   (catalogue/defaults.ts, catalogue/quotas.ts);
 * - docs/setup.md: the stack configuration table and the rules between keys, from
 *   stack/settings-schema.ts (descriptions, allowed values, defaults).
 *
 * A generated part sits between `<!-- generated:NAME … -->` and `<!-- end generated:NAME -->`;
 * everything around it is written by hand. `npm run docs` rewrites the parts in place and formats
 * the file with the project's prettier settings; test/docs/generated.test.ts fails while a
 * committed guide differs from what this produces.
 */
import { FIRST_API_KEY } from "../catalogue/resolve";
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { z } from "zod";
import { API_DEFAULTS, BUILT_IN_DEFAULTS, DEFAULT_DOCKERFILE } from "../catalogue/defaults";
import { catalogueJsonSchema } from "../catalogue/json-schema";
import { DEFAULT_LOAD_BALANCER, DEFAULT_SHARD } from "../catalogue/quotas";
import { SETTINGS_KEYS } from "../catalogue/schema";
import { CROSS_KEY_RULES, SECRET_KEYS, settingsShape } from "../stack/settings-schema";

/** The guides with generated parts, relative to the project directory. */
export const GENERATED_DOCS = ["docs/catalogue.md", "docs/setup.md"] as const;

type JsonSchema = {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: JsonSchema;
  [key: string]: unknown;
};

const code = (text: string) => `\`${text}\``;

/** A default or example value as it is written in YAML, in code font. */
function value(v: unknown): string {
  if (typeof v === "string") return code(v);
  if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0)
    return code(
      Object.entries(v)
        .map(([key, inner]) => `${key}: ${JSON.stringify(inner)}`)
        .join(", "),
    );
  return code(JSON.stringify(v));
}

/** The largest integer zod's exporter writes when a number has no bound of its own. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** What a field accepts, in words: its type with its limits, or its allowed values. */
function allowed(node: JsonSchema, option = false): string {
  if (node.const !== undefined) return value(node.const);
  if (node.enum) {
    const values = node.enum.map(value);
    return values.length === 2 ? `${values[0]} or ${values[1]}` : values.join(", ");
  }
  if (node.anyOf) return [...new Set(node.anyOf.map((each) => allowed(each, true)))].join(" or ");
  const limits: string[] = [];
  const min = node.minimum !== undefined && node.minimum > -UNBOUNDED ? node.minimum : undefined;
  const max = node.maximum !== undefined && node.maximum < UNBOUNDED ? node.maximum : undefined;
  if (min !== undefined && max !== undefined) limits.push(`${min}–${max}`);
  else if (min !== undefined) limits.push(`at least ${min}`);
  else if (node.exclusiveMinimum !== undefined) limits.push(`above ${node.exclusiveMinimum}`);
  if (max !== undefined && min === undefined) limits.push(`at most ${max}`);
  if (node.maxLength !== undefined) limits.push(`at most ${node.maxLength} characters`);
  if (node.minItems !== undefined && node.minItems > 1) limits.push(`at least ${node.minItems}`);
  const words: Record<string, string> = {
    integer: "integer",
    number: "number",
    string: "text",
    boolean: "`true` or `false`",
    array: `list of ${node.items ? allowed({ ...node.items, pattern: undefined }) : "values"}`,
    object: "map",
  };
  const type = words[node.type ?? ""] ?? "any";
  if (limits.length === 0) return type;
  return option ? `${type} (${limits.join(", ")})` : `${type}, ${limits.join(", ")}`;
}

interface FieldRow {
  path: string;
  node: JsonSchema;
  /** Required where the table starts, or only once its parent is written (`with gpu`). */
  required: "yes" | "with-parent" | "no";
  parent: string;
}

/** The fields under `node`, objects with fields of their own opened up into dotted paths. */
function fields(
  node: JsonSchema,
  options: { exclude?: readonly string[]; open?: (path: string) => boolean } = {},
  prefix = "",
  parentRequired = true,
): FieldRow[] {
  return Object.entries(node.properties ?? {})
    .filter(([key]) => !(prefix === "" && options.exclude?.includes(key)))
    .flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const required = (node.required ?? []).includes(key);
      if (child.properties && (options.open?.(path) ?? true))
        return fields(child, options, path, parentRequired && required);
      return [
        {
          path,
          node: child,
          required: !required ? "no" : parentRequired ? "yes" : "with-parent",
          parent: prefix,
        },
      ];
    });
}

/** `resources.cpu` → "500m", … for every value of an object. */
function flatten(object: object, prefix = ""): Map<string, unknown> {
  const entries = Object.entries(object as Record<string, unknown>).flatMap(
    ([key, v]): [string, unknown][] => {
      const path = prefix ? `${prefix}.${key}` : key;
      return v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0
        ? [...flatten(v, path)]
        : [[path, v]];
    },
  );
  return new Map(entries);
}

function table(header: string[], rows: string[][]): string {
  // Descriptions are plain text (editors show them too): `<model>` must not become an HTML tag;
  // the cells in code font never hold one.
  const cell = (text: string) =>
    text.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "\\<");
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

function fieldTable(rows: FieldRow[], defaults: Map<string, unknown> = new Map()): string {
  return table(
    ["field", "default", "allowed", "meaning"],
    rows.map((row) => [
      code(row.path),
      defaults.has(row.path)
        ? value(defaults.get(row.path))
        : row.required === "yes"
          ? "required"
          : row.required === "with-parent"
            ? `required in ${code(row.parent)}`
            : "none",
      allowed(row.node),
      row.node.description ?? "",
    ]),
  );
}

function catalogueNodes() {
  const root = catalogueJsonSchema() as JsonSchema;
  const model = root.properties!.models!.additionalProperties as JsonSchema;
  const version = model.properties!.versions!.additionalProperties as JsonSchema;
  const environment = root.properties!.environments!.additionalProperties as JsonSchema;
  return { root, model, version, environment, settings: root.properties!.defaults! };
}

const IMAGE_SOURCE_KEYS = ["build", "image"];
/** Defaults of model keys that are not settings (settings' come from BUILT_IN_DEFAULTS). */
const MODEL_DEFAULTS = new Map<string, unknown>([
  ["shard", DEFAULT_SHARD],
  ["routing.loadBalancer", DEFAULT_LOAD_BALANCER],
  ["api.streaming", API_DEFAULTS.streaming],
  ["api.timeout", `${API_DEFAULTS.timeoutSeconds}s`],
  ["build.dockerfile", DEFAULT_DOCKERFILE],
]);

function settingsTable(): string {
  const { settings } = catalogueNodes();
  const rows = fields(settings);
  const defaults = flatten(BUILT_IN_DEFAULTS);
  const missing = [...defaults.keys()].filter((path) => !rows.some((row) => row.path === path));
  if (missing.length > 0)
    throw new Error(`catalogue/defaults.ts sets ${missing.join(", ")}, which the schema lacks`);
  return fieldTable(rows, defaults);
}

function stackDefault(key: string): string {
  const parsed = (settingsShape as Record<string, z.ZodType>)[key]!.safeParse(undefined);
  if (!parsed.success) return "required";
  return parsed.data === undefined ? "none" : value(parsed.data);
}

function stackConfigTable(): string {
  const root = z.toJSONSchema(z.object(settingsShape), {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  const rows = Object.entries(root.properties!)
    .filter(([key]) => key !== "hasKubeconfig")
    .map(([key, node]) => [code(key), stackDefault(key), allowed(node), node.description ?? ""]);
  const secrets = Object.entries(SECRET_KEYS).map(([key, meaning]) => [
    `${code(key)} (secret)`,
    "none",
    "text",
    meaning,
  ]);
  return table(["key", "default", "allowed", "meaning"], [...rows, ...secrets]);
}

function stackKeyRules(): string {
  return Object.values(CROSS_KEY_RULES)
    .map((rule) => `- ${code(rule.path)}: ${rule.message.replace(/</g, "\\<")} (${code(rule.id)}).`)
    .join("\n");
}

/** Every generated part by the name its markers carry. */
export const SECTIONS: Record<string, () => string> = {
  "catalogue-top": () => fieldTable(fields(catalogueNodes().root, { open: () => false })),
  "catalogue-settings": settingsTable,
  "catalogue-model": () =>
    fieldTable(
      fields(catalogueNodes().model, { exclude: [...SETTINGS_KEYS, ...IMAGE_SOURCE_KEYS] }),
      MODEL_DEFAULTS,
    ),
  "catalogue-image-source": () =>
    fieldTable(
      fields(catalogueNodes().model).filter((row) =>
        IMAGE_SOURCE_KEYS.includes(row.path.split(".")[0]!),
      ),
      MODEL_DEFAULTS,
    ),
  "catalogue-version": () =>
    fieldTable(
      fields(catalogueNodes().version, { exclude: [...SETTINGS_KEYS, ...IMAGE_SOURCE_KEYS] }),
    ),
  "catalogue-consumer": () =>
    fieldTable(
      fields(catalogueNodes().root.properties!.consumers!.additionalProperties as JsonSchema),
      new Map<string, unknown>([
        ["auth", "sigv4"],
        ["apiKeys", [FIRST_API_KEY]],
      ]),
    ),
  "catalogue-environment": () =>
    fieldTable(fields(catalogueNodes().environment, { open: () => false })),
  "stack-config": stackConfigTable,
  "stack-key-rules": stackKeyRules,
};

const PART = /(<!-- generated:([a-z-]+)[^>]*-->\n)[\s\S]*?(<!-- end generated:\2 -->)/g;

/** `text` (the guide at `file`) with every generated part produced afresh, formatted by prettier. */
export async function generate(file: string, text: string): Promise<string> {
  const names: string[] = [];
  const replaced = text.replace(PART, (_match, begin: string, name: string, end: string) => {
    const section = SECTIONS[name];
    if (!section) throw new Error(`${file}: unknown generated part "${name}"`);
    names.push(name);
    return `${begin}\n${section()}\n\n${end}`;
  });
  if (names.length === 0) throw new Error(`${file}: no generated part`);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(replaced, { ...options, filepath: file });
}

async function main() {
  for (const file of GENERATED_DOCS) {
    const before = readFileSync(file, "utf8");
    const after = await generate(file, before);
    if (after !== before) writeFileSync(file, after);
    console.log(`${file}: ${after === before ? "current" : "rewritten"}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
