/**
 * Input changes that make a provider replace a resource instead of updating it, from each
 * type's record in kinds/ (`forcesReplacement`: the providers' "forces new resource" /
 * immutable fields; `refusedInPlace`: what an admission webhook refuses to update). The offline
 * plan has no provider to ask, so these records are how the transition model (transition.ts) and
 * the diff tell a replacement from an update; a type or field missing there is an update.
 */
import { kindOf } from "../kinds";

/** Kubernetes objects are replaced when their name or namespace changes. */
const KUBERNETES_IDENTITY = ["metadata.name", "metadata.namespace"];

/**
 * The input fields whose change replaces a resource of `type` as the engine sees it: the
 * provider's immutable fields and the resource's own replaceOnChanges.
 */
export function replacementFields(type: string, replaceOnChanges: string[] = []): string[] {
  return [
    ...(kindOf(type)?.forcesReplacement ?? []),
    ...(type.startsWith("kubernetes:") ? KUBERNETES_IDENTITY : []),
    ...replaceOnChanges,
  ];
}

/** The changed paths (dotted, optionally `inputs.`-prefixed) that touch one of `fields`. */
export function pathsTouching(
  fields: readonly string[],
  changedPaths: readonly string[],
): string[] {
  return changedPaths.filter((path) => {
    const input = path.replace(/^inputs\./, "");
    return fields.some(
      (field) =>
        input === field ||
        input.startsWith(`${field}.`) ||
        // An item of a list matched by identity (`subnets[=subnet-1]`, `containers[name=server]`).
        input.startsWith(`${field}[`) ||
        field.startsWith(`${input}.`),
    );
  });
}

/**
 * The changed input paths that cannot be applied in place: what the provider replaces for
 * (plus replaceOnChanges), and what a webhook would refuse to update. The diff calls all of
 * them out; transition.ts tells the two apart.
 */
export function replacementCauses(
  type: string,
  changedPaths: string[],
  replaceOnChanges: string[] = [],
): string[] {
  return pathsTouching(
    [...replacementFields(type, replaceOnChanges), ...(kindOf(type)?.refusedInPlace ?? [])],
    changedPaths,
  );
}

function valueAt(inputs: Record<string, unknown>, path: string): unknown {
  let node: unknown = inputs;
  for (const segment of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * What a resource's identity at the provider hangs on: the values of the fields that force its
 * replacement. Placeholders derive ids and ARNs from it, so a replacement gets a new ARN (as it
 * does in AWS) and what refers to the resource changes with it; an update keeps them.
 */
export function replacementKey(type: string, inputs: Record<string, unknown>): string {
  return JSON.stringify(
    replacementFields(type).map((field) => [field, valueAt(inputs, field) ?? null]),
  );
}
