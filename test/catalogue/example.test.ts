/**
 * The example catalogue and its JSON Schema: valid in every environment, the schema file in
 * sync with the zod schema, and editors' validator (JSON Schema) agreeing with ours.
 */
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { catalogueJsonSchema, checkCatalogueFile, resolveChecked } from "../../catalogue";

describe("example catalogue models.yaml", () => {
  it("is valid in the base catalogue and every environment", () => {
    const checked = checkCatalogueFile("models.yaml");
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it("has what the README promises: a built canary at 90/10, a GPU model from a pinned image, a standby and a retired version", () => {
    const checked = checkCatalogueFile("models.yaml");
    if (!checked.ok) throw new Error("invalid example");
    const models = Object.fromEntries(
      resolveChecked(checked, undefined).models.map((m) => [m.name, m]),
    );
    const classifier = models["image-classifier"]!;
    expect(classifier.versions.map((v) => [v.version, v.traffic, v.image?.kind])).toEqual([
      ["1.4.0", 90, "build"],
      ["1.5.0", 10, "build"],
    ]);
    const embedder = models["text-embedder"]!;
    expect(embedder.versions.map((v) => [v.version, v.status])).toEqual([
      ["1.8.0", "retired"],
      ["1.9.2", "standby"],
      ["2.0.0", "live"],
    ]);
    expect(embedder.versions[2]?.gpu).toEqual({ count: 1 });
    const image = embedder.versions[2]?.image;
    expect(image?.kind === "image" ? image.reference : "").toMatch(/@sha256:[a-f0-9]{64}$/);
  });

  it("starts with the yaml-language-server modeline pointing at the committed schema", () => {
    expect(readFileSync("models.yaml", "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=./models.schema.json",
    );
  });
});

describe("models.schema.json", () => {
  const schema = catalogueJsonSchema();

  it("is the schema generated from the zod schema (run `npx maas schema > models.schema.json` after changing it)", () => {
    expect(JSON.parse(readFileSync("models.schema.json", "utf8"))).toEqual(schema);
  });

  it("accepts the example catalogue and refuses unknown keys, as validation does", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const example = parse(readFileSync("models.yaml", "utf8")) as Record<string, unknown>;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, extra: true })).toBe(false);
    expect(validate({ ...example, apiVersion: "maas/v2" })).toBe(false);
  });
});
