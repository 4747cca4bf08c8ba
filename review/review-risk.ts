/**
 * A risk as the pull-request review states it. Its own module: risk.ts gathers the risks that
 * access-risk.ts and request-timing-risk.ts find, and all three produce this shape.
 */
export interface Risk {
  /** `refuse`: the edit must change before it merges; `warn`: look twice; `note`: expected, said. */
  level: "refuse" | "warn" | "note";
  text: string;
}
