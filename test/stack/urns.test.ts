/**
 * The test project's stacks keep their URNs: a refactor that renames a resource, a component or
 * a parent turns into a delete and a create under `pulumi up` (or a replacement, or an alias
 * someone must remember). The URNs of the dev and prod stacks are recorded beside the project;
 * a change that means to alter them re-records them:
 * `MAAS_UPDATE_URNS=1 npx vitest run test/stack/urns.test.ts`, and the diff shows it in review.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planOf, TEST_PROJECT } from "../helpers/plan";

const recorded = (stack: string) => join(TEST_PROJECT, `urns.${stack}.txt`);

describe("URNs of the test project's stacks", () => {
  for (const stack of ["dev", "prod"])
    it(`are the recorded ones for ${stack}`, async () => {
      const { plan } = await planOf({ stack });
      const urns = plan.resources.map((resource) => resource.urn).sort();
      const file = recorded(stack);
      if (process.env.MAAS_UPDATE_URNS === "1") writeFileSync(file, `${urns.join("\n")}\n`);
      expect(existsSync(file), `${file}: not recorded; run MAAS_UPDATE_URNS=1`).toBe(true);
      const before = readFileSync(file, "utf8").trimEnd().split("\n");
      const added = urns.filter((urn) => !before.includes(urn));
      const removed = before.filter((urn) => !urns.includes(urn));
      expect(
        { added, removed },
        `URNs of ${stack} changed: each is a delete and a create under pulumi up; if that is meant, run MAAS_UPDATE_URNS=1 npx vitest run test/stack/urns.test.ts`,
      ).toEqual({ added: [], removed: [] });
    });
});
