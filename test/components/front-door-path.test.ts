/**
 * The path a model receives behind the front door, whichever form API Gateway sends to its
 * private integration (with the stage before the path, as AWS's guide says, or without, as
 * aws-cdk's integration test shows): the traffic rule matches both and rewrites them to the
 * path the model serves. The regexes are run here as JavaScript reads them (capture groups,
 * anchors and bounded repeats only: what ALB's regex conditions and rewrites also read alike).
 */
import { describe, expect, it } from "vitest";
import { CONSUMER_NAME } from "../../catalogue/schema";
import { FRONT_DOOR_PATH, frontDoorMatch } from "../../components/specs/routing";
import { withConsumers } from "../helpers/front-door";
import { planOf } from "../helpers/plan";

/** What the load balancer does with `path`: no match, or the path the model receives. */
function received(model: string, routing: Parameters<typeof frontDoorMatch>[1], path: string) {
  const { conditions, transforms } = frontDoorMatch(model, routing);
  const pattern = conditions.flatMap((c: any) => c.pathPattern?.regexValues ?? [])[0] as string;
  if (!new RegExp(pattern).test(path)) return undefined;
  const { regex, replace } = (transforms[0] as any).urlRewriteConfig.rewrite as {
    regex: string;
    replace: string;
  };
  return path.replace(new RegExp(regex), replace);
}

describe("the front door's path to a model", () => {
  const path = { mode: "path" } as const;
  const host = { mode: "host", domain: "models.example.com" } as const;

  it("path routing: the model receives /models/<m>/… with or without the stage", () => {
    for (const sent of ["/models/scorer/v1/predict", "/checkout/models/scorer/v1/predict"])
      expect(received("scorer", path, sent), sent).toBe("/models/scorer/v1/predict");
    expect(received("scorer", path, "/models/scorer")).toBe("/models/scorer");
    expect(received("scorer", path, "/partner-2/models/scorer/")).toBe("/models/scorer/");
  });

  it("path routing: another model's paths, or a deeper prefix, never match", () => {
    for (const sent of [
      "/models/scorer-b/x",
      "/models/ranker/x",
      "/a/b/models/scorer/x",
      "/Checkout/models/scorer/x",
      "/models/scorerx",
    ])
      expect(received("scorer", path, sent), sent).toBeUndefined();
  });

  it("host routing: the model receives its own path, the front door's marker and the stage removed", () => {
    for (const sent of [
      `/${FRONT_DOOR_PATH}/v1/predict`,
      `/checkout/${FRONT_DOOR_PATH}/v1/predict`,
    ])
      expect(received("scorer", host, sent), sent).toBe("/v1/predict");
    // A model path that begins like a consumer is the model's: only the marker decides.
    expect(received("scorer", host, `/${FRONT_DOOR_PATH}/checkout/x`)).toBe("/checkout/x");
    expect(received("scorer", host, "/checkout/x")).toBeUndefined();
  });

  it("accepts every stage a consumer's name can be, and fits ALB's 128-character path regex", () => {
    const longest = `c${"a".repeat(31)}`;
    expect(longest).toMatch(CONSUMER_NAME);
    expect(received("scorer", path, `/${longest}/models/scorer/x`)).toBe("/models/scorer/x");
    const model = `m${"a".repeat(62)}`;
    for (const routing of [path, host]) {
      const regex = (frontDoorMatch(model, routing).conditions.at(-1) as any).pathPattern
        .regexValues[0] as string;
      expect(regex.length).toBeLessThanOrEqual(128);
    }
  });

  it("is the traffic rule of every model behind a front door, with one transform; without one, the plain rule", async () => {
    const behind = await planOf({ catalogue: withConsumers() });
    const rule = behind.inputs(
      "aws:lb/listenerRule:ListenerRule",
      "scorer",
      "maas:routing:ModelTraffic",
    );
    expect(rule.conditions).toEqual([
      { pathPattern: { regexValues: ["^/([a-z][a-z0-9-]{0,31}/)?(models/scorer(/.*)?)$"] } },
    ]);
    expect(rule.transforms).toHaveLength(1);
    // The pinned route and the readiness rule are called directly: their plain conditions.
    expect(
      behind.inputs("aws:lb/listenerRule:ListenerRule", "scorer-readiness").conditions,
    ).toEqual([{ pathPattern: { values: ["/models/scorer", "/models/scorer/*"] } }]);
    const direct = await planOf({});
    const plain = direct.inputs(
      "aws:lb/listenerRule:ListenerRule",
      "image-classifier",
      "maas:routing:ModelTraffic",
    );
    expect(plain.transforms).toBeUndefined();
  });
});
