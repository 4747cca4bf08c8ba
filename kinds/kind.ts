/**
 * What the program knows about one resource type it creates, in one record: read by the
 * components that create it (`replaceOnChanges`) and by everything that judges a plan of it (the
 * diff's replacements, physical names, manifests, schemas, the transition rules, the review, the
 * deploying role's policy). Plain data and pure functions: no Pulumi runtime, so `components/`,
 * `policy/` and `plan/` may all import it.
 */

import type { Placeholder } from "./placeholder";

/** A resource's recorded inputs, as the plan holds them. */
export type Inputs = Record<string, unknown>;

/**
 * What a resource is known by at its provider (a name, a priority on a listener, a tag), from
 * its inputs; `undefined` where it is auto-named (a part of the name is missing).
 */
export type PhysicalNamer = (inputs: Inputs) => (string | undefined)[];

/** A Kubernetes object's schema check: the problem of an object (naming the field), or undefined. */
export type SchemaCheck = (object: Record<string, unknown>) => string | undefined;

export interface ResourceKind {
  /** Pulumi's type token (`aws:lb/targetGroup:TargetGroup`, `kubernetes:apps/v1:Deployment`). */
  readonly type: string;
  /**
   * Input paths whose change the provider answers by replacing the resource (terraform-provider-
   * aws "ForceNew" / "RequiresReplace", Kubernetes immutable fields), from the providers' sources.
   * The offline plan has no provider to ask: a field missing here is planned as an update.
   * (A Kubernetes object's name and namespace are its identity for every kind:
   * plan/replacements.ts.)
   */
  readonly forcesReplacement?: readonly string[];
  /**
   * Paths an admission webhook refuses to update although the provider would try (a custom
   * resource, whose schema Pulumi does not know): the component asks for a replacement
   * (`replaceOnChanges`) with exactly these.
   */
  readonly refusedInPlace?: readonly string[];
  /**
   * It holds history or data that its deletion loses (what ran, images, what they were
   * encrypted with): RULES-26 refuses deleting or replacing it without retainOnDelete, and the
   * review notes one that leaves the stack but stays in AWS. `protectInProduction`: RULES-21
   * also wants it protected in production: the registry's store and its key, not what a model
   * brings (its repository, records and images leave the stack with the model and stay in AWS,
   * which protection would refuse).
   */
  readonly history?: { readonly protectInProduction: boolean };
  /**
   * What it is known by at its provider: two resources holding one name cannot both exist
   * (RULES-22, 27, 32; plan/physical-names.ts). `scope`: where a name the program sets itself
   * (from the catalogue and the stack's name, so the same in AWS as in the offline plan) must be
   * unique across stacks; without it the name holds a provider-computed value the plan only
   * stands in for, compared within a layout. Kubernetes objects are known by kind, namespace and
   * name, every kind alike.
   */
  readonly physicalName?: { readonly of: PhysicalNamer; readonly scope?: "region" | "account" };
  /**
   * The offline plan's stand-ins for what its provider computes (ids, ARNs, URLs, digests) that
   * the program or a judge reads; without one an AWS resource gets an id and an ARN from its
   * module, a Kubernetes object its name (plan/placeholders.ts).
   */
  readonly placeholder?: Placeholder;
  /** For a Kubernetes kind: where its manifest goes in `kubectl apply` order, and its schema. */
  readonly kubernetes?: { readonly applyOrder: number; readonly schema: SchemaCheck };
  /**
   * Outputs that carry a credential, and which of them the provider itself marks secret (its
   * class's `additionalSecretOutputs`, checked against the installed provider by
   * test/policy/secret-outputs.test.ts): RULES-34 wants the rest marked by the program.
   */
  readonly credentialOutputs?: {
    readonly outputs: readonly string[];
    readonly markedByProvider: readonly string[];
  };
  /**
   * The IAM actions its provider calls to create, read, update, tag and delete it
   * (terraform-provider-aws, per resource): the deploying role's policy (`maas permissions`).
   * Every AWS kind has them; a Kubernetes object goes through the cluster's RBAC instead.
   */
  readonly deployer?: readonly string[];
}
