/**
 * Reading AWS's Price List bulk files (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/…):
 * an offer's region index names each region's current file; the file's CSV form has five rows of
 * metadata (format version, disclaimer, publication date, version, offer code), a header row, then
 * one row per price term with the product's attributes. The CSV is read a line at a time: EC2's
 * regional file is hundreds of megabytes, more than one JSON string may hold.
 *
 * What selects each price of cost/prices/<region>.json (`SELECTORS`) is written from AWS's
 * documented format and the attribute names public parsers use; a selector that matches no price,
 * or several different ones, is reported and its price left as it was, never guessed.
 * scripts/refresh-prices.ts does the fetching; everything here is pure and tested on samples.
 */

/** The host of the bulk files and the offers' index. */
export const PRICE_LIST_HOST = "https://pricing.us-east-1.amazonaws.com";

/** The fields of one CSV line: quoted fields may hold commas and doubled quotes. */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}

export interface OfferMetadata {
  offerCode?: string;
  version?: string;
  publicationDate?: string;
}

export type OfferRow = Record<string, string>;

/** An offer file's rows, from its lines (the metadata rows first, then the header). */
export async function* offerRows(
  lines: AsyncIterable<string> | Iterable<string>,
  metadata: OfferMetadata = {},
): AsyncGenerator<OfferRow> {
  let header: string[] | undefined;
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const fields = csvFields(line);
    if (!header) {
      if (fields[0] === "SKU") header = fields;
      else if (fields[0] === "OfferCode") metadata.offerCode = fields[1];
      else if (fields[0] === "Version") metadata.version = fields[1];
      else if (fields[0] === "Publication Date") metadata.publicationDate = fields[1];
      continue;
    }
    yield Object.fromEntries(header.map((name, index) => [name, fields[index] ?? ""]));
  }
}

/** What picks one price out of an offer file: attribute values (exact, or a pattern). */
export interface Selector {
  offer: string;
  where: Record<string, string | RegExp>;
  /** The file's price is per this many units of the price file's (per request -> per million). */
  scale?: number;
  /** Priced in volume tiers (StartingRange, EndingRange): every tier is kept. */
  tiered?: boolean;
  /** The file's unit the price must be in (`Hrs`), where known: another unit is refused. */
  unit?: string;
}

/** An on-demand row the selector picks. */
export const matches = (row: OfferRow, selector: Selector) =>
  row.TermType === "OnDemand" &&
  Object.entries(selector.where).every(([key, expected]) =>
    typeof expected === "string" ? row[key] === expected : expected.test(row[key] ?? ""),
  );

export type Selected =
  | {
      ok: true;
      usd: number;
      unit: string;
      sku: string;
      tiers?: { upTo: number | null; usd: number }[];
    }
  | { ok: false; why: string };

/** The one price (or the one tiered price) the selector's rows hold. */
export function selectPrice(rows: OfferRow[], selector: Selector): Selected {
  const found = rows.filter((row) => matches(row, selector));
  const scale = selector.scale ?? 1;
  const describe = () =>
    Object.entries(selector.where)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ");
  if (found.length === 0)
    return { ok: false, why: `${selector.offer}: no on-demand price where ${describe()}` };
  const units = [...new Set(found.map((row) => row.Unit))];
  if (selector.unit !== undefined && units.some((unit) => unit !== selector.unit))
    return {
      ok: false,
      why: `${selector.offer}: priced per ${units.join(", ")}, not ${selector.unit}, where ${describe()}`,
    };
  const price = (row: OfferRow) => Number(row.PricePerUnit) * scale;
  if (selector.tiered) {
    const skus = new Set(found.map((row) => row.SKU));
    if (skus.size > 1)
      return { ok: false, why: `${selector.offer}: ${skus.size} products where ${describe()}` };
    const tiers = found
      .map((row) => ({
        from: Number(row.StartingRange) / scale,
        upTo: row.EndingRange === "Inf" ? null : Number(row.EndingRange) / scale,
        usd: price(row),
      }))
      .sort((a, b) => a.from - b.from);
    return {
      ok: true,
      usd: tiers[0]!.usd,
      unit: found[0]!.Unit ?? "",
      sku: found[0]!.SKU ?? "",
      tiers: tiers.map(({ upTo, usd }) => ({ upTo, usd })),
    };
  }
  const prices = [...new Set(found.map(price))];
  if (prices.length > 1)
    return {
      ok: false,
      why: `${selector.offer}: ${prices.length} different prices (${prices.join(", ")}) where ${describe()}`,
    };
  return { ok: true, usd: prices[0]!, unit: found[0]!.Unit ?? "", sku: found[0]!.SKU ?? "" };
}

