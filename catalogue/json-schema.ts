/**
 * The JSON Schema of models.yaml, generated from the zod schema (zod's own exporter), so
 * editors (yaml-language-server) and `maas schema` describe exactly what validation enforces.
 */
import { z } from "zod";
import { CatalogueSchema } from "./schema";

export const SCHEMA_ID = "https://maas.dev/schemas/models.schema.json";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  [key: string]: unknown;
};

export function catalogueJsonSchema(): JsonSchema {
  // "input" describes what people write (cpu: 1 as well as cpu: "1"), not the parsed output.
  const generated = z.toJSONSchema(CatalogueSchema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return { $id: SCHEMA_ID, title: "maas models.yaml", ...generated };
}

let cached: JsonSchema | undefined;

/** Keys the schema allows in the map at `path` (for "did you mean" and "allowed keys"). */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  cached ??= catalogueJsonSchema();
  const root = cached;
  const deref = (node: JsonSchema): JsonSchema => {
    const name = node.$ref?.replace(/^#\/\$defs\//, "");
    return name && root.$defs?.[name] ? deref(root.$defs[name]) : node;
  };
  let nodes: JsonSchema[] = [deref(root)];
  for (const segment of path) {
    nodes = nodes.flatMap((candidate) => {
      const options = candidate.anyOf ? candidate.anyOf.map(deref) : [candidate];
      return options.flatMap((node) => {
        const property = node.properties?.[String(segment)];
        if (property) return [deref(property)];
        return typeof node.additionalProperties === "object"
          ? [deref(node.additionalProperties)]
          : [];
      });
    });
  }
  const keys = nodes.flatMap((node) =>
    (node.anyOf ? node.anyOf.map(deref) : [node]).flatMap((n) => Object.keys(n.properties ?? {})),
  );
  return [...new Set(keys)].sort();
}
