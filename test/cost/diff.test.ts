/**
 * The review's Cost section, base against head, in process: a model added, replicas raised, a
 * standby version removed; each figure worked out from the eu-west-1 price file by hand (a pod's
 * share of the reference instance × 730 hours × its pods, plus its version's alarms and its
 * model's dashboard).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { markdownDiff } from "../../review/markdown-diff";
import type { StackDiff } from "../../review/markdown-diff";
import { costSection } from "../../review/cost-section";
import { PRICES_DIR } from "../../cost/prices";
import type { PriceFile } from "../../cost/prices";
import { FIXTURE_CONTEXT, TEST_PROJECT } from "../helpers/plan";
import { stackDiff } from "../helpers/stack-diff";

/** The test project's catalogue, written elsewhere: its build context made absolute. */
function catalogue(edit: (document: ReturnType<typeof parseDocument>) => void = () => undefined) {
  const document = parseDocument(readFileSync(join(TEST_PROJECT, "models.yaml"), "utf8"));
  document.setIn(["models", "image-classifier", "build", "context"], FIXTURE_CONTEXT);
  edit(document);
  return String(document);
}

const prices = JSON.parse(readFileSync(join(PRICES_DIR, "eu-west-1.json"), "utf8")) as PriceFile;
const cpuHour = prices.ec2.general.hour.usd;
const gpuHour = prices.ec2.gpu[0]!.hour.usd;

/** The Cost section of a diff's comment. */
const costOf = (diff: StackDiff) => {
  const { comment } = markdownDiff([diff]);
  return comment.slice(comment.indexOf("### Cost"), comment.indexOf("### Resources"));
};

let base: string;
beforeAll(() => {
  base = catalogue();
});

