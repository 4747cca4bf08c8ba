/**
 * A region's price file refreshed from AWS's Price List: every price a selector finds is replaced
 * by the offer file's, citing that file, its version and publication date and the SKU; every
 * price it cannot find is kept as it was and reported. The file's own date moves only when every
 * price was refreshed, so the review never shows a newer date than its oldest price.
 */
import { priceFileSchema } from "./prices";
import type { PriceFile } from "./prices";
import {
  amount,
  instanceSelector,
  matches,
  offerRows,
  regionFileUrl,
  SELECTORS,
  selectPrice,
} from "./price-list";
import type { OfferMetadata, OfferRow, Selector } from "./price-list";

/** Where the offers come from: the real host (scripts/refresh-prices.ts) or samples (tests). */
export interface PriceListSource {
  /** An offer's region index (JSON). */
  regionIndex(offer: string): Promise<unknown>;
  /** The lines of a regional offer file (CSV). */
  lines(url: string): AsyncIterable<string> | Iterable<string>;
}

export interface Refreshed {
  prices: PriceFile;
  /** Prices refreshed, by path. */
  refreshed: string[];
  /** What could not be refreshed, and why: those prices are as they were. */
  problems: string[];
}

type Target = { path: string; selector: Selector };

/** Every price to look up: the reference instances, then the services. */
function targets(file: PriceFile): Target[] {
  return [
    { path: "ec2.general.hour", selector: instanceSelector(file.ec2.general.instanceType) },
    ...file.ec2.gpu.map((instance, index) => ({
      path: `ec2.gpu.${index}.hour`,
      selector: instanceSelector(instance.instanceType),
    })),
    ...Object.entries(SELECTORS).map(([path, selector]) => ({ path, selector })),
  ];
}

/** The object at a path (`ec2.gpu.1.hour`) and the key to set in it. */
function slot(root: unknown, path: string): { parent: Record<string, unknown>; key: string } {
  const keys = path.split(".");
  let node = root as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  return { parent: node, key: keys[keys.length - 1]! };
}

export async function refreshPriceFile(
  current: PriceFile,
  source: PriceListSource,
  today: string,
): Promise<Refreshed> {
  const next = structuredClone(current);
  const problems: string[] = [];
  const refreshed: string[] = [];
  const byOffer = new Map<string, Target[]>();
  for (const target of targets(current))
    byOffer.set(target.selector.offer, [...(byOffer.get(target.selector.offer) ?? []), target]);

  for (const [offer, wanted] of byOffer) {
    let url: string;
    try {
      const file = regionFileUrl(await source.regionIndex(offer), offer, current.region);
      if ("why" in file) throw new Error(file.why);
      url = file.url;
    } catch (error) {
      problems.push(...wanted.map((t) => `${t.path}: ${(error as Error).message}`));
      continue;
    }
    // Only the rows some selector picks are kept: an offer file can be hundreds of megabytes.
    const metadata: OfferMetadata = {};
    const rows: OfferRow[] = [];
    try {
      for await (const row of offerRows(source.lines(url), metadata))
        if (wanted.some((t) => matches(row, t.selector))) rows.push(row);
    } catch (error) {
      problems.push(...wanted.map((t) => `${t.path}: ${url}: ${(error as Error).message}`));
      continue;
    }
    for (const { path, selector } of wanted) {
      const found = selectPrice(rows, selector);
      if (!found.ok) {
        problems.push(`${path}: ${found.why}`);
        continue;
      }
      const { parent, key } = slot(next, path);
      const previous = parent[key] as { unit: string };
      parent[key] = {
        usd: found.usd,
        unit: previous.unit,
        confidence: "published",
        source: url,
        retrieved: today,
        note: `AWS Price List: offer ${metadata.offerCode ?? offer}, version ${metadata.version ?? "?"}, published ${metadata.publicationDate ?? "?"}, SKU ${found.sku}, per ${found.unit}${selector.scale ? ` × ${selector.scale}` : ""}.`,
        ...(found.tiers ? { tiers: found.tiers } : {}),
      };
      // An instance's size as the price list states it.
      if (path.startsWith("ec2.")) {
        const row = rows.find((r) => r.SKU === found.sku)!;
        const instance = slot(next, path).parent as {
          vcpu: number;
          memoryGiB: number;
          gpus: number;
        };
        instance.vcpu = amount(row.vCPU) ?? instance.vcpu;
        instance.memoryGiB = amount(row.Memory) ?? instance.memoryGiB;
        instance.gpus = amount(row.GPU) ?? instance.gpus;
      }
      refreshed.push(path);
    }
  }
  if (problems.length === 0) next.retrieved = today;
  next.method =
    problems.length === 0
      ? `scripts/refresh-prices.ts on ${today}, from AWS's Price List bulk files (each price names its offer file, version and SKU).`
      : `scripts/refresh-prices.ts on ${today} refreshed ${refreshed.length} prices from AWS's Price List bulk files; the others are as gathered before (${current.retrieved}): ${current.method}`;
  return { prices: priceFileSchema.parse(next), refreshed, problems };
}
