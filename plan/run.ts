/**
 * The offline plan: the stack's own program, run under Pulumi's mock runtime with the stack's
 * config, recorded as plan.json and Kubernetes manifests. No credentials, no cluster, no network.
 */
import type { ResolvedCatalogue } from "../catalogue";
import { withCatalogueMemo, withCatalogueStandIn } from "../catalogue/load";
import type { CatalogueStandIn } from "../catalogue/load";
import { deployedCatalogue } from "../stack/layout";
import { prepare } from "../stack/prepare";
import { readSettings, SettingsError } from "../stack/settings";
import type { ConfigSource, StackSettings } from "../stack/settings";
import * as pulumi from "@pulumi/pulumi";
import { checkKubernetesObjects } from "../policy";
import { checkAwsResources } from "../policy/aws-rules";
import type { KubernetesObject, Violation } from "../policy";
import { canonical } from "./canonical";
import { kubernetesManifests } from "./manifests";
import type { Manifest } from "./manifests";
import { entryProblem, loadEntry } from "./entry";
import { duplicateNames } from "./physical-names";
import { DuplicateUrnError, recordProgram } from "./record";
import type { RecordedResource, Recording } from "./record";
import { baseStackName, shardBaseProblems } from "./shard-base";
import { readStackConfig, StackConfigError } from "./stack-config";
import { applyRollouts } from "../rollout/effective";
import type { ModelRolloutView } from "../rollout/effective";
import { fixedRecords } from "../stack/rollout-records";
import type { RecordSource } from "../stack/rollout-records";
import { readFileSync } from "node:fs";
import type { StackConfig } from "./stack-config";

export const PLACEHOLDER_NOTE =
  "Inputs as the program registers them, not a provider diff. Provider-computed values (ids, ARNs, URLs, image digests, auto-names) are deterministic placeholders derived from resource names; secrets are masked.";

