/**
 * Constants the hand-written docs repeat from the code (quotas, limits, paths, rule ranges, the
 * quick start): each checked against its source, so a change to the code fails here until the
 * prose says the same. The tables are generated instead (test/docs/generated.test.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALB_QUOTAS, COGNITO_QUOTAS, RULES_PER_MODEL } from "../../catalogue/quotas";
import { STACK_NAME } from "../../catalogue/names";
import { MODEL_CACHE_PATH } from "../../components/specs/pod";
import { ACCESS_TOKEN_MINUTES } from "../../components/specs/tokens";
import { KUBERNETES_RULES } from "../../policy";
import { AWS_RULES } from "../../policy/aws-rules";

/** A guide's text with line breaks and repeated spaces folded, so wrapped prose still matches. */
const read = (file: string) => readFileSync(file, "utf8").replace(/\s+/g, " ");
const catalogue = read("docs/catalogue.md");
/** The infra teams' runbook: its index and pages (docs/operations.md links each). */
const operations = [
  "operations",
  "setup",
  "front-door",
  "changing",
  "sharding",
  "review",
  "troubleshooting",
  "performance",
]
  .map((page) => read(`docs/${page}.md`))
  .join(" ");
const readme = read("README.md");
/** The prose spells small numbers out. */
const WORDS: Record<number, string> = { 4: "four", 5: "five", 6: "six" };

describe("constants in the docs", () => {
  it("the load balancer quotas (catalogue/quotas.ts)", () => {
    const q = ALB_QUOTAS;
    expect(operations).toContain(
      `An Application Load Balancer holds at most ${q.rulesPerLoadBalancer} listener rules (adjustable by request) and ${q.targetGroupsPerLoadBalancer} target groups, a forward action at most ${q.targetGroupsPerAction} target groups, and a region ${q.loadBalancersPerRegion} load balancers`,
    );
    expect(operations).toContain(
      `so one load balancer serves up to ${q.rulesPerLoadBalancer / RULES_PER_MODEL} models`,
    );
    const word = WORDS[q.targetGroupsPerAction];
    expect(catalogue).toContain(`at most ${word} live or standby`);
    expect(operations).toContain(`An ALB rule forwards to at most ${word} target groups`);
    expect(operations).toContain(`a model may have at most ${word} live and standby versions`);
  });

  it("OAuth tokens' lifetime and Cognito's scope limits (components/specs/tokens.ts, catalogue/quotas.ts)", () => {
    expect(catalogue).toContain(`A token lasts ${ACCESS_TOKEN_MINUTES} minutes`);
    expect(catalogue).toContain(`(at most ${ACCESS_TOKEN_MINUTES} minutes)`);
    expect(operations).toContain(`access tokens for ${ACCESS_TOKEN_MINUTES} minutes`);
    expect(catalogue).toContain(
      `${COGNITO_QUOTAS.scopesPerAppClient} scopes per app client (models one consumer may call) and ${COGNITO_QUOTAS.scopesPerResourceServer} per resource server`,
    );
  });

  it("the model cache path (components/specs/pod.ts)", () => {
    expect(catalogue).toContain(`model cache volume at ${MODEL_CACHE_PATH}`);
  });

  it("stack names' length (catalogue/names.ts)", () => {
    expect("a".repeat(32)).toMatch(STACK_NAME);
    expect("a".repeat(33)).not.toMatch(STACK_NAME);
    expect(operations).toContain("Stack names are 1–32 lowercase letters, digits and dashes");
  });

  it("the rule ranges: 1-14 on Kubernetes objects, 15-21 on AWS resources (policy/)", () => {
    const numbers = (rules: { id: string }[]) =>
      rules.flatMap((rule) => /^RULES-(\d+)\//.exec(rule.id)?.[1] ?? []).map(Number);
    expect(numbers(KUBERNETES_RULES)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(numbers(AWS_RULES)).toEqual(expect.arrayContaining([15, 16, 17, 18, 19, 20, 21]));
    // Every AWS rule that is not numbered 15-21 is named in the guide.
    for (const rule of AWS_RULES.filter((r) => !/^RULES-(1[5-9]|2[01])\//.test(r.id)))
      expect(operations).toContain(
        `\`${rule.id.startsWith("RULES-") ? rule.id.split("/")[0] : rule.id}\``,
      );
    expect(operations).toContain("rules 1-14");
    expect(operations).toContain("items 15-21 on the AWS resources");
  });

  it("the quick start: the two commands CI relies on", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: object })
      .scripts;
    expect(readme).toContain("npm ci && npx maas plan # install, then plan the dev stack offline");
    expect(readme).toContain("npm test # the whole test suite");
    expect(scripts).toHaveProperty("test", "vitest run");
    expect(readFileSync(".ci/checks", "utf8")).toContain("npm test");
  });
});
