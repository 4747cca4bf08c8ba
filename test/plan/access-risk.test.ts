/** Access changes in the review's risk section, read from the planned front door. */
import { describe, expect, it } from "vitest";
import { accessRisks } from "../../plan/access-risk";
import { withConsumers } from "../helpers/front-door";
import { transitionBetween, twoModels } from "../helpers/transition";

const base = { catalogue: withConsumers() };
const textsOf = async (head: string, from = base) =>
  accessRisks((await transitionBetween(from, { catalogue: head })).transition).map(
    (risk) => `${risk.level}: ${risk.text}`,
  );

describe("access risks", () => {
  it("say nothing when access is unchanged", async () => {
    expect(await textsOf(withConsumers())).toEqual([]);
  });

  it("name a grant, a revocation and a model every consumer may now call", async () => {
    const texts = await textsOf(
      withConsumers(
        ["    access: [checkout]\n", "    access: all-consumers\n"],
        ["    access: [checkout, partner]\n", "    access: [checkout]\n"],
      ),
    );
    expect(texts).toEqual([
      "warn: consumer `partner` may now call `ranker`",
      "warn: consumer `reports` may now call `ranker`",
      "warn: `ranker` is now callable by every consumer",
      "warn: consumer `partner` can no longer call `scorer`: its calls get 403 once pulumi up deploys the API",
    ]);
  });

  it("name raised limits, other principals, added and removed consumers", async () => {
    const texts = await textsOf(
      withConsumers(
        [
          "    rateLimit: { requestsPerSecond: 50, burst: 100 }",
          "    rateLimit: { requestsPerSecond: 500, burst: 100 }",
        ],
        ["role/reports]", "role/reports, arn:aws:iam::999999999999:role/other]"],
        [
          "  partner:\n    auth: apiKey\n    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n    rateLimit: { requestsPerSecond: 5, burst: 10 }\n    quota: { requests: 1000, per: day }\n",
          "  batch:\n    auth: apiKey\n    principals: [arn:aws:iam::777788889999:role/batch]\n    rateLimit: { requestsPerSecond: 1, burst: 1 }\n",
        ],
        ["    access: [checkout, partner]\n", "    access: [checkout, batch]\n"],
      ),
    );
    expect(texts).toContain(
      "warn: consumer `checkout` may call more: rate 50 → 500/s. The models' capacity (autoscaling.maxReplicas) must carry it",
    );
    expect(
      texts.some((t) => t.startsWith("warn: consumer `reports` is signed for by other principals")),
    ).toBe(true);
    expect(texts).toContain(
      "warn: consumer `batch` is added (1/s, burst 1) and may call `scorer`: a key, a stage and a secret its principals can read",
    );
    expect(texts).toContain(
      "warn: consumer `partner` is removed: its key and URL stop working at once (401); its secret is scheduled for deletion",
    );
  });

  it("say when the front door opens or goes", async () => {
    // Both cut the load balancers' callers before they can move, which maas:keepDirectAccess avoids.
    expect((await textsOf(withConsumers(), { catalogue: twoModels() }))[0]).toMatch(
      /^refuse: the front door opens/,
    );
    expect((await textsOf(twoModels()))[0]).toMatch(/^refuse: the front door goes/);
    const keeping = await transitionBetween(
      { catalogue: twoModels() },
      { catalogue: withConsumers(), config: { "maas:keepDirectAccess": "true" } },
    );
    expect(accessRisks(keeping.transition)[0]).toMatchObject({
      level: "warn",
      text: expect.stringMatching(/^the front door opens/),
    });
  });
});

describe("access risks of keys and auth", () => {
  const keys = (labels: string) =>
    withConsumers([
      "    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n",
      `    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n    apiKeys: [${labels}]\n`,
    ]);

  it("note a second key, warn when a key goes, and refuse a swap in one step, which leaves no overlap", async () => {
    expect(await textsOf(keys('"1", "2"'))).toEqual([
      "note: consumer `partner` gets key `2`; its secret now holds it (the value is masked here); the other key keeps working until its label is removed",
    ]);
    expect(await textsOf(keys('"2"'), { catalogue: keys('"1", "2"') })).toEqual([
      "warn: consumer `partner`'s key `1` is deleted: callers still sending it get 401",
    ]);
    expect(await textsOf(keys('"2"'))).toEqual([
      "note: consumer `partner` gets key `2`; its secret now holds it (the value is masked here)",
      "refuse: consumer `partner`'s key `1` is replaced by `2` in one apply: its callers get 401 from this apply, and none could hold the new key before it (it is created in the same update). Rotate in two steps: add the new label beside the old one, apply, move callers to the value its secret then holds, then remove the old label",
    ]);
    // One key kept: its callers have somewhere to be.
    expect(await textsOf(keys('"2", "3"'), { catalogue: keys('"1", "2"') })).toEqual([
      "note: consumer `partner` gets key `3`; its secret now holds it (the value is masked here)",
      "warn: consumer `partner`'s key `1` is deleted: callers still sending it get 401",
    ]);
  });

  it("warn when a consumer changes how it calls", async () => {
    const texts = await textsOf(
      withConsumers([
        "  reports:\n    principals:",
        "  reports:\n    auth: apiKey\n    principals:",
      ]),
    );
    expect(texts).toContain(
      "warn: consumer `reports` changes how it calls (SigV4 → API key): it gets a new URL, key and secret on the other API, and its old ones stop working at once; its callers must switch in the same release",
    );
  });
});
