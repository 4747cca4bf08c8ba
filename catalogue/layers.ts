/**
 * The layers a version's settings come from, lowest precedence first (docs/catalogue.md, "Precedence"):
 * defaults < model < version < environment defaults < environment model < its version.
 * Each layer keeps its path in the file so a problem can point at the layer to blame.
 */
import type { CatalogueDocument } from "./schema";
import type { DocPath } from "./source";

export interface Layer {
  value: Readonly<Record<string, unknown>> | undefined;
  path: DocPath;
  /** True for the three layers under `environments:`. */
  overlay: boolean;
  /** True for the version's own two layers (where traffic and retired live). */
  version: boolean;
}

export function versionLayers(
  document: CatalogueDocument,
  environment: string | undefined,
  model: string,
  version: string,
): Layer[] {
  const base = document.models[model];
  const layers: Layer[] = [
    { value: document.defaults, path: ["defaults"], overlay: false, version: false },
    { value: base, path: ["models", model], overlay: false, version: false },
    {
      value: base?.versions[version],
      path: ["models", model, "versions", version],
      overlay: false,
      version: true,
    },
  ];
  if (environment === undefined) return layers;
  const overlay = document.environments?.[environment];
  const at = ["environments", environment];
  const overlayModel = overlay?.models?.[model];
  return [
    ...layers,
    { value: overlay?.defaults, path: [...at, "defaults"], overlay: true, version: false },
    { value: overlayModel, path: [...at, "models", model], overlay: true, version: false },
    {
      value: overlayModel?.versions?.[version],
      path: [...at, "models", model, "versions", version],
      overlay: true,
      version: true,
    },
  ];
}

function getIn(value: unknown, path: DocPath): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The highest layer that sets `subPath`, with the value and the full path of what it set. */
export function winning(
  layers: readonly Layer[],
  subPath: DocPath,
): { value: unknown; path: DocPath; layer: Layer } | undefined {
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index]!;
    const value = getIn(layer.value, subPath);
    if (value !== undefined) return { value, path: [...layer.path, ...subPath], layer };
  }
  return undefined;
}

/** The highest layer that names an image source; it wins whole (build and image never mix). */
export function imageSourceLayer(layers: readonly Layer[]): Layer | undefined {
  return [...layers]
    .reverse()
    .find((layer) => layer.value?.build !== undefined || layer.value?.image !== undefined);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Objects merge key by key; scalars and lists replace. */
export function deepMerge(lower: unknown, higher: unknown): unknown {
  if (higher === undefined) return lower;
  if (!isPlainObject(lower) || !isPlainObject(higher)) return higher;
  const merged: Record<string, unknown> = { ...lower };
  for (const [key, value] of Object.entries(higher)) merged[key] = deepMerge(lower[key], value);
  return merged;
}
