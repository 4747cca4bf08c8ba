/**
 * One served version of a model: its Deployment, Service (ClusterIP), HorizontalPodAutoscaler
 * and PodDisruptionBudget, in the model's namespace. Retired versions get none of these.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel, ResolvedVersion } from "../catalogue";
import { autoscalerSpec, disruptionBudgetSpec } from "./specs/autoscaling";
import { deploymentSpec, progressDeadlineSeconds } from "./specs/deployment";
import { versionLabels, versionSelector } from "./specs/labels";
import { PORT_NAME } from "./specs/pod";
import type { GpuScheduling } from "./specs/pod";

/** The Service port the load balancer's target group and in-cluster clients use. */
export const SERVICE_PORT = 80;

export interface ModelVersionArgs {
  model: ResolvedModel;
  version: ResolvedVersion;
  /** The model's namespace. */
  namespace: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  /** Image reference pinned by digest (`repository@sha256:…`). */
  image: pulumi.Input<string>;
  /** `s3://<registry bucket>/<model>/<version>/`. */
  artifactUri: pulumi.Input<string>;
  gpu: GpuScheduling;
}

export class ModelVersion extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  /** `<service>.<namespace>.svc.cluster.local`: the version's in-cluster address. */
  public readonly serviceDnsName: pulumi.Output<string>;

  constructor(name: string, args: ModelVersionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:model:ModelVersion", name, {}, opts);
    const { model, version } = args;
    const labels = versionLabels(model, version);
    const named = { namespace: args.namespace, labels, name: version.workloadName };

    // Auto-named (no metadata.name): a change that replaces the Deployment creates the new one
    // before deleting the old, so a replacement never takes the version down.
    const rolloutMinutes =
      Math.ceil(progressDeadlineSeconds(version.healthCheck.startupSeconds) / 60) + 5;
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { namespace: args.namespace, labels },
        spec: deploymentSpec({
          model,
          version,
          image: args.image,
          artifactUri: args.artifactUri,
          serviceAccountName: args.serviceAccountName,
          gpu: args.gpu,
        }),
      },
      // The provider waits for the rollout; Kubernetes fails it at the progress deadline first.
      {
        parent: this,
        customTimeouts: { create: `${rolloutMinutes}m`, update: `${rolloutMinutes}m` },
      },
    );

    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata: named,
        spec: {
          type: "ClusterIP",
          selector: versionSelector(model.name, version.version),
          ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: PORT_NAME, protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      name,
      { metadata: named, spec: autoscalerSpec(version, this.deployment.metadata.name) },
      { parent: this },
    );

    new k8s.policy.v1.PodDisruptionBudget(
      name,
      { metadata: named, spec: disruptionBudgetSpec(model.name, version) },
      { parent: this },
    );

    this.serviceDnsName = pulumi.interpolate`${this.service.metadata.name}.${this.service.metadata.namespace}.svc.cluster.local`;
    this.registerOutputs({ serviceDnsName: this.serviceDnsName });
  }
}
