/**
 * The Pulumi program: read the stack settings once, load and check the catalogue, deploy.
 * index.ts runs it under `pulumi up`; the offline plan runs the same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkCatalogueFile, formatProblem, resolveChecked } from "../catalogue";
import { deploy } from "./deploy";
import type { DeployedStack } from "./deploy";
import { catalogueCheckOptions } from "./layout";
import { pulumiConfigSource, readSettings } from "./settings";

/** An invalid catalogue stops the program before any resource is registered. */
export class InvalidCatalogueError extends pulumi.RunError {
  constructor(problems: string[]) {
    super(`the catalogue is invalid; nothing was deployed:\n${problems.join("\n")}`);
  }
}

export function program(): DeployedStack {
  const settings = readSettings(pulumiConfigSource(), pulumi.getProject(), pulumi.getStack());
  const checked = checkCatalogueFile(settings.catalogue, catalogueCheckOptions(settings));
  if (!checked.ok) throw new InvalidCatalogueError(checked.problems.map(formatProblem));
  return deploy(resolveChecked(checked, settings.environment), settings);
}