/** Linux, shared tenancy, no pre-installed software, used capacity: the plain on-demand instance. */
export function instanceSelector(instanceType: string): Selector {
  return {
    offer: "AmazonEC2",
    where: {
      "Instance Type": instanceType,
      Tenancy: "Shared",
      "Operating System": "Linux",
      "Pre Installed S/W": "NA",
      CapacityStatus: "Used",
      "License Model": "No License required",
    },
    unit: "Hrs",
  };
}

/** The service prices of a price file, by path, and what selects each in AWS's offer files. */
export const SELECTORS: Record<string, Selector> = {
  "loadBalancer.hour": {
    offer: "AWSELB",
    where: { "Product Family": "Load Balancer-Application", usageType: /LoadBalancerUsage$/ },
    unit: "Hrs",
  },
  "loadBalancer.lcuHour": {
    offer: "AWSELB",
    where: { "Product Family": "Load Balancer-Application", usageType: /LCUUsage$/ },
    unit: "LCU-Hrs",
  },
  "apiGateway.restRequests": {
    offer: "AmazonApiGateway",
    where: { usageType: /ApiGatewayRequest$/ },
    scale: 1e6,
    tiered: true,
    unit: "Requests",
  },
  "waf.webAclMonth": { offer: "awswaf", where: { usageType: /WebACLV2$/ } },
  "waf.ruleMonth": { offer: "awswaf", where: { usageType: /RuleV2$/ } },
  "waf.millionRequests": { offer: "awswaf", where: { usageType: /RequestV2-Tier1$/ }, scale: 1e6 },
  "cloudWatch.alarmMetricMonth": {
    offer: "AmazonCloudWatch",
    where: { usageType: /CW:AlarmMonitorUsage$/ },
  },
  "cloudWatch.highResolutionAlarmMetricMonth": {
    offer: "AmazonCloudWatch",
    where: { usageType: /CW:HighResAlarmMonitorUsage$/ },
  },
  "cloudWatch.dashboardMonth": {
    offer: "AmazonCloudWatch",
    where: { usageType: /DashboardsUsageHour$/ },
  },
  "cloudWatch.logsIngestedGB": {
    offer: "AmazonCloudWatch",
    where: { usageType: /DataProcessing-Bytes$/ },
  },
  "cloudWatch.logsStoredGBMonth": {
    offer: "AmazonCloudWatch",
    where: { usageType: /TimedStorage-ByteHrs$/ },
    unit: "GB-Mo",
  },
  "kms.keyMonth": { offer: "awskms", where: { usageType: /KMS-Keys$/ } },
  "secretsManager.secretMonth": {
    offer: "AWSSecretsManager",
    where: { usageType: /AWSSecretsManager-Secrets$/ },
  },
  "ecr.storageGBMonth": {
    offer: "AmazonECR",
    where: { usageType: /TimedStorage-ByteHrs$/ },
    unit: "GB-Mo",
  },
};

/** An offer's region index: the current file of `region`, as a CSV URL, or why there is none. */
export function regionFileUrl(
  index: unknown,
  offer: string,
  region: string,
): { url: string } | { why: string } {
  const regions = (index as { regions?: Record<string, { currentVersionUrl?: string }> })?.regions;
  const path = regions?.[region]?.currentVersionUrl;
  if (typeof path !== "string") return { why: `${offer} has no price list for ${region}` };
  return { url: `${PRICE_LIST_HOST}${path.replace(/\.json$/, ".csv")}` };
}

/** The index of an offer's regional files. */
export const regionIndexUrl = (offer: string) =>
  `${PRICE_LIST_HOST}/offers/v1.0/aws/${offer}/current/region_index.json`;

/** `16 GiB` -> 16; `4` -> 4; `NA` -> undefined. */
export function amount(value: string | undefined): number | undefined {
  const match = /^([\d.]+)/.exec(value?.replace(/,/g, "") ?? "");
  return match ? Number(match[1]) : undefined;
}
