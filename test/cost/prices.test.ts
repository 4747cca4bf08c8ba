/**
 * The price files (cost/prices/<region>.json): their shape, that each states when its prices were
 * gathered and where every price comes from, and that every region a stack file deploys to has
 * one. Freshness is checked as stated, never as recent: an old date is the reader's to judge.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPrices, pricedRegions, pricesOf, PRICES_DIR } from "../../cost/prices";
import { PROJECT_ROOT } from "../helpers/cli";

/** Every `aws:region` of the example stacks and the test projects' stacks. */
function stackRegions(): string[] {
  const dirs = [
    PROJECT_ROOT,
    ...["project", "sharded"].map((d) => join(PROJECT_ROOT, "test", "fixtures", d)),
  ];
  const regions = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => /^Pulumi\..+\.yaml$/.test(file))
      .flatMap(
        (file) => /^\s*aws:region:\s*(\S+)/m.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? [],
      ),
  );
  return [...new Set(regions)].sort();
}

describe("price files", () => {
  it("exist for every region the example and test stacks deploy to, and for us-east-1", () => {
    expect(stackRegions()).toEqual(["eu-west-1"]);
    expect(pricedRegions()).toEqual(expect.arrayContaining([...stackRegions(), "us-east-1"]));
  });

  for (const region of pricedRegions())
    describe(region, () => {
      const loaded = loadPrices(region);

      it("validates against the schema and holds its own region's prices", () => {
        if (!loaded.ok) expect.fail(loaded.why);
        expect(loaded.prices.region).toBe(region);
        expect(loaded.file).toBe(`cost/prices/${region}.json`);
      });

      it("states when its prices were gathered, and how", () => {
        if (!loaded.ok) expect.fail(loaded.why);
        expect(loaded.prices.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(Number.isNaN(Date.parse(loaded.prices.retrieved))).toBe(false);
        expect(loaded.prices.method.length).toBeGreaterThan(20);
      });

      it("cites a page and a date for every price, or says why it cannot", () => {
        if (!loaded.ok) expect.fail(loaded.why);
        const prices = pricesOf(loaded.prices);
        // The general-purpose reference, each GPU reference, and 14 service prices.
        expect(prices.length).toBe(1 + loaded.prices.ec2.gpu.length + 14);
        for (const [path, price] of prices) {
          if (price.confidence === "unconfirmed") {
            expect(price.note, path).toMatch(/not|no source/);
            expect(price, path).not.toHaveProperty("source");
          } else {
            expect(price.source, path).toMatch(/^https:\/\//);
            expect(price.retrieved, path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          }
        }
      });
    });

  it("us-east-1's prices each cite a source", () => {
    const loaded = loadPrices("us-east-1");
    if (!loaded.ok) expect.fail(loaded.why);
    expect(pricesOf(loaded.prices).filter(([, p]) => p.confidence === "unconfirmed")).toEqual([]);
  });

  it("has no file for a region it has no prices of, and says so instead of borrowing another's", () => {
    expect(loadPrices("ap-south-1")).toEqual({
      ok: false,
      why: `no prices for region ap-south-1 (cost/prices/ has ${pricedRegions().join(", ")})`,
    });
    expect(loadPrices("../../etc/passwd")).toMatchObject({ ok: false });
  });

  it("refuses a file of another shape, naming the field, and one holding another region", () => {
    const dir = mkdtempSync(join(tmpdir(), "maas-prices-"));
    const good = JSON.parse(readFileSync(join(PRICES_DIR, "eu-west-1.json"), "utf8"));
    writeFileSync(
      join(dir, "eu-west-1.json"),
      JSON.stringify({ ...good, retrieved: "last week", kms: { keyMonth: { usd: 1 } } }),
    );
    writeFileSync(join(dir, "us-east-1.json"), JSON.stringify(good));
    const bad = loadPrices("eu-west-1", dir);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.why).toContain(
      "cost/prices/eu-west-1.json: retrieved: must be a date written YYYY-MM-DD",
    );
    expect(bad.why).toContain("kms.keyMonth");
    expect(loadPrices("us-east-1", dir)).toEqual({
      ok: false,
      why: "cost/prices/us-east-1.json holds the prices of eu-west-1",
    });
  });
});
