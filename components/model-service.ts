/**
 * A model on Kubernetes: its namespace (Pod Security "restricted", load balancer readiness gates
 * injected), its ServiceAccount (bound to the model's IAM role), default-deny NetworkPolicies
 * with the allows a model server needs, and a ModelVersion for every version that is not retired.
 */
import { servedVersions } from "../catalogue";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel } from "../catalogue";
import { modelNamespace } from "../catalogue/names";
import { ModelVersion } from "./model-version";
import { modelLabels } from "./specs/labels";
import { namespaceMetadata } from "./specs/namespace";
import { allowModelTrafficSpec, denyAllSpec } from "./specs/network-policy";
import type { GpuScheduling } from "./specs/pod";

export interface ModelServiceArgs {
  model: ResolvedModel;
  /** Digest-pinned image reference per version key (versions not retired). */
  images: Record<string, pulumi.Input<string>>;
  /** The registry bucket: each version reads `s3://<bucket>/<model>/<version>/`. */
  artifactBucket: pulumi.Input<string>;
  /** Annotations binding the ServiceAccount to the model's IAM role (IRSA), if any. */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /** Who may reach the model port on its pods (stack/deploy.ts, podIngressSources). */
  podIngressSources: pulumi.Input<string>[];
  /** Extra egress for the model's pods (e.g. the EKS Pod Identity agent). */
  extraEgress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
  gpu: GpuScheduling;
  /** The served versions' target groups (model-routing.ts), by version key. */
  targetGroups: Record<string, { arn: pulumi.Input<string>; name: string }>;
  vpcId: string;
  /** The load balancer's security group: the controller opens the pods to it. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** What must exist before any pod of the model is admitted (model-version.ts). */
  admission: pulumi.Resource[];
  /** The identity the pods are admitted with (model-identity.ts). */
  identity: pulumi.Input<string>;
  /** The model's load balancer's idle timeout, where raised (specs/pod.ts tells the server). */
  loadBalancerIdleSeconds?: number;
}

export class ModelService extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly serviceAccountName: pulumi.Output<string>;
  /** Served versions by version key. */
  public readonly versions: Record<string, ModelVersion> = {};

  constructor(name: string, args: ModelServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:model:ModelService", name, {}, opts);
    const { model } = args;
    const labels = modelLabels(model);

    const namespace = new k8s.core.v1.Namespace(
      name,
      { metadata: namespaceMetadata(model) },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      {
        metadata: {
          name: modelNamespace(model.name),
          namespace: this.namespace,
          labels,
          ...(args.serviceAccountAnnotations
            ? { annotations: args.serviceAccountAnnotations }
            : {}),
        },
        automountServiceAccountToken: false,
      },
      { parent: this },
    );
    this.serviceAccountName = serviceAccount.metadata.name;

    new k8s.networking.v1.NetworkPolicy(
      `${name}-deny-all`,
      { metadata: { name: "deny-all", namespace: this.namespace, labels }, spec: denyAllSpec() },
      { parent: this },
    );
    const served = servedVersions(model);
    new k8s.networking.v1.NetworkPolicy(
      `${name}-model-traffic`,
      {
        metadata: { name: "model-traffic", namespace: this.namespace, labels },
        spec: allowModelTrafficSpec({
          model: model.name,
          sources: args.podIngressSources,
          ...(args.extraEgress ? { extraEgress: args.extraEgress } : {}),
        }),
      },
      { parent: this },
    );

    for (const version of served) {
      const image = args.images[version.version];
      const targetGroup = args.targetGroups[version.version];
      if (image === undefined || targetGroup === undefined)
        throw new pulumi.ResourceError(
          `no image or target group for ${model.name} ${version.version}`,
          this,
        );
      this.versions[version.version] = new ModelVersion(
        version.workloadName,
        {
          model,
          version,
          namespace: this.namespace,
          serviceAccountName: this.serviceAccountName,
          image,
          artifactUri: pulumi.interpolate`s3://${args.artifactBucket}/${model.name}/${version.version}/`,
          gpu: args.gpu,
          targetGroup,
          vpcId: args.vpcId,
          loadBalancerSecurityGroupId: args.loadBalancerSecurityGroupId,
          admission: [namespace, serviceAccount, ...args.admission],
          identity: args.identity,
          loadBalancerIdleSeconds: args.loadBalancerIdleSeconds,
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
