/**
 * The registry table item of a model version (docs/setup.md, "Registry schema"), in DynamoDB's
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

/**
 * The item that keeps what a version ran, for ever: one per image a version ran, its key
 * `<version>@<digest>#<generation>` (after the version's own item in the table's sort order).
 * Nothing in it ever changes: a new image is a new item, and the old one stays
 * (model-records.ts), also when the version is retired, which drops the version item's
 * imageReference.
 */
export function imageItem(inputs: {
  model: string;
  version: string;
  environment: string;
  /** `repository@sha256:…`, as the Deployment runs it. */
  imageReference: string;
  /** Drawn when the version started running this image (model-records.ts). */
  generation: string;
}): Record<string, AttributeValue> {
  const digest = inputs.imageReference.slice(inputs.imageReference.lastIndexOf("@") + 1);
  return {
    model: { S: inputs.model },
    version: { S: `${inputs.version}@${digest}#${inputs.generation}` },
    kind: { S: "image" },
    versionKey: { S: inputs.version },
    environment: { S: inputs.environment },
    imageReference: { S: inputs.imageReference },
  };
}
