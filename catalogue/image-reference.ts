/**
 * Container image references (`registry/path:tag@sha256:digest`), following the grammar of
 * the distribution project's reference package, reduced to what the catalogue allows:
 * a reference must be pinned by digest or by an explicit tag other than `latest`.
 */
import { defineRules } from "./rule";

/** The rule the schema judges references by: `catalogue/<slug>` in docs/rules.md. */
export const IMAGE_RULES = defineRules("catalogue", {
  "image-pinned": {
    description:
      "An `image:` reference is pinned: by digest (`@sha256:…`) or by an explicit tag other than `latest`.",
    why: "`latest`, or no tag at all, moves under a running Deployment: pods started later run other code than the ones before, and a rollback has nothing to return to.",
    fix: "Pin a digest (`registry/repository@sha256:<64 hex>`) or an explicit version tag (`registry/repository:1.4.0`).",
  },
});

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[a-f0-9]{64}";

/** The whole grammar; used by the zod schema and published in the JSON Schema. */
export const IMAGE_REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH})(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export interface ImageReference {
  /** Registry and path, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/text-embedder`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` when the reference is pinned by digest. */
  digest?: string;
}

/** Splits a reference; undefined when it does not match {@link IMAGE_REFERENCE}. */
export function parseImageReference(reference: string): ImageReference | undefined {
  const match = IMAGE_REFERENCE.exec(reference);
  if (!match) return undefined;
  const [, domain, path, tag, digest] = match;
  // Without a dot, colon or "localhost", Docker reads the first component as a path, not a host.
  const repository = domain ? `${domain}/${path}` : (path ?? "");
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Why a reference is refused, or undefined when it is pinned well enough to deploy. */
export function imageReferenceProblem(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  if (!parsed) {
    return "is not an image reference; write registry/repository@sha256:<64 hex> or registry/repository:<tag>";
  }
  if (parsed.tag === "latest") {
    return "uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag";
  }
  if (!parsed.tag && !parsed.digest) {
    return "has neither tag nor digest (Docker would pull latest); pin a digest (@sha256:…) or an explicit version tag";
  }
  return undefined;
}
