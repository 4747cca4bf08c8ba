/**
 * What a finding on a plan says (Kubernetes objects, AWS resources, the way between two plans)
 * and what the rules judging it are told. The rules themselves have the one shape of every
 * family, `RuleDoc` (catalogue/rule.ts).
 */
// Defined once, on the floor, so the catalogue's own rules have it too; the plan's families take
// it from here beside the shape of their findings.
export type { RuleDoc } from "../catalogue/rule";

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
