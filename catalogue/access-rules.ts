/**
 * Rules about who may call a model: `access:` names consumers declared under `consumers:`, a
 * principal belongs to one consumer, and the front door's API Gateway quotas hold.
 */
import { isMap, isScalar } from "yaml";
import type { Problem } from "./problem";
import { API_GATEWAY_QUOTAS, API_RESOURCES_PER_MODEL } from "./quotas";
import type { RuleInput } from "./rule-input";
import { ALL_CONSUMERS, CONSUMER_AUTHS } from "./schema";
import type { CatalogueDocument } from "./schema";
import { problemAt } from "./source";
import type { DocPath } from "./source";
import { defineRules } from "./rule";

/** The rules below, by slug: `catalogue/<slug>` names each in docs/rules.md and in its problems. */
export const ACCESS_RULES = defineRules("catalogue", {
  "consumers-not-empty": {
    description: "`consumers:`, when written, declares at least one consumer.",
    why: "`consumers: {}` would put every model behind a front door that admits nobody: a silent outage, not a way to close the door (a model closes itself by listing no consumer in `access:`).",
    fix: "Declare the consumers who call models, or remove `consumers:` to serve the models without a front door.",
  },
  "reserved-consumer-name": {
    description: `No consumer is named \`${ALL_CONSUMERS}\`.`,
    why: `\`access: ${ALL_CONSUMERS}\` means every consumer; a consumer of that name would make the word mean two things.`,
    fix: "Choose another name for the consumer.",
  },
  "access-names-consumers": {
    description: `A model's \`access:\` lists consumers declared under \`consumers:\`, or is \`${ALL_CONSUMERS}\` alone.`,
    why: "The front door admits only declared consumers: a name it does not know (usually a typo) would silently grant nobody, and an access list without consumers has no front door to apply to.",
    fix: `Use the consumer name the message suggests, declare the consumer under \`consumers:\`, or write \`access: ${ALL_CONSUMERS}\`.`,
  },
  "one-consumer-per-principal": {
    description:
      "Every IAM principal (account, role or user, whatever its case and path) belongs to one consumer, listed once; a consumer listing a whole account owns its roles.",
    why: "A consumer's grants and limits follow from which principal signs a request: a principal two consumers share would act as either, with both limits and grants.",
    fix: "List each principal under one consumer only; list a consumer's roles instead of its account when another consumer uses a role of that account.",
  },
  "front-door-quotas": {
    description:
      'The front door fits API Gateway\'s quotas: consumers per API (each is a stage, "Stages per API") and resources per API (two per model, "Resources per API").',
    why: "Past a quota, `pulumi up` fails at the stage or resource it cannot create, after other changes have applied.",
    fix: "Merge consumers or have AWS raise the quota (then the limit in catalogue/quotas.ts); split the catalogue over stacks when it has too many models.",
  },
});

const ACCOUNT_ID = /^[0-9]{12}$/;

export function accessRules(input: RuleInput): Problem[] {
  return [
    ...noConsumers(input),
    ...reservedConsumerName(input),
    ...accessListNames(input),
    ...sharedPrincipals(input),
    ...frontDoorQuotas(input),
  ];
}

/**
 * `consumers: {}` would put every model behind a front door that admits nobody: a silent outage,
 * not a way to close the door (a model closes itself by listing no consumer in access:).
 */
function noConsumers({ source, document }: RuleInput): Problem[] {
  const written = source.document.getIn(["consumers"]);
  if (document.consumers === undefined || !isMap(written) || written.items.length > 0) return [];
  return [
    problemAt(
      ACCESS_RULES["consumers-not-empty"],
      source,
      ["consumers"],
      "declares no consumer, so every model would sit behind a front door nothing can pass: declare the consumers who call models, or remove consumers: to serve the models without a front door",
      { key: true },
    ),
  ];
}

/** `all-consumers` means every consumer in `access:`; no consumer may be called that. */
function reservedConsumerName({ source, document }: RuleInput): Problem[] {
  return ALL_CONSUMERS in (document.consumers ?? {})
    ? [
        problemAt(
          ACCESS_RULES["reserved-consumer-name"],
          source,
          ["consumers", ALL_CONSUMERS],
          `is reserved: access: ${ALL_CONSUMERS} means every consumer; choose another name`,
          { key: true },
        ),
      ]
    : [];
}

/** Every `access:` in the file (models and environment overlays), with its path. */
function accessListsOf(
  document: CatalogueDocument,
): { access: NonNullable<CatalogueDocument["models"][string]["access"]>; path: DocPath }[] {
  const lists = Object.entries(document.models).flatMap(([model, spec]) =>
    spec.access === undefined ? [] : [{ access: spec.access, path: ["models", model, "access"] }],
  );
  for (const [environment, overlay] of Object.entries(document.environments ?? {}))
    for (const [model, spec] of Object.entries(overlay.models ?? {}))
      if (spec.access !== undefined)
        lists.push({
          access: spec.access,
          path: ["environments", environment, "models", model, "access"],
        });
  return lists;
}

