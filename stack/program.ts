/**
 * The Pulumi program: prepare (settings and the resolved catalogue, or problems), then deploy.
 * index.ts runs it under `pulumi up`; the offline plan runs index.ts under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { deploy } from "./deploy";
import type { DeployedStack } from "./deploy";
import { prepare } from "./prepare";
import { pulumiConfigSource, SettingsError } from "./settings";

/** An invalid catalogue stops the program before any resource is registered. */
export class InvalidCatalogueError extends pulumi.RunError {
  constructor(problems: string[]) {
    super(`the catalogue is invalid; nothing was deployed:\n${problems.join("\n")}`);
  }
}

export function program(): DeployedStack {
  const prepared = prepare(pulumiConfigSource(), pulumi.getProject(), pulumi.getStack());
  if (!prepared.ok)
    throw prepared.invalid === "settings"
      ? new SettingsError(prepared.problems)
      : new InvalidCatalogueError(prepared.problems);
  return deploy(prepared.catalogue, prepared.settings);
}
