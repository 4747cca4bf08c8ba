/**
 * Kubernetes resource quantities as the catalogue accepts them.
 *
 * Kubernetes' own grammar also allows exponents and odd suffixes (`1e3`, `2Ki` CPUs); the
 * catalogue accepts the two forms people write and reviewers can read at a glance.
 */

/** CPU: whole or fractional cores (`2`, `0.5`) or millicores (`500m`). */
export const CPU_QUANTITY = /^(?:[0-9]+(?:\.[0-9]{1,3})?|[0-9]+m)$/;

/** Memory: bytes with an optional binary (`Ki`…`Ti`) or decimal (`k`…`T`) suffix. */
export const MEMORY_QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:Ki|Mi|Gi|Ti|k|M|G|T)?$/;

const MEMORY_FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Millicores of a quantity matching {@link CPU_QUANTITY}. */
export function cpuMillicores(quantity: string): number {
  return quantity.endsWith("m")
    ? Number(quantity.slice(0, -1))
    : Math.round(Number(quantity) * 1000);
}

/** Bytes of a quantity matching {@link MEMORY_QUANTITY}. */
export function memoryBytes(quantity: string): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(quantity);
  if (!match) return Number.NaN;
  const factor = MEMORY_FACTORS[match[2] ?? ""];
  return factor === undefined ? Number.NaN : Number(match[1]) * factor;
}

/** YAML lets people write `cpu: 1` or `cpu: 0.5`; Kubernetes wants the string form. */
export function quantityText(value: string | number): string {
  return typeof value === "number" ? String(value) : value;
}
