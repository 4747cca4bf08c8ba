/**
 * The pull-request Markdown from two plans, in process: risk first, values before → after,
 * grouping, stacks merged when they read the same, escaping of catalogue text, the size cap.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cell, code } from "../../review/markdown";
import { COMMENT_LIMIT, markdownDiff } from "../../review/markdown-diff";
import type { StackDiff } from "../../review/markdown-diff";
import { stackDiff } from "../helpers/stack-diff";
import { API_DOMAIN, withConsumers } from "../helpers/front-door";
import { twoModels } from "../helpers/transition";

const CERTIFICATE =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678";

let shift: StackDiff;

beforeAll(async () => {
  shift = await stackDiff(
    { catalogue: twoModels() },
    {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 50 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 50 }'],
      ),
    },
  );
});

describe("pull-request Markdown", () => {
  it("starts with the marker the workflow updates its comment by, then the sides", () => {
    const { comment } = markdownDiff([shift]);
    expect(comment.split("\n").slice(0, 4)).toEqual([
      "<!-- maas-diff -->",
      "## maas diff: `dev` (environment `dev`)",
      "",
      "Base: `main` · Head: working tree",
    ]);
  });

  it("puts the risk first: a refused retirement says what happens and what to do", async () => {
    const diff = await stackDiff(
      { catalogue: twoModels() },
      {
        catalogue: twoModels(
          ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
          ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'],
        ),
      },
    );
    const { comment } = markdownDiff([diff]);
    const risk = comment.slice(comment.indexOf("### Risk"), comment.indexOf("### Catalogue"));
    expect(risk).toContain(
      "- ⛔ **refused** `RULES-25/traffic-follows-readiness` Deployment scorer-v1-0-0 is removed while ListenerRule scorer still sends it 90: move its traffic to the other versions first (traffic: 0, a warm standby), apply, then retire it",
    );
  });

  it("calls out replacements with their causes and values: a load balancer turned internet-facing", async () => {
    const internal = { "maas:certificateArn": CERTIFICATE };
    const diff = await stackDiff(
      { catalogue: twoModels(), config: internal },
      { catalogue: twoModels(), config: { ...internal, "maas:internetFacing": "true" } },
    );
    const { comment } = markdownDiff([diff]);
    expect(comment).toMatch(
      /- ⚠️ \*\*check\*\* replaced: 1 ELB LoadBalancer \(internal, name changed\): `ingress`\. A new one is created, the old one deleted at the end of pulumi up/,
    );
    expect(comment).toMatch(
      /- ⚠️ \*\*check\*\* replaced: 4 ELB TargetGroup \(name changed\): `ranker-v2-0-0`, `scorer-v0-9-0`, `scorer-v1-0-0`, `scorer-v1-1-0`/,
    );
    expect(comment).toMatch(
      /\| \*\*± replace\*\* \| `ELB LoadBalancer` `ingress` \| `internal` `true` → `false`<br>`name` `maas-dev-[0-9a-f]{6}` → `maas-dev-[0-9a-f]{6}`<br>force replacement/,
    );
  });

  it("says when traffic will reach a new version, and when a new version runs its sibling's image", async () => {
    const diff = await stackDiff(
      { catalogue: twoModels() },
      {
        catalogue: twoModels([
          '"2.0.0": { traffic: 100 }',
          '"2.0.0": { traffic: 90 }\n      "2.1.0": { traffic: 10 }',
        ]),
      },
    );
    const { comment } = markdownDiff([diff]);
    expect(comment).toContain(
      "- ℹ️ **note** `ranker 2.1.0` (new) gets 10% once its rollout is healthy: pulumi up deploys it first and moves the traffic after",
    );
    expect(comment).toContain(
      "- ⚠️ **check** `ranker 2.1.0` runs the same image as `2.0.0` (`registry.example.com/ranker@sha256:",
    );
    expect(comment).toContain('  model -->|"— → 10%"| v1["2.1.0"]');
  });

  it.each([
    {
      edit: "promote the canary",
      head: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'],
      ),
      risk: ["No risk found: `pulumi up` can go from base to head safely."],
      catalogue: "- 1.0.0: live, 90% → standby, 0%\n- 1.1.0: traffic 10% → 100%",
    },
    {
      edit: "roll back to the standby",
      head: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 0 }'],
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 100 }'],
      ),
      risk: ["No risk found: `pulumi up` can go from base to head safely."],
      catalogue: "- 0.9.0: standby, 0% → live, 100%",
    },
    {
      edit: "add a model",
      head: twoModels([
        "environments:",
        `  churn:\n    owner: team-c\n    image: registry.example.com/churn@sha256:${"c".repeat(64)}\n    versions: { "1.0.0": { traffic: 100 } }\nenvironments:`,
      ]),
      risk: [
        "- ℹ️ **note** `churn 1.0.0` (new) gets 100% once its rollout is healthy: pulumi up deploys it first and moves the traffic after; if it never becomes healthy, pulumi up fails and no request reaches it",
      ],
      catalogue:
        "- model added (owner `team-c`): 1.0.0 live, 100%, image `registry.example.com/churn@sha256:",
    },
    {
      edit: "remove a model",
      head: twoModels().replace(/ {2}ranker:\n(?: {4}.*\n)+/, ""),
      risk: [
        "- ⚠️ **check** `RULES-25/traffic-follows-readiness` ListenerRule ranker is deleted while it sends 100 to Deployment ranker-v2-0-0: the model's endpoint stops answering (404); make sure no client still calls it",
        "- ⚠️ **check** `RULES-26/history-kept` TableItem ranker-v2-0-0 leaves the catalogue while its record says live: the record is kept but keeps saying so; retire the version first (retired: true), apply, then remove it",
        "- ℹ️ **note** leave the stack but stay in AWS (registry history): `DynamoDB TableItem ranker-v2-0-0-image`, `DynamoDB TableItem ranker-v2-0-0`. Bringing them back later needs pulumi import",
        "- ⛔ **refused** model `ranker` is removed while it serves traffic (`2.0.0` 100%): its callers get 404 from this apply, its workloads, routing and alarms go, and its registry records keep saying live. Take it down in two steps: retire all its versions (retired: true), apply, then remove it. A rename is the same: serve the new name beside it, move its callers, then take the old one down. A move to another shard is judged as one only when both stacks are diffed (maas diff --all-stacks)",
      ],
      catalogue:
        "- model removed: its workloads, routing and alarms are deleted; its registry items, images and repository stay in AWS",
    },
    {
      edit: "rename a model",
      head: twoModels(["  ranker:", "  reranker:"]),
      risk: [
        "- ⚠️ **check** `RULES-25/traffic-follows-readiness` ListenerRule ranker is deleted while it sends 100 to Deployment ranker-v2-0-0: the model's endpoint stops answering (404); make sure no client still calls it",
        "- ⚠️ **check** `RULES-26/history-kept` TableItem ranker-v2-0-0 leaves the catalogue while its record says live: the record is kept but keeps saying so; retire the version first (retired: true), apply, then remove it",
        "- ℹ️ **note** leave the stack but stay in AWS (registry history): `DynamoDB TableItem ranker-v2-0-0-image`, `DynamoDB TableItem ranker-v2-0-0`. Bringing them back later needs pulumi import",
        "- ⛔ **refused** model `ranker` is removed while it serves traffic (`2.0.0` 100%): its callers get 404 from this apply, its workloads, routing and alarms go, and its registry records keep saying live. Take it down in two steps: retire all its versions (retired: true), apply, then remove it. A rename is the same: serve the new name beside it, move its callers, then take the old one down. A move to another shard is judged as one only when both stacks are diffed (maas diff --all-stacks)",
        "- ℹ️ **note** `reranker 2.0.0` (new) gets 100% once its rollout is healthy: pulumi up deploys it first and moves the traffic after; if it never becomes healthy, pulumi up fails and no request reaches it",
      ],
      catalogue: "- model added (owner `team-b`)",
    },
    {
      edit: "move a model to another load balancer",
      head: twoModels([
        "    owner: team-b",
        "    owner: team-b\n    routing: { loadBalancer: search }",
      ]),
      risk: [
        "- ⚠️ **check** replaced: 1 ELB TargetGroup (name changed): `ranker-v2-0-0`. A new one is created, the old one deleted at the end of pulumi up; what refers to it changes with it",
        "- ⚠️ **check** replaced: 1 Kubernetes TargetGroupBinding (metadata.name, spec.targetGroupARN changed): `ranker-v2-0-0`. A new one is created, the old one deleted at the end of pulumi up; what refers to it changes with it",
        "- ⚠️ **check** replaced: 2 ELB ListenerRule (listenerArn changed): `ranker-readiness`, `ranker`. A new one is created, the old one deleted at the end of pulumi up; what refers to it changes with it",
        "- ⚠️ **check** model `ranker` moves from load balancer `main` to `search`: its endpoint gets that load balancer's address (path routing: another DNS name; host routing: point its DNS there). pulumi up serves it on the new one before it leaves the old",
      ],
      catalogue:
        "- load balancer `main` → `search`: the model's endpoint moves to that load balancer's address",
    },
  ])("the everyday edit: $edit", async ({ head, risk, catalogue }) => {
    const { comment } = markdownDiff([
      await stackDiff({ catalogue: twoModels() }, { catalogue: head }),
    ]);
    const riskSection = comment.slice(
      comment.indexOf("### Risk\n\n") + 10,
      comment.indexOf("\n\n### Catalogue"),
    );
    expect(riskSection.split("\n")).toEqual(risk);
    expect(comment.slice(comment.indexOf("### Catalogue"))).toContain(catalogue);
  });

  it("behind a front door: a grant is the routine API redeployment, and a moved model keeps its callers' URLs", async () => {
    const granted = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers() },
        {
          catalogue: withConsumers([
            "    access: [checkout]\n",
            "    access: [checkout, reports]\n",
          ]),
        },
      ),
    ]).comment;
    expect(granted).toContain(
      "- ℹ️ **note** the front door's API is redeployed: `front-door-sigv4`: a new API Gateway deployment",
    );
    expect(granted).not.toMatch(/replaced: \d+ (API Gateway )?Deployment/);
    // The grant alone, not the policy's other resources shifted by one.
    expect(granted).toMatch(/Resource\[=[^\]]*\/models\/\w+\/\*\]` \(none\) → /);
    const moved = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers() },
        {
          catalogue: withConsumers([
            "    owner: team-b\n",
            "    owner: team-b\n    routing: { loadBalancer: search }\n",
          ]),
        },
      ),
    ]).comment;
    expect(moved).toContain(
      "moves from load balancer `main` to `search`: its callers keep their front-door URLs",
    );
  });

  it("with a custom domain: says the new stable URLs when it is added, and keeps them through an auth switch", async () => {
    const added = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers() },
        { catalogue: withConsumers(), config: API_DOMAIN },
      ),
    ]).comment;
    expect(added).toContain(
      "- ℹ️ **note** consumers get stable URLs on `api.models.example.com`: `https://api.models.example.com/checkout`,",
    );
    expect(added).toContain("| + add | `API Gateway DomainName` `front-door-domain` |");
    const switched = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers(), config: API_DOMAIN },
        {
          catalogue: withConsumers([
            "  reports:\n    principals:",
            "  reports:\n    auth: apiKey\n    principals:",
          ]),
          config: API_DOMAIN,
        },
      ),
    ]).comment;
    expect(switched).toContain(
      "its stable URL `https://api.models.example.com/reports` stays (its mapping moves to the other API in place)",
    );
    expect(switched).not.toContain("it gets a new URL");
    expect(switched).toMatch(
      /\| ~ update \| `API Gateway BasePathMapping` `front-door-domain-reports` \| `restApi` /,
    );
  });

  it("warns that a change of what the rules match cuts the old address at once, front door included", async () => {
    const host = { "maas:routing": "host", "maas:hostDomain": "models.example.com" };
    const { comment } = markdownDiff([
      await stackDiff({ catalogue: withConsumers() }, { catalogue: withConsumers(), config: host }),
    ]);
    expect(comment).toMatch(
      /- ⚠️ \*\*check\*\* listener rules match another host or path: `\S+`.*a request to the old address gets the load balancer's 404, and calls through the front door too until its new API deployment is live/,
    );
    expect(comment).not.toContain("no interruption");
  });

  it("warns when a revocation rides with rollouts: it goes live only after them", async () => {
    const { comment } = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers() },
        {
          catalogue: withConsumers(
            ["    access: [checkout, partner]\n", "    access: [partner]\n"],
            ["    owner: team-b\n", '    owner: team-b\n    env: { MODE: "fast" }\n'],
          ),
        },
      ),
    ]);
    expect(comment).toContain(
      "- ⚠️ **check** access changes ride with rollouts: `ranker-v2-0-0`: the front door's new API deployment, which makes them live, comes after these rollouts",
    );
    // Alone, a revocation says nothing of rollouts.
    const alone = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers() },
        {
          catalogue: withConsumers([
            "    access: [checkout, partner]\n",
            "    access: [partner]\n",
          ]),
        },
      ),
    ]).comment;
    expect(alone).not.toContain("ride with rollouts");
  });

  it("warns that adding a certificate behind a front door interrupts its calls for a moment", async () => {
    const host = { "maas:routing": "host", "maas:hostDomain": "models.example.com" };
    const { comment } = markdownDiff([
      await stackDiff(
        { catalogue: withConsumers(), config: host },
        { catalogue: withConsumers(), config: { ...host, "maas:certificateArn": CERTIFICATE } },
      ),
    ]);
    expect(comment).toContain(
      "- ⚠️ **check** the front door moves from `http` to `https` on the load balancers: the listeners and the security group rule change in place before the new API deployment is live",
    );
  });

  it("lists what leaves the stack but stays in AWS as forgotten, not deleted", async () => {
    const { comment } = markdownDiff([
      await stackDiff(
        { catalogue: twoModels() },
        { catalogue: twoModels(["  ranker:", "  reranker:"]) },
      ),
    ]);
    expect(comment).toContain(
      "| - forget | 2 × `DynamoDB TableItem`: `ranker-v2-0-0`, `ranker-v2-0-0-image` | kept in AWS |",
    );
    expect(comment).not.toMatch(/\| - delete \| `DynamoDB TableItem`/);
    expect(comment).toMatch(/to delete, 2 to forget \(kept in AWS\)/);
  });

  it("shows values before → after, list items by identity, and identical changes as one row", () => {
    const { comment } = markdownDiff([shift]);
    expect(comment).toContain("- 1.0.0: traffic 90% → 50%\n- 1.1.0: traffic 10% → 50%");
    expect(comment).toMatch(
      /\| ~ update \| `ELB ListenerRule` `scorer` \| `actions\.0\.forward\.targetGroups\[arn=targetgroup\/scorer-1-0-0-[0-9a-f]{6}\]\.weight` `90` → `50`<br>/,
    );
    expect(comment).toContain(
      "| ~ update | `DynamoDB TableItem` `scorer-v1-0-0` | `item.traffic.N` `90` → `50` |",
    );
  });

  it("shows stacks whose diff reads the same once", () => {
    const { comment } = markdownDiff([shift, { ...shift }]);
    // Risk and catalogue: once for both; resources: per stack.
    expect(comment).toContain(
      "### Risk\n\n#### `dev` (environment `dev`), `dev` (environment `dev`)\n\nNo risk found",
    );
    expect(comment.match(/<summary>dev \(dev\): /g)).toHaveLength(2);
  });

  it("keeps catalogue text from becoming Markdown, links, HTML or mentions", () => {
    expect(code("@acme/ml <script>|x")).toBe("`@acme/ml <script>|x`");
    expect(cell(code("a|b"))).toBe("`a\\|b`");
    // A value with backticks gets a longer fence (and spaces where it starts or ends with one).
    expect(code("a `tick`")).toBe("`` a `tick` ``");
    expect(code("`edge`")).toBe("`` `edge` ``");
  });

  it("stays under GitHub's comment limit, cutting tables first and saying where the rest is", () => {
    const big = { ...shift, head: { ...shift.head, label: "x".repeat(COMMENT_LIMIT) } };
    const { comment, full } = markdownDiff([big]);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain("**The diff is longer than a comment can hold and was cut here.**");
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
  });
});
