/**
 * A shard stack's offline plan needs its base: the base stack is planned first (its own stack
 * file, the same catalogue), its outputs answer the shard's StackReference, and the keys that
 * must agree between the two are compared, as nothing can compare them under `pulumi up`.
 */
import type { StackSettings } from "../stack/settings";
import { PLAN_ORGANIZATION } from "./record";

/**
 * Keys a shard must set as its base does: the catalogue and environment decide which models
 * exist, and the region, VPC, scheme and routing decide the names and rules of target groups
 * that live on the base's load balancers.
 */
const SHARED_KEYS: [key: string, value: (settings: StackSettings) => unknown][] = [
  ["aws:region", (settings) => settings.region],
  ["maas:environment", (settings) => settings.environment],
  ["maas:catalogue", (settings) => settings.catalogue],
  ["maas:vpcId", (settings) => settings.ingress.vpcId],
  ["maas:internetFacing", (settings) => settings.ingress.internetFacing],
  ["maas:routing", (settings) => settings.ingress.routing.mode],
  [
    "maas:hostDomain",
    (settings) =>
      settings.ingress.routing.mode === "host" ? settings.ingress.routing.domain : undefined,
  ],
];

/** The StackReference name a shard uses for its base: `<organization>/<project>/<stack>`. */
export function baseStackName(project: string, baseStack: string): string {
  return `${PLAN_ORGANIZATION}/${project}/${baseStack}`;
}

/**
 * What is wrong between a shard and its planned base, blamed where the shard's keys are written
 * (`where`), or nothing.
 */
export function shardBaseProblems(
  shard: StackSettings,
  base: StackSettings,
  where: (key: string) => string,
): string[] {
  if (shard.layout.kind !== "shard") return [];
  const { baseStack } = shard.layout;
  if (base.layout.kind !== "base")
    return [
      `${where("maas:baseStack")}: maas:baseStack: stack ${baseStack} is not a base: it sets no maas:shards (a base owns the registry, load balancers and alarm topic its shards use)`,
    ];
  const problems: string[] = [];
  if (!base.layout.shards.includes(shard.layout.shard))
    problems.push(
      `${where("maas:shard")}: maas:shard: ${shard.layout.shard} is not one of base stack ${baseStack}'s maas:shards (${base.layout.shards.join(", ")}); add it there`,
    );
  for (const [key, value] of SHARED_KEYS) {
    const mine = value(shard);
    const theirs = value(base);
    if (JSON.stringify(mine) !== JSON.stringify(theirs))
      problems.push(
        `${where(key)}: ${key}: must be base stack ${baseStack}'s (${JSON.stringify(theirs ?? null)}): a shard's models live on its base's load balancers and registry; got ${JSON.stringify(mine ?? null)}`,
      );
  }
  return problems;
}
