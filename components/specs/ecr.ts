/** ECR repository naming and lifecycle rules for a model's images. */
import { createHash } from "node:crypto";

/** The one mutable tag: the BuildKit registry cache. Every image tag is immutable. */
export const BUILD_CACHE_TAG = "buildcache";

/**
 * The content part of a build's tag: a hash of everything that makes @pulumi/docker-build build
 * again — the content digest (context files and modes, Dockerfile, args, target) and the
 * platform. The pushed tag adds the build's generation (components/model-images.ts), so a
 * rebuild, or a build that comes back, never pushes a tag the immutable repository holds.
 */
export function imageTag(build: { contentDigest: string; platform: string }): string {
  const digest = createHash("sha256")
    .update(`${build.contentDigest}\0${build.platform}`)
    .digest("hex");
  return `ctx-${digest.slice(0, 16)}`;
}

/** Expire untagged images after a week; keep the newest `keep` tagged images (ECR.3). */
export function lifecyclePolicy(keep: number): object {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "Expire untagged images (superseded cache layers, failed pushes) after 7 days",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 7,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${keep} most recent image builds`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["ctx-*"],
          countType: "imageCountMoreThan",
          countNumber: keep,
        },
        action: { type: "expire" },
      },
    ],
  };
}
