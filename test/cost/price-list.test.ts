/**
 * Reading AWS's Price List bulk files, on samples in their format (test/fixtures/price-list/,
 * written by hand: see its README): CSV fields, metadata, which rows a price is picked from and
 * which it must leave out, volume tiers, and the refresh of a price file: what it replaces, what it
 * keeps and reports, and that the file's date moves only when every price was refreshed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  csvFields,
  instanceSelector,
  offerRows,
  PRICE_LIST_HOST,
  regionFileUrl,
  SELECTORS,
  selectPrice,
} from "../../cost/price-list";
import type { OfferMetadata, OfferRow } from "../../cost/price-list";
import { loadPrices } from "../../cost/prices";
import type { PriceFile } from "../../cost/prices";
import { refreshPriceFile } from "../../cost/refresh";
import type { PriceListSource } from "../../cost/refresh";
import { PROJECT_ROOT } from "../helpers/cli";

const SAMPLES = join(PROJECT_ROOT, "test", "fixtures", "price-list");
const sampleLines = (offer: string) =>
  readFileSync(join(SAMPLES, `${offer}-eu-west-1.csv`), "utf8").split("\n");

async function rowsOf(offer: string, metadata: OfferMetadata = {}): Promise<OfferRow[]> {
  const rows: OfferRow[] = [];
  for await (const row of offerRows(sampleLines(offer), metadata)) rows.push(row);
  return rows;
}

/** An offer's region index, as the bulk API serves it. */
const regionIndex = (offer: string) => ({
  formatVersion: "v1.0",
  regions: {
    "eu-west-1": {
      regionCode: "eu-west-1",
      currentVersionUrl: `/offers/v1.0/aws/${offer}/20261201000000/eu-west-1/index.json`,
    },
  },
});

/** The samples as the host serves them; offers without a sample have no eu-west-1 file. */
function sampleSource(
  extra: Record<string, string[]> = {},
): PriceListSource & { fetched: string[] } {
  const fetched: string[] = [];
  const offers = { AmazonEC2: 0, AWSELB: 0, AmazonApiGateway: 0 };
  return {
    fetched,
    regionIndex: (offer) =>
      Promise.resolve(offer in offers || offer in extra ? regionIndex(offer) : { regions: {} }),
    lines(url) {
      fetched.push(url);
      const offer = /\/aws\/([^/]+)\//.exec(url)![1]!;
      return extra[offer] ?? sampleLines(offer);
    },
  };
}

const current = (): PriceFile => {
  const loaded = loadPrices("eu-west-1");
  if (!loaded.ok) throw new Error(loaded.why);
  return loaded.prices;
};

describe("AWS's Price List offer files", () => {
  it("split CSV lines on commas outside quotes, with doubled quotes inside", () => {
    expect(csvFields('"a","b, c","say ""hi""",,"x"')).toEqual(["a", "b, c", 'say "hi"', "", "x"]);
  });

  it("read the metadata rows, then one record per price term under the header", async () => {
    const metadata: OfferMetadata = {};
    const rows = await rowsOf("AmazonEC2", metadata);
    expect(metadata).toEqual({
      offerCode: "AmazonEC2",
      version: "20261201000000",
      publicationDate: "2026-12-01T00:00:00Z",
    });
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({
      SKU: "SKUM6IX",
      "Instance Type": "m6i.xlarge",
      PricePerUnit: "0.2140000000",
      PriceDescription: '$0.2140 per On Demand Linux m6i.xlarge Instance Hour, "shared"',
    });
  });

  it("give an instance's plain on-demand Linux price: not reserved, dedicated, Windows or a reservation", async () => {
    const rows = await rowsOf("AmazonEC2");
    expect(selectPrice(rows, instanceSelector("m6i.xlarge"))).toEqual({
      ok: true,
      usd: 0.214,
      unit: "Hrs",
      sku: "SKUM6IX",
    });
    expect(selectPrice(rows, instanceSelector("p5.48xlarge"))).toMatchObject({
      ok: false,
      why: expect.stringContaining("AmazonEC2: no on-demand price where Instance Type=p5.48xlarge"),
    });
    // Two different prices for one selection are refused, not averaged or picked.
    const loose = { offer: "AmazonEC2", where: { "Instance Type": "m6i.xlarge" } };
    expect(selectPrice(rows, loose)).toMatchObject({
      ok: false,
      why: expect.stringContaining("4 different prices (0.214, 0.235, 0.398, 0)"),
    });
  });

  it("give the Application Load Balancer's prices, not the Network one's, in the units expected", async () => {
    const rows = await rowsOf("AWSELB");
    expect(selectPrice(rows, SELECTORS["loadBalancer.hour"]!)).toMatchObject({
      ok: true,
      usd: 0.0252,
    });
    expect(selectPrice(rows, SELECTORS["loadBalancer.lcuHour"]!)).toMatchObject({
      ok: true,
      usd: 0.008,
    });
    expect(selectPrice(rows, { ...SELECTORS["loadBalancer.lcuHour"]!, unit: "Hrs" })).toMatchObject(
      { ok: false, why: expect.stringContaining("priced per LCU-Hrs, not Hrs") },
    );
  });

  it("give REST API requests in their volume tiers, per million, and not HTTP APIs'", async () => {
    const rows = await rowsOf("AmazonApiGateway");
    const found = selectPrice(rows, SELECTORS["apiGateway.restRequests"]!);
    expect(found).toMatchObject({ ok: true, sku: "SKUREST", unit: "Requests" });
    if (!found.ok) return;
    expect(found.usd).toBeCloseTo(3.5, 9);
    expect(found.tiers!.map((t) => [t.upTo, Math.round(t.usd * 100) / 100])).toEqual([
      [333, 3.5],
      [1000, 2.8],
      [20000, 2.38],
      [null, 1.51],
    ]);
  });

  it("name a region's current file from the offer's region index, as CSV", () => {
    expect(regionFileUrl(regionIndex("AWSELB"), "AWSELB", "eu-west-1")).toEqual({
      url: `${PRICE_LIST_HOST}/offers/v1.0/aws/AWSELB/20261201000000/eu-west-1/index.csv`,
    });
    expect(regionFileUrl({ regions: {} }, "awswaf", "eu-west-1")).toEqual({
      why: "awswaf has no price list for eu-west-1",
    });
  });
});

