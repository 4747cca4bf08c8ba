/**
 * The example catalogue and its JSON Schema. models.yaml is the users' data: it is only checked
 * to validate and plan, whatever a data team puts in it. The schema file stays in sync with the
 * zod schema, and editors' validator (JSON Schema) agrees with ours on the test catalogue.
 */
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { join } from "node:path";
import { catalogueJsonSchema, checkCatalogueFile } from "../../catalogue";
import { runPlan } from "../../plan/run";
import { PROJECT_ROOT } from "../helpers/cli";
import { TEST_PROJECT } from "../helpers/plan";

describe("example catalogue models.yaml", () => {
  it("is valid in the base catalogue and every environment", () => {
    const checked = checkCatalogueFile("models.yaml");
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it("plans for the example stacks, breaking no rule (the language-host test runs index.ts on it)", async () => {
    // The rules include the front door's: with consumers in the catalogue, every route requires
    // a caller and the load balancers admit only the front door (policy/aws-rules.ts).
    for (const stack of ["dev", "prod"]) {
      const result = await runPlan({ stack, projectDir: PROJECT_ROOT });
      expect(result.ok ? [] : result.problems, stack).toEqual([]);
      expect(result.ok ? result.violations : [], stack).toEqual([]);
    }
  });
});

describe("models.schema.json", () => {
  const schema = catalogueJsonSchema();

  it("is the schema generated from the zod schema (run `npx maas schema > models.schema.json` after changing it)", () => {
    expect(JSON.parse(readFileSync("models.schema.json", "utf8"))).toEqual(schema);
  });

  it("accepts a valid catalogue and refuses unknown keys, as validation does", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const example = parse(readFileSync(join(TEST_PROJECT, "models.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, extra: true })).toBe(false);
    expect(validate({ ...example, apiVersion: "maas/v2" })).toBe(false);
  });
});
