/**
 * Money as a reader should see an estimate: rounded to what the assumptions can carry (whole
 * dollars under $100, tens under $1,000, three significant digits above), never to the cent.
 */
import type { Range } from "./estimate";

/** Rounded as the estimate's precision allows: 1595.56 -> 1600, 73.58 -> 74, 0.8 -> 0.8 stays "<$1". */
export function rounded(usd: number): number {
  const size = Math.abs(usd);
  if (size < 100) return Math.round(usd);
  if (size < 1000) return Math.round(usd / 10) * 10;
  const step = 10 ** (Math.floor(Math.log10(size)) - 2);
  return Math.round(usd / step) * step;
}

const grouped = (usd: number) =>
  Math.abs(usd).toLocaleString("en-US", { maximumFractionDigits: 0 });

/** `$1,600`, `$74`, `<$1`, `$0`. */
export function usd(value: number): string {
  if (value === 0) return "$0";
  if (Math.abs(value) < 0.5) return "<$1";
  return `${value < 0 ? "-" : ""}$${grouped(rounded(value))}`;
}

/** `$1,600–3,490`, or one figure when both ends round alike. */
export function range(value: Range): string {
  const low = usd(value.low);
  const high = usd(value.high);
  if (low === high) return low;
  return `${low}–${high.replace(/^\$/, "")}`;
}

/** A change with its sign: `+$35`, `-$1,470`, `$0`. */
export function signed(value: number): string {
  // Sums of prices carry float noise: a change under a cent is none.
  const cents = Math.round(value * 100) / 100;
  if (cents === 0) return "$0";
  return `${cents > 0 ? "+" : "-"}${usd(Math.abs(cents))}`;
}

/**
 * The change from one estimate to another, at the low end (the fewest pods, no requests) and at
 * the high end: `+$35`, or `+$35 to +$70` when the ends differ.
 */
export function change(base: Range, head: Range): string {
  const low = signed(head.low - base.low);
  const high = signed(head.high - base.high);
  return low === high ? low : `${low} to ${high}`;
}

/** A unit price as the price file has it: `$3.50`, `$0.0252`, `$1.006`. */
export function unitPrice(value: number): string {
  return Number.isInteger(Math.round(value * 1e6) / 1e4) ? `$${value.toFixed(2)}` : `$${value}`;
}
