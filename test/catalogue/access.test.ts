/**
 * consumers: and access: — who may call a model. Each rule with its ok case and one mutation,
 * positions and messages asserted exactly; resolution of access per environment.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { principalIdentity } from "../../catalogue/access-rules";
import { AWS_PRINCIPAL } from "../../catalogue/schema";
import { problemsOf, resolvedOf, yaml } from "../helpers/catalogue";

const ROLE = "arn:aws:iam::111122223333:role/checkout-api";

/** A valid catalogue with two consumers; `lines` replace lines by number (1-based). */
function catalogue(lines: Record<number, string> = {}): string {
  const base = [
    "apiVersion: maas/v1", //                                              1
    "consumers:", //                                                       2
    "  checkout:", //                                                      3
    `    principals: [${ROLE}]`, //                                        4
    "    rateLimit: { requestsPerSecond: 50, burst: 100 }", //             5
    "  partner:", //                                                       6
    "    auth: apiKey", //                                                 7
    '    principals: ["444455556666"]', //                                 8
    "    rateLimit: { requestsPerSecond: 5, burst: 10 }", //               9
    "models:", //                                                         10
    "  scorer:", //                                                       11
    "    owner: team-a", //                                               12
    "    access: [checkout]", //                                          13
    "    image: registry.example.com/scorer:1.0", //                      14
    '    versions: { "1.0.0": { traffic: 100 } }', //                     15
    "environments:", //                                                   16
    "  dev:", //                                                          17
    "    models:", //                                                     18
    "      scorer: { access: all-consumers }", //                         19
    "  prod: {}", //                                                      20
  ];
  return yaml(...base.map((line, index) => lines[index + 1] ?? line));
}

describe("access rules", () => {
  it("accepts consumers and their grants", () => {
    expect(problemsOf(catalogue())).toEqual([]);
  });

  it("names an unknown consumer, with the closest declared one", () => {
    expect(problemsOf(catalogue({ 13: "    access: [chekout]" }))).toEqual([
      '13:14: models.scorer.access.0: unknown consumer "chekout"; did you mean "checkout"? (declare it under consumers:, or write all-consumers) [catalogue/access-names-consumers]',
    ]);
  });

  it("names an unknown consumer in an environment's overlay", () => {
    expect(problemsOf(catalogue({ 19: "      scorer: { access: [nobody] }" }))).toEqual([
      '19:26: environments.dev.models.scorer.access.0: unknown consumer "nobody"; allowed: checkout, partner (declare it under consumers:, or write all-consumers) [catalogue/access-names-consumers]',
    ]);
  });

  it("refuses access: in a catalogue that declares no consumers", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    access: [checkout]",
      "    image: registry.example.com/scorer:1.0",
      '    versions: { "1.0.0": { traffic: 100 } }',
    );
    expect(problemsOf(text)).toEqual([
      "5:5: models.scorer.access: names who may call the model, but the catalogue declares no consumers: declare them under consumers: (the front door serves models only to declared consumers) [catalogue/access-names-consumers]",
    ]);
  });

  it("refuses a principal that two consumers list", () => {
    expect(problemsOf(catalogue({ 8: `    principals: ["444455556666", ${ROLE}]` }))).toEqual([
      `8:34: consumers.partner.principals.1: ${ROLE} is also consumer checkout's principal; a principal belongs to one consumer (its grants and limits follow from it) [catalogue/one-consumer-per-principal]`,
    ]);
  });

  it("refuses limits beyond API Gateway's account limits, and principals that are not IAM", () => {
    expect(
      problemsOf(catalogue({ 5: "    rateLimit: { requestsPerSecond: 20000, burst: 100 }" })),
    ).toEqual([
      "5:37: consumers.checkout.rateLimit.requestsPerSecond: must be an integer from 1 to 10000 (API Gateway's account limit); got 20000 [catalogue/schema]",
    ]);
    expect(problemsOf(catalogue({ 4: "    principals: [root]" }))[0]).toMatch(
      /^4:18: consumers\.checkout\.principals\.0: must be an IAM role or user ARN/,
    );
  });

  it("refuses more consumers of one kind than an API has stages", () => {
    const many = Array.from({ length: 11 }, (_, i) => [
      `  c${i}:`,
      `    principals: [arn:aws:iam::111122223333:role/c${i}]`,
      "    rateLimit: { requestsPerSecond: 1, burst: 1 }",
    ]).flat();
    const text = catalogue({ 3: many.join("\n"), 4: "#", 5: "#", 13: "    access: [c0]" });
    expect(problemsOf(text)).toEqual([
      '2:1: consumers: declares 11 sigv4 consumers; each is a stage of the sigv4 API, and an API holds 10 stages (API Gateway quota "Stages per API", adjustable): raise the quota and the limit in catalogue/quotas.ts, or merge consumers [catalogue/front-door-quotas]',
    ]);
  });
});

