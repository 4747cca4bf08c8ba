/**
 * `standby: warm | cold`: how a version at 0 % waits. Resolved like every setting (version > model
 * > defaults, an environment's layers above them); written on a version that has traffic, it is
 * refused at the line that says cold, in the base catalogue and after an overlay.
 */
import { describe, expect, it } from "vitest";
import { isColdStandby, runningVersions, servedVersions } from "../../catalogue";
import type { ResolvedModel } from "../../catalogue";
import { BASELINE, mutate, problemsOf, resolvedOf, yaml } from "../helpers/catalogue";

const scorer = (text: string, environment?: string): ResolvedModel =>
  resolvedOf(text, environment).models.find((m) => m.name === "scorer")!;
const standbyOf = (model: ResolvedModel) =>
  Object.fromEntries(model.versions.map((v) => [v.version, v.standby]));
const cold = (model: ResolvedModel) => model.versions.filter(isColdStandby).map((v) => v.version);

/** `line:col` of `token` on `line` of `text`, 1-based like the problems. */
function at(text: string, line: number, token: string): string {
  const col = (text.split("\n")[line - 1] ?? "").indexOf(token);
  if (col < 0) throw new Error(`fixture line ${line} has no ${token}`);
  return `${line}:${col + 1}`;
}

describe("standby: resolution", () => {
  it("is warm unless a layer says cold: the baseline's standby runs", () => {
    const model = scorer(BASELINE);
    expect(standbyOf(model)).toEqual({
      "0.8.0": "warm",
      "0.9.0": "warm",
      "1.0.0": "warm",
      "1.1.0": "warm",
    });
    expect(cold(model)).toEqual([]);
    expect(runningVersions(model).map((v) => v.version)).toEqual(["0.9.0", "1.0.0", "1.1.0"]);
  });

  it("on a version at traffic 0: that version is a cold standby, served but not running", () => {
    const model = scorer(mutate(9, '      "0.9.0": { traffic: 0, standby: cold }'));
    expect(cold(model)).toEqual(["0.9.0"]);
    expect(servedVersions(model).map((v) => v.version)).toEqual(["0.9.0", "1.0.0", "1.1.0"]);
    expect(runningVersions(model).map((v) => v.version)).toEqual(["1.0.0", "1.1.0"]);
  });

  it("on the model: a default for its standby versions only; live versions run whatever it says", () => {
    const text = mutate(4, ["    owner: team-a", "    standby: cold"]);
    expect(problemsOf(text)).toEqual([]);
    expect(cold(scorer(text))).toEqual(["0.9.0"]);
    // In dev, 1.0.0 and 1.1.0 split the traffic and 0.9.0 stays at 0: the same cold standby.
    expect(cold(scorer(text, "dev"))).toEqual(["0.9.0"]);
  });

  it("precedence: a version's warm beats the model's cold; an environment's defaults beat both", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "defaults: { standby: cold }",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    build: { context: ./server }",
      "    versions:",
      '      "1.0.0": { traffic: 100 }',
      '      "0.9.0": { traffic: 0, standby: warm }',
      '      "0.8.0": { traffic: 0 }',
      "environments:",
      "  prod: {}",
      "  dev:",
      "    defaults: { standby: cold }",
      "  staging:",
      '    models: { scorer: { versions: { "0.8.0": { standby: warm } } } }',
    );
    expect(problemsOf(text)).toEqual([]);
    expect(cold(scorer(text))).toEqual(["0.8.0"]);
    expect(cold(scorer(text, "prod"))).toEqual(["0.8.0"]);
    expect(cold(scorer(text, "dev"))).toEqual(["0.8.0", "0.9.0"]);
    expect(cold(scorer(text, "staging"))).toEqual([]);
  });
});

describe("standby: refused where it cannot hold", () => {
  it("cold on a version that has traffic: refused at the line that says cold, with what is allowed, once", () => {
    const text = mutate(8, '      "1.1.0": { traffic: 10, standby: cold }');
    // dev gives 1.1.0 50 %: the same problem at the same line, not said again for dev.
    expect(problemsOf(text)).toEqual([
      `${at(text, 8, "cold")}: models.scorer.versions.1.1.0.standby: version 1.1.0 takes traffic; standby: cold (no pods) is allowed only at traffic: 0: drop standby: cold (a cold standby given traffic is woken first, its pods ready before the rule moves) or set traffic: 0 [catalogue/cold-standby-no-traffic]`,
    ]);
  });

  it("cold on a base standby that an environment gives traffic: refused in that environment only, naming it", () => {
    const text = mutate(9, '      "0.9.0": { traffic: 0, standby: cold }').replace(
      '"1.1.0": { traffic: 50 } }',
      '"1.1.0": { traffic: 40 }, "0.9.0": { traffic: 10 } }',
    );
    expect(problemsOf(text, { environment: "dev" })).toEqual([
      `${at(text, 9, "cold")}: models.scorer.versions.0.9.0.standby: in environment dev: version 0.9.0 takes traffic; standby: cold (no pods) is allowed only at traffic: 0: drop standby: cold (a cold standby given traffic is woken first, its pods ready before the rule moves) or set traffic: 0 [catalogue/cold-standby-no-traffic]`,
    ]);
    // The fix in the overlay: the version's own warm there is the higher layer.
    const fixed = text.replace(
      '"0.9.0": { traffic: 10 }',
      '"0.9.0": { traffic: 10, standby: warm }',
    );
    expect(problemsOf(fixed, { environment: "dev" })).toEqual([]);
  });

  it("cold from the model or the defaults on a live version: no problem (it is a default for standbys)", () => {
    const text = mutate(4, ["    owner: team-a", "    standby: cold"]);
    expect(problemsOf(text)).toEqual([]);
    expect(problemsOf(text, { environment: "dev" })).toEqual([]);
  });

  it("anything but warm or cold: the schema says what is allowed", () => {
    const text = mutate(9, '      "0.9.0": { traffic: 0, standby: frozen }');
    expect(problemsOf(text)).toEqual([
      `${at(text, 9, "frozen")}: models.scorer.versions.0.9.0.standby: must be warm or cold; got "frozen" [catalogue/schema]`,
    ]);
  });
});
