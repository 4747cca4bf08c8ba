/**
 * IAM documents of a model's role: who may assume it (only the model's ServiceAccount, through
 * IRSA or EKS Pod Identity) and what it may do (read its own artifacts, nothing else).
 */
import { policyDocument } from "./policy-document";
import type { PolicyDocument } from "./policy-document";

export interface ServiceAccountRef {
  namespace: string;
  serviceAccount: string;
}

/** The OIDC issuer (host/path, no scheme) of an IAM OIDC provider ARN. */
export function oidcIssuer(oidcProviderArn: string): string {
  const issuer = oidcProviderArn.split(":oidc-provider/")[1];
  if (!issuer) throw new Error(`not an IAM OIDC provider ARN: ${oidcProviderArn}`);
  return issuer;
}

/**
 * The ids of a model role's trust statements, by how its pods are admitted: the transition rules
 * tell by them what a role trusts (change/transition-rules.ts, RULES-24).
 */
export const TRUST_STATEMENT_IDS = {
  irsa: "ModelServiceAccountViaIrsa",
  podIdentity: "ModelServiceAccountViaPodIdentity",
} as const;

/** IRSA: web identity from the cluster's OIDC provider, pinned to one ServiceAccount and STS. */
export function irsaTrustPolicy(
  oidcProviderArn: string,
  account: ServiceAccountRef,
): PolicyDocument {
  const issuer = oidcIssuer(oidcProviderArn);
  return policyDocument({
    Sid: TRUST_STATEMENT_IDS.irsa,
    Effect: "Allow",
    Principal: { Federated: oidcProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: `system:serviceaccount:${account.namespace}:${account.serviceAccount}`,
        [`${issuer}:aud`]: "sts.amazonaws.com",
      },
    },
  });
}

/** EKS Pod Identity: the EKS auth service, narrowed by its session tags to one cluster and ServiceAccount. */
export function podIdentityTrustPolicy(
  clusterName: string,
  account: ServiceAccountRef,
): PolicyDocument {
  return policyDocument({
    Sid: TRUST_STATEMENT_IDS.podIdentity,
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: {
      StringEquals: {
        "aws:RequestTag/eks-cluster-name": clusterName,
        "aws:RequestTag/kubernetes-namespace": account.namespace,
        "aws:RequestTag/kubernetes-service-account": account.serviceAccount,
      },
    },
  });
}

export interface ArtifactAccess {
  model: string;
  bucketArn: string;
  keyArn: string;
  region: string;
}

/** Read `s3://<bucket>/<model>/*` and list that prefix; decrypt with the registry key via S3 only. */
export function artifactReadPolicy(access: ArtifactAccess): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadOwnArtifacts",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${access.bucketArn}/${access.model}/*`,
    },
    {
      Sid: "ListOwnPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: access.bucketArn,
      Condition: { StringLike: { "s3:prefix": [`${access.model}/*`, `${access.model}/`] } },
    },
    {
      Sid: "DecryptArtifactsThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: access.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${access.region}.amazonaws.com` } },
    },
  );
}
