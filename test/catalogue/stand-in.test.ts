/**
 * A catalogue standing in for the stack's (`maas diff --base old.yaml`, a scoped review's base):
 * read by the plan it was given to, and by nothing the process runs beside that plan (the other
 * stacks' catalogues `--all-stacks` checks meanwhile, the head planned after it).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it, vi } from "vitest";
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

  it("disables its storage when the last stand-in's work ends, whatever overlaps, and works again after", async () => {
    // Disabled, an AsyncLocalStorage no longer hooks every promise of the process (Node 20).
    const storage = (globalThis as unknown as Record<symbol, AsyncLocalStorage<unknown>>)[
      Symbol.for("maas.catalogueStandIn")
    ]!;
    const disable = vi.spyOn(storage, "disable");
    try {
      const other = join(dir, "other.yaml");
      writeFileSync(other, "models: 5\n");
      let release = () => {};
      const long = withCatalogueStandIn({ file: older }, async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return fileRead(project);
      });
      // A shorter one beside it ends first: the longer one's work still reads its stand-in.
      const short = await withCatalogueStandIn({ file: other }, async () => {
        await turn();
        return fileRead(project);
      });
      expect(short).toBe(other);
      expect(disable).not.toHaveBeenCalled();
      release();
      expect(await long).toBe(older);
      expect(disable).toHaveBeenCalledTimes(1);
      // Synchronous work, work that throws and work that rejects end their stand-in too.
      expect(withCatalogueStandIn({ file: older }, () => fileRead(project))).toBe(older);
      expect(() =>
        withCatalogueStandIn({ file: older }, () => {
          throw new Error("thrown");
        }),
      ).toThrow("thrown");
      await expect(
        withCatalogueStandIn({ file: older }, () => Promise.reject(new Error("rejected"))),
      ).rejects.toThrow("rejected");
      expect(disable).toHaveBeenCalledTimes(4);
      expect(fileRead(project)).toBe(project);
    } finally {
      disable.mockRestore();
    }
  });
});