describe("the review's cost section", () => {
  it("a model added: its pods, alarms and dashboard, as an added model", async () => {
    const diff = await stackDiff(
      { catalogue: base },
      {
        catalogue: catalogue((document) =>
          document.setIn(
            ["models", "churn-scorer"],
            document.createNode({
              owner: "risk-team",
              image: "ghcr.io/acme-risk/churn-scorer:1.0.0",
              resources: { cpu: "2", memory: "4Gi" },
              versions: { "1.0.0": { traffic: 100 } },
            }),
          ),
        ),
      },
    );
    // 2 vCPU of 4 is the larger share (4 GiB of 16 is less): half an m6i.xlarge, × 730, 1-2 pods
    // in dev; 4 alarms on 5 metrics ($0.50) and a dashboard ($3).
    const pod = 0.5 * cpuHour * 730;
    expect(pod).toBeCloseTo(70.08, 9);
    const section = costOf(diff);
    expect(section).toContain(
      "**+$74 to +$140 a month** (at the fewest pods and no requests, to the most pods and every quota used)",
    );
    expect(section).toContain("| model `churn-scorer` (added) | – | $74–140 | +$74 to +$140 |");
    expect(section).toContain(
      "| ↳ version `1.0.0`, added | – | $71–140 (1–2 pods) | +$71 to +$140 |",
    );
    expect(section).toContain(
      "| compute | `churn-scorer` `1.0.0` | $70–140 | 2 vCPU, 4 GiB a pod as 50% of one m6i.xlarge ($0.192/hour), 1–2 pods |",
    );
  });

  it("replicas raised: the version's cost at the fewest and at the most pods", async () => {
    const diff = await stackDiff(
      { catalogue: base },
      {
        catalogue: catalogue((document) =>
          // The dev overlay's, over the environment's defaults (1-2 pods).
          document.setIn(
            ["environments", "dev", "models", "fraud-scorer"],
            document.createNode({ autoscaling: { minReplicas: 3, maxReplicas: 6 } }),
          ),
        ),
      },
    );
    // A quarter of an m6i.xlarge (1 vCPU of 4): $35.04 a pod; 1-2 pods -> 3-6 pods.
    expect(0.25 * cpuHour * 730).toBeCloseTo(35.04, 9);
    const section = costOf(diff);
    expect(section).toContain("**+$70 to +$140 a month**");
    // Only the model and its version change cost.
    const table = section.slice(section.indexOf("| | base"), section.indexOf("<details>")).trim();
    expect(table.split("\n")).toEqual([
      "| | base | head | change a month |",
      "|---|---|---|---|",
      "| model `fraud-scorer` | $39–74 | $110–210 | +$70 to +$140 |",
      "| ↳ version `3.2.1` | $36–71 (1–2 pods) | $110–210 (3–6 pods) | +$70 to +$140 |",
    ]);
  });

  it("a standby version removed: the GPU pods it no longer runs", async () => {
    const diff = await stackDiff(
      { catalogue: base },
      {
        catalogue: catalogue((document) =>
          document.setIn(
            ["models", "text-embedder", "versions", "1.9.2"],
            document.createNode({ retired: true }),
          ),
        ),
      },
    );
    // One whole g5.xlarge a pod (2 vCPU, 8 GiB, one GPU in dev), 1-2 pods, and its $0.50 of alarms.
    const low = gpuHour * 730 + 0.5;
    const high = gpuHour * 730 * 2 + 0.5;
    expect([low, high]).toEqual([734.88, 1469.26]);
    const section = costOf(diff);
    expect(section).toContain("**-$730 to -$1,470 a month**");
    expect(section).toContain(
      "| ↳ version `1.9.2`, removed | $730–1,470 (1–2 pods) | – | -$730 to -$1,470 |",
    );
  });

  it("a standby gone cold: the GPU pods and alarms it no longer runs, named as a cold standby; woken, they come back", async () => {
    const cold = catalogue((document) =>
      document.setIn(["models", "text-embedder", "versions", "1.9.2", "standby"], "cold"),
    );
    const diff = await stackDiff({ catalogue: base }, { catalogue: cold });
    // As for a removed standby: one whole g5.xlarge a pod (2 vCPU, 8 GiB, one GPU in dev), 1-2
    // pods, and its four alarms on five metrics ($0.50); its target group costs nothing.
    const low = gpuHour * 730 + 0.5;
    const high = gpuHour * 730 * 2 + 0.5;
    expect([low, high]).toEqual([734.88, 1469.26]);
    const section = costOf(diff);
    expect(section).toContain("**-$730 to -$1,470 a month**");
    expect(section).toContain(
      "| ↳ version `1.9.2`, cold standby | $730–1,470 (1–2 pods) | – | -$730 to -$1,470 |",
    );
    const woken = costOf(await stackDiff({ catalogue: cold }, { catalogue: base }));
    expect(woken).toContain("**+$730 to +$1,470 a month**");
    expect(woken).toContain(
      "| ↳ version `1.9.2`, woken from cold standby | – | $730–1,470 (1–2 pods) | +$730 to +$1,470 |",
    );
  });

  it("states the prices' region and date, and which are not confirmed for it", async () => {
    const diff = await stackDiff({ catalogue: base }, { catalogue: base });
    const section = costOf(diff);
    expect(section).toMatch(
      /^### Cost\n\nNo change: \*\*\$1,590–3,150 a month\*\*\.\n\nPrices: eu-west-1, on demand, retrieved 2026-12-07 \(`cost\/prices\/eu-west-1\.json`\)\. \d+ of the \d+ prices used are not confirmed for eu-west-1\.\n/,
    );
    expect(section).toContain(
      "<summary>How the head's $1,590–3,150 a month is estimated</summary>",
    );
    expect(section).toContain("- Monthly means 730 hours, on-demand prices");
    expect(section).toContain(
      "are not confirmed for eu-west-1: `ec2.general.hour`, `ec2.gpu.0.hour`",
    );
  });

  it("a summary shows the headline only; a region without prices says so", async () => {
    const diff = await stackDiff({ catalogue: base }, { catalogue: base });
    expect(markdownDiff([diff], { summary: true }).comment).toContain(
      "### Cost\n\nNo change: **$1,590–3,150 a month**.\n\n<sub>",
    );
    const elsewhere = diff.head.plan.resources.map((r) =>
      r.type === "pulumi:providers:aws"
        ? { ...r, inputs: { ...r.inputs, region: "ap-south-1" } }
        : r,
    );
    expect(costSection(diff.base.plan.resources, elsewhere, "full")).toEqual([
      "Not estimated: no prices for region ap-south-1 (cost/prices/ has eu-west-1, us-east-1).",
    ]);
  });
});
