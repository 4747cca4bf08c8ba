/**
 * Which stacks a change touches. When nothing but the catalogue file differs from the base ref
 * (the common edit: a data team changes models.yaml), a stack whose view of the catalogue
 * (stack/layout.ts: the models it deploys; for a base, the load balancers they use) reads the
 * same on both sides plans to the same resources with the same program and config: it is left
 * out instead of planned twice. Anything else changed (program, stack files, build contexts,
 * dependencies) plans every stack.
 */
import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import { checkCatalogueFile, resolveChecked } from "../catalogue";
import type { ResolvedCatalogue } from "../catalogue";
import type { BaseCheckout } from "../plan/base-checkout";
import type { PlanOptions } from "../plan/run";
import { readStack } from "../plan/run";
import { catalogueCheckOptions, catalogueView } from "../stack/layout";

/** Files (relative to the working directory) that differ from `ref`, untracked ones included. */
export function changedFiles(ref: string): string[] | undefined {
  const run = (args: string[]) => spawnSync("git", args, { encoding: "utf8" });
  const tracked = run(["diff", "--name-only", "--relative", ref, "--", "."]);
  const untracked = run(["ls-files", "--others", "--exclude-standard", "--", "."]);
  if (tracked.status !== 0 || untracked.status !== 0) return undefined;
  return [...tracked.stdout.split("\n"), ...untracked.stdout.split("\n")].filter(Boolean).sort();
}

function resolvedAt(
  file: string,
  projectRoot: string,
  settings: ReturnType<typeof readStack>,
): ResolvedCatalogue | undefined {
  if ("problems" in settings) return undefined;
  const checked = checkCatalogueFile(file, {
    ...catalogueCheckOptions(settings.settings),
    projectRoot,
  });
  return checked.ok ? resolveChecked(checked, settings.settings.environment) : undefined;
}

/**
 * The stacks among `stacks` this change leaves alone, with why; the others must be planned.
 * A stack whose catalogue does not check on either side is planned, so its problems are shown.
 */
export function untouchedStacks(
  stacks: string[],
  ref: string,
  checkout: BaseCheckout,
  common: Omit<PlanOptions, "stack">,
): Map<string, string> {
  const untouched = new Map<string, string>();
  const changed = changedFiles(ref);
  if (changed === undefined) return untouched;
  for (const stack of stacks) {
    const settings = readStack({ ...common, stack });
    if ("problems" in settings) continue;
    const catalogue = relative(process.cwd(), resolve(settings.settings.catalogue));
    if (changed.some((file) => file !== catalogue)) continue;
    const head = resolvedAt(settings.settings.catalogue, process.cwd(), settings);
    const base = resolvedAt(join(checkout.projectDir, catalogue), checkout.projectDir, settings);
    if (!head || !base) continue;
    const { layout } = settings.settings;
    if (JSON.stringify(catalogueView(head, layout)) !== JSON.stringify(catalogueView(base, layout)))
      continue;
    untouched.set(
      stack,
      layout.kind === "base"
        ? "only the catalogue changed, and not the load balancers its models use"
        : layout.kind === "shard"
          ? `only the catalogue changed, and no model of shard ${layout.shard}`
          : "only the catalogue changed, and not what it resolves to",
    );
  }
  return untouched;
}
