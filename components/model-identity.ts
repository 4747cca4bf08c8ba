/**
 * A model's AWS identity: an IAM role that only the model's ServiceAccount can assume (IRSA or
 * EKS Pod Identity, chosen by stack config) and that may only read the model's own artifacts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  artifactReadPolicy,
  irsaTrustPolicy,
  podIdentityTrustPolicy,
} from "./specs/model-policies";
import type { ServiceAccountRef } from "./specs/model-policies";

/**
 * How pods get the role's credentials. The other mechanism's key, when the stack sets it too,
 * is trusted as well: the way to switch without pods that cannot renew (docs/changing.md,
 * "Changing a running stack").
 */
export type IdentityBinding =
  | { mode: "irsa"; oidcProviderArn: string; clusterName?: string }
  | { mode: "pod-identity"; clusterName: string; oidcProviderArn?: string };

export interface ModelIdentityArgs {
  model: string;
  /** IAM role name (names.ts roleName). */
  roleName: string;
  serviceAccount: ServiceAccountRef;
  binding: IdentityBinding;
  bucketArn: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Tags of the role (the model and its owner; stack-wide tags come from the provider). */
  tags: Record<string, string>;
}

export class ModelIdentity extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  /**
   * What must exist before the model's pods are admitted: EKS injects credentials at pod
   * creation only (IRSA webhook: operations CREATE; Pod Identity: "when Amazon EKS starts a new
   * pod"), and a pod started before its role's policy would fail its first reads.
   */
  public readonly admission: pulumi.Resource[];
  /** `<mode> <role ARN>`: what the pods' credentials come from (specs/admission.ts). */
  public readonly podIdentity: pulumi.Output<string>;
  /** Annotations the ServiceAccount needs (IRSA); none for Pod Identity. */
  public readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;

  constructor(name: string, args: ModelIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:identity:ModelIdentity", name, {}, opts);
    const { binding } = args;
    // Both mechanisms while a stack switches between them: pods admitted under the old one keep
    // renewing their credentials until they are replaced, since a role's trust changes at once.
    const trusted = [
      ...(binding.oidcProviderArn === undefined
        ? []
        : [irsaTrustPolicy(binding.oidcProviderArn, args.serviceAccount)]),
      ...(binding.clusterName === undefined
        ? []
        : [podIdentityTrustPolicy(binding.clusterName, args.serviceAccount)]),
    ];
    const trust = { ...trusted[0]!, Statement: trusted.flatMap((policy) => policy.Statement) };

    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: `maas: model ${args.model} reads its artifacts`,
        assumeRolePolicy: JSON.stringify(trust),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-artifacts`,
      {
        role: this.role.name,
        policy: pulumi
          .all([args.bucketArn, args.keyArn, args.region])
          .apply(([bucketArn, keyArn, region]) =>
            JSON.stringify(artifactReadPolicy({ model: args.model, bucketArn, keyArn, region })),
          ),
      },
      { parent: this },
    );

    if (binding.mode === "pod-identity") {
      const association = new aws.eks.PodIdentityAssociation(
        name,
        {
          clusterName: binding.clusterName,
          namespace: args.serviceAccount.namespace,
          serviceAccount: args.serviceAccount.serviceAccount,
          roleArn: this.role.arn,
          tags: args.tags,
        },
        { parent: this },
      );
      this.admission = [this.role, policy, association];
    } else {
      this.serviceAccountAnnotations = { "eks.amazonaws.com/role-arn": this.role.arn };
      this.admission = [this.role, policy];
    }
    this.podIdentity = pulumi.interpolate`${binding.mode} ${this.role.arn}`;
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
