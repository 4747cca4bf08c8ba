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
