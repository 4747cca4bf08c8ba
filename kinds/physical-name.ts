/**
 * Building blocks of the physical names in the records (kind.ts, `physicalName`): a name is its
 * parts joined, or nothing when a part is missing (an auto-named resource).
 */
import type { Inputs, PhysicalNamer } from "./kind";

export const text = (value: unknown): string | undefined =>
  typeof value === "string" || typeof value === "number" ? String(value) : undefined;

/** `a b c`, or nothing when a part is missing (an auto-named resource). */
export const joined = (...parts: unknown[]): string | undefined =>
  parts.every((part) => text(part) !== undefined) ? parts.map(text).join(" ") : undefined;

/** The key of a registry item: its table and the item's hash and range key values. */
export function itemKey(inputs: Inputs): string | undefined {
  try {
    const item = JSON.parse(String(inputs.item)) as Record<string, { S?: string }>;
    return joined(
      "registry item",
      inputs.tableName,
      item[String(inputs.hashKey)]?.S,
      item[String(inputs.rangeKey)]?.S,
    );
  } catch {
    return undefined;
  }
}

/** A security group rule is known by its group, peer, protocol and ports. */
export const securityGroupRule =
  (direction: "ingress" | "egress"): PhysicalNamer =>
  (i) => [
    joined(
      `security group ${direction} rule`,
      i.securityGroupId,
      i.cidrIpv4 ?? i.referencedSecurityGroupId,
      i.ipProtocol,
      i.fromPort,
      i.toPort,
    ),
  ];
