/**
 * A model's records in the registry table: one item per version, retired versions included,
 * so the registry answers "what ran, where, at what traffic" for every version ever listed,
 * and one item per image a version ran (specs/registry-item.ts, imageItem), kept for ever.
 * The registry is history: an item is never deleted by `pulumi up`, also when its version or
 * model leaves the catalogue (retire it first, so the item says so).
 *
 * A version item says what the catalogue says now: a retired version's has no imageReference
 * (the catalogue's reference may be a moved tag, or another version's image). What it ran is in
 * its image items, which an update never rewrites: their content is their identity, so a new
 * digest replaces the resource (replaceOnChanges) and the old item is left in the table
 * (retainOnDelete). An update of a TableItem rewrites the item whole (terraform-provider-aws
 * internal/service/dynamodb/table_item.go), so nothing else writes these items.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { imageIdentity } from "../catalogue";
import { REGISTRY_TABLE } from "./registry";
import { shortHash } from "../catalogue/names";
import { imageItem, registryItem } from "./specs/registry-item";

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
      const image = args.images[version.version];
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
      if (image === undefined) continue;
      new aws.dynamodb.TableItem(
        // Named by the catalogue's image of the version: stable while it runs that image.
        `${version.workloadName}-image-${shortHash(imageIdentity(version))}`,
        {
          tableName: args.tableName,
          hashKey: REGISTRY_TABLE.hashKey,
          rangeKey: REGISTRY_TABLE.rangeKey,
          item: pulumi.output(image).apply((imageReference) =>
            JSON.stringify(
              imageItem({
                model: args.model.name,
                version: version.version,
                environment: args.environment,
                imageReference,
              }),
            ),
          ),
        },
        { parent: this, retainOnDelete: true, replaceOnChanges: ["item"] },
      );
    }
    this.registerOutputs({});
  }
}
