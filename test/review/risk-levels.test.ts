/**
 * Risk levels agree with what the review says (issue 19 item 9), on generated inputs: a model
 * removed (or renamed) while it serves traffic is refused, as retiring a live version is; a
 * consumer whose every key label is replaced in one apply is refused, one that keeps a key is
 * warned of; a stack that a model moves into or out of never reads "No risk found".
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ResolvedCatalogue } from "../../catalogue";
import { derivedListenerPriority } from "../../catalogue/names";
import { accessRisks } from "../../review/access-risk";
import { markdownDiff } from "../../review/markdown-diff";
import type { StackDiff } from "../../review/markdown-diff";
import { risks } from "../../review/risk";
import type { ShardMove } from "../../change/shard-moves";
import { transition } from "../../change/transition";
import { resolvedOf } from "../helpers/catalogue";
import { withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

/** A model's versions as the catalogue writes them: traffic summing to 100, or all retired. */
const versions = fc.oneof(
  // Live: one to three versions whose traffic sums to 100, perhaps a standby beside them.
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.nat(98)).map(([live, standby, cut]) => {
    const shares = live === 1 ? [100] : live === 2 ? [cut + 1, 99 - cut] : [cut + 1, 1, 98 - cut];
    const lines = shares.map((traffic, i) => `"${i + 1}.0.0": { traffic: ${traffic} }`);
    return standby ? [...lines, '"0.9.0": { traffic: 0 }'] : lines;
  }),
  // Retired: every version taken down.
  fc.constant<string[]>(['"1.0.0": { retired: true }']),
);

function catalogue(models: [string, string[]][]): ResolvedCatalogue {
  const lines = ["apiVersion: maas/v1", "models:"];
  for (const [name, entries] of models)
    lines.push(
      `  ${name}:`,
      "    owner: team-a",
      `    image: registry.example.com/${name}@sha256:${"a".repeat(64)}`,
      `    versions: { ${entries.join(", ")} }`,
    );
  return resolvedOf(`${lines.join("\n")}\n`);
}

describe("a model leaving the catalogue", () => {
  it("is refused while any version serves traffic, only warned of once none does", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, versions, fc.boolean()), {
          minLength: 2,
          maxLength: 6,
          // Distinct names with distinct derived listener priorities: two names hashing to one
          // priority are refused by the catalogue (it asks for routing.priority), which is not
          // what this property is about.
          selector: ([model]) => derivedListenerPriority(model),
        }),
        (models) => {
          // `stays` false: removed (a rename is a removal and an addition).
          fc.pre(models.some(([, , stays]) => stays));
          const base = catalogue(models.map(([model, entries]) => [model, entries]));
          const head = catalogue(
            models.filter(([, , stays]) => stays).map(([model, entries]) => [model, entries]),
          );
          const found = risks({
            transition: { steps: [], base: [], head: [] },
            findings: [],
            base,
            head,
            violations: [],
          });
          for (const [model, entries, stays] of models) {
            const mine = found.filter((risk) =>
              risk.text.startsWith(`model \`${model}\` is removed`),
            );
            if (stays) {
              expect(mine).toEqual([]);
              continue;
            }
            const serving = entries.some((line) => /traffic: [1-9]/.test(line));
            expect(mine.map((risk) => risk.level)).toEqual([serving ? "refuse" : "warn"]);
            if (serving) expect(mine[0]!.text).toMatch(/its callers get 404 from this apply/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("a consumer's keys", () => {
  const keys = (labels: string[]) =>
    withConsumers([
      "    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n",
      `    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n    apiKeys: [${labels.map((l) => `"${l}"`).join(", ")}]\n`,
    ]);
  /** Every set of one or two labels a consumer may hold, from three. */
  const sets = [["1"], ["2"], ["3"], ["1", "2"], ["1", "3"], ["2", "3"]];
  const plans = new Map<string, PlanFixture>();

  beforeAll(async () => {
    for (const labels of sets) plans.set(labels.join(), await planOf({ catalogue: keys(labels) }));
  }, 300_000);

  it("refuse every change that leaves none of the keys callers hold, for every pair of sets", () => {
    for (const before of sets)
      for (const after of sets) {
        const t = transition(
          plans.get(before.join())!.plan.resources,
          plans.get(after.join())!.plan.resources,
        );
        const levels = accessRisks(t).map((risk) => risk.level);
        const kept = after.some((label) => before.includes(label));
        const removed = before.some((label) => !after.includes(label));
        const pair = `${before.join()} → ${after.join()}`;
        expect(levels.includes("refuse"), pair).toBe(!kept);
        // One kept, another removed: its callers have somewhere to be, but those of the other not.
        expect(levels.includes("warn"), pair).toBe(kept && removed);
      }
  });
});

describe("a model moving between stacks", () => {
  let diff: StackDiff;
  beforeAll(async () => {
    const dev = await planOf();
    const side = { label: "working tree", plan: dev.plan, catalogue: dev.catalogue };
    diff = { base: side, head: side, findings: [], violations: [] };
  });

  it("never leaves a stack it touches reading 'No risk found'", () => {
    const stack = fc.constantFrom("dev", "prod", "platform-risk");
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            model: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/),
            from: stack,
            to: stack,
          }),
          { maxLength: 4 },
        ),
        (moves) => {
          const shardMoves: ShardMove[] = moves
            .filter((m) => m.from !== m.to)
            .map((m) => ({ ...m, urns: [] }));
          const { comment } = markdownDiff([diff], { moves: shardMoves });
          const touched = shardMoves.some((m) => m.from === "dev" || m.to === "dev");
          expect(comment.includes("No risk found")).toBe(!touched);
          if (touched) expect(comment).toMatch(/the steps below assume its state has moved/);
        },
      ),
      { numRuns: 60 },
    );
  });
});