describe("refreshing a price file", () => {
  it("replaces what the offers yield, citing the file, version and SKU; keeps and reports the rest; keeps the date", async () => {
    const before = current();
    const source = sampleSource();
    const { prices, refreshed, problems } = await refreshPriceFile(before, source, "2026-12-24");
    expect(refreshed).toEqual([
      "ec2.general.hour",
      "ec2.gpu.0.hour",
      "ec2.gpu.1.hour",
      "ec2.gpu.2.hour",
      "ec2.gpu.3.hour",
      "ec2.gpu.4.hour",
      "loadBalancer.hour",
      "loadBalancer.lcuHour",
      "apiGateway.restRequests",
    ]);
    expect(prices.ec2.general.hour).toEqual({
      usd: 0.214,
      unit: "hour",
      confidence: "published",
      source: `${PRICE_LIST_HOST}/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.csv`,
      retrieved: "2026-12-24",
      note: "AWS Price List: offer AmazonEC2, version 20261201000000, published 2026-12-01T00:00:00Z, SKU SKUM6IX, per Hrs.",
    });
    expect(
      prices.ec2.gpu.map((g) => [g.instanceType, g.vcpu, g.memoryGiB, g.gpus, g.hour.usd]),
    ).toEqual([
      ["g5.xlarge", 4, 16, 1, 1.123],
      ["g5.2xlarge", 8, 32, 1, 1.353],
      ["g5.4xlarge", 16, 64, 1, 1.813],
      ["g5.12xlarge", 48, 192, 4, 6.331],
      ["g5.48xlarge", 192, 768, 8, 18.181],
    ]);
    expect(prices.apiGateway.restRequests.note).toContain("per Requests × 1000000");
    // Every offer file is read once; the other offers have no eu-west-1 file here.
    expect(source.fetched).toHaveLength(3);
    expect(problems).toContain("waf.webAclMonth: awswaf has no price list for eu-west-1");
    expect(problems).toHaveLength(11);
    expect(prices.waf).toEqual(before.waf);
    expect(prices.retrieved).toBe(before.retrieved);
    expect(prices.method).toMatch(/^scripts\/refresh-prices\.ts on 2026-12-24 refreshed 9 prices/);
  });

  it("moves the file's date when every price was refreshed", async () => {
    const header =
      '"SKU","OfferTermCode","RateCode","TermType","PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit","PricePerUnit","Currency","Product Family","usageType","Region Code"';
    const offer = (code: string, rows: [string, string, string][]) => [
      '"FormatVersion","v1.0"',
      `"OfferCode","${code}"`,
      '"Version","20261201000000"',
      header,
      ...rows.map(
        ([usage, unit, usd], i) =>
          `"S${code}${i}","T","R","OnDemand","","2026-12-01","0","Inf","${unit}","${usd}","USD","","EU-${usage}","eu-west-1"`,
      ),
    ];
    const source = sampleSource({
      awswaf: offer("awswaf", [
        ["WebACLV2", "WebACL", "5"],
        ["RuleV2", "Rule", "1"],
        ["RequestV2-Tier1", "Request", "0.0000006"],
      ]),
      AmazonCloudWatch: offer("AmazonCloudWatch", [
        ["CW:AlarmMonitorUsage", "Alarms", "0.1"],
        ["CW:HighResAlarmMonitorUsage", "Alarms", "0.3"],
        ["DashboardsUsageHour", "Dashboards", "3"],
        ["DataProcessing-Bytes", "GB", "0.57"],
        ["TimedStorage-ByteHrs", "GB-Mo", "0.03"],
      ]),
      awskms: offer("awskms", [["KMS-Keys", "Keys", "1"]]),
      AWSSecretsManager: offer("AWSSecretsManager", [
        ["AWSSecretsManager-Secrets", "Secrets", "0.4"],
      ]),
      AmazonECR: offer("AmazonECR", [["TimedStorage-ByteHrs", "GB-Mo", "0.1"]]),
    });
    const { prices, problems } = await refreshPriceFile(current(), source, "2026-12-24");
    expect(problems).toEqual([]);
    expect(prices.retrieved).toBe("2026-12-24");
    expect(prices.cloudWatch.logsIngestedGB).toMatchObject({ usd: 0.57, confidence: "published" });
    expect(prices.waf.millionRequests.usd).toBeCloseTo(0.6, 9);
    expect(Object.values(prices.cloudWatch).every((p) => p.confidence === "published")).toBe(true);
  });
});
