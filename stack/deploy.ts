/**
 * deploy(catalogue, settings): everything the stack creates, from the resolved catalogue and
 * the stack settings. The same function runs under `pulumi up` and under the offline plan.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedCatalogue } from "../catalogue";
import { fitName, NAME_LIMITS, modelNamespace } from "../catalogue/names";
import { ModelIdentity } from "../components/model-identity";
import { ModelImages } from "../components/model-images";
import { ModelRecords } from "../components/model-records";
import { ModelService } from "../components/model-service";
import { ModelRegistry } from "../components/registry";
import { repositoryName } from "../components/specs/ecr";
import type { StackSettings } from "./settings";
import { modelTags, stackTags } from "./tags";

/** EKS Pod Identity agent address: pods fetch credentials from it (IPv4, port 80). */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };

/** GPU nodes carry this taint (EKS GPU AMIs, NVIDIA GPU operator); GPU pods tolerate it. */
const GPU_TOLERATIONS = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];

export interface DeployedVersion {
  serviceDnsName: pulumi.Output<string>;
  image: pulumi.Output<string>;
}

export interface DeployedModel {
  namespace: pulumi.Output<string>;
  roleArn: pulumi.Output<string>;
  repositoryUrl?: pulumi.Output<string>;
  versions: Record<string, DeployedVersion>;
}

export interface DeployedStack {
  registry: { bucket: pulumi.Output<string>; table: pulumi.Output<string> };
  models: Record<string, DeployedModel>;
}

export function deploy(catalogue: ResolvedCatalogue, settings: StackSettings): DeployedStack {
  const awsProvider = new aws.Provider("aws", {
    region: settings.region,
    defaultTags: { tags: stackTags(settings) },
  });
  // Built from stack config only: never whatever kubeconfig context happens to be current.
  const kubernetes = new k8s.Provider("kubernetes", {
    ...(settings.kubernetes.kubeconfig
      ? { kubeconfig: settings.kubernetes.kubeconfig }
      : { context: settings.kubernetes.context }),
    enableServerSideApply: true,
  });
  const onAws = { providers: [awsProvider] };
  const account = aws.getCallerIdentityOutput({}, { provider: awsProvider });

  const registry = new ModelRegistry(
    "registry",
    { accountId: account.accountId, stack: settings.stack, catalogue, protect: settings.protect },
    onAws,
  );

  const models: Record<string, DeployedModel> = {};
  for (const model of catalogue.models) {
    const images = new ModelImages(
      model.name,
      {
        model,
        repositoryName: repositoryName(settings.stack, model.name),
        kmsKeyArn: registry.key.arn,
        keepImages: settings.images.keep,
        platform: settings.images.platform,
        forceDelete: !settings.protect,
        tags: modelTags(model),
      },
      onAws,
    );
    const serviceAccount = {
      namespace: modelNamespace(model.name),
      serviceAccount: modelNamespace(model.name),
    };
    const identity = new ModelIdentity(
      model.name,
      {
        model: model.name,
        roleName: fitName(`maas-${settings.stack}-${model.name}`, NAME_LIMITS.iamRole),
        serviceAccount,
        binding: settings.identity,
        bucketArn: registry.bucket.arn,
        keyArn: registry.key.arn,
        region: settings.region,
        tags: modelTags(model),
      },
      onAws,
    );
    const service = new ModelService(
      model.name,
      {
        model,
        images: images.references,
        artifactBucket: registry.bucketName,
        ...(identity.serviceAccountAnnotations
          ? { serviceAccountAnnotations: identity.serviceAccountAnnotations }
          : {}),
        vpcCidr: settings.network.vpcCidr,
        ...(settings.identity.mode === "pod-identity"
          ? {
              extraEgress: [
                {
                  to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }],
                  ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }],
                },
              ],
            }
          : {}),
        gpu: { nodeSelector: settings.gpu.nodeSelector, tolerations: GPU_TOLERATIONS },
      },
      { providers: [kubernetes] },
    );
    new ModelRecords(
      model.name,
      {
        model,
        environment: settings.environment,
        tableName: registry.tableName,
        bucketName: registry.bucketName,
        images: images.references,
      },
      onAws,
    );
    models[model.name] = {
      namespace: service.namespace,
      roleArn: identity.role.arn,
      ...(images.repository ? { repositoryUrl: images.repository.repositoryUrl } : {}),
      versions: Object.fromEntries(
        Object.entries(service.versions).map(([version, workload]) => [
          version,
          { serviceDnsName: workload.serviceDnsName, image: images.references[version]! },
        ]),
      ),
    };
  }
  return { registry: { bucket: registry.bucketName, table: registry.tableName }, models };
}
