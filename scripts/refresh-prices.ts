/**
 * Refreshes cost/prices/<region>.json from AWS's Price List bulk files, where
 * pricing.us-east-1.amazonaws.com is reachable (no credentials needed):
 *
 *   npm run prices -- eu-west-1 us-east-1   (npx tsx scripts/refresh-prices.ts …)
 *
 * Each region's file must exist already (it names the reference instances to price); copy
 * another region's to start one. Prices the offer files do not yield are kept and listed; the
 * file's date moves only when all were refreshed. Review the diff before committing it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { regionIndexUrl } from "../cost/price-list";
import { PRICES_DIR, priceFileSchema } from "../cost/prices";
import { refreshPriceFile } from "../cost/refresh";
import type { PriceListSource } from "../cost/refresh";

async function get(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

const source: PriceListSource = {
  regionIndex: async (offer) => (await get(regionIndexUrl(offer))).json(),
  async *lines(url) {
    const { body } = await get(url);
    yield* createInterface({
      input: Readable.fromWeb(body as unknown as ReadableStream),
      crlfDelay: Infinity,
    });
  },
};

async function main(regions: string[]): Promise<number> {
  if (regions.length === 0) {
    process.stderr.write("usage: npx tsx scripts/refresh-prices.ts REGION…\n");
    return 2;
  }
  const today = new Date().toISOString().slice(0, 10);
  let failed = 0;
  for (const region of regions) {
    const file = join(PRICES_DIR, `${region}.json`);
    const current = priceFileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    const { prices, refreshed, problems } = await refreshPriceFile(current, source, today);
    writeFileSync(file, `${JSON.stringify(prices, null, 2)}\n`);
    process.stdout.write(`${region}: ${refreshed.length} prices refreshed\n`);
    for (const problem of problems) process.stdout.write(`  kept as it was: ${problem}\n`);
    if (problems.length > 0) failed++;
  }
  process.stdout.write(
    "format the files with npx prettier --write cost/prices, then review the diff\n",
  );
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `refresh-prices: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
