/**
 * One shape for every rule maas checks, whichever family judges it (the catalogue, stack config,
 * Kubernetes objects, AWS resources, the way between two plans): its id, what it requires, why,
 * and how to comply. It lives on the floor every family stands on, so the catalogue's own rules
 * can have it without importing upward; cli/rule-registry.ts collects every family and
 * docs/rules.md is generated from it (`maas rules`).
 */
export interface RuleDoc {
  id: string;
  /** What it requires. */
  description: string;
  why: string;
  fix: string;
}

/** A family's rules keyed by slug, each with the id `<family>/<slug>` made from its key. */
export type RuleSet<Family extends string, Rules extends Record<string, Omit<RuleDoc, "id">>> = {
  readonly [Slug in keyof Rules & string]: Rules[Slug] & { readonly id: `${Family}/${Slug}` };
};

/**
 * Names a family's rules from their keys: an id is never typed by hand, the keys of one object
 * cannot repeat (TypeScript refuses a duplicate property), and a finding names its rule by
 * reference (`RULES["weights-sum"]`), so a misspelt one does not compile.
 */
export function defineRules<
  const Family extends string,
  const Rules extends Record<string, Omit<RuleDoc, "id">>,
>(family: Family, rules: Rules): RuleSet<Family, Rules> {
  return Object.fromEntries(
    Object.entries(rules).map(([slug, rule]) => [slug, { id: `${family}/${slug}`, ...rule }]),
  ) as RuleSet<Family, Rules>;
}
