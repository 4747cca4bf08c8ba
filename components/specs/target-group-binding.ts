/**
 * The TargetGroupBinding spec (AWS Load Balancer Controller CRD elbv2.k8s.aws/v1beta1): the
 * controller registers the pods behind a Service in the target group, with each pod's own port,
 * and opens the pods' security groups to the load balancer.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface TargetGroupBindingInputs {
  serviceName: pulumi.Input<string>;
  servicePort: number;
  targetGroupArn: pulumi.Input<string>;
  vpcId: string;
  loadBalancerSecurityGroupId: pulumi.Input<string>;
}

export function targetGroupBindingSpec(inputs: TargetGroupBindingInputs): Record<string, unknown> {
  return {
    serviceRef: { name: inputs.serviceName, port: inputs.servicePort },
    targetGroupARN: inputs.targetGroupArn,
    targetType: "ip",
    // Needs controller v2.8 or newer (the field arrived in v2.8.0).
    vpcID: inputs.vpcId,
    networking: {
      ingress: [
        {
          from: [{ securityGroup: { groupID: inputs.loadBalancerSecurityGroupId } }],
          // No port: every port of the pods (apis/elbv2/v1beta1 NetworkingPort: "if port is
          // unspecified, it defaults to all ports"). A model's port change rolls its pods from
          // the old port to the new; a rule for one port would cut the old pods off mid-rollout.
          // (An empty `ports` list is not the same: the controller then adds no rule at all.)
          ports: [{ protocol: "TCP" }],
        },
      ],
    },
  };
}
