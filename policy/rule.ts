/**
 * One shape for every rule maas checks, whichever family judges it (Kubernetes objects, AWS
 * resources, the way between two plans): its id, what it requires, why, how to comply, and what
 * a finding of it says. change/rule-registry.ts collects every family; docs/rules.md is generated
 * from it (`maas rules`).
 */
export interface Violation {
  /** Rule id, e.g. `RULES-3/pod-security`. */
  rule: string;
  /** `Kind namespace/name`. */
  object: string;
  message: string;
  /** The object or resource at fault, for tools that point at it (CrossGuard reports its URN). */
  source: object;
}

export interface RuleContext {
  /** Production stacks get the stricter checks (HPA minimum of two replicas, data protection). */
  production: boolean;
  /** False where the resource options at hand do not say (CrossGuard sees protect, not retainOnDelete). */
  retainOnDeleteKnown?: boolean;
}

/** What a rule requires, why, and how to comply: docs/rules.md is generated from these. */
export interface RuleDoc {
  id: string;
  /** What it requires. */
  description: string;
  why: string;
  fix: string;
}
