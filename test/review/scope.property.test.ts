/**
 * A scoped review finds what the full one finds (review/scope.ts, stack/plan-scope.ts): over
 * generated catalogues and random edits (fast-check), planning only the touched models on both
 * sides gives the same resource changes (URN, before and after) as planning every model, and
 * the same review but for what states the scope (its line, the Cost section's totals). Each run
 * plans four times, so the runs are few; fixed cases cover the edges: an edit touching every
 * model plans in full, and so does one to what every model is handed (the consumers).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { ResolvedCatalogue } from "../../catalogue";
import { markdownDiff } from "../../review/markdown-diff";
import type { StackDiff } from "../../review/markdown-diff";
import type { RecordedResource } from "../../plan/record";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { touchedModels } from "../../review/scope";
import { resolvedOf } from "../helpers/catalogue";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

interface Version {
  version: string;
  traffic: number;
}
interface Model {
  name: string;
  versions: Version[];
  maxReplicas: number;
  access: string[];
}
interface Catalogue {
  models: Model[];
  memory: string;
}

const LIMIT = { rateLimit: { requestsPerSecond: 10, burst: 20 } };
const CONSUMERS = {
  checkout: { principals: ["arn:aws:iam::123456789012:role/checkout-api"], ...LIMIT },
  partner: { auth: "apiKey", principals: ["arn:aws:iam::210987654321:role/partner"], ...LIMIT },
};

function text(catalogue: Catalogue): string {
  return stringify({
    apiVersion: "maas/v1",
    consumers: CONSUMERS,
    defaults: {
      resources: { cpu: "500m", memory: catalogue.memory },
      autoscaling: { minReplicas: 1, maxReplicas: 4 },
    },
    models: Object.fromEntries(
      catalogue.models.map((model) => [
        model.name,
        {
          owner: "team-a",
          image: `ghcr.io/acme/${model.name}:1`,
          autoscaling: { maxReplicas: model.maxReplicas },
          ...(model.access.length > 0 ? { access: model.access } : {}),
          versions: Object.fromEntries(
            model.versions.map((v) => [
              v.version,
              { traffic: v.traffic, image: `ghcr.io/acme/${model.name}:${v.version}` },
            ]),
          ),
        },
      ]),
    ),
    environments: { dev: {} },
  });
}

const access = fc.subarray(["checkout", "partner"]);
const model = (name: string) =>
  fc.record({
    name: fc.constant(name),
    versions: fc.integer({ min: 0, max: 100 }).map((canary) => [
      { version: "1.0.0", traffic: 100 - canary },
      { version: "1.1.0", traffic: canary },
    ]),
    maxReplicas: fc.integer({ min: 2, max: 6 }),
    access,
  });
const catalogue: fc.Arbitrary<Catalogue> = fc
  .integer({ min: 2, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => model(`model-${i}`))))
  .map((models) => ({ models, memory: "1Gi" }));

type Edit = (c: Catalogue) => Catalogue;
const onModel =
  (index: number, change: (m: Model) => Model): Edit =>
  (c) => ({
    ...c,
    models: c.models.map((m, i) => (i === index % c.models.length ? change(m) : m)),
  });
const edit: fc.Arbitrary<{ what: string; apply: Edit }> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 100 })).map(([i, canary]) => ({
    what: `weights of model ${i}: ${canary}`,
    apply: onModel(i, (m) => ({
      ...m,
      versions: [
        { version: "1.0.0", traffic: 100 - canary },
        { version: "1.1.0", traffic: canary },
        ...m.versions.slice(2),
      ],
    })),
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 2, max: 8 })).map(([i, replicas]) => ({
    what: `replicas of model ${i}: ${replicas}`,
    apply: onModel(i, (m) => ({ ...m, maxReplicas: replicas })),
  })),
  fc.nat().map((i) => ({
    what: `a version added to model ${i}`,
    apply: onModel(i, (m) => ({
      ...m,
      versions: [...m.versions, { version: "2.0.0", traffic: 0 }],
    })),
  })),
  fc.nat().map((i) => ({
    what: `version 1.1.0 removed from model ${i}`,
    apply: onModel(i, (m) => ({
      ...m,
      versions: [{ version: "1.0.0", traffic: 100 }, ...m.versions.slice(2)],
    })),
  })),
  fc.nat().map((i) => ({
    what: `model ${i} removed`,
    apply: (c: Catalogue) => ({
      ...c,
      models: c.models.filter((_, index) => index !== i % c.models.length),
    }),
  })),
  access.map((callers) => ({
    what: `a model added, called by ${callers.join(", ") || "none"}`,
    apply: (c: Catalogue) => ({
      ...c,
      models: [
        ...c.models,
        {
          name: "model-new",
          versions: [{ version: "1.0.0", traffic: 100 }],
          maxReplicas: 3,
          access: callers,
        },
      ],
    }),
  })),
  fc.tuple(fc.nat(), access).map(([i, callers]) => ({
    what: `model ${i}'s access: ${callers.join(", ") || "none"}`,
    apply: onModel(i, (m) => ({ ...m, access: callers })),
  })),
);

/** Resources that differ between two plans: URN, before and after (null: absent). */
function changes(base: RecordedResource[], head: RecordedResource[]): string[] {
  const before = new Map(base.map((r) => [r.urn, JSON.stringify(r)]));
  const after = new Map(head.map((r) => [r.urn, JSON.stringify(r)]));
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((urn) => before.get(urn) !== after.get(urn))
    .sort()
    .map((urn) => `${urn}\n  ${before.get(urn) ?? "null"}\n  ${after.get(urn) ?? "null"}`);
}

