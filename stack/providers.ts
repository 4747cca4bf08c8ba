/** The stack's providers, built from its settings only. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "./settings";
import { stackTags } from "./tags";

export interface Providers {
  aws: aws.Provider;
  onAws: pulumi.ComponentResourceOptions;
  /** The cluster's provider, made when the first model needs it: a base stack has none. */
  onKubernetes: () => pulumi.ComponentResourceOptions;
}

export function stackProviders(settings: StackSettings): Providers {
  const awsProvider = new aws.Provider("aws", {
    region: settings.region,
    defaultTags: { tags: stackTags(settings) },
  });
  let kubernetes: k8s.Provider | undefined;
  return {
    aws: awsProvider,
    onAws: { providers: [awsProvider] },
    onKubernetes: () => {
      // Built from stack config only: never whatever kubeconfig context happens to be current.
      kubernetes ??= new k8s.Provider("kubernetes", {
        ...(settings.kubernetes.kubeconfig
          ? { kubeconfig: settings.kubernetes.kubeconfig }
          : { context: settings.kubernetes.context }),
        enableServerSideApply: true,
      });
      return { providers: [kubernetes] };
    },
  };
}
