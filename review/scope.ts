/**
 * What of each stack a review must plan. When nothing but the catalogue file differs from the
 * base ref (the common edit: a data team changes models.yaml), or the base is an older catalogue
 * file, the program, lockfile, stack files and `--config` are the same on both sides, so a stack
 * plans to resources that follow from its view of the catalogue alone (stack/layout.ts):
 * - a stack whose view reads the same on both sides is left out (`untouched`);
 * - otherwise, when the catalogue-wide facts every model is handed read the same, only the
 *   models whose own view differs (or that come or go) are planned, on both sides, beside
 *   everything the stack shares, built from the whole catalogue (`scoped`, stack/plan-scope.ts):
 *   the other models' resources are the same on both sides, so they change nothing.
 * Anything else changed (program, stack files, build contexts, dependencies) plans every stack
 * in full.
 */
import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import { checkCatalogueFile, resolveChecked } from "../catalogue";
import { withCatalogueStandIn } from "../catalogue/load";
import type { ResolvedCatalogue } from "../catalogue";
import type { BaseCheckout } from "../plan/base-checkout";
import type { PlanOptions } from "../plan/run";
import { readStack } from "../plan/run";
import { catalogueCheckOptions, catalogueView, modelViews } from "../stack/layout";
import type { StackLayout } from "../stack/layout";

/** How much of a stack a review plans; a stack without one is planned in full. */
export type StackScope =
  | { kind: "untouched"; why: string }
  | {
      kind: "scoped";
      /** The models planned on both sides, sorted. */
      models: string[];
      /** How many models the stack deploys on either side (what a full plan would plan). */
      of: number;
      /**
       * The stack's catalogue file as it is at the base: all the base differs in, so the base is
       * the working tree's program planned with it (review/diff-stack.ts).
       */
      baseCatalogue: string;
    };

/**
 * What the review compares the working tree with: a git ref, as extracted (only its catalogue
 * file may differ for a stack to be scoped), or an older catalogue file, which by construction
 * is all that differs (`maas diff --base old.yaml`: program and stack files are the working
 * tree's on both sides).
 */
export type ScopeBase = { ref: string; checkout: BaseCheckout } | { file: string };

/** Files (relative to the working directory) that differ from `ref`, untracked ones included. */
export function changedFiles(ref: string): string[] | undefined {
  const run = (args: string[]) => spawnSync("git", args, { encoding: "utf8" });
  const tracked = run(["diff", "--name-only", "--relative", ref, "--", "."]);
  const untracked = run(["ls-files", "--others", "--exclude-standard", "--", "."]);
  if (tracked.status !== 0 || untracked.status !== 0) return undefined;
  return [...tracked.stdout.split("\n"), ...untracked.stdout.split("\n")].filter(Boolean).sort();
}

/**
 * A catalogue file resolved as the stack's program resolves it; `projectRoot` for the base's
 * (the working tree's otherwise: the options prepare() gives, so the head's plan in this process
 * finds the check remembered, catalogue/load.ts).
 */
function resolvedAt(
  file: string,
  projectRoot: string | undefined,
  settings: ReturnType<typeof readStack>,
): ResolvedCatalogue | undefined {
  if ("problems" in settings) return undefined;
  const checked = checkCatalogueFile(file, {
    ...catalogueCheckOptions(settings.settings),
    ...(projectRoot === undefined ? {} : { projectRoot }),
  });
  return checked.ok ? resolveChecked(checked, settings.settings.environment) : undefined;
}

/**
 * The models of a stack whose plan differs between two catalogues, or undefined when every
 * model's may (what all of them are handed differs) or the stack deploys none (a base).
 */
export function touchedModels(
  base: ResolvedCatalogue,
  head: ResolvedCatalogue,
  layout: StackLayout,
): { models: string[]; of: number } | undefined {
  if (layout.kind === "base") return undefined;
  const before = modelViews(base, layout);
  const after = modelViews(head, layout);
  if (JSON.stringify(before.stack) !== JSON.stringify(after.stack)) return undefined;
  const names = [...new Set([...before.models.keys(), ...after.models.keys()])].sort();
  return {
    models: names.filter((name) => before.models.get(name) !== after.models.get(name)),
    of: names.length,
  };
}

/**
 * The stacks among `stacks` this change leaves untouched or lets the review scope; the others
 * are planned in full. A stack whose catalogue does not check on either side is planned, so
 * its problems are shown. `scoping: false` (`maas diff --no-scope`) plans every touched stack
 * in full.
 */
export function stackScopes(
  stacks: string[],
  base: ScopeBase,
  common: Omit<PlanOptions, "stack">,
  scoping = true,
): Map<string, StackScope> {
  const scopes = new Map<string, StackScope>();
  const changed = "ref" in base ? changedFiles(base.ref) : [];
  if (changed === undefined) return scopes;
  for (const stack of stacks) {
    const settings = readStack({ ...common, stack });
    if ("problems" in settings) continue;
    const catalogue = relative(process.cwd(), resolve(settings.settings.catalogue));
    if (changed.some((file) => file !== catalogue)) continue;
    const head = resolvedAt(settings.settings.catalogue, undefined, settings);
    const baseCatalogue =
      "ref" in base ? join(base.checkout.projectDir, catalogue) : resolve(base.file);
    const baseResolved =
      "ref" in base
        ? resolvedAt(baseCatalogue, base.checkout.projectDir, settings)
        : withCatalogueStandIn({ file: baseCatalogue }, () =>
            resolvedAt(settings.settings.catalogue, undefined, settings),
          );
    if (!head || !baseResolved) continue;
    const { layout } = settings.settings;
    if (
      JSON.stringify(catalogueView(head, layout)) ===
      JSON.stringify(catalogueView(baseResolved, layout))
    ) {
      scopes.set(stack, {
        kind: "untouched",
        why:
          layout.kind === "base"
            ? "only the catalogue changed, and not the load balancers its models use"
            : layout.kind === "shard"
              ? `only the catalogue changed, and no model of shard ${layout.shard}`
              : "only the catalogue changed, and not what it resolves to",
      });
      continue;
    }
    const touched = scoping ? touchedModels(baseResolved, head, layout) : undefined;
    // Touching every model, a scope would plan what the full plan does: planned in full.
    if (touched && touched.models.length < touched.of)
      scopes.set(stack, { kind: "scoped", ...touched, baseCatalogue });
  }
  return scopes;
}

/** The stacks left out, with why (the review names them). */
export function untouchedStacks(scopes: Map<string, StackScope>): Map<string, string> {
  return new Map(
    [...scopes].flatMap(([stack, scope]) =>
      scope.kind === "untouched" ? [[stack, scope.why] as const] : [],
    ),
  );
}
