/**
 * prepare(): the first half of the program, everything that can be wrong before a resource is
 * registered. It reads the stack settings, checks the catalogue and resolves it for the stack's
 * environment, or returns the problems. deploy() is the second half; it only creates.
 *
 * index.ts (through program.ts) runs both under `pulumi up`. The offline plan calls prepare()
 * itself to report problems before running the program, then runs index.ts as the language host
 * would; inside one plan the catalogue's check and resolution are remembered
 * (catalogue/load.ts: withCatalogueMemo), so the program's own prepare() does not repeat them.
 */
import { checkCatalogueFile, formatProblem, resolveChecked, servedVersions } from "../catalogue";
import type { ResolvedCatalogue, ResolvedConsumer } from "../catalogue";
import { partitionOf } from "../catalogue/names";
import { frontDoorProblems } from "../components/specs/front-door";
import { integrationQuotaProblems } from "./integration-quota";
import { tokenProblems } from "../components/specs/tokens";
import { catalogueCheckOptions, deployedCatalogue, frontDoorModels } from "./layout";
import { readSettings, SettingsError } from "./settings";
import type { ConfigSource, StackSettings } from "./settings";

export type Prepared =
  | { ok: true; settings: StackSettings; catalogue: ResolvedCatalogue }
  | { ok: false; invalid: "settings"; problems: string[] }
  /** The settings are good (a caller may check more of them first), the catalogue is not. */
  | { ok: false; invalid: "catalogue"; settings: StackSettings; problems: string[] };

export function prepare(source: ConfigSource, project: string, stack: string): Prepared {
  let settings: StackSettings;
  try {
    settings = readSettings(source, project, stack);
  } catch (error) {
    if (error instanceof SettingsError)
      return { ok: false, invalid: "settings", problems: error.problems };
    throw error;
  }
  const checked = checkCatalogueFile(settings.catalogue, catalogueCheckOptions(settings));
  if (!checked.ok)
    return {
      ok: false,
      invalid: "catalogue",
      settings,
      problems: checked.problems.map(formatProblem),
    };
  const catalogue = resolveChecked(checked, settings.environment);
  // What only the whole resolved catalogue shows: the front door's resource policy size.
  // What only the whole resolved catalogue shows, with the stack's config: the front door.
  const where = (key: string) => source.where?.(key) ?? `Pulumi.${stack}.yaml`;
  const frontDoor = catalogue.consumers
    ? [
        ...[
          ...frontDoorProblems(catalogue.consumers, frontDoorModels(catalogue)),
          ...tokenProblems(catalogue.consumers, frontDoorModels(catalogue)),
          ...otherPartitions(catalogue.consumers, settings.region),
        ].map((problem) => `${settings.catalogue}: ${problem}`),
        ...(settings.ingress.certificateArn && settings.ingress.routing.mode === "path"
          ? [
              // API Gateway checks the name of the certificate even when told to skip its
              // verification (TlsConfig.insecureSkipVerification: "still performs basic
              // certificate validation, which includes checking ... hostname").
              `${where("maas:certificateArn")}: maas:certificateArn: with consumers in ${settings.catalogue}, the front door calls the load balancers over HTTPS and API Gateway checks the certificate's name; with maas:routing: path it can only call the load balancer's own DNS name, which the certificate does not name. Set maas:routing: host (models at <model>.<maas:hostDomain>, names the certificate covers)`,
            ]
          : []),
      ]
    : [];
  const problems = [
    ...frontDoor,
    ...domainProblems(catalogue, settings, where),
    ...aroundTheDoor(catalogue, settings, where),
    ...retentionProblems(catalogue, settings, where),
    ...rolloutProblems(catalogue, settings, where),
    ...integrationQuotaProblems(checked, catalogue, settings, where),
  ];
  if (problems.length > 0) return { ok: false, invalid: "catalogue", settings, problems };
  return { ok: true, settings, catalogue };
}

/**
 * A principal of another partition than the stack's can neither sign the stack's calls nor read
 * its secrets: IAM policies name principals of their own partition only.
 */
function otherPartitions(consumers: ResolvedConsumer[], region: string): string[] {
  const partition = partitionOf(region);
  return consumers.flatMap((consumer) =>
    consumer.principals.flatMap((principal) => {
      const theirs = /^arn:([^:]+):/.exec(principal)?.[1];
      return theirs === undefined || theirs === partition
        ? []
        : [
            `consumers.${consumer.name}.principals: ${principal} is in the ${theirs} partition, the stack (aws:region ${region}) in ${partition}: a policy there cannot name it; list principals of arn:${partition}: only`,
          ];
    }),
  );
}

/**
 * ECR's lifecycle policy keeps the newest maas:imageRetention builds of a model by push date,
 * whatever runs (components/specs/ecr.ts): fewer than the builds a model serves at once would
 * expire an image a served version runs, and its next pod could not pull it.
 */
