/**
 * Durations as the catalogue writes them (`api.timeout`): whole seconds or whole minutes,
 * `90s` or `5m`. One unit per value, so a reviewer reads it at a glance.
 */
export const DURATION = /^[1-9][0-9]{0,3}[sm]$/;

/** Seconds of a duration matching {@link DURATION}. */
export function durationSeconds(text: string): number {
  const amount = Number(text.slice(0, -1));
  return text.endsWith("m") ? amount * 60 : amount;
}
