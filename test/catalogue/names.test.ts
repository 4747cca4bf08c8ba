/** Derived names always fit their targets' limits, are stable and keep distinct inputs distinct. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  consumerAlarmName,
  consumerClientSecretPrefix,
  consumerName,
  consumerSecretPrefix,
  dashboardName,
  fitName,
  frontDoorApiName,
  frontDoorLogGroupName,
  loadBalancerName,
  NAME_LIMITS,
  repositoryName,
  roleName,
  STACK_NAME,
  targetGroupName,
  tokenClientName,
  tokenDomainPrefix,
  tokenUserPoolName,
  versionAlarmName,
  vpcLinkName,
  wafLogGroupName,
  workloadName,
} from "../../catalogue/names";

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const modelName = fc.stringMatching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
const versionKey = fc.stringMatching(/^[0-9a-z]([0-9a-z.-]{0,61}[0-9a-z])?$/);

describe("derived names", () => {
  it("keeps short names as they are", () => {
    expect(workloadName("image-classifier", "1.4.0")).toBe("image-classifier-v1-4-0");
    expect(fitName("short", 32)).toBe("short");
  });

  it("shortens a long name to prefix + stable hash within the limit", () => {
    const long = `${"a".repeat(40)}-v${"1".repeat(40)}`;
    const short = workloadName("a".repeat(40), "1".repeat(40));
    expect(short).toHaveLength(NAME_LIMITS.kubernetesName);
    expect(short).toMatch(/^a+-v1+-[0-9a-f]{8}$/);
    expect(workloadName("a".repeat(40), "1".repeat(40))).toBe(short);
    expect(fitName(long, 63)).toBe(short);
  });

  it("every workload name of a valid model and version is a DNS-1035 label of at most 63 characters", () => {
    fc.assert(
      fc.property(modelName, versionKey, (model, version) => {
        const name = workloadName(model, version);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(DNS_1035);
      }),
      { numRuns: 500 },
    );
  });

  it("fits any limit and keeps distinct names distinct", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][-a-z0-9]{0,120}$/),
        fc.stringMatching(/^[a-z][-a-z0-9]{0,120}$/),
        fc.integer({ min: 16, max: 64 }),
        (a, b, limit) => {
          expect(fitName(a, limit).length).toBeLessThanOrEqual(limit);
          if (a !== b) expect(fitName(a, limit)).not.toBe(fitName(b, limit));
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Every physical name derived from user input, with its target's limit and characters. */
describe("physical names, for any valid stack, model, version and consumer", () => {
  const stack = fc.stringMatching(STACK_NAME);
  const consumer = fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/);
  const identity = fc.record({
    name: fc.stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/),
    internal: fc.boolean(),
    vpcId: fc.constant("vpc-0a1b2c3d4e5f60718"),
  });
  const ECR = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
  const IAM = /^[\w+=,.@-]+$/;
  const ELB = /^[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?$/;
  const SECRET = /^[A-Za-z0-9/_+=.@-]+$/;
  const LOG_GROUP = /^[._\-/#A-Za-z0-9]+$/;
  const DASHBOARD = /^[A-Za-z0-9_-]+$/;
  /** Cognito's PoolName and ClientName: `[\w\s+=,.@-]+`. */
  const COGNITO_NAME = /^[\w\s+=,.@-]+$/;
  const account = fc.stringMatching(/^[0-9]{12}$/);
  const region = fc.constantFrom("eu-west-1", "us-east-1", "us-gov-west-1", "cn-north-1");

  it("fit their limits and characters", () => {
    fc.assert(
      fc.property(stack, modelName, versionKey, consumer, identity, (s, m, v, c, lb) => {
        const fits = (name: string, limit: number, chars: RegExp) => {
          expect(name.length, name).toBeLessThanOrEqual(limit);
          expect(name).toMatch(chars);
        };
        fits(repositoryName(s, m), NAME_LIMITS.ecrRepository, ECR);
        fits(roleName(s, m), NAME_LIMITS.iamRole, IAM);
        fits(dashboardName(s, m), NAME_LIMITS.dashboard, DASHBOARD);
        fits(versionAlarmName(s, m, v, "p99-latency"), NAME_LIMITS.alarm, /^\S+$/);
        const loadBalancer = loadBalancerName(s, lb);
        fits(loadBalancer, NAME_LIMITS.loadBalancer, ELB);
        expect(loadBalancer.startsWith("internal-")).toBe(false);
        fits(targetGroupName(s, m, v, lb), NAME_LIMITS.targetGroup, ELB);
        fits(frontDoorApiName(s, "apiKey"), NAME_LIMITS.restApi, /^\S+$/);
        fits(vpcLinkName(s), NAME_LIMITS.vpcLink, /^\S+$/);
        fits(consumerName(s, c), NAME_LIMITS.apiKey, /^\S+$/);
        fits(consumerSecretPrefix(s, c), NAME_LIMITS.secretNamePrefix, SECRET);
        fits(consumerAlarmName(s, c), NAME_LIMITS.alarm, /^\S+$/);
        fits(frontDoorLogGroupName(s), NAME_LIMITS.logGroup - 26, LOG_GROUP);
        fits(wafLogGroupName(s), NAME_LIMITS.logGroup - 26, LOG_GROUP);
        expect(wafLogGroupName(s).startsWith("aws-waf-logs-")).toBe(true);
        fits(frontDoorApiName(s, "oauth"), NAME_LIMITS.restApi, /^\S+$/);
        fits(consumerClientSecretPrefix(s, c), NAME_LIMITS.secretNamePrefix, SECRET);
        fits(tokenUserPoolName(s), NAME_LIMITS.userPool, COGNITO_NAME);
        fits(tokenClientName(s, c), NAME_LIMITS.appClient, COGNITO_NAME);
      }),
      { numRuns: 300 },
    );
  });

  it("give the token issuer's domain a prefix Cognito takes: its pattern, none of its reserved words", () => {
    fc.assert(
      fc.property(stack, account, region, (s, a, r) => {
        const prefix = tokenDomainPrefix(s, a, r);
        expect(prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
        expect(prefix).not.toMatch(/aws|amazon|cognito/);
        expect(prefix).toBe(tokenDomainPrefix(s, a, r));
      }),
      { numRuns: 300 },
    );
    expect(tokenDomainPrefix("prod", "111122223333", "eu-west-1")).toMatch(
      /^maas-prod-[0-9a-f]{10}$/,
    );
    expect(tokenDomainPrefix("aws-prod", "111122223333", "eu-west-1")).toMatch(
      /^maas-[0-9a-f]{10}$/,
    );
  });

  it("keep token domains apart across stacks, accounts and regions (a prefix is unique among every account's)", () => {
    fc.assert(
      fc.property(stack, account, region, stack, account, region, (s1, a1, r1, s2, a2, r2) => {
        fc.pre(s1 !== s2 || a1 !== a2 || r1 !== r2);
        expect(tokenDomainPrefix(s1, a1, r1)).not.toBe(tokenDomainPrefix(s2, a2, r2));
      }),
      { numRuns: 500 },
    );
  });

  it("differ whenever the stack or the model (or consumer) differs", () => {
    fc.assert(
      fc.property(stack, modelName, stack, modelName, (s1, m1, s2, m2) => {
        fc.pre(s1 !== s2 || m1 !== m2);
        for (const name of [repositoryName, roleName, dashboardName])
          expect(name(s1, m1)).not.toBe(name(s2, m2));
        for (const name of [
          consumerName,
          consumerSecretPrefix,
          consumerClientSecretPrefix,
          consumerAlarmName,
          tokenClientName,
        ])
          expect(name(s1, m1)).not.toBe(name(s2, m2));
      }),
      { numRuns: 500 },
    );
  });
});