function retentionProblems(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  where: (key: string) => string,
): string[] {
  // The models this stack deploys (a base deploys none; a shard its own): their repositories.
  return deployedCatalogue(catalogue, settings.layout).models.flatMap((model) => {
    const builds = new Set(
      servedVersions(model).flatMap((version) =>
        version.image?.kind === "build" ? [version.image.contentDigest] : [],
      ),
    );
    return builds.size > settings.images.keep
      ? [
          `${where("maas:imageRetention")}: maas:imageRetention: ${String(settings.images.keep)} keeps fewer builds than model ${model.name} serves at once (${String(builds.size)}): ECR's lifecycle policy expires the oldest by push date, even one a served version runs. Set it to at least ${String(builds.size)}, with room for the builds pushed between promotions`,
        ]
      : [];
  });
}

/**
 * What a rollout policy needs of the stack: a bake of at least one alarm window (the gates
 * judge what the alarms would; a shorter bake ends before an alarm could have fired), and a
 * pinned route someone may call when it checks the version before traffic.
 */
function rolloutProblems(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  where: (key: string) => string,
): string[] {
  const windowSeconds = settings.alarms.periodSeconds * settings.alarms.evaluationPeriods;
  const problems = new Set<string>();
  for (const model of deployedCatalogue(catalogue, settings.layout).models)
    for (const version of servedVersions(model)) {
      const policy = version.rollout;
      if (!policy || policy.mode === "immediate") continue;
      if (policy.bakeMinutes * 60 < windowSeconds)
        problems.add(
          `${settings.catalogue}: models.${model.name}: version ${version.version}'s rollout bakes ${String(policy.bakeMinutes)} minutes, shorter than one alarm window of stack ${settings.stack} (${where("maas:alarmPeriodSeconds")}: maas:alarmPeriodSeconds x maas:alarmEvaluationPeriods = ${String(windowSeconds)} s): bake at least ${String(Math.ceil(windowSeconds / 60))} minutes`,
        );
      if (policy.preTraffic && settings.ingress.pinnedRouteCidrs.length === 0)
        problems.add(
          `${settings.catalogue}: models.${model.name}: version ${version.version}'s rollout checks it before traffic (preTraffic), but nothing may call the pinned route in stack ${settings.stack}: set maas:pinnedRouteCidrs in ${where("maas:pinnedRouteCidrs")} to the smoke-test runners' addresses`,
        );
    }
  return [...problems];
}

/**
 * maas:apiDomain names the front door's domain: a stack without a front door (no consumers, or a
 * shard, whose front door is its base's) would silently not create it.
 */
function domainProblems(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  where: (key: string) => string,
): string[] {
  if (!settings.frontDoor.domain) return [];
  if (settings.layout.kind === "shard")
    return [
      `${where("maas:apiDomain")}: maas:apiDomain: stack ${settings.stack} is a shard: the front door and its domain belong to the base stack ${settings.layout.baseStack}; set maas:apiDomain (and its certificate) there`,
    ];
  if (!catalogue.consumers)
    return [
      `${where("maas:apiDomain")}: maas:apiDomain: ${settings.catalogue} declares no consumers, so there is no front door to give a domain: declare consumers:, or remove maas:apiDomain and its keys`,
    ];
  return [];
}

/** An IPv4 CIDR as its first address and prefix length. */
function cidr(text: string): { base: number; prefix: number } {
  const [address, prefix] = text.split("/") as [string, string];
  const base = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return { base, prefix: Number(prefix) };
}

/** Whether `outer` holds every address of `inner`. */
function holds(outer: string, inner: string): boolean {
  const a = cidr(outer);
  const b = cidr(inner);
  const block = 2 ** (32 - a.prefix);
  return a.prefix <= b.prefix && Math.floor(b.base / block) === Math.floor(a.base / block);
}

/**
 * Behind a front door, pods admit the load balancers only: a maas:podIngressCidrs that holds the
 * whole VPC lets every workload in it call a model with no credentials, limits or logs.
 */
function aroundTheDoor(
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  where: (key: string) => string,
): string[] {
  const sources = settings.network.podIngressCidrs;
  if (!catalogue.consumers || !sources) return [];
  const open = sources.filter((source) => holds(source, settings.network.vpcCidr));
  return open.length === 0
    ? []
    : [
        `${where("maas:podIngressCidrs")}: maas:podIngressCidrs: ${open.join(", ")} holds the whole VPC (${settings.network.vpcCidr}): with consumers in ${settings.catalogue}, every workload in the VPC could call the models' pods around the front door (no credentials, limits or logs). Name the load balancers' subnets (maas:subnetIds' CIDRs), or leave the key out: that is the default behind a front door`,
      ];
}
