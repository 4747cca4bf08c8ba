/** Derived names always fit their targets' limits, are stable and keep distinct inputs distinct. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitName, NAME_LIMITS, workloadName } from "../../catalogue/names";

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const modelName = fc.stringMatching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
const versionKey = fc.stringMatching(/^[0-9a-z]([0-9a-z.-]{0,61}[0-9a-z])?$/);

describe("derived names", () => {
  it("keeps short names as they are", () => {
    expect(workloadName("image-classifier", "1.4.0")).toBe("image-classifier-v1-4-0");
    expect(fitName("short", 32)).toBe("short");
  });

  it("shortens a long name to prefix + stable hash within the limit", () => {
    const long = `${"a".repeat(40)}-v${"1".repeat(40)}`;
    const short = workloadName("a".repeat(40), "1".repeat(40));
    expect(short).toHaveLength(NAME_LIMITS.kubernetesName);
    expect(short).toMatch(/^a+-v1+-[0-9a-f]{8}$/);
    expect(workloadName("a".repeat(40), "1".repeat(40))).toBe(short);
    expect(fitName(long, 63)).toBe(short);
  });

  it("every workload name of a valid model and version is a DNS-1035 label of at most 63 characters", () => {
    fc.assert(
      fc.property(modelName, versionKey, (model, version) => {
        const name = workloadName(model, version);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(DNS_1035);
      }),
      { numRuns: 500 },
    );
  });

  it("fits any limit and keeps distinct names distinct", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][-a-z0-9]{0,120}$/),
        fc.stringMatching(/^[a-z][-a-z0-9]{0,120}$/),
        fc.integer({ min: 16, max: 64 }),
        (a, b, limit) => {
          expect(fitName(a, limit).length).toBeLessThanOrEqual(limit);
          if (a !== b) expect(fitName(a, limit)).not.toBe(fitName(b, limit));
        },
      ),
      { numRuns: 500 },
    );
  });
});