describe("oauth consumers", () => {
  it("are accepted, resolved with their kind, and refused by a misspelt kind with the kinds allowed", () => {
    expect(problemsOf(catalogue({ 7: "    auth: oauth" }))).toEqual([]);
    expect(resolvedOf(catalogue({ 7: "    auth: oauth" })).consumers?.[1]).toMatchObject({
      name: "partner",
      auth: "oauth",
      apiKeys: ["1"],
    });
    expect(problemsOf(catalogue({ 7: "    auth: oauth2" }))).toEqual([
      '7:11: consumers.partner.auth: must be sigv4, oauth or apiKey; got "oauth2" [catalogue/schema]',
    ]);
  });

  it("count against their own API's stages", () => {
    const many = Array.from({ length: 11 }, (_, i) => [
      `  t${i}:`,
      "    auth: oauth",
      `    principals: [arn:aws:iam::111122223333:role/t${i}]`,
      "    rateLimit: { requestsPerSecond: 1, burst: 1 }",
    ]).flat();
    expect(problemsOf(catalogue({ 6: `${many.join("\n")}\n  partner:` }))).toEqual([
      '2:1: consumers: declares 11 oauth consumers; each is a stage of the oauth API, and an API holds 10 stages (API Gateway quota "Stages per API", adjustable): raise the quota and the limit in catalogue/quotas.ts, or merge consumers [catalogue/front-door-quotas]',
    ]);
  });
});

describe("access resolution", () => {
  it("gives each model its consumers, sorted; none when it lists none", () => {
    const resolved = resolvedOf(catalogue({ 13: "    access: [partner, checkout]" }), "prod");
    expect(resolved.models[0]!.access).toEqual(["checkout", "partner"]);
    expect(resolvedOf(catalogue({ 13: "#" }), "prod").models[0]!.access).toEqual([]);
    expect(resolved.consumers!.map((c) => [c.name, c.auth])).toEqual([
      ["checkout", "sigv4"],
      ["partner", "apiKey"],
    ]);
  });

  it("lets an environment's overlay replace the list whole; all-consumers names every consumer", () => {
    expect(resolvedOf(catalogue(), "dev").models[0]!.access).toEqual(["checkout", "partner"]);
    expect(resolvedOf(catalogue(), "prod").models[0]!.access).toEqual(["checkout"]);
  });

  it("leaves access out when the catalogue declares no consumers (no front door)", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    image: registry.example.com/scorer:1.0",
      '    versions: { "1.0.0": { traffic: 100 } }',
    );
    const resolved = resolvedOf(text);
    expect(resolved.consumers).toBeUndefined();
    expect(resolved.models[0]!.access).toBeUndefined();
  });
});

describe("access rules, continued", () => {
  it("refuses a role in an account another consumer lists whole", () => {
    expect(problemsOf(catalogue({ 8: '    principals: ["111122223333"]' }))).toEqual([
      `4:18: consumers.checkout.principals.0: ${ROLE} is in account 111122223333, which consumer partner lists whole: the role could act as partner too; list partner's roles instead of its account, or use another account [catalogue/one-consumer-per-principal]`,
    ]);
  });

  it("does not call a consumer with a problem of its own undeclared, nor its misspelt key missing", () => {
    expect(
      problemsOf(catalogue({ 5: "    ratelimit: { requestsPerSecond: 50, burst: 100 }" })),
    ).toEqual([
      '5:5: consumers.checkout.ratelimit: unknown key "ratelimit"; did you mean "rateLimit"? [catalogue/known-keys]',
    ]);
  });
});