export interface Plan {
  project: string;
  stack: string;
  environment: string;
  /** maas:protect: a production stack (its rules are production's, its weight changes want a rollout policy). */
  protected?: boolean;
  catalogue: string;
  /**
   * A scoped plan's models (review/scope.ts): only their components were planned, beside
   * everything the stack shares; absent in a full plan (every model's).
   */
  scope?: string[];
  note: string;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

export interface PlanOptions {
  stack: string;
  /** Overrides the stack's maas:catalogue. */
  catalogue?: string;
  /**
   * A catalogue file read in place of the stack's, as if it were that catalogue: an older copy
   * kept anywhere (`maas diff --base old.yaml`), or a ref's (a scoped review's base).
   */
  catalogueStandIn?: CatalogueStandIn;
  /** The Pulumi project directory (default: the working directory, where the program runs). */
  projectDir?: string;
  /** Config values over the stack's (`maas:protect` -> `true`), like `pulumi preview --config`. */
  config?: Record<string, string>;
  /** Called with the number of resources registered so far (progress on long runs). */
  onResource?: (count: number) => void;
  /**
   * A JSON file of rollout records (`maas rollout status --json`) the program reads as it would
   * read the rollouts table; without one, no model has a record (the catalogue's weights).
   */
  rolloutRecords?: string;
  /**
   * Plan only these models' components, beside everything the stack shares (a scoped review,
   * review/scope.ts); the plan says so (`scope`). Never set for a plan meant to be deployed.
   */
  models?: string[];
}

/**
 * The rules (docs/rules.md) on a plan's Kubernetes objects and AWS resources (production rules
 * when the stack is protected), and that no two of its resources hold one physical name.
 */
export function planViolations(
  resources: RecordedResource[],
  manifests: Manifest[],
  settings: StackSettings,
): Violation[] {
  const objects = manifests.map((manifest) => manifest.object as KubernetesObject);
  return [
    ...checkKubernetesObjects(objects, { production: settings.protect }),
    ...checkAwsResources(resources, { production: settings.protect }),
    // RULES 27: AWS or Kubernetes would refuse the second create (maas diff judged it only).
    ...duplicateNames(resources).map(({ resource, name, other }) => ({
      rule: "RULES-27/unique-names",
      object: `${resource.type.split(":").pop()} ${resource.name}`,
      source: resource,
      message: `${name} is also ${other.type.split(":").pop()} ${other.name}'s: the second create fails (an alarm silently takes the first's place); names derive from catalogue/names.ts, which keeps distinct inputs apart: report this, with the catalogue and stack file`,
    })),
  ];
}

/** Planning a shard's base: only a base may be planned as one (no chains, no cycles). */
interface PlanRole {
  /** Where the shard names this base (`Pulumi.dev-a.yaml:12:3`), to blame when it is not one. */
  baseOf?: string;
}

/** A stack's config with `--config` and `--catalogue` over its stack file, and the source settings read it from. */
function readStackConfigWithOverrides(
  options: PlanOptions,
): { stackConfig: StackConfig; source: ConfigSource } | { problems: string[] } {
  try {
    const stackConfig = readStackConfig(process.cwd(), options.stack);
    Object.assign(stackConfig.config, options.config ?? {});
    for (const key of Object.keys(options.config ?? {})) stackConfig.origins[key] = "--config";
    if (options.catalogue !== undefined) {
      stackConfig.config["maas:catalogue"] = options.catalogue;
      stackConfig.origins["maas:catalogue"] = "--catalogue";
    }
    const source = configSource(stackConfig.config, stackConfig.secretKeys, stackConfig.origins);
    return { stackConfig, source };
  } catch (error) {
    if (error instanceof StackConfigError) return { problems: [error.message] };
    throw error;
  }
}

/** A stack's config and settings, with `--config` and `--catalogue` over its stack file. */
export function readStack(
  options: PlanOptions,
): { stackConfig: StackConfig; settings: StackSettings } | { problems: string[] } {
  const read = readStackConfigWithOverrides(options);
  if ("problems" in read) return read;
  try {
    const settings = readSettings(read.source, read.stackConfig.project, options.stack);
    return { stackConfig: read.stackConfig, settings };
  } catch (error) {
    if (error instanceof SettingsError) return { problems: error.problems };
    throw error;
  }
}

export type PreparedStack =
  | { ok: true; settings: StackSettings; catalogue: ResolvedCatalogue }
  | { ok: false; problems: string[] };

/** A stack's settings and resolved catalogue (prepare()), with `--config` and `--catalogue` over its stack file. */
export function prepareStack(options: PlanOptions): PreparedStack {
  const read = readStackConfigWithOverrides(options);
  if ("problems" in read) return { ok: false, problems: read.problems };
  const prepared = prepare(read.source, read.stackConfig.project, options.stack);
  return prepared.ok
    ? { ok: true, settings: prepared.settings, catalogue: prepared.catalogue }
    : { ok: false, problems: prepared.problems };
}

export type PlanResult =
  | {
      ok: true;
      plan: Plan;
      manifests: Manifest[];
      catalogue: ResolvedCatalogue;
      settings: StackSettings;
      /** the rules (docs/rules.md) on the Kubernetes objects (1-14) and AWS resources (15-21, 28, ingress/, front-door/); production rules when the stack is protected. */
      violations: Violation[];
      /** What the rollout records made of each model (with --rollout-records). */
      rollouts: Record<string, ModelRolloutView>;
    }
  | { ok: false; problems: string[] };

function configSource(
  config: Record<string, string>,
  secretKeys: string[],
  origins: Record<string, string>,
): ConfigSource {
  return {
    where: (key) => origins[key],
    get: (key) => config[key],
    getSecret: (key) =>
      config[key] === undefined
        ? undefined
        : secretKeys.includes(key)
          ? pulumi.secret(config[key])
          : pulumi.output(config[key]),
    keys: () => Object.keys(config),
  };
}

/**
 * Plans a stack. The program runs in the project directory, as under the Pulumi CLI: the
 * catalogue, build contexts and stack files are read relative to it.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const previous = process.cwd();
  if (options.projectDir !== undefined) process.chdir(options.projectDir);
  try {
    const { catalogueStandIn } = options;
    return await withCatalogueMemo(() =>
      catalogueStandIn === undefined
        ? planInWorkingDirectory(options)
        : withCatalogueStandIn(catalogueStandIn, () => planInWorkingDirectory(options)),
    );
  } finally {
    process.chdir(previous);
  }
}

async function planInWorkingDirectory(
  options: PlanOptions,
  role: PlanRole = {},
): Promise<PlanResult> {
  const read = readStackConfigWithOverrides(options);
  if ("problems" in read) return { ok: false, problems: read.problems };
  const { stackConfig } = read;
  const prepared = prepare(read.source, stackConfig.project, options.stack);
  if (!prepared.ok && prepared.invalid === "settings")
    return { ok: false, problems: prepared.problems };
  // A shard's agreement with its base is checked before its catalogue: a shard the base does
  // not list is the cause of the catalogue's "no model belongs to shard ..." that follows.
  const { settings } = prepared;
  if (role.baseOf !== undefined && settings.layout.kind !== "base")
    return {
      ok: false,
      problems: [
        `${role.baseOf}: maas:baseStack: stack ${options.stack} is not a base: it sets no maas:shards (a base owns the registry, load balancers and alarm topic its shards use)`,
      ],
    };
  const where = (key: string) => stackConfig.origins[key] ?? `Pulumi.${options.stack}.yaml`;
  let stackOutputs: Record<string, Record<string, unknown>> | undefined;
  if (settings.layout.kind === "shard") {
    const { baseStack } = settings.layout;
    const base = await planInWorkingDirectory(
      {
        stack: baseStack,
        ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
      },
      { baseOf: where("maas:baseStack") },
    );
    if (!base.ok)
      return {
        ok: false,
        // "not a base" is already blamed on this stack's key; the base's own problems say whose.
        problems: base.problems.map((problem) =>
          problem.startsWith(`${where("maas:baseStack")}: `)
            ? problem
            : `base stack ${baseStack}: ${problem}`,
        ),
      };
    const mismatched = shardBaseProblems(settings, base.settings, where);
    if (mismatched.length > 0) return { ok: false, problems: mismatched };
    stackOutputs = { [baseStackName(stackConfig.project, baseStack)]: base.plan.outputs };
  }
  if (!prepared.ok) return { ok: false, problems: prepared.problems };
  const missing = entryProblem(stackConfig.programDir);
  if (missing) return { ok: false, problems: [missing] };
  // The records the program will read, checked against the catalogue as the program checks them.
  let records: RecordSource;
  try {
    records =
      options.rolloutRecords === undefined
        ? fixedRecords([], "")
        : fixedRecords(readRecordsFile(options.rolloutRecords), options.rolloutRecords);
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const deployedModels = deployedCatalogue(prepared.catalogue, settings.layout);
  const applied = applyRollouts(
    deployedModels,
    await records.read(
      "",
      settings.region,
      deployedModels.models.map((m) => m.name),
    ),
  );
  if (!applied.ok) return { ok: false, problems: applied.problems };

  let recording: Recording;
  try {
    recording = await recordProgram(
      {
        project: stackConfig.project,
        stack: options.stack,
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
        placeholders: { region: settings.region, ...(stackOutputs ? { stackOutputs } : {}) },
        ...(options.onResource ? { onResource: options.onResource } : {}),
        rolloutRecords: records,
        ...(options.models ? { models: options.models } : {}),
      },
      () => loadEntry(stackConfig.programDir),
    );
  } catch (error) {
    if (error instanceof DuplicateUrnError)
      return {
        ok: false,
        problems: error.problems.map((problem) => `stack ${options.stack}: ${problem}`),
      };
    throw error;
  }
  const resources = [...recording.resources].sort((a, b) =>
    a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0,
  );
  const plan: Plan = {
    project: stackConfig.project,
    stack: options.stack,
    environment: settings.environment,
    protected: settings.protect,
    catalogue: settings.catalogue,
    ...(options.models ? { scope: [...options.models].sort() } : {}),
    note: PLACEHOLDER_NOTE,
    // Recorded canonical (record.ts).
    resources,
    outputs: canonical(recording.outputs) as Record<string, unknown>,
  };
  const manifests = kubernetesManifests(resources, settings.region);
  return {
    ok: true,
    plan,
    manifests,
    violations: planViolations(resources, manifests, settings),
    catalogue: applied.applied.catalogue,
    settings,
    rollouts: applied.applied.views,
  };
}

/** The records of a `--rollout-records` file: a JSON list (`maas rollout status --json`). */
function readRecordsFile(file: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `${file}: cannot read the rollout records (${error instanceof Error ? error.message : String(error)}); write them with maas rollout status --stack <stack> --json`,
    );
  }
  if (!Array.isArray(value))
    throw new Error(
      `${file}: must be a JSON list of rollout records (maas rollout status --stack <stack> --json)`,
    );
  return value;
}
