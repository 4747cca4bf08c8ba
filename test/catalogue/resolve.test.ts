/**
 * Resolution: precedence (docs/catalogue.md, "Precedence"), merge rules, version states, image sources,
 * ordering; property tests for precedence and for "valid => traffic sums to 100".
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { checkCatalogueText, resolveChecked } from "../../catalogue";
import { compareVersions } from "../../catalogue/resolve";
import { BASELINE, FIXTURE_FILE, resolvedOf, yaml } from "../helpers/catalogue";

const IMAGE = "registry.example.com/m:1.0";

describe("resolve", () => {
  it("applies built-in defaults under everything", () => {
    const [model] = resolvedOf(BASELINE).models;
    expect(model?.versions[0]).toMatchObject({
      port: 8080,
      healthCheck: { path: "/healthz", startupSeconds: 300 },
      resources: { cpu: "500m", memory: "1Gi", modelCache: "2Gi" },
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 },
      slo: { latencyP99Ms: 300, errorRatePercent: 1 },
      env: {},
    });
    expect(model?.versions[0]?.gpu).toBeUndefined();
  });

  it("sorts versions numerically, retired included, and derives workload names", () => {
    const [model] = resolvedOf(BASELINE).models;
    expect(model?.versions.map((v) => [v.version, v.status, v.traffic, v.workloadName])).toEqual([
      ["0.8.0", "retired", 0, "scorer-v0-8-0"],
      ["0.9.0", "standby", 0, "scorer-v0-9-0"],
      ["1.0.0", "live", 90, "scorer-v1-0-0"],
      ["1.1.0", "live", 10, "scorer-v1-1-0"],
    ]);
  });

  it("applies the environment overlay on top", () => {
    const [model] = resolvedOf(BASELINE, "dev").models;
    expect(model?.versions.map((v) => [v.version, v.traffic])).toEqual([
      ["0.8.0", 0],
      ["0.9.0", 0],
      ["1.0.0", 50],
      ["1.1.0", 50],
    ]);
  });

  it("resolves build contexts relative to the catalogue file, as project-relative POSIX paths, with their content digest", () => {
    const [model] = resolvedOf(BASELINE).models;
    const { contentDigest, ...source } = model?.versions[2]?.image as { contentDigest: string };
    expect(source).toEqual({
      kind: "build",
      context: "test/fixtures/server",
      dockerfile: "Dockerfile",
      args: {},
    });
    expect(contentDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("lets the highest layer's image source win whole: a version's image replaces the model's build", () => {
    const text = BASELINE.replace(
      '"0.9.0": { traffic: 0 }',
      `"0.9.0": { traffic: 0, image: "${IMAGE}" }`,
    );
    const [model] = resolvedOf(text).models;
    expect(model?.versions[1]?.image).toEqual({ kind: "image", reference: IMAGE });
    expect(model?.versions[2]?.image?.kind).toBe("build");
  });

  it("merges objects key by key and replaces scalars", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "defaults: { resources: { cpu: 250m, memory: 512Mi }, env: { A: a, B: b } }",
      "models:",
      "  m:",
      "    owner: team-a",
      `    image: ${IMAGE}`,
      "    resources: { cpu: 2 }",
      "    env: { B: model, C: c }",
      '    versions: { "1.0": { traffic: 100, resources: { memory: 4Gi } } }',
    );
    const version = resolvedOf(text).models[0]?.versions[0];
    expect(version?.resources).toEqual({ cpu: "2", memory: "4Gi", modelCache: "2Gi" });
    expect(version?.env).toEqual({ A: "a", B: "model", C: "c" });
  });

  it("orders versions like people do", () => {
    expect(["1.10.0", "1.9.0", "1.9.0-rc1", "2", "1.2"].sort(compareVersions)).toEqual([
      "1.2",
      "1.9.0",
      "1.9.0-rc1",
      "1.10.0",
      "2",
    ]);
  });

  it("is plain data: no functions, classes or undefined values", () => {
    const resolved = resolvedOf(BASELINE, "dev");
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });
});

/** The six layers of docs/catalogue.md, "Precedence", lowest first, holding `value` for `key` where given. */
function layered(values: (number | undefined)[], key: (v: number) => Record<string, unknown>) {
  const set = (index: number) => (values[index] === undefined ? {} : key(values[index]));
  return {
    apiVersion: "maas/v1",
    defaults: set(0),
    models: {
      m: {
        owner: "team-a",
        image: IMAGE,
        ...set(1),
        versions: { "1.0": { traffic: 100, ...set(2) } },
      },
    },
    environments: {
      e: { defaults: set(3), models: { m: { ...set(4), versions: { "1.0": set(5) } } } },
    },
  };
}

function resolveVersion(document: unknown, environment?: string) {
  const checked = checkCatalogueText(
    stringify(document),
    FIXTURE_FILE,
    environment === undefined ? {} : { environment },
  );
  if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join("\n"));
  return checked;
}

