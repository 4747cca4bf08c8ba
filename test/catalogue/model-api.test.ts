/**
 * `api:` in the catalogue: per model, an environment's overlay merged key by key, and precise
 * errors for each way it can be wrong (line, column, path, what is allowed).
 */
import { describe, expect, it } from "vitest";
import { mutate, problemsOf, resolvedOf } from "../helpers/catalogue";

const withApi = (api: string) => mutate(4, ["    owner: team-a", `    api: ${api}`]);
/** BASELINE's dev overlay of scorer, with an `api:` of its own. */
const overlaid = (text: string, api: string) =>
  text.replace("      scorer: { versions:", `      scorer: { api: ${api}, versions:`);
const api = (text: string, environment?: string) => resolvedOf(text, environment).models[0]!.api;

describe("a model's api", () => {
  it("is absent unless the model declares one: the model keeps what it always had", () => {
    expect(resolvedOf(mutate(4, "    owner: team-a")).models[0]).not.toHaveProperty("api");
  });

  it("fills API Gateway's defaults (buffered, 29 s) and reads minutes and seconds", () => {
    expect(api(withApi("{ streaming: true }"))).toEqual({ streaming: true, timeoutSeconds: 29 });
    expect(api(withApi("{ timeout: 90s }"))).toEqual({ streaming: false, timeoutSeconds: 90 });
    expect(api(withApi("{ streaming: true, timeout: 15m }"))).toEqual({
      streaming: true,
      timeoutSeconds: 900,
    });
  });

  it("merges an environment's overlay key by key, for that environment only", () => {
    const text = overlaid(withApi("{ streaming: true, timeout: 10m }"), "{ timeout: 2m }");
    expect(api(text, "dev")).toEqual({ streaming: true, timeoutSeconds: 120 });
    expect(api(text)).toEqual({ streaming: true, timeoutSeconds: 600 });
    expect(api(overlaid(mutate(4, "    owner: team-a"), "{ streaming: true }"), "dev")).toEqual({
      streaming: true,
      timeoutSeconds: 29,
    });
  });

  it("refuses a timeout that is not whole seconds or minutes, saying what is allowed", () => {
    const message = "must be a duration in whole seconds or minutes, such as 90s or 5m";
    expect(problemsOf(withApi('{ timeout: "5 min" }'))).toEqual([
      `5:21: models.scorer.api.timeout: ${message}; got "5 min" [catalogue/schema]`,
    ]);
    expect(problemsOf(withApi("{ timeout: 300 }"))).toEqual([
      `5:21: models.scorer.api.timeout: ${message}; got 300 [catalogue/schema]`,
    ]);
    expect(problemsOf(withApi("{ timeout: 0s }"))).toEqual([
      `5:21: models.scorer.api.timeout: ${message}; got "0s" [catalogue/schema]`,
    ]);
  });

  it("refuses more than API Gateway streams (15 minutes)", () => {
    expect(problemsOf(withApi("{ streaming: true, timeout: 20m }"))).toEqual([
      '5:38: models.scorer.api.timeout: must be at most 15m: API Gateway streams a response for 15 minutes at most; got "20m" [catalogue/schema]',
    ]);
  });

  it("refuses a buffered response longer than 5 minutes, at the timeout", () => {
    expect(problemsOf(withApi("{ timeout: 10m }"))).toEqual([
      "5:21: models.scorer.api.timeout: a buffered response may take at most 5m (API Gateway's integration timeout, with its quota raised), and timeout is 10m: stream the response (streaming: true, up to 15m), or shorten timeout [catalogue/buffered-timeout]",
    ]);
    expect(problemsOf(withApi("{ timeout: 5m }"))).toEqual([]);
  });

  it("blames an overlay that turns streaming off under a long timeout, naming its environment", () => {
    const text = overlaid(withApi("{ streaming: true, timeout: 10m }"), "{ streaming: false }");
    expect(problemsOf(text)).toEqual([
      "15:35: environments.dev.models.scorer.api.streaming: in environment dev: a buffered response may take at most 5m (API Gateway's integration timeout, with its quota raised), and timeout is 10m: stream the response (streaming: true, up to 15m), or shorten timeout [catalogue/buffered-timeout]",
    ]);
  });

  it("names the closest key for a misspelt one, what streaming may be, and that a version has none", () => {
    expect(problemsOf(withApi("{ timout: 5m }"))).toEqual([
      '5:12: models.scorer.api.timout: unknown key "timout"; did you mean "timeout"? [catalogue/known-keys]',
    ]);
    expect(problemsOf(withApi("{ streaming: yes }"))).toEqual([
      '5:23: models.scorer.api.streaming: must be true or false; got "yes" [catalogue/schema]',
    ]);
    expect(
      problemsOf(mutate(7, '      "1.0.0": { traffic: 90, api: { streaming: true } }')),
    ).toEqual([
      '7:31: models.scorer.versions.1.0.0.api: unknown key "api"; allowed: autoscaling, build, env, gpu, healthCheck, image, port, resources, retired, rollout, slo, standby, traffic [catalogue/known-keys]',
    ]);
  });
});
