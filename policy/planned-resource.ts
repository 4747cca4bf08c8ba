/**
 * A resource registration as the offline plan records it (plan/record.ts) and the rules read it:
 * what the engine is asked to create. Canonical already (keys sorted at every level,
 * plan/canonical.ts). Declared here, the lowest folder that reads it, so the rules (and the
 * CrossGuard pack, which builds it from what CrossGuard knows) depend on no other folder.
 */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  /** False for component resources (and the stack), which only group others. */
  custom: boolean;
  /** URN of the explicit provider, when one is set. */
  provider?: string;
  inputs: Record<string, unknown>;
  dependencies: string[];
  /** Resource options that change how the engine treats the resource, when set. */
  options?: {
    protect?: true;
    retainOnDelete?: true;
    deleteBeforeReplace?: true;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    customTimeouts?: { create?: string; update?: string; delete?: string };
    /** Outputs the program asks the engine to keep secret, besides those the provider marks. */
    additionalSecretOutputs?: string[];
    /**
     * Former URNs of a renamed resource (Pulumi `aliases` with another name): the engine takes
     * a resource of the stack under one of them for this one, so a rename keeps the resource
     * instead of replacing it.
     */
    aliases?: string[];
  };
}

/** The same shape, by the name plan/ and cost/ give it: what the plan recorded. */
export type RecordedResource = PlannedResource;
