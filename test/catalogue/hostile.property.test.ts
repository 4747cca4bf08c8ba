/**
 * Hostile and careless input, generated: catalogues mutated with values no field allows (huge
 * numbers, control characters, paths out of the project, anchors, deep nesting, odd keys) and
 * stack files with wrong shapes. Whatever comes in, validation returns problems that point into
 * the file, and reading a stack never throws anything but its own error with a message.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { checkCatalogueText } from "../../catalogue";
import { readStackConfig, StackConfigError } from "../../plan/stack-config";
import { readSettings, SettingsError } from "../../stack/settings";
import { BASELINE } from "../helpers/catalogue";
import { TEST_PROJECT } from "../helpers/plan";

const hostileValue = fc.oneof(
  fc.constantFrom(
    "../../../../etc",
    "/",
    "/dev/zero",
    "99999999Gi",
    "100000",
    "1e309",
    "-1",
    "NaN",
    "\u0000",
    "\u202e",
    "latest",
    "@team <b>",
    "`x`|y",
    "a".repeat(5000),
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Paths of the baseline catalogue that a careless edit might change. */
const PATHS: (string | number)[][] = [
  ["apiVersion"],
  ["models", "scorer", "owner"],
  ["models", "scorer", "build", "context"],
  ["models", "scorer", "build", "dockerfile"],
  ["models", "scorer", "versions", "1.0.0", "traffic"],
  ["models", "scorer", "versions", "0.8.0", "retired"],
  ["models", "scorer", "resources"],
  ["models", "scorer", "port"],
  ["models", "scorer", "env"],
  ["models", "scorer", "routing", "priority"],
  ["environments", "dev", "models", "scorer", "versions", "1.1.0"],
  ["models", "other"],
  ["defaults", "autoscaling", "maxReplicas"],
];

describe("hostile catalogues", () => {
  it("give problems that point into the file, never an exception", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...PATHS), hostileValue), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const document = parseDocument(BASELINE);
          for (const [path, value] of edits) document.setIn(path, value);
          const text = String(document);
          const lines = text.split("\n").length;
          const result = checkCatalogueText(text, "test/fixtures/models.yaml");
          if (result.ok) return;
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines);
            expect(problem.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("hostile stack files", () => {
  const stackValue = fc.oneof(
    hostileValue,
    fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 }),
    fc.array(hostileValue, { maxLength: 3 }),
    fc.constant({ secure: "AAEAAQ==" }),
  );
  const keys = fc.constantFrom(
    "aws:region",
    "maas:environment",
    "maas:vpcCidr",
    "maas:subnetIds",
    "maas:gpuNodeSelector",
    "maas:protect",
    "maas:imageRetention",
    "maas:alarmEmails",
    "maas:protected",
    "maas:kubeconfig",
    "other:thing",
  );

  it("are read into settings or refused with messages, never an exception", () => {
    const project = mkdtempSync(join(tmpdir(), "maas-stack-fuzz-"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: maas\nruntime: nodejs\n");
    const base = readStackConfig(TEST_PROJECT, "dev").config;
    fc.assert(
      fc.property(fc.dictionary(keys, stackValue, { maxKeys: 5 }), (config) => {
        const lines = Object.entries({ ...config }).map(
          ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
        );
        writeFileSync(join(project, "Pulumi.dev.yaml"), `config:\n${lines.join("\n")}\n`);
        let stack;
        try {
          stack = readStackConfig(project, "dev");
        } catch (error) {
          expect(error).toBeInstanceOf(StackConfigError);
          return;
        }
        const merged = { ...base, ...stack.config };
        try {
          readSettings(
            {
              get: (key) => merged[key],
              getSecret: () => undefined,
              keys: () => Object.keys(merged),
              where: (key) => stack.origins[key],
            },
            "maas",
            "dev",
          );
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsError);
          for (const problem of (error as SettingsError).problems)
            expect(problem).toMatch(/^(Pulumi\.dev\.yaml|Pulumi\.yaml)(:\d+:\d+)?: \S/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
