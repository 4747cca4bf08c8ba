/**
 * The registry table item of a model version (docs/operations.md, "Registry schema"), in DynamoDB's
 * attribute-value JSON. Nothing time-dependent goes in, so an unchanged version is no diff.
 */
import type { ResolvedModel, ResolvedVersion } from "../../catalogue";

type AttributeValue = { S: string } | { N: string };

export interface RegistryItemInputs {
  model: ResolvedModel;
  version: ResolvedVersion;
  environment: string;
  /** `repository@sha256:…`, or undefined for a retired version without an image. */
  imageReference?: string;
  artifactUri: string;
}

export function registryItem(inputs: RegistryItemInputs): Record<string, AttributeValue> {
  const { model, version } = inputs;
  return {
    model: { S: model.name },
    version: { S: version.version },
    status: { S: version.status },
    traffic: { N: String(version.traffic) },
    owner: { S: model.owner },
    environment: { S: inputs.environment },
    artifactUri: { S: inputs.artifactUri },
    ...(inputs.imageReference ? { imageReference: { S: inputs.imageReference } } : {}),
    sloLatencyP99Ms: { N: String(version.slo.latencyP99Ms) },
    sloErrorRatePercent: { N: String(version.slo.errorRatePercent) },
  };
}

/** The reference a retired version's record keeps: its catalogue image if it names one. */
export function retiredImageReference(version: ResolvedVersion): string | undefined {
  return version.image?.kind === "image" ? version.image.reference : undefined;
}
