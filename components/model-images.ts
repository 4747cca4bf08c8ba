/**
 * A model's images. Built sources: an ECR repository (scan on push, immutable tags, KMS,
 * lifecycle) and one image per distinct build content, built with @pulumi/docker-build and
 * pushed with credentials from ECR's authorization token. Prebuilt sources: pinned by digest,
 * resolved from the registry when the catalogue gives a tag. Every reference handed on is
 * `repository@sha256:…`, so pods roll only when the image really changes.
 */
import { servedVersions } from "../catalogue";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ResolvedImageSource, ResolvedModel } from "../catalogue";
import { parseImageReference } from "../catalogue/image-reference";
import { BUILD_CACHE_TAG, imageTag, lifecyclePolicy } from "./specs/ecr";

type BuildSource = Extract<ResolvedImageSource, { kind: "build" }>;

export interface ModelImagesArgs {
  model: ResolvedModel;
  /** ECR repository name (specs/ecr.ts repositoryName). */
  repositoryName: string;
  /** KMS key that encrypts the repository. */
  kmsKeyArn: pulumi.Input<string>;
  /** How many image builds the lifecycle policy keeps. */
  keepImages: number;
  /** Target platform of the builds, e.g. `linux/amd64`. */
  platform: dockerBuild.Platform;
  /** Tags of the repository (the model and its owner; stack-wide tags come from the provider). */
  tags: Record<string, string>;
  /**
   * Digest references a rollout pinned, by version (rollout/effective.ts): used as they are, so
   * a tag moved or a build pushed again mid-rollout never changes what bakes.
   */
  pinned?: Record<string, string>;
}

export class ModelImages extends pulumi.ComponentResource {
  /** The model's repository, when any served version is built. */
  public readonly repository?: aws.ecr.Repository;
  /** Digest-pinned image reference per served version key. */
  public readonly references: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: ModelImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:image:ModelImages", name, {}, opts);
    const served = servedVersions(args.model).filter((version) => version.image);
    const builds = new Map<string, BuildSource>();
    for (const version of served)
      if (version.image?.kind === "build") builds.set(version.image.contentDigest, version.image);

    const built = new Map<string, pulumi.Output<string>>();
    // The repository stays while any version, retired ones included, was built into it: it holds
    // their images, which a rollback needs and the registry items point at.
    if (args.model.versions.some((version) => version.image?.kind === "build")) {
      const repository = this.createRepository(name, args);
      this.repository = repository;
      const auth = aws.ecr.getAuthorizationTokenOutput(
        { registryId: repository.registryId },
        { parent: this },
      );
      const cache = pulumi.interpolate`${repository.repositoryUrl}:${BUILD_CACHE_TAG}`;
      for (const [digest, source] of [...builds].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const tag = imageTag({ contentDigest: digest, platform: args.platform });
        // Named by its content: whatever makes docker-build build again is a new resource, never
        // an update. The pushed tag adds a generation drawn when the resource is created and kept
        // in the state: a build that comes back (a revert, a version back from retirement) is a
        // new resource that pushes a new tag, while the earlier one, kept as history, still
        // holds its own; ECR refuses to push a tag it already holds, even of the same image.
        const generation = new random.RandomId(
          `${name}-${tag}`,
          { byteLength: 4, keepers: { tag } },
          { parent: this },
        );
        const image = new dockerBuild.Image(
          `${name}-${tag}`,
          {
            tags: [pulumi.interpolate`${repository.repositoryUrl}:${tag}-${generation.hex}`],
            context: { location: source.context },
            dockerfile: { location: `${source.context}/${source.dockerfile}` },
            buildArgs: source.args,
            ...(source.target === undefined ? {} : { target: source.target }),
            platforms: [args.platform],
            push: true,
            registries: [
              {
                address: repository.repositoryUrl,
                username: auth.userName,
                password: pulumi.secret(auth.password),
              },
            ],
            cacheFrom: [{ registry: { ref: cache } }],
            cacheTo: [
              {
                registry: {
                  ref: cache,
                  imageManifest: true,
                  ociMediaTypes: true,
                  mode: dockerBuild.CacheMode.Max,
                  // BuildKit exports the cache after the push: a failed export must not fail a
                  // build whose tag is already in ECR (its generation is drawn; a retry would
                  // push that tag again and be refused).
                  ignoreError: true,
                },
              },
            ],
          },
          // docker-build's delete removes the pushed manifest from the registry
          // (provider/internal/image.go, Delete): a superseded build stays for rollbacks and for
          // the registry items that name it; the repository's lifecycle policy expires old ones.
          { parent: this, retainOnDelete: true },
        );
        built.set(digest, pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`);
      }
    }

    for (const version of served) {
      const source = version.image!;
      const pinned = args.pinned?.[version.version];
      this.references[version.version] = pinned
        ? pulumi.output(pinned)
        : source.kind === "build"
          ? built.get(source.contentDigest)!
          : this.pinnedReference(source.reference);
    }
    this.registerOutputs({
      repositoryUrl: this.repository?.repositoryUrl,
      references: this.references,
    });
  }

  private createRepository(name: string, args: ModelImagesArgs): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
      name,
      {
        name: args.repositoryName,
        // Immutable tags (ECR.2), except the one build-cache tag BuildKit rewrites on every build.
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: BUILD_CACHE_TAG, filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
        tags: args.tags,
      },
      // Images are history: a model that leaves the catalogue leaves its repository in place
      // (deleting a non-empty repository fails anyway: RepositoryNotEmptyException).
      { parent: this, retainOnDelete: true },
    );
    new aws.ecr.LifecyclePolicy(
      name,
      { repository: repository.name, policy: JSON.stringify(lifecyclePolicy(args.keepImages)) },
      { parent: this },
    );
    return repository;
  }

  /** A digest reference as is; a tag resolved to the digest the registry holds now. */
  private pinnedReference(reference: string): pulumi.Output<string> {
    const parsed = parseImageReference(reference)!;
    if (parsed.digest) return pulumi.output(`${parsed.repository}@${parsed.digest}`);
    const image = docker.getRegistryImageOutput({ name: reference }, { parent: this });
    return pulumi.interpolate`${parsed.repository}@${image.sha256Digest}`;
  }
}
