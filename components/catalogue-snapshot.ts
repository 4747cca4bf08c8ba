/**
 * The catalogue snapshot: what a stack deploys (its part of the resolved catalogue) as JSON in
 * the registry bucket, at `_maas/catalogue/<stack>.json`, for tools that read what is deployed
 * and for `maas diff`, which compares a plan's models through it. Every stack writes its own:
 * a single stack all models, a base none, a shard its shard's.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";

/** Where a stack's snapshot lives: outside every model's `<model>/` prefix. */
export function catalogueSnapshotKey(stack: string): string {
  return `_maas/catalogue/${stack}.json`;
}

export interface CatalogueSnapshotArgs {
  bucket: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
  stack: string;
  catalogue: ResolvedCatalogue;
}

export function catalogueSnapshot(
  name: string,
  args: CatalogueSnapshotArgs,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketObjectv2 {
  return new aws.s3.BucketObjectv2(
    name,
    {
      bucket: args.bucket,
      key: catalogueSnapshotKey(args.stack),
      content: `${JSON.stringify(args.catalogue, null, 2)}\n`,
      contentType: "application/json",
      serverSideEncryption: "aws:kms",
      kmsKeyId: args.keyArn,
    },
    opts,
  );
}
