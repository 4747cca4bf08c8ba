/**
 * Each model's IAM role: assumable only by the model's ServiceAccount (IRSA in dev, EKS Pod
 * Identity in prod), allowed only to read the model's own artifacts. Documents parsed whole.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { projectPlans } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";

let dev: PlanFixture;
let prod: PlanFixture;

beforeAll(async () => ({ dev, prod } = await projectPlans()));

const role = (fixture: PlanFixture, model: string) =>
  fixture.one("aws:iam/role:Role", model).inputs as Record<string, any>;
const OIDC =
  "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

describe("model role", () => {
  it("is named per stack and model, tagged with the model and its owner", () => {
    expect(role(dev, "image-classifier")).toMatchObject({
      name: "maas-dev_image-classifier",
      maxSessionDuration: 3600,
      tags: { "maas:model": "image-classifier", "maas:owner": "vision-team" },
    });
  });

  it("trusts only the model's ServiceAccount through the cluster's OIDC provider (IRSA), for STS", () => {
    expect(JSON.parse(role(dev, "image-classifier").assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ModelServiceAccountViaIrsa",
          Effect: "Allow",
          Principal: { Federated: OIDC },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: "system:serviceaccount:image-classifier:image-classifier",
              [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });

  it("trusts EKS Pod Identity narrowed to the cluster, namespace and ServiceAccount in prod", () => {
    expect(JSON.parse(role(prod, "text-embedder").assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ModelServiceAccountViaPodIdentity",
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:RequestTag/eks-cluster-name": "maas-prod",
              "aws:RequestTag/kubernetes-namespace": "text-embedder",
              "aws:RequestTag/kubernetes-service-account": "text-embedder",
            },
          },
        },
      ],
    });
  });

  it("may read only its own artifacts: GetObject and ListBucket under <model>/, Decrypt via S3", () => {
    const policy = JSON.parse(
      (
        dev.one("aws:iam/rolePolicy:RolePolicy", "image-classifier-artifacts").inputs as Record<
          string,
          any
        >
      ).policy,
    );
    const bucket = policy.Statement[1].Resource as string;
    expect(bucket).toMatch(/^arn:aws:s3:::registry-artifacts-[0-9a-f]{7}$/);
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadOwnArtifacts",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `${bucket}/image-classifier/*`,
        },
        {
          Sid: "ListOwnPrefix",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucket,
          Condition: { StringLike: { "s3:prefix": ["image-classifier/*", "image-classifier/"] } },
        },
        {
          Sid: "DecryptArtifactsThroughS3",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: expect.stringMatching(
            /^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/,
          ),
          Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ],
    });
    for (const statement of policy.Statement) {
      expect(statement.Action).not.toContain("*");
      expect(statement.Resource).not.toBe("*");
    }
  });
});
