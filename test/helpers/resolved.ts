/** Resolved-catalogue values for tests of code that takes them, built on the built-in defaults. */
import type { ResolvedVersion } from "../../catalogue";
import { BUILT_IN_DEFAULTS } from "../../catalogue/defaults";

export const PINNED_IMAGE = `registry.example.com/model@sha256:${"a".repeat(64)}`;

/** A live version with the built-in settings; override what the test is about. */
export function resolvedVersion(overrides: Partial<ResolvedVersion> = {}): ResolvedVersion {
  const version = overrides.version ?? "1.0.0";
  return {
    ...structuredClone(BUILT_IN_DEFAULTS),
    version,
    workloadName: `m-v${version.replace(/\./g, "-")}`,
    status: "live",
    traffic: 100,
    image: { kind: "image", reference: PINNED_IMAGE },
    ...overrides,
  };
}
