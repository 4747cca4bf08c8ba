/**
 * Images through the mock runtime: the ECR repository of a built model, the docker-build image
 * pushed with ECR credentials, digest-pinned references in the Deployments, and a build that
 * changes only when its content does.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { comparePlans } from "../../change/compare";
import { catalogueText, copyTestProject, FIXTURE_CONTEXT, planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

let dev: PlanFixture;

beforeAll(async () => {
  dev = await planOf({ stack: "dev" });
});

const image = (fixture: PlanFixture, deployment: string) =>
  fixture.inputs("kubernetes:apps/v1:Deployment", deployment).spec.template.spec.containers[0]
    .image as string;

describe("ECR repository", () => {
  it("exists only for built models, with immutable tags (but the build cache), scan on push and KMS", () => {
    expect(dev.ofType("aws:ecr/repository:Repository").map((r) => r.name)).toEqual([
      "image-classifier",
    ]);
    expect(dev.inputs("aws:ecr/repository:Repository", "image-classifier")).toMatchObject({
      name: "maas/dev/image-classifier",
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [{ filter: "buildcache", filterType: "WILDCARD" }],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [
        { encryptionType: "KMS", kmsKey: expect.stringMatching(/^arn:aws:kms:/) },
      ],
      tags: { "maas:model": "image-classifier", "maas:owner": "vision-team" },
    });
    // Images are history: the repository outlives the model's place in the catalogue.
    expect(dev.one("aws:ecr/repository:Repository", "image-classifier").options).toEqual({
      retainOnDelete: true,
    });
  });

  it("expires untagged images and keeps the newest builds", () => {
    expect(
      JSON.parse(dev.inputs("aws:ecr/lifecyclePolicy:LifecyclePolicy", "image-classifier").policy),
    ).toEqual({
      rules: [
        {
          rulePriority: 1,
          description:
            "Expire untagged images (superseded cache layers, failed pushes) after 7 days",
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
          description: "Keep the 20 most recent image builds",
          selection: {
            tagStatus: "tagged",
            tagPatternList: ["ctx-*"],
            countType: "imageCountMoreThan",
            countNumber: 20,
          },
          action: { type: "expire" },
        },
      ],
    });
  });
});

describe("built image", () => {
  it("builds the context once for both versions and pushes a content-named tag with ECR credentials", () => {
    const [built] = dev.ofType("docker-build:index:Image");
    expect(dev.ofType("docker-build:index:Image")).toHaveLength(1);
    // docker-build's delete would remove the pushed image: superseded builds stay for rollbacks.
    // Kept in the registry when superseded; the provider class keeps its own outputs secret.
    expect(built!.options).toMatchObject({ retainOnDelete: true });
    const args = built!.inputs as Record<string, any>;
    const repository = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/maas/dev/image-classifier";
    expect(built!.name).toMatch(/^image-classifier-ctx-[0-9a-f]{16}$/);
    // The content tag, and the generation drawn when this build's resources were created: a
    // build that comes back later pushes a tag of its own, never the one its first push holds.
    const [generation] = dev.ofType("random:index/randomId:RandomId");
    expect(generation).toMatchObject({
      name: built!.name,
      inputs: { byteLength: 4, keepers: { tag: built!.name.slice("image-classifier-".length) } },
    });
    expect(generation!.options?.retainOnDelete).toBeUndefined();
    expect(built!.dependencies).toContain(generation!.urn);
    expect(args).toMatchObject({
      tags: [
        expect.stringMatching(
          new RegExp(
            `^${repository}:${built!.name.slice("image-classifier-".length)}-[0-9a-f]{8}$`,
          ),
        ),
      ],
      context: { location: "server" },
      dockerfile: { location: "server/Dockerfile" },
      buildArgs: { PYTHON_IMAGE: "python:3.12-slim" },
      platforms: ["linux/amd64"],
      push: true,
      cacheFrom: [{ registry: { ref: `${repository}:buildcache` } }],
      cacheTo: [
        {
          registry: {
            ref: `${repository}:buildcache`,
            imageManifest: true,
            ociMediaTypes: true,
            mode: "max",
            ignoreError: true,
          },
        },
      ],
    });
    // Credentials from aws.ecr.getAuthorizationToken (mocked), the password kept secret.
    expect(args.registries).toEqual([
      { address: repository, username: "AWS", password: "[secret]" },
    ]);
  });

  it("hands the Deployments `repository@sha256:digest`, never a tag", () => {
    for (const version of ["1.4.0", "1.5.0"]) {
      expect(image(dev, `image-classifier-v${version.replace(/\./g, "-")}`)).toMatch(
        /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/maas\/dev\/image-classifier@sha256:[0-9a-f]{64}$/,
      );
    }
  });
});

describe("prebuilt images", () => {
  it("keeps a digest reference as it is", () => {
    expect(image(dev, "text-embedder-v2-0-0")).toBe(
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/text-embedder@sha256:4f1e5a1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5",
    );
    expect(image(dev, "text-embedder-v1-9-2")).toMatch(/text-embedder@sha256:9a8b7c6d/);
  });

  it("resolves a tag to the digest the registry holds (docker getRegistryImage), so the pod is pinned", () => {
    expect(image(dev, "fraud-scorer-v3-2-1")).toMatch(
      /^ghcr\.io\/acme-risk\/fraud-scorer@sha256:[0-9a-f]{64}$/,
    );
  });
});

describe("build content", () => {
  function twoBuiltModels(contextA: string, contextB: string): string {
    return catalogueText([
      "apiVersion: maas/v1",
      "models:",
      "  alpha:",
      "    owner: team-a",
      `    build: { context: ${contextA} }`,
      '    versions: { "1.0.0": { traffic: 100 } }',
      "  beta:",
      "    owner: team-b",
      `    build: { context: ${contextB} }`,
      '    versions: { "1.0.0": { traffic: 100 } }',
      "environments: { dev: {} }",
    ]);
  }

  // Contexts must live in the project: each test gets a copy of it with two of its own.
  const project = copyTestProject();
  let copies = 0;
  function copyOfExample(): string {
    copies += 1;
    const context = join(project, `server-${copies}`);
    cpSync(FIXTURE_CONTEXT, context, { recursive: true });
    return context;
  }

  it("changes nothing when nothing in the context changed, and only the edited model's image when one did", async () => {
    const alpha = copyOfExample();
    const beta = copyOfExample();
    const before = await planOf({ projectDir: project, catalogue: twoBuiltModels(alpha, beta) });
    const again = await planOf({ projectDir: project, catalogue: twoBuiltModels(alpha, beta) });
    expect(comparePlans(before.plan.resources, again.plan.resources)).toEqual({
      added: [],
      removed: [],
      changed: [],
    });

    writeFileSync(join(alpha, "app.py"), 'print("a new model server")\n');
    const after = await planOf({ projectDir: project, catalogue: twoBuiltModels(alpha, beta) });
    const { added, removed, changed } = comparePlans(before.plan.resources, after.plan.resources);
    // The new build; alpha 1.0.0's image item is replaced with a new generation (an item
    // with a new key: the old one stays in the table, retainOnDelete).
    expect(added.map((r) => r.type).sort()).toEqual([
      "docker-build:index:Image",
      "random:index/randomId:RandomId",
    ]);
    expect(removed.map((r) => r.type).sort()).toEqual([
      "docker-build:index:Image",
      "random:index/randomId:RandomId",
    ]);
    expect(added[0]!.name).toMatch(/^alpha-ctx-/);
    expect(removed[0]!.name).toMatch(/^alpha-ctx-/);
    expect(
      changed.map((c) => `${c.type} ${c.urn.split("::").pop()}: ${c.paths.join(", ")}`).sort(),
    ).toEqual([
      "aws:dynamodb/tableItem:TableItem alpha-v1-0-0-image: inputs.item.imageReference.S, inputs.item.version.S",
      "aws:dynamodb/tableItem:TableItem alpha-v1-0-0: inputs.item.imageReference.S",
      "aws:s3/bucketObjectv2:BucketObjectv2 registry-catalogue-snapshot: inputs.content.models[name=alpha].versions[version=1.0.0].image.contentDigest",
      "kubernetes:apps/v1:Deployment alpha-v1-0-0: inputs.spec.template.spec.containers[name=server].image",
      "random:index/randomId:RandomId alpha-v1-0-0-image: inputs.keepers.image",
    ]);
  });
});

describe("image retention", () => {
  it("refuses to keep fewer builds than a model serves at once: ECR would expire one that runs", async () => {
    const catalogue = [
      "apiVersion: maas/v1",
      "models:",
      "  scorer:",
      "    owner: team-a",
      `    build: { context: ${FIXTURE_CONTEXT} }`,
      "    versions:",
      '      "1.0.0": { traffic: 90 }',
      `      "1.1.0": { traffic: 10, build: { context: ${FIXTURE_CONTEXT}, args: { MODE: "canary" } } }`,
      "environments: { dev: {} }",
      "",
    ].join("\n");
    await expect(planOf({ catalogue, config: { "maas:imageRetention": "1" } })).rejects.toThrow(
      "maas:imageRetention: 1 keeps fewer builds than model scorer serves at once (2)",
    );
    await expect(
      planOf({ catalogue, config: { "maas:imageRetention": "2" } }),
    ).resolves.toBeDefined();
  });
});
