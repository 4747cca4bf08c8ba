/**
 * The rollout recipe of docs/catalogue.md ("Recipes"), step by step, on a catalogue shaped like the
 * example (a canary at 90/10 whose dev overlay pins the weights): each step validates in the base
 * catalogue and every environment, the step written only in the base says which layer each weight
 * is from, and the guide shows what the step writes and the problem it reports word for word.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { problemsOf, resolvedOf } from "../helpers/catalogue";
import { FIXTURE_CONTEXT, TEST_PROJECT } from "../helpers/plan";

type Doc = ReturnType<typeof parseDocument>;
const MODEL = ["models", "image-classifier"];
const DEV = ["environments", "dev", "models", "image-classifier"];

function start(): Doc {
  const document = parseDocument(readFileSync(join(TEST_PROJECT, "models.yaml"), "utf8"));
  document.setIn([...MODEL, "build", "context"], FIXTURE_CONTEXT);
  return document;
}

const weights = (document: Doc, path: string[], values: Record<string, number | "retired">) => {
  for (const [version, value] of Object.entries(values))
    document.setIn(
      [...path, "versions", version],
      document.createNode(value === "retired" ? { retired: true } : { traffic: value }),
    );
};

const shares = (document: Doc, environment: string) =>
  Object.fromEntries(
    resolvedOf(String(document), environment)
      .models.find((m) => m.name === "image-classifier")!
      .versions.map((v) => [v.version, v.status === "retired" ? "retired" : v.traffic]),
  );

/** The catalogue guide with its line breaks folded, as a reader sees its prose. */
const GUIDE = readFileSync("docs/catalogue.md", "utf8").replace(/\s+/g, " ");

describe("the rollout recipe of docs/catalogue.md", () => {
  it("1. roll out: written only in the base, dev's sum names the layers; written in both, it validates", () => {
    const document = start();
    weights(document, MODEL, { "1.4.0": 80, "1.6.0": 10 });
    expect(problemsOf(String(document))).toEqual([
      expect.stringMatching(
        /environments\.dev\.models\.image-classifier\.versions: in environment dev: traffic of the live and standby versions sums to 110 \(1\.4\.0: 50 from environments\.dev, 1\.5\.0: 50 from environments\.dev, 1\.6\.0: 10 from the base catalogue\); it must be exactly 100 \[catalogue\/weights-sum\]$/,
      ),
    ]);
    const [problem] = problemsOf(String(document));
    expect(GUIDE).toContain(problem!.slice(problem!.indexOf("environments.dev")));
    weights(document, DEV, { "1.4.0": 45, "1.5.0": 45, "1.6.0": 10 });
    expect(GUIDE).toContain(
      'versions: { "1.4.0": { traffic: 45 }, "1.5.0": { traffic: 45 }, "1.6.0": { traffic: 10 } }',
    );
    // The guide gives the new version its own image, as new code needs.
    expect(GUIDE).toContain(
      '"1.6.0": { traffic: 10, image: "<registry>/image-classifier@sha256:<digest>" }',
    );
    document.setIn(
      [...MODEL, "versions", "1.6.0", "image"],
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/image-classifier@sha256:${"6".repeat(64)}`,
    );
    expect(problemsOf(String(document))).toEqual([]);
    expect(shares(document, "prod")).toEqual({ "1.4.0": 80, "1.5.0": 10, "1.6.0": 10 });
    expect(shares(document, "dev")).toEqual({ "1.4.0": 45, "1.5.0": 45, "1.6.0": 10 });
  });

  it("2-5. shift, keep warm, roll back, retire: every step validates everywhere", () => {
    const document = start();
    const step = (
      base: Record<string, number | "retired">,
      dev: Record<string, number | "retired">,
    ) => {
      weights(document, MODEL, base);
      weights(document, DEV, dev);
      expect(problemsOf(String(document))).toEqual([]);
    };
    step({ "1.4.0": 80, "1.6.0": 10 }, { "1.4.0": 45, "1.5.0": 45, "1.6.0": 10 });
    step({ "1.4.0": 0, "1.6.0": 90 }, { "1.4.0": 0, "1.5.0": 10, "1.6.0": 90 });
    step({ "1.4.0": 90, "1.6.0": 0 }, { "1.4.0": 90, "1.5.0": 10, "1.6.0": 0 });
    step({ "1.4.0": 0, "1.6.0": 90 }, { "1.4.0": 0, "1.5.0": 10, "1.6.0": 90 });
    step({ "1.4.0": "retired" }, { "1.4.0": "retired" });
    expect(shares(document, "dev")).toEqual({ "1.4.0": "retired", "1.5.0": 10, "1.6.0": 90 });
  });
});
