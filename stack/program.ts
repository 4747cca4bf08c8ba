/**
 * The Pulumi program: prepare (settings and the resolved catalogue, or problems), read the
 * rollout records, then deploy what the catalogue and the records say together.
 * index.ts runs it under `pulumi up`; the offline plan runs index.ts under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { rolloutTableName } from "../catalogue/names";
import { applyRollouts } from "../rollout/effective";
import { deploy } from "./deploy";
import type { DeployedStack } from "./deploy";
import { deployedCatalogue } from "./layout";
import { prepare } from "./prepare";
import { recordSource } from "./rollout-records";
import { pulumiConfigSource, SettingsError } from "./settings";

/** An invalid catalogue stops the program before any resource is registered. */
export class InvalidCatalogueError extends pulumi.RunError {
  constructor(problems: string[]) {
    super(`the catalogue is invalid; nothing was deployed:\n${problems.join("\n")}`);
  }
}

/** A catalogue the rollout records cannot be applied to stops the program the same way. */
export class RolloutConflictError extends pulumi.RunError {
  constructor(problems: string[]) {
    super(
      `the catalogue conflicts with a rollout in progress; nothing was deployed:\n${problems.join("\n")}`,
    );
  }
}

export async function program(): Promise<DeployedStack> {
  const prepared = prepare(pulumiConfigSource(), pulumi.getProject(), pulumi.getStack());
  if (!prepared.ok)
    throw prepared.invalid === "settings"
      ? new SettingsError(prepared.problems)
      : new InvalidCatalogueError(prepared.problems);
  const { settings } = prepared;
  const models = deployedCatalogue(prepared.catalogue, settings.layout).models.map((m) => m.name);
  const records = await recordSource().read(
    rolloutTableName(settings.deployment),
    settings.region,
    models,
  );
  const applied = applyRollouts(prepared.catalogue, records);
  if (!applied.ok) throw new RolloutConflictError(applied.problems);
  return deploy(prepared.catalogue, settings, applied.applied.views);
}
