/** A catalogue with front-door consumers, for tests: the transition fixture's two models with grants. */
import { twoModels } from "./transition";

const CONSUMERS = [
  "consumers:",
  "  checkout:",
  '    principals: [arn:aws:iam::111122223333:role/checkout-api, "444455556666"]',
  "    rateLimit: { requestsPerSecond: 50, burst: 100 }",
  "    quota: { requests: 1000000, per: month }",
  "  reports:",
  "    principals: [arn:aws:iam::111122223333:role/reports]",
  "    rateLimit: { requestsPerSecond: 2, burst: 4 }",
  "  partner:",
  "    auth: apiKey",
  "    principals: [arn:aws:iam::777788889999:role/partner-key-reader]",
  "    rateLimit: { requestsPerSecond: 5, burst: 10 }",
  "    quota: { requests: 1000, per: day }",
].join("\n");

/** scorer: checkout and partner; ranker: checkout only; reports: nothing. `edits` rewrite lines. */
export function withConsumers(...edits: [string, string][]): string {
  return twoModels(
    ["apiVersion: maas/v1\n", `apiVersion: maas/v1\n${CONSUMERS}\n`],
    ["    owner: team-a\n", "    owner: team-a\n    access: [checkout, partner]\n"],
    ["    owner: team-b\n", "    owner: team-b\n    access: [checkout]\n"],
    ...edits,
  );
}

/** A custom domain for the front door (maas:apiDomain) and its certificate, in the test region. */
export const API_CERTIFICATE =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678";
export const API_DOMAIN = {
  "maas:apiDomain": "api.models.example.com",
  "maas:apiCertificateArn": API_CERTIFICATE,
};
/** The oauth consumers `withTokens()` adds: a partner's portal and a lab that may call nothing yet. */
const TOKEN_CONSUMERS = [
  "  portal:",
  "    auth: oauth",
  "    principals: [arn:aws:iam::777788889999:role/portal-secret-reader]",
  "    rateLimit: { requestsPerSecond: 10, burst: 20 }",
  "  lab:",
  "    auth: oauth",
  "    principals: [arn:aws:iam::777788889999:role/lab-secret-reader]",
  "    rateLimit: { requestsPerSecond: 1, burst: 2 }",
].join("\n");

/**
 * withConsumers() and two oauth consumers: portal may call both models, lab none. scorer:
 * checkout, partner, portal; ranker: checkout, portal. `edits` rewrite lines after that.
 */
export function withTokens(...edits: [string, string][]): string {
  return withConsumers(
    [
      "    quota: { requests: 1000, per: day }\n",
      `    quota: { requests: 1000, per: day }\n${TOKEN_CONSUMERS}\n`,
    ],
    ["    access: [checkout, partner]\n", "    access: [checkout, partner, portal]\n"],
    ["    access: [checkout]\n", "    access: [checkout, portal]\n"],
    ...edits,
  );
}
