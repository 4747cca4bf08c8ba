/**
 * Prices as data: one versioned file per AWS region (cost/prices/<region>.json), every price with
 * where it comes from. A price is `published` (read on an AWS page), `secondary` (a third party
 * quoting AWS's price, or AWS's price list as another project recorded it) or `unconfirmed` (no
 * source could be read for this region: the note says what the value is instead). The estimate
 * says how many of the prices it used are unconfirmed; a region without a file is not estimated.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** The price file format's version: a file of another version is refused, not misread. */
export const PRICE_FILE_VERSION = 1;

/** Where the price files live (one per region, named after it). */
export const PRICES_DIR = join(__dirname, "prices");

const date = z.iso.date({ error: "must be a date written YYYY-MM-DD" });

const cited = {
  usd: z.number().nonnegative(),
  /** What one `usd` buys: `hour`, `month`, `GB`, `GB-month`, `LCU-hour`, `million requests`. */
  unit: z.string().min(1),
  /** The page the price was read on. */
  source: z.url(),
  /** When it was read there (the page's own date, if any, goes in the note). */
  retrieved: date,
  note: z.string().min(1).optional(),
};

export const priceSchema = z.discriminatedUnion("confidence", [
  z.strictObject({ ...cited, confidence: z.literal("published") }),
  z.strictObject({ ...cited, confidence: z.literal("secondary") }),
  z.strictObject({
    usd: z.number().nonnegative(),
    unit: z.string().min(1),
    confidence: z.literal("unconfirmed"),
    /** What the value is, since no source says it is this region's price. */
    note: z.string().min(1),
  }),
]);
export type Price = z.infer<typeof priceSchema>;

/** A price in volume tiers (API Gateway's requests): `upTo` in the price's unit, null for the last. */
const tieredSchema = z.intersection(
  priceSchema,
  z.object({
    tiers: z
      .array(z.strictObject({ upTo: z.number().positive().nullable(), usd: z.number() }))
      .min(1),
  }),
);
export type TieredPrice = z.infer<typeof tieredSchema>;

/** An instance type the estimate prices pods as (the reference node). */
const instanceSchema = z.strictObject({
  instanceType: z.string().min(1),
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  gpus: z.number().int().nonnegative(),
  hour: priceSchema,
});
export type ReferenceInstance = z.infer<typeof instanceSchema>;

export const priceFileSchema = z.strictObject({
  version: z.literal(PRICE_FILE_VERSION),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region code"),
  currency: z.literal("USD"),
  /** When the file's prices were gathered: the review shows it, so a reader can judge its age. */
  retrieved: date,
  /** How they were gathered (by hand from pages, or scripts/refresh-prices.ts from the price list). */
  method: z.string().min(1),
  ec2: z.strictObject({
    /** CPU and memory are priced as shares of this on-demand instance. */
    general: instanceSchema,
    /**
     * A GPU pod is priced as the cheapest of these that holds it: its share of the instance (the
     * largest of its GPU, vCPU and memory fractions), on an instance its requests fit below.
     */
    gpu: z.array(instanceSchema).min(1),
  }),
  loadBalancer: z.strictObject({ hour: priceSchema, lcuHour: priceSchema }),
  apiGateway: z.strictObject({ restRequests: tieredSchema }),
  waf: z.strictObject({
    webAclMonth: priceSchema,
    ruleMonth: priceSchema,
    millionRequests: priceSchema,
  }),
  cloudWatch: z.strictObject({
    alarmMetricMonth: priceSchema,
    highResolutionAlarmMetricMonth: priceSchema,
    dashboardMonth: priceSchema,
    logsIngestedGB: priceSchema,
    logsStoredGBMonth: priceSchema,
  }),
  kms: z.strictObject({ keyMonth: priceSchema }),
  secretsManager: z.strictObject({ secretMonth: priceSchema }),
  ecr: z.strictObject({ storageGBMonth: priceSchema }),
});
export type PriceFile = z.infer<typeof priceFileSchema>;

/** Every price of a file, by its path (`loadBalancer.hour`), for counting and checking them. */
export function pricesOf(file: PriceFile): [string, Price][] {
  const found: [string, Price][] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== "object" || value === null) return;
    if ("confidence" in value && "usd" in value) {
      found.push([path, value as Price]);
      return;
    }
    for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(file, "");
  return found;
}

/** The regions with a price file. */
export function pricedRegions(dir = PRICES_DIR): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith(".json"))
        .map((file) => file.replace(/\.json$/, ""))
        .sort()
    : [];
}

export type LoadedPrices =
  { ok: true; prices: PriceFile; file: string } | { ok: false; why: string };

/**
 * The price file of `region`, validated. A region without one, or a file that does not validate,
 * is a reason not to estimate, never a fallback to another region's prices.
 */
export function loadPrices(region: string, dir = PRICES_DIR): LoadedPrices {
  const known = pricedRegions(dir);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region) || !known.includes(region))
    return {
      ok: false,
      why: `no prices for region ${region} (cost/prices/ has ${known.join(", ") || "none"})`,
    };
  const file = join(dir, `${region}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { ok: false, why: `cost/prices/${region}.json: ${(error as Error).message}` };
  }
  const parsed = priceFileSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      why: `cost/prices/${region}.json: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        .join("; ")}`,
    };
  if (parsed.data.region !== region)
    return {
      ok: false,
      why: `cost/prices/${region}.json holds the prices of ${parsed.data.region}`,
    };
  return { ok: true, prices: parsed.data, file: `cost/prices/${region}.json` };
}
