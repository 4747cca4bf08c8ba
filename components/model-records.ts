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
import * as random from "@pulumi/random";
import type { ResolvedModel } from "../catalogue";
import { formerName, imageRecordName, versionRecordName } from "../catalogue/names";
import { REGISTRY_TABLE } from "./registry";
import { imageItem, registryItem } from "./specs/registry-item";

export interface ModelRecordsArgs {
  model: ResolvedModel;
  environment: string;
  tableName: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  /** Digest-pinned references of the served versions, by version key. */
  images: Record<string, pulumi.Input<string>>;
  /**
   * The logical names of the stack's image items, every model's (names.ts imageRecordName): a
   * version item renamed apart from them keeps its former name through an alias only where none
   * of them holds it.
   */
  imageRecordNames: ReadonlySet<string>;
}

export class ModelRecords extends pulumi.ComponentResource {
  constructor(name: string, args: ModelRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:registry:ModelRecords", name, {}, opts);
    for (const version of args.model.versions) {
      const image = args.images[version.version];
      const record = versionRecordName(version.workloadName);
      const formerly = formerName(record, args.imageRecordNames);
      new aws.dynamodb.TableItem(
        record.name,
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
        {
          parent: this,
          retainOnDelete: true,
          ...(formerly === undefined ? {} : { aliases: [{ name: formerly }] }),
        },
      );
      if (image === undefined) continue;
      // A generation drawn for each image the version runs (a new image, a new one, also when
      // an earlier image comes back): the item's key carries it, so an image run again never
      // meets the item its first run left, which the provider's create refuses to overwrite
      // (PutItem with attribute_not_exists: terraform-provider-aws table_item.go, "Explode if
      // item exists. We didn't create it.").
      const generation = new random.RandomId(
        imageRecordName(version.workloadName),
        { byteLength: 4, keepers: { image } },
        { parent: this },
      );
      new aws.dynamodb.TableItem(
        imageRecordName(version.workloadName),
        {
          tableName: args.tableName,
          hashKey: REGISTRY_TABLE.hashKey,
          rangeKey: REGISTRY_TABLE.rangeKey,
          item: pulumi.all([image, generation.hex]).apply(([imageReference, drawn]) =>
            JSON.stringify(
              imageItem({
                model: args.model.name,
                version: version.version,
                environment: args.environment,
                imageReference,
                generation: drawn,
              }),
            ),
          ),
        },
        // A new image is a new item (replaced, not updated: an update that changes the key
        // deletes the old item), and the old one stays in the table (retained).
        { parent: this, retainOnDelete: true, replaceOnChanges: ["item"] },
      );
    }
    this.registerOutputs({});
  }
}