describe("access rules, names", () => {
  it("keeps all-consumers for what it means", () => {
    expect(problemsOf(catalogue({ 13: "    access: [all-consumers]" }))).toEqual([
      "13:14: models.scorer.access.0: all-consumers stands alone, not in a list: write access: all-consumers [catalogue/access-names-consumers]",
    ]);
    expect(problemsOf(catalogue({ 6: "  all-consumers:" }))).toEqual(
      expect.arrayContaining([
        "6:3: consumers.all-consumers: is reserved: access: all-consumers means every consumer; choose another name [catalogue/reserved-consumer-name]",
      ]),
    );
  });
});

/**
 * Principals as IAM reads them (issue 19 item 6): a role's name is at most 64 of `\w+=,.@-`, its
 * path `/` or `/<segments>/`, its partition one of AWS's; role names are unique in an account
 * whatever their case and path, so two spellings of one role are one principal.
 */
describe("principals as IAM reads them", () => {
  const roleName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
  const path = fc
    .array(fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/), { maxLength: 3 })
    .map((segments) => segments.map((segment) => `${segment}/`).join(""));
  /** The same name in other letters' case. */
  const recased = (name: string, flips: boolean[]) =>
    [...name].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join("");

  it("takes IAM's path syntax and names of up to 64 characters, in any partition AWS has", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("aws", "aws-us-gov", "aws-cn", "aws-iso-b"),
        fc.constantFrom("role", "user"),
        path,
        roleName,
        (partition, kind, at, name) => {
          expect(
            AWS_PRINCIPAL.test(`arn:${partition}:iam::111122223333:${kind}/${at}${name}`),
          ).toBe(true);
        },
      ),
    );
    expect(AWS_PRINCIPAL.test(`arn:aws:iam::111122223333:role/${"r".repeat(65)}`)).toBe(false);
    expect(AWS_PRINCIPAL.test("arn:aws:iam::111122223333:role/team//checkout")).toBe(false);
    expect(AWS_PRINCIPAL.test("arn:awsx:iam::111122223333:role/checkout")).toBe(false);
    expect(
      problemsOf(
        catalogue({ 4: `    principals: [arn:aws:iam::111122223333:role/${"r".repeat(65)}]` }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^4:18: consumers\.checkout\.principals\.0: must be an IAM role or user ARN \(arn:aws:iam::<account>:role\/<name>, or role\/<path>\/<name>: a name of at most 64 letters, digits and \+=,\.@_-\)/,
      ),
    ]);
  });

  it("refuses one role written two ways by two consumers, whatever the case and path", () => {
    expect(
      problemsOf(
        catalogue({ 8: "    principals: [arn:aws:iam::111122223333:role/team/Checkout-API]" }),
      ),
    ).toEqual([
      `8:18: consumers.partner.principals.0: arn:aws:iam::111122223333:role/team/Checkout-API is also consumer checkout's principal (${ROLE}: IAM role and user names are unique in an account whatever their case and path); a principal belongs to one consumer (its grants and limits follow from it) [catalogue/one-consumer-per-principal]`,
    ]);
    fc.assert(
      fc.property(
        roleName,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        path,
        path,
        (name, flips, first, second) => {
          const a = `arn:aws:iam::111122223333:role/${first}${name}`;
          const b = `arn:aws:iam::111122223333:role/${second}${recased(name, flips)}`;
          expect(principalIdentity(a)).toBe(principalIdentity(b));
          // A user of that name, or the role in another account, is someone else.
          expect(principalIdentity(a)).not.toBe(principalIdentity(a.replace(":role/", ":user/")));
          expect(principalIdentity(a)).not.toBe(
            principalIdentity(a.replace("111122223333", "444455556666")),
          );
        },
      ),
    );
  });
});
