/** Changes of how long requests may take, in the review's risk section (review/request-timing-risk.ts). */
import { describe, expect, it } from "vitest";
import { requestTimingRisks } from "../../review/request-timing-risk";
import { withConsumers } from "../helpers/front-door";
import { transitionBetween, twoModels } from "../helpers/transition";

const scorerApi = (api: string) =>
  twoModels(["    owner: team-a\n", `    owner: team-a\n    api: ${api}\n`]);
const streamedScorer = (api: string) =>
  withConsumers([
    "    access: [checkout, partner]\n",
    `    access: [checkout, partner]\n    api: ${api}\n`,
  ]);
const textsOf = async (from: string, to: string) =>
  requestTimingRisks(
    (await transitionBetween({ catalogue: from }, { catalogue: to })).transition,
  ).map((risk) => `${risk.level}: ${risk.text}`);

describe("request timing risks", () => {
  it("say nothing when no model's api: changes", async () => {
    expect(
      await textsOf(
        twoModels(),
        twoModels(
          ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 80 }'],
          ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 20 }'],
        ),
      ),
    ).toEqual([]);
  });

  it("name a raised idle timeout that every model on the load balancer must outlast", async () => {
    expect(await textsOf(twoModels(), scorerApi("{ streaming: true, timeout: 10m }"))).toEqual([
      "warn: load balancer `ingress` keeps idle connections 605 s instead of 60 s (a model on it declares longer requests): every model it serves is told (LOAD_BALANCER_IDLE_SECONDS) and its pods roll; each server must keep idle connections open longer than that, or the load balancer may answer 502. Give long-request models a load balancer of their own (routing.loadBalancer) to leave the others alone",
    ]);
  });

  it("name target groups that drain for less time than requests already running may take", async () => {
    expect(
      await textsOf(
        scorerApi("{ streaming: true, timeout: 10m }"),
        scorerApi("{ streaming: true, timeout: 50s }"),
      ),
    ).toEqual([
      "warn: target groups `scorer-v0-9-0`, `scorer-v1-0-0`, `scorer-v1-1-0` drain for less time from this apply on (a shorter api.timeout): requests still running under the old, longer timeout on pods this apply rolls may be cut. Apply it when those requests can be retried",
    ]);
  });

  it("name integrations that would stay streaming when api: is dropped", async () => {
    const texts = await textsOf(streamedScorer("{ streaming: true }"), withConsumers());
    expect(texts).toEqual([
      "warn: integrations `front-door-apikey-scorer-get`, `front-door-apikey-scorer-post`, `front-door-sigv4-scorer-get`, `front-door-sigv4-scorer-post` stay streaming: the provider keeps a STREAM mode it is no longer given. To stop streaming, write api: { streaming: false } (it sends BUFFERED), apply, and only then drop api: if you like",
    ]);
    expect(
      await textsOf(streamedScorer("{ streaming: true }"), streamedScorer("{ streaming: false }")),
    ).toEqual([]);
  });
});
