/** Kubernetes resource quantities (`500m`, `2`, `1Gi`, `512Mi`, `1e3`) as plain numbers. */

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A quantity's value (`1Gi` -> 1073741824, `500m` -> 0.5); undefined when it is not one. */
export function quantity(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return undefined;
  const factor = SUFFIXES[match[2]!];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

export const GIB = 2 ** 30;
