/** prepare(): settings and the resolved catalogue, or the problems, before anything is registered. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readStackConfig } from "../../plan/stack-config";
import { prepare } from "../../stack/prepare";
import { configSource } from "../helpers/config-source";
import { TEST_PROJECT } from "../helpers/plan";

const dev = readStackConfig(TEST_PROJECT, "dev").config;
const previous = process.cwd();
afterEach(() => process.chdir(previous));

describe("prepare", () => {
  it("gives the settings and the catalogue resolved for the stack's environment", () => {
    process.chdir(TEST_PROJECT);
    const prepared = prepare(configSource(dev), "maas", "dev");
    if (!prepared.ok) throw new Error(prepared.problems.join("\n"));
    expect(prepared.settings.environment).toBe("dev");
    expect(prepared.catalogue.models.length).toBeGreaterThan(0);
  });

  it("names the settings' problems and reads no catalogue", () => {
    process.chdir(TEST_PROJECT);
    const prepared = prepare(
      configSource({ ...dev, "maas:protect": "maybe", "maas:catalogue": "missing.yaml" }),
      "maas",
      "dev",
    );
    expect(prepared).toMatchObject({ ok: false, invalid: "settings" });
    if (prepared.ok) return;
    expect(prepared.problems.join("\n")).toMatch(/maas:protect/);
    expect(prepared.problems.join("\n")).not.toMatch(/missing\.yaml/);
  });

  it("keeps the settings when only the catalogue is invalid, so a caller can check them first", () => {
    const dir = mkdtempSync(join(tmpdir(), "maas-prepare-"));
    writeFileSync(join(dir, "models.yaml"), "models:\n  - name: Bad Name\n");
    process.chdir(dir);
    const prepared = prepare(configSource(dev), "maas", "dev");
    expect(prepared).toMatchObject({ ok: false, invalid: "catalogue" });
    if (prepared.ok || prepared.invalid !== "catalogue") return;
    expect(prepared.settings.environment).toBe("dev");
    expect(prepared.problems[0]).toMatch(/^models\.yaml:\d+:\d+: /);
  });
});