const snapshotOf = (fixture: PlanFixture): ResolvedCatalogue =>
  JSON.parse(
    String(
      fixture.one("aws:s3/bucketObjectv2:BucketObjectv2", "registry-catalogue-snapshot").inputs
        .content,
    ),
  ) as ResolvedCatalogue;

function review(base: PlanFixture, head: PlanFixture): string {
  const diff: StackDiff = {
    base: { label: "`main`", plan: base.plan, catalogue: snapshotOf(base) },
    head: { label: "working tree", plan: head.plan, catalogue: snapshotOf(head) },
    findings: judgeTransition(transition(base.plan.resources, head.plan.resources)),
    violations: [],
  };
  return markdownDiff([diff]).full;
}

/** The review without what states the scope: its line, and the Cost section but its rows. */
function withoutScope(markdown: string): { rest: string; costRows: string[]; delta?: string } {
  const lines = markdown.split("\n");
  const cost = lines.indexOf("### Cost");
  const next = lines.findIndex((line, i) => i > cost && line.startsWith("### "));
  const section = lines.slice(cost, next);
  return {
    rest: [...lines.slice(0, cost), ...lines.slice(next)]
      .filter(
        (line, i, all) =>
          !line.startsWith("Scoped review:") && !all[i - 1]?.startsWith("Scoped review:"),
      )
      .join("\n"),
    costRows: section.filter((line) => line.startsWith("| model") || line.startsWith("| ↳")),
    delta: /^\*\*(.+) a month\*\*/.exec(section[2] ?? "")?.[1],
  };
}

/** Plans base and head in full and scoped to the touched models; both must find the same. */
async function expectScopedEqualsFull(
  before: Catalogue,
  after: Catalogue,
): Promise<string[] | undefined> {
  const [baseText, headText] = [text(before), text(after)];
  const touched = touchedModels(resolvedOf(baseText, "dev"), resolvedOf(headText, "dev"), {
    kind: "single",
  });
  const full = [await planOf({ catalogue: baseText }), await planOf({ catalogue: headText })];
  if (touched === undefined) return undefined;
  const scoped = [
    await planOf({ catalogue: baseText, models: touched.models }),
    await planOf({ catalogue: headText, models: touched.models }),
  ];
  expect(scoped[1]!.plan.scope).toEqual(touched.models);
  expect(changes(scoped[0]!.plan.resources, scoped[1]!.plan.resources)).toEqual(
    changes(full[0]!.plan.resources, full[1]!.plan.resources),
  );
  const [f, s] = [
    withoutScope(review(full[0]!, full[1]!)),
    withoutScope(review(scoped[0]!, scoped[1]!)),
  ];
  expect(s.rest).toEqual(f.rest);
  expect(s.costRows).toEqual(f.costRows);
  expect(s.delta).toEqual(f.delta);
  return touched.models;
}

describe("a scoped review finds what the full review finds", () => {
  it("for random edits of generated catalogues", async () => {
    await fc.assert(
      fc.asyncProperty(catalogue, edit, async (before, { apply }) => {
        const after = apply(before);
        fc.pre(after.models.length > 0);
        await expectScopedEqualsFull(before, after);
      }),
      { numRuns: 6 },
    );
  }, 300_000);

  it("touches every model on a defaults edit (the review plans in full)", () => {
    const before = fc.sample(catalogue, { numRuns: 1, seed: 21 })[0]!;
    const after = { ...before, memory: "2Gi" };
    const touched = touchedModels(resolvedOf(text(before), "dev"), resolvedOf(text(after), "dev"), {
      kind: "single",
    });
    expect(touched?.models).toEqual(before.models.map((m) => m.name));
  });

  it("scopes nothing when what every model is handed changes (the consumers)", () => {
    const before = fc.sample(catalogue, { numRuns: 1, seed: 7 })[0]!;
    const head = text(before).replace("role/checkout-api", "role/checkout-api-v2");
    expect(
      touchedModels(resolvedOf(text(before), "dev"), resolvedOf(head, "dev"), { kind: "single" }),
    ).toBeUndefined();
  });

  it("one model's weights: only that model is planned, and the changes are the full plan's", async () => {
    const before: Catalogue = {
      memory: "1Gi",
      models: ["a", "b", "c"].map((name) => ({
        name,
        versions: [
          { version: "1.0.0", traffic: 90 },
          { version: "1.1.0", traffic: 10 },
        ],
        maxReplicas: 3,
        access: ["checkout"],
      })),
    };
    const after = onModel(1, (m) => ({
      ...m,
      versions: [
        { version: "1.0.0", traffic: 80 },
        { version: "1.1.0", traffic: 20 },
      ],
    }))(before);
    expect(await expectScopedEqualsFull(before, after)).toEqual(["b"]);
  }, 120_000);
});
