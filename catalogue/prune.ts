/**
 * So that one run reports every problem, the relational rules also run on a file with
 * schema errors: on a copy without the invalid parts. Rule problems on or around a removed
 * part are dropped, since they would only echo the schema error.
 */
import type { z } from "zod";
import { API_VERSION } from "./schema";

/** Stands in for an invalid image source so "has no image source" is not reported on top. */
const PLACEHOLDER_IMAGE = "placeholder.invalid/pruned:0";

export interface Pruned {
  data: unknown;
  /** Dotted paths that were removed or replaced. */
  removed: string[];
}

type Container = Record<string, unknown>;

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === "object";
}

function getIn(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (isContainer(node) ? node[key as string] : undefined),
    root,
  );
}

/** Removes `path`; a missing required field cannot be removed, so the object lacking it goes. */
function removeAt(root: Container, path: readonly PropertyKey[]): readonly PropertyKey[] {
  let target = path;
  while (target.length > 0) {
    const parent = getIn(root, target.slice(0, -1));
    const key = target[target.length - 1] as string;
    if (isContainer(parent) && key in parent) {
      const sourceAt = target.findIndex((segment) => segment === "image" || segment === "build");
      if (sourceAt > 0) {
        const holder = getIn(root, target.slice(0, sourceAt)) as Container;
        if (target[sourceAt] === "build") delete holder.build;
        if (target[sourceAt] === "image" || holder.image === undefined)
          holder.image = PLACEHOLDER_IMAGE;
        return target.slice(0, sourceAt + 1);
      }
      delete parent[key];
      return target;
    }
    target = target.slice(0, -1);
  }
  return target;
}

export function pruneInvalid(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
): Pruned | undefined {
  if (!isContainer(data)) return undefined;
  const copy = structuredClone(data);
  const removed: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // An unknown key means nothing to the rules: drop it without suppressing anything.
      const holder = getIn(copy, issue.path);
      if (isContainer(holder)) for (const key of issue.keys) delete holder[key];
      continue;
    }
    if (issue.path.length === 1 && issue.path[0] === "apiVersion") {
      copy.apiVersion = API_VERSION;
      continue;
    }
    const gone = removeAt(copy, issue.path);
    removed.push(gone.map(String).join("."));
    if (gone.length === 2 && gone[0] === "models")
      removed.push(...removeOverlays(copy, String(gone[1])));
  }
  return { data: copy, removed };
}

/** A model that had to go takes its overlays along, or they would read as naming an unknown model. */
function removeOverlays(root: Container, model: string): string[] {
  const environments = isContainer(root.environments) ? root.environments : {};
  return Object.entries(environments).flatMap(([environment, overlay]) => {
    const models = isContainer(overlay) ? overlay.models : undefined;
    if (!isContainer(models) || !(model in models)) return [];
    delete models[model];
    return [`environments.${environment}.models.${model}`];
  });
}

/**
 * True when a problem's path strictly contains, or lies inside, a removed path. A problem on
 * the very field the schema refused is a second, independent finding and is kept.
 */
export function overlapsRemoved(dottedPath: string, removed: readonly string[]): boolean {
  const within = (inner: string, outer: string) =>
    inner !== outer && (inner.startsWith(`${outer}.`) || outer === "");
  return removed.some((path) => within(dottedPath, path) || within(path, dottedPath));
}
