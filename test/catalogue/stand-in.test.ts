/**
 * A catalogue standing in for the stack's (`maas diff --base old.yaml`, a scoped review's base):
 * read by the plan it was given to, and by nothing the process runs beside that plan (the other
 * stacks' catalogues `--all-stacks` checks meanwhile, the head planned after it).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCatalogueFile } from "../../catalogue";
import { withCatalogueStandIn } from "../../catalogue/load";

/** The file a check read: its problems name it (both files below are invalid on purpose). */
const fileRead = (requested: string) => {
  const checked = checkCatalogueFile(requested);
  return checked.ok ? checked.file : checked.problems[0]!.file;
};
const turn = () => new Promise((next) => setImmediate(next));

describe("a stand-in catalogue", () => {
  const dir = mkdtempSync(join(tmpdir(), "maas-stand-in-"));
  const project = join(dir, "models.yaml");
  const older = join(dir, "older.yaml");
  writeFileSync(project, "models: 3\n");
  writeFileSync(older, "models: 4\n");

  it("is what the work it was given reads, across its awaits", async () => {
    const read = await withCatalogueStandIn({ file: older }, async () => {
      const first = fileRead(project);
      await turn();
      return [first, fileRead(project)];
    });
    expect(read).toEqual([older, older]);
    expect(fileRead(project)).toBe(project);
  });

  it("is not seen by work running beside it, nor by work started after it", async () => {
    const inside = withCatalogueStandIn({ file: older }, async () => {
      await turn();
      await turn();
      return fileRead(project);
    });
    await turn();
    const beside = fileRead(project);
    const after = Promise.resolve().then(() => fileRead(project));
    expect(await inside).toBe(older);
    expect(beside).toBe(project);
    expect(await after).toBe(project);
  });

  it("nests: the inner stand-in for its work, the outer one again after it", async () => {
    const other = join(dir, "other.yaml");
    writeFileSync(other, "models: 5\n");
    const read = await withCatalogueStandIn({ file: older }, async () => {
      const inner = await withCatalogueStandIn({ file: other }, () =>
        Promise.resolve(fileRead(project)),
      );
      return [inner, fileRead(project)];
    });
    expect(read).toEqual([other, older]);
  });
});
