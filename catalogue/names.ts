/**
 * Every name a model or version becomes, derived in one place so validation and the
 * components agree. A name that would exceed its target's limit becomes a stable short name:
 * a readable prefix plus a hash of the full name (never random, so it survives re-runs).
 */
import { createHash } from "node:crypto";

/** Limits from the targets' own rules (RULES.md, naming table). */
export const NAME_LIMITS = {
  kubernetesName: 63,
  labelValue: 63,
  targetGroup: 32,
  loadBalancer: 32,
  iamRole: 64,
  ecrRepository: 256,
  alarm: 255,
} as const;

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** `name` when it fits `limit`, else its prefix and an 8-character hash of the whole name. */
export function fitName(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const prefix = name.slice(0, limit - 9).replace(/[^a-zA-Z0-9]+$/, "");
  return `${prefix}-${shortHash(name)}`;
}

/** `1.4.0` -> `1-4-0`: dots are not allowed in DNS-1035 names. */
export function versionSlug(version: string): string {
  return version.replace(/\./g, "-");
}

/** Namespace and ServiceAccount of a model: its name, which the schema keeps DNS-1035. */
export function modelNamespace(model: string): string {
  return model;
}

/**
 * Deployment, Service, HPA and PDB name of a version: `<model>-v<version>`. The `v` keeps the
 * name DNS-1035 after the dash and makes `1.4.0` and `1-4-0` collide visibly (refused by the rules).
 */
export function workloadName(model: string, version: string): string {
  return fitName(`${model}-v${versionSlug(version)}`, NAME_LIMITS.kubernetesName);
}

/** Namespaces a model may not take: Kubernetes' own. */
export function reservedNamespaceProblem(model: string): string | undefined {
  if (model === "default" || model.startsWith("kube-")) {
    return "is a Kubernetes system namespace name; choose another model name";
  }
  return undefined;
}

/** ALB listener rule priorities run from 1 to 50000; each model needs its own. */
export const MAX_LISTENER_PRIORITY = 50000;

/**
 * The listener rule priority a model gets unless it sets `routing.priority`: a hash of its name,
 * so adding or removing a model never moves another model's rule.
 */
export function derivedListenerPriority(model: string): number {
  return 1 + (Number.parseInt(shortHash(model), 16) % MAX_LISTENER_PRIORITY);
}
