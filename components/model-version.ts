/**
 * One served version of a model in Kubernetes: its Service (ClusterIP), the TargetGroupBinding
 * that registers the Service's pods in the version's target group, its Deployment,
 * HorizontalPodAutoscaler and PodDisruptionBudget. Retired versions get none of these.
 *
 * The Deployment comes last, after everything its pods receive only when they are admitted:
 * the binding (the load balancer controller injects readiness gates for the bindings that exist
 * then: pkg/inject/pod_readiness/pod_readiness_gate.go) and what the caller lists in
 * `admission` (the rule that puts the target group in use, the IAM role's policy or Pod
 * Identity association: EKS injects credentials into pods at creation only).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedModel, ResolvedVersion } from "../catalogue";
import { targetGroupBindingName } from "../catalogue/names";
import { kind } from "../kinds";
import { admissionAnnotations } from "./specs/admission";
import { autoscalerSpec, disruptionBudgetSpec } from "./specs/autoscaling";
import { deploymentSpec, progressDeadlineSeconds } from "./specs/deployment";
import { versionLabels, versionSelector } from "./specs/labels";
import { PORT_NAME } from "./specs/pod";
import type { GpuScheduling } from "./specs/pod";
import { targetGroupBindingSpec } from "./specs/target-group-binding";

/** The Service port the load balancer's target group and in-cluster clients use. */
export const SERVICE_PORT = 80;

/** The binding's record (kinds/kubernetes.ts): the fields the controller refuses to update. */
const TARGET_GROUP_BINDING = kind("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");

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
  /** The version's target group (model-routing.ts): its ARN and physical name. */
  targetGroup: { arn: pulumi.Input<string>; name: string };
  vpcId: string;
  /** The load balancer's security group: the controller opens the pods to it. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** What must exist before the first pod is admitted (besides the binding). */
  admission: pulumi.Resource[];
  /** The identity the pods are admitted with (`<mode> <role ARN>`): a change rolls them. */
  identity: pulumi.Input<string>;
  /** The load balancer's idle timeout, where raised: the server keeps connections longer. */
  loadBalancerIdleSeconds?: number;
}

export class ModelVersion extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  public readonly binding: k8s.apiextensions.CustomResource;
  /** What a rollout step scales (maas rollout targets it by URN). */
  public readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  /** `<service>.<namespace>.svc.cluster.local`: the version's in-cluster address. */
  public readonly serviceDnsName: pulumi.Output<string>;

  constructor(name: string, args: ModelVersionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:model:ModelVersion", name, {}, opts);
    const { model, version } = args;
    const labels = versionLabels(model, version);
    const named = { namespace: args.namespace, labels, name: version.workloadName };

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

    const bindingName = targetGroupBindingName(version.workloadName, args.targetGroup.name);
    this.binding = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "elbv2.k8s.aws/v1beta1",
        kind: "TargetGroupBinding",
        metadata: { name: bindingName, namespace: args.namespace, labels },
        spec: targetGroupBindingSpec({
          serviceName: this.service.metadata.name,
          servicePort: SERVICE_PORT,
          targetGroupArn: args.targetGroup.arn,
          vpcId: args.vpcId,
          loadBalancerSecurityGroupId: args.loadBalancerSecurityGroupId,
        }),
      },
      {
        parent: this,
        dependsOn: [this.service],
        // The controller's webhook refuses updates of some fields (its kind's record,
        // refusedInPlace); the name changes with the target group, so the replacement is created
        // before the old binding is deleted.
        replaceOnChanges: [...TARGET_GROUP_BINDING.refusedInPlace!],
      },
    );

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
          admission: admissionAnnotations({
            targetGroupBinding: bindingName,
            identity: args.identity,
          }),
          loadBalancerIdleSeconds: args.loadBalancerIdleSeconds,
        }),
      },
      {
        parent: this,
        dependsOn: [this.binding, ...args.admission],
        // The autoscaler owns the replica count after the first rollout (specs/deployment.ts).
        ignoreChanges: ["spec.replicas"],
        // The provider waits for the rollout; Kubernetes fails it at the progress deadline first.
        customTimeouts: { create: `${rolloutMinutes}m`, update: `${rolloutMinutes}m` },
      },
    );

    this.autoscaler = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
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