function accessListNames({ source, document }: RuleInput): Problem[] {
  const consumers = Object.keys(document.consumers ?? {});
  // A consumer with a problem of its own is left out of the checked document; it is still
  // declared, and its own problem is the one to report. Sets: one lookup per name listed.
  const written = source.document.getIn(["consumers"]);
  const declaredNames = new Set([
    ...consumers,
    ...(isMap(written)
      ? written.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []))
      : []),
  ]);
  const declared = (name: string) => declaredNames.has(name);
  return accessListsOf(document).flatMap(({ access, path }) => {
    if (document.consumers === undefined)
      return [
        problemAt(
          ACCESS_RULES["access-names-consumers"],
          source,
          path,
          "names who may call the model, but the catalogue declares no consumers: declare them under consumers: (the front door serves models only to declared consumers)",
          { key: true },
        ),
      ];
    if (access === ALL_CONSUMERS) return [];
    return access.flatMap((name, index) =>
      name === ALL_CONSUMERS
        ? [
            problemAt(
              ACCESS_RULES["access-names-consumers"],
              source,
              [...path, index],
              `${ALL_CONSUMERS} stands alone, not in a list: write access: ${ALL_CONSUMERS}`,
            ),
          ]
        : declared(name)
          ? []
          : [
              problemAt(
                ACCESS_RULES["access-names-consumers"],
                source,
                [...path, index],
                `${source.suggestions.unknownKeyMessage(name, consumers, "consumer")} (declare it under consumers:, or write ${ALL_CONSUMERS})`,
              ),
            ],
    );
  });
}

/**
 * Which principal an entry names, as IAM resolves it: an account, or a role or user of an
 * account by its name alone, in lower case (IAM names are unique in an account whatever their
 * case, and a path does not make another role: `role/Checkout` and `role/team/checkout` are one).
 */
export function principalIdentity(principal: string): string {
  const arn = /^arn:[^:]+:iam::([0-9]{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(principal);
  return arn ? `${arn[1]} ${arn[2]} ${arn[3]!.toLowerCase()}` : principal;
}

/**
 * A principal is one consumer: its grants and its limits follow from which consumer signs, and
 * two consumers sharing a role would make both ambiguous.
 */
function sharedPrincipals({ source, document }: RuleInput): Problem[] {
  /** By principalIdentity(): the consumer that lists it, and how it wrote it. */
  const owner = new Map<string, { name: string; written: string }>();
  const problems: Problem[] = [];
  const consumers = Object.entries(document.consumers ?? {});
  // An account ID stands for every principal of the account: a role of it is that consumer's too.
  const accounts = new Map<string, string>();
  for (const [name, consumer] of consumers)
    for (const principal of consumer.principals)
      if (ACCOUNT_ID.test(principal) && !accounts.has(principal)) accounts.set(principal, name);
  for (const [name, consumer] of consumers)
    consumer.principals.forEach((principal, index) => {
      const identity = principalIdentity(principal);
      const first = owner.get(identity);
      const holder = first?.name;
      const account = ACCOUNT_ID.test(principal)
        ? undefined
        : /::([0-9]{12}):/.exec(principal)?.[1];
      const accountHolder = account === undefined ? undefined : accounts.get(account);
      if (holder === undefined && (accountHolder === undefined || accountHolder === name)) {
        owner.set(identity, { name, written: principal });
        return;
      }
      // IAM names are unique in an account whatever their case and path: one role, two spellings.
      const same =
        first !== undefined && first.written !== principal
          ? ` (${first.written}: IAM role and user names are unique in an account whatever their case and path)`
          : "";
      problems.push(
        problemAt(
          ACCESS_RULES["one-consumer-per-principal"],
          source,
          ["consumers", name, "principals", index],
          holder === name
            ? `lists ${principal} twice${same}; list each principal once`
            : holder !== undefined
              ? `${principal} is also consumer ${holder}'s principal${same}; a principal belongs to one consumer (its grants and limits follow from it)`
              : `${principal} is in account ${account}, which consumer ${accountHolder} lists whole: the role could act as ${accountHolder} too; list ${accountHolder}'s roles instead of its account, or use another account`,
        ),
      );
    });
  return problems;
}

/** Consumers are stages of the API of their kind, models are resources of both. */
function frontDoorQuotas({ source, document }: RuleInput): Problem[] {
  const consumers = document.consumers;
  if (consumers === undefined) return [];
  const problems: Problem[] = [];
  for (const auth of CONSUMER_AUTHS) {
    const count = Object.values(consumers).filter((c) => (c.auth ?? "sigv4") === auth).length;
    if (count > API_GATEWAY_QUOTAS.stagesPerApi)
      problems.push(
        problemAt(
          ACCESS_RULES["front-door-quotas"],
          source,
          ["consumers"],
          `declares ${count} ${auth} consumers; each is a stage of the ${auth} API, and an API holds ${API_GATEWAY_QUOTAS.stagesPerApi} stages (API Gateway quota "Stages per API", adjustable): raise the quota and the limit in catalogue/quotas.ts, or merge consumers`,
          { key: true },
        ),
      );
  }
  const models = Object.keys(document.models).length;
  const resources = 1 + 1 + models * API_RESOURCES_PER_MODEL;
  if (resources > API_GATEWAY_QUOTAS.resourcesPerApi)
    problems.push(
      problemAt(
        ACCESS_RULES["front-door-quotas"],
        source,
        ["models"],
        `has ${models} models; the front door's API would hold ${resources} resources (/, /models and ${API_RESOURCES_PER_MODEL} per model), over API Gateway's ${API_GATEWAY_QUOTAS.resourcesPerApi} (quota "Resources per API", adjustable)`,
        { key: true },
      ),
    );
  return problems;
}
