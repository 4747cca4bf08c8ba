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
  identityHash,
  frontDoorLogGroupName,
  loadBalancerName,
  NAME_LIMITS,
  repositoryName,
  roleName,
  STACK_NAME,
  TARGET_GROUP_READABLE,
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

/**
 * RULES 32: names shortened to fit stay unique across the catalogue and every stack of a layout:
 * the hash covers the whole identity with enough bits, and a shortened name has a form no whole
 * name has (target groups: a 10-character last part, not 6; IAM roles: a `.`).
 */
describe("shortened names", () => {
  const stack = fc.stringMatching(STACK_NAME);
  const lb = { name: "main", internal: true, vpcId: "vpc-0a1b2c3d4e5f60718" };
  const longModel = fc.stringMatching(/^[a-z][-a-z0-9]{24,61}[a-z0-9]$/);

  it("two versions of one long model, and one model in two stacks, get target groups of their own", () => {
    const model = "customer-churn-predictor-gradient-boosted";
    const names = ["1.0.0", "1.0.1", "2.0.0"].map((v) => targetGroupName("platform", model, v, lb));
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toMatch(/^customer-churn-predic-[0-9a-z]{10}$/);
    expect(targetGroupName("dev", model, "1.0.0", lb)).not.toBe(names[0]);
  });

  it("a shortened target group name is never another's whole name, and never meets another shortened one", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(stack, longModel, versionKey), {
          minLength: 2,
          maxLength: 30,
          selector: ([s, m, v]) => `${s}/${m}/${v}`,
        }),
        modelName,
        versionKey,
        (shortened, model, version) => {
          const names = shortened.map(([s, m, v]) => targetGroupName(s, m, v, lb));
          expect(new Set(names).size).toBe(names.length);
          for (const name of names) {
            expect(name.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroup);
            expect(name).toMatch(/-[0-9a-z]{10}$/);
          }
          // A whole name ends in 6 hex characters: it can never be one of them.
          const whole = targetGroupName("dev", model, version, lb);
          if (`${model}-${version}`.length <= TARGET_GROUP_READABLE)
            expect(names).not.toContain(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("versions of one long model (they share every readable character) never meet", () => {
    fc.assert(
      fc.property(
        longModel,
        fc.uniqueArray(versionKey, { minLength: 2, maxLength: 200 }),
        (model, versions) => {
          const names = versions.map((v) => targetGroupName("platform", model, v, lb));
          // Versions whose Kubernetes names meet are refused by validation, not here.
          const distinct = new Set(versions.map((v) => v.replace(/\./g, "-")));
          expect(new Set(names).size).toBe(distinct.size);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a shortened IAM role name holds a `.`, which no whole one can, and fits 64", () => {
    fc.assert(
      fc.property(stack, modelName, stack, modelName, (s1, m1, s2, m2) => {
        fc.pre(s1 !== s2 || m1 !== m2);
        const [a, b] = [roleName(s1, m1), roleName(s2, m2)];
        expect(a).not.toBe(b);
        // IAM compares role names case-insensitively.
        expect(a.toLowerCase()).not.toBe(b.toLowerCase());
        expect(a.length).toBeLessThanOrEqual(NAME_LIMITS.iamRole);
        const whole = `maas-${s1}_${m1}`;
        expect(a === whole || (whole.length > NAME_LIMITS.iamRole && a.includes("."))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("hashes in base 36: 10 characters carry 51 bits, 12 carry 62", () => {
    expect(identityHash("x", 10)).toMatch(/^[0-9a-z]{10}$/);
    expect(identityHash("x", 12)).toMatch(/^[0-9a-z]{12}$/);
    expect(identityHash("x", 10)).not.toBe(identityHash("y", 10));
  });
});
