/** Access changes in the review's risk section, read from the planned front door. */
import { beforeAll, describe, expect, it } from "vitest";
import { accessRisks } from "../../plan/access-risk";
import { withConsumers, withTokens } from "../helpers/front-door";
import { transitionBetween, twoModels } from "../helpers/transition";
import { planOf } from "../helpers/plan";
import type { PlanFixture, PlanRequest } from "../helpers/plan";
import { transition } from "../../plan/transition";

const base = { catalogue: withConsumers() };
const textsOf = async (head: string, from: PlanRequest | PlanFixture = base) =>
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
    expect((await textsOf(withConsumers(), { catalogue: twoModels() }))[0]).toMatch(
      /^warn: the front door opens/,
    );
    expect((await textsOf(twoModels()))[0]).toMatch(/^warn: the front door goes/);
  });
});

describe("access risks of keys and auth", () => {
  const keys = (labels: string) =>
    withConsumers([
      "    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n",
      `    principals: [arn:aws:iam::777788889999:role/partner-key-reader]\n    apiKeys: [${labels}]\n`,
    ]);

  it("note a second key, warn when a key goes, and say when a swap in one step leaves no overlap", async () => {
    expect(await textsOf(keys('"1", "2"'))).toEqual([
      "note: consumer `partner` gets key `2`; its secret now holds it (the value is masked here); the other key keeps working until its label is removed",
    ]);
    expect(await textsOf(keys('"2"'), { catalogue: keys('"1", "2"') })).toEqual([
      "warn: consumer `partner`'s key `1` is deleted: callers still sending it get 401",
    ]);
    expect(await textsOf(keys('"2"'))).toEqual([
      "note: consumer `partner` gets key `2`; its secret now holds it (the value is masked here)",
      "warn: consumer `partner`'s key `1` is deleted: callers still sending it get 401; the new key is created in the same update, so nobody could switch beforehand: rotate in two steps (add a label, then remove the old one)",
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

describe("access risks of oauth consumers", () => {
  // The deployed state every edit below starts from, planned once.
  let tokens: PlanFixture;
  beforeAll(async () => {
    tokens = await planOf({ catalogue: withTokens() });
  });

  it("say nothing when their access is unchanged, and their scopes agree with their stages' grants", async () => {
    expect(await textsOf(withTokens(), tokens)).toEqual([]);
  });

  it("name a grant with the scope new tokens carry, and a revocation with what refuses tokens already issued", async () => {
    expect(
      await textsOf(
        withTokens(["    access: [checkout, portal]\n", "    access: [checkout, lab, portal]\n"]),
        tokens,
      ),
    ).toEqual([
      "warn: consumer `lab` may now call `ranker`: its app client gains scope `models/ranker`, which tokens issued from then on carry",
    ]);
    expect(
      await textsOf(
        withTokens(["    access: [checkout, portal]\n", "    access: [checkout]\n"]),
        tokens,
      ),
    ).toEqual([
      "warn: consumer `portal` can no longer call `ranker`: its calls get 403 once pulumi up deploys the API. Its app client loses scope `models/ranker` for new tokens; tokens it holds keep the scope until they expire (60 minutes), and its stage's grant, which goes with that deployment, is what refuses them",
    ]);
  });

  it("say what an added oauth consumer gets, and advise tokens for one added with a key alone", async () => {
    const texts = await textsOf(withTokens(), { catalogue: withConsumers() });
    expect(texts).toContain(
      "warn: consumer `portal` is added (10/s, burst 20) and may call `ranker`, `scorer`: a key, a stage, an app client for its tokens and secrets its principals can read",
    );
    const keyed = await textsOf(
      withConsumers([
        "  reports:\n",
        "  batch:\n    auth: apiKey\n    principals: [arn:aws:iam::777788889999:role/batch]\n    rateLimit: { requestsPerSecond: 1, burst: 1 }\n  reports:\n",
      ]),
    );
    expect(keyed).toContain(
      'note: consumer `batch` authenticates with its API key alone, which AWS advises against ("Don\'t rely on API keys as your only means of authentication and authorization"): auth: oauth gives a caller outside AWS a token of its own, the key kept for its limits',
    );
  });

  it("warn when a consumer moves from a key to tokens", async () => {
    expect(
      await textsOf(
        withTokens(["  partner:\n    auth: apiKey\n", "  partner:\n    auth: oauth\n"]),
        tokens,
      ),
    ).toContain(
      "warn: consumer `partner` changes how it calls (API key → OAuth token): it gets a new URL, key and secret, and an app client for its tokens, on the other API, and its old ones stop working at once; its callers must switch in the same release",
    );
  });

  it("warn when an app client's scopes and its stage's grants disagree", () => {
    const resources = structuredClone(tokens.plan.resources);
    const client = resources.find(
      (r) => r.name === "front-door-tokens-lab" && r.type.endsWith(":UserPoolClient"),
    )!;
    client.inputs.allowedOauthScopes = ["models/scorer"];
    expect(
      accessRisks(transition(tokens.plan.resources, resources)).map(
        (risk) => `${risk.level}: ${risk.text}`,
      ),
    ).toEqual([
      "warn: consumer `lab`'s app client has scopes `models/scorer`, but its stage is granted nothing: the two should say the same",
    ]);
  });
});
