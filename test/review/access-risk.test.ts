/** Access changes in the review's risk section, read from the planned front door. */
import { beforeAll, describe, expect, it } from "vitest";
import { accessRisks } from "../../review/access-risk";
import { API_DOMAIN, withConsumers, withTokens } from "../helpers/front-door";
import { transitionBetween, twoModels } from "../helpers/transition";
import { planOf } from "../helpers/plan";
import type { PlanFixture, PlanRequest } from "../helpers/plan";
import { transition } from "../../change/transition";

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

describe("access risks with a custom domain", () => {
  const withDomain = { catalogue: withConsumers(), config: API_DOMAIN };
  const between = async (from: PlanRequest, to: PlanRequest) =>
    accessRisks((await transitionBetween(from, to)).transition).map(
      (risk) => `${risk.level}: ${risk.text}`,
    );
  const reportsByKey = withConsumers([
    "  reports:\n    principals:",
    "  reports:\n    auth: apiKey\n    principals:",
  ]);

  it("say the new stable URLs when the domain is added, and nothing else", async () => {
    expect(await between(base, withDomain)).toEqual([
      "note: consumers get stable URLs on `api.models.example.com`: `https://api.models.example.com/checkout`, `https://api.models.example.com/partner`, `https://api.models.example.com/reports` (outputs: consumers.<name>.stableUrl). They answer once the domain's DNS record points at its Regional endpoint (outputs: apiDomain; with maas:apiHostedZoneId the stack writes it); hand them to callers. The execute-api URLs keep working until maas:disableExecuteApiEndpoint turns them off",
    ]);
  });

  it("point callers to the stable URLs when the front door opens with a domain", async () => {
    const texts = await between({ catalogue: twoModels() }, withDomain);
    // Refused without maas:keepDirectAccess: the load balancers' callers are cut off at once.
    expect(texts[0]).toMatch(
      /^refuse: the front door opens: .*; this apply creates their stable URLs \(outputs: consumers\.<name>\.stableUrl, once the domain's DNS record is there\), .* move callers to their consumer's stable URL, then drop it$/,
    );
  });

  it("keep a consumer's URL when it changes how it calls: only its credentials change", async () => {
    const texts = await between(withDomain, { catalogue: reportsByKey, config: API_DOMAIN });
    expect(texts).toEqual([
      "warn: consumer `reports` changes how it calls (SigV4 → API key): its stable URL `https://api.models.example.com/reports` stays (its mapping moves to the other API in place), but it gets a new key and secret there and its old ones stop working at once, as does its execute-api URL; its callers must switch credentials in the same release",
    ]);
    expect(texts.join("\n")).not.toMatch(/new URL/);
  });

  it("do not report a re-created API as a URL change for callers of the stable URL; without a domain they must move", async () => {
    // The sigv4 API created anew (another id): its consumers' stages and mappings follow it.
    const recreated = async (request: PlanRequest) => {
      const { plan } = await planOf(request);
      const head = plan.resources.map((r) =>
        r.type.endsWith(":Stage") || r.type.endsWith(":BasePathMapping")
          ? {
              ...r,
              inputs: {
                ...r.inputs,
                restApi: r.inputs.stageName === "partner" ? r.inputs.restApi : "0123456789",
              },
            }
          : r,
      );
      return accessRisks(transition(plan.resources, head)).map((r) => `${r.level}: ${r.text}`);
    };
    expect(await recreated(withDomain)).toEqual([
      "note: consumer `checkout`'s API is created anew: its execute-api URL changes, its stable URL `https://api.models.example.com/checkout` stays (its mapping moves to the new API in place)",
      "note: consumer `reports`'s API is created anew: its execute-api URL changes, its stable URL `https://api.models.example.com/reports` stays (its mapping moves to the new API in place)",
    ]);
    expect(await recreated(base)).toEqual([
      "warn: consumer `checkout`'s API is created anew: its URL changes, and the old one stops working once this applies. Its callers must move to the new URL (outputs: consumers.checkout.url); a custom domain (maas:apiDomain) gives URLs that stay",
      "warn: consumer `reports`'s API is created anew: its URL changes, and the old one stops working once this applies. Its callers must move to the new URL (outputs: consumers.reports.url); a custom domain (maas:apiDomain) gives URLs that stay",
    ]);
  });

  it("warn when the domain changes or goes, and when the execute-api URLs are turned off", async () => {
    const other = { ...API_DOMAIN, "maas:apiDomain": "models.example.com" };
    expect(await between(withDomain, { catalogue: withConsumers(), config: other })).toEqual([
      expect.stringMatching(
        /^warn: the front door's domain changes \(`api\.models\.example\.com` → `models\.example\.com`\): every stable URL changes \(`https:\/\/models\.example\.com\/checkout`, .*its callers get errors from then on/,
      ),
    ]);
    expect(await between(withDomain, base)).toEqual([
      "warn: the front door's domain `api.models.example.com` goes: the stable URLs `https://api.models.example.com/checkout`, `https://api.models.example.com/partner`, `https://api.models.example.com/reports` stop working at once. Callers must move to the execute-api URLs (outputs: consumers.<name>.url) before this applies",
    ]);
    const off = {
      catalogue: withConsumers(),
      config: { ...API_DOMAIN, "maas:disableExecuteApiEndpoint": "true" },
    };
    expect(await between(withDomain, off)).toEqual([
      "warn: the execute-api URLs are turned off (maas:disableExecuteApiEndpoint): once the APIs' new deployments are live, a call to `https://<api>.execute-api.<region>.amazonaws.com/<consumer>` gets 403. Apply only when every caller uses its stable URL: the access logs' domainName field shows who still calls the execute-api host",
    ]);
    expect(await between(off, withDomain)).toEqual([
      "note: the execute-api URLs answer again (maas:disableExecuteApiEndpoint off) once the APIs' new deployments are live",
    ]);
  });

  it("warn when the APIs' TLS changes, and say how to move a running API to STRICT", async () => {
    const basic = { catalogue: withConsumers(), config: { "maas:apiEndpointAccessMode": "BASIC" } };
    expect(await between(base, basic)).toEqual([
      "warn: the front door's APIs change their TLS: `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09` (STRICT) → `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09` (BASIC). It takes effect with their new deployments and takes about 15 minutes to reach every endpoint; from then on a caller whose TLS version or cipher suite the policy does not take is refused at the handshake",
    ]);
    // APIs deployed before maas set their TLS: AWS's default policy, no access mode.
    const { plan } = await planOf(base);
    const legacy = plan.resources.map((r) => {
      if (!r.type.endsWith(":RestApi")) return r;
      const { securityPolicy: _policy, endpointAccessMode: _mode, ...inputs } = r.inputs;
      return { ...r, inputs };
    });
    const upgraded = accessRisks(transition(legacy, plan.resources)).map(
      (r) => `${r.level}: ${r.text}`,
    );
    expect(upgraded).toEqual([
      "warn: the front door's APIs change their TLS: AWS's default `TLS_1_0` → `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09` (STRICT). It takes effect with their new deployments and takes about 15 minutes to reach every endpoint; from then on a caller whose TLS version or cipher suite the policy does not take is refused at the handshake, and with STRICT one whose TLS SNI does not name the host it calls. To move a running API without surprises, set maas:apiEndpointAccessMode: BASIC first and STRICT once the access logs' tlsVersion field shows every caller on TLS 1.2 or later",
    ]);
  });

  it("give an added consumer's stable URL", async () => {
    const texts = await between(withDomain, {
      catalogue: withConsumers([
        "  reports:\n",
        "  batch:\n    principals: [arn:aws:iam::111122223333:role/batch]\n    rateLimit: { requestsPerSecond: 1, burst: 1 }\n  reports:\n",
      ]),
      config: API_DOMAIN,
    });
    expect(texts).toEqual([
      "note: consumer `batch` is added (1/s, burst 1) and may call no model yet: a key, a stage and a secret its principals can read; its URL is `https://api.models.example.com/batch`",
    ]);
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
