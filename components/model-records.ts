/**
 * A model's records in the registry table: one item per version, retired versions included,
 * so the registry answers "what ran, where, at what traffic" for every version ever listed.
 * The registry is history: an item is never deleted by `pulumi up`, also when its version or
 * model leaves the catalogue (retire it first, so the item says so).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { REGISTRY_TABLE } from "./registry";
import { registryItem, retiredImageReference } from "./specs/registry-item";

export interface ModelRecordsArgs {
  model: ResolvedModel;
  environment: string;
  tableName: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  /** Digest-pinned references of the served versions, by version key. */
  images: Record<string, pulumi.Input<string>>;
}

export class ModelRecords extends pulumi.ComponentResource {
  constructor(name: string, args: ModelRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:registry:ModelRecords", name, {}, opts);
    for (const version of args.model.versions) {
      const image = args.images[version.version] ?? retiredImageReference(version);
      new aws.dynamodb.TableItem(
        version.workloadName,
        {
          tableName: args.tableName,
          hashKey: REGISTRY_TABLE.hashKey,
          rangeKey: REGISTRY_TABLE.rangeKey,
          item: pulumi.all([args.bucketName, image]).apply(([bucket, imageReference]) =>
            JSON.stringify(
              registryItem({
                model: args.model,
                version,
                environment: args.environment,
                artifactUri: `s3://${bucket}/${args.model.name}/${version.version}/`,
                ...(imageReference ? { imageReference } : {}),
              }),
            ),
          ),
        },
        { parent: this, retainOnDelete: true },
      );
    }
    this.registerOutputs({});
  }
}