describe("precedence (property)", () => {
  const layerValues = fc.array(
    fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
    { minLength: 6, maxLength: 6 },
  );

  it("the highest layer that sets a scalar wins, in the base catalogue and in the environment", () => {
    fc.assert(
      fc.property(layerValues, (values) => {
        const document = layered(values, (port) => ({ port }));
        const lastDefined = (upTo: number) =>
          values
            .slice(0, upTo)
            .filter((v) => v !== undefined)
            .pop() ?? 8080;
        expect(
          resolveChecked(resolveVersion(document), undefined).models[0]?.versions[0]?.port,
        ).toBe(lastDefined(3));
        expect(
          resolveChecked(resolveVersion(document, "e"), "e").models[0]?.versions[0]?.port,
        ).toBe(lastDefined(6));
      }),
      { numRuns: 150 },
    );
  });

  it("nested keys merge independently: each takes its own highest layer", () => {
    const cpus = fc.array(fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), {
      minLength: 6,
      maxLength: 6,
    });
    const memories = fc.array(fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), {
      minLength: 6,
      maxLength: 6,
    });
    fc.assert(
      fc.property(cpus, memories, (cpu, memory) => {
        const document = layered(
          cpu.map((c, i) => (c === undefined && memory[i] === undefined ? undefined : i)),
          (i) => ({
            resources: {
              ...(cpu[i] === undefined ? {} : { cpu: cpu[i] }),
              ...(memory[i] === undefined ? {} : { memory: `${memory[i]}Gi` }),
            },
          }),
        );
        const last = <T>(values: (T | undefined)[]) => values.filter((v) => v !== undefined).pop();
        const resources = resolveChecked(resolveVersion(document, "e"), "e").models[0]?.versions[0]
          ?.resources;
        expect(resources?.cpu).toBe(String(last(cpu) ?? "500m"));
        expect(resources?.memory).toBe(last(memory) === undefined ? "1Gi" : `${last(memory)}Gi`);
      }),
      { numRuns: 150 },
    );
  });
});

/** A random split of 100 into `parts` non-negative integers. */
const split = (parts: number) =>
  fc
    .array(fc.integer({ min: 0, max: 100 }), { minLength: parts - 1, maxLength: parts - 1 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 100];
      return points.slice(1).map((point, index) => point - points[index]!);
    });

const modelArbitrary = fc
  .integer({ min: 1, max: 4 })
  .chain((live) =>
    fc.record({ base: split(live), overlay: split(live), retired: fc.integer({ min: 0, max: 2 }) }),
  );

describe("traffic (property)", () => {
  it("a valid catalogue resolves to traffic summing to exactly 100 per model, base and overlay", () => {
    fc.assert(
      fc.property(fc.array(modelArbitrary, { minLength: 1, maxLength: 4 }), (models) => {
        const document = {
          apiVersion: "maas/v1",
          models: Object.fromEntries(
            models.map((model, m) => [
              `model-${m}`,
              {
                owner: "team-a",
                image: IMAGE,
                versions: Object.fromEntries<object>([
                  ...model.base.map((traffic, v): [string, object] => [`1.${v}`, { traffic }]),
                  ...Array.from({ length: model.retired }, (_, r): [string, object] => [
                    `0.${r}`,
                    { retired: true },
                  ]),
                ]),
              },
            ]),
          ),
          environments: {
            e: {
              models: Object.fromEntries(
                models.map((model, m) => [
                  `model-${m}`,
                  {
                    versions: Object.fromEntries(
                      model.overlay.map((traffic, v) => [`1.${v}`, { traffic }]),
                    ),
                  },
                ]),
              ),
            },
          },
        };
        for (const environment of [undefined, "e"]) {
          const resolved = resolveChecked(resolveVersion(document, environment), environment);
          for (const model of resolved.models) {
            expect(
              model.versions
                .filter((v) => v.status !== "retired")
                .reduce((sum, v) => sum + v.traffic, 0),
            ).toBe(100);
            expect(
              model.versions.filter((v) => v.status === "retired").every((v) => v.traffic === 0),
            ).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a catalogue whose traffic does not sum to 100 is refused, naming the model", () => {
    fc.assert(
      fc.property(split(3), fc.integer({ min: 1, max: 50 }), fc.nat(2), (shares, delta, which) => {
        const skewed = shares.map((share, index) =>
          index === which ? Math.min(100, share + delta) : share,
        );
        fc.pre(skewed.reduce((a, b) => a + b, 0) !== 100);
        const document = {
          apiVersion: "maas/v1",
          models: {
            m: {
              owner: "team-a",
              image: IMAGE,
              versions: Object.fromEntries(skewed.map((traffic, v) => [`1.${v}`, { traffic }])),
            },
          },
        };
        const checked = checkCatalogueText(stringify(document), FIXTURE_FILE);
        expect(checked.ok).toBe(false);
        if (!checked.ok) expect(checked.problems.map((p) => p.path)).toContain("models.m.versions");
      }),
      { numRuns: 150 },
    );
  });
});
