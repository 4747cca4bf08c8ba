/**
 * The load balancers, their listeners, rules and target groups, and the security groups with their
 * rules.
 */
import type { ResourceKind } from "./kind";
import { arn, autoName, hex } from "./placeholder";
import { joined, securityGroupRule } from "./physical-name";

export const NETWORK_KINDS: readonly ResourceKind[] = [
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    forcesReplacement: ["name", "description", "vpcId"],
    deployer: [
      "ec2:CreateSecurityGroup",
      "ec2:DeleteSecurityGroup",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSecurityGroupRules",
      "ec2:DescribeNetworkInterfaces",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
  },
  {
    type: "aws:lb/listener:Listener",
    forcesReplacement: ["loadBalancerArn"],
    physicalName: { of: (i) => [joined("listener on port", i.port, "of", i.loadBalancerArn)] },
    placeholder: (name, inputs, context) => {
      const listener = arn(
        context,
        "elasticloadbalancing",
        `listener/app/${hex(`lb:${name}`, 12)}/${hex(name, 16)}/${hex(`listener:${name}`, 16)}`,
      );
      return { id: listener, state: { ...inputs, arn: listener } };
    },
    deployer: [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:DescribeTags",
    ],
  },
  {
    type: "aws:lb/listenerRule:ListenerRule",
    forcesReplacement: ["listenerArn"],
    physicalName: {
      of: (i) => [joined("listener rule priority", i.priority, "of", i.listenerArn)],
    },
    deployer: [
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:SetRulePriorities",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:DescribeTags",
    ],
  },
  // The first load balancer of an account creates ELB's service-linked role.
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    forcesReplacement: ["name", "internal", "loadBalancerType"],
    physicalName: { of: (i) => [joined("load balancer", i.name)], scope: "region" },
    placeholder: (name, inputs, context) => {
      const lb = autoName(name, inputs);
      const suffix = `app/${lb}/${hex(name, 16)}`;
      const state = {
        ...inputs,
        name: lb,
        arn: arn(context, "elasticloadbalancing", `loadbalancer/${suffix}`),
        arnSuffix: suffix,
      };
      return {
        id: state.arn,
        state: {
          ...state,
          dnsName: `${inputs.internal === false ? "" : "internal-"}${lb}-${hex(name, 10)}.${context.region}.elb.amazonaws.com`,
          zoneId: "Z0PLACEHOLDER",
        },
      };
    },
    deployer: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
      "elasticloadbalancing:DescribeTags",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
      "ec2:DescribeInternetGateways",
      "ec2:DescribeAccountAttributes",
      "iam:CreateServiceLinkedRole",
    ],
  },
  {
    type: "aws:lb/targetGroup:TargetGroup",
    forcesReplacement: ["name", "port", "protocol", "protocolVersion", "targetType", "vpcId"],
    physicalName: { of: (i) => [joined("target group", i.name)], scope: "region" },
    placeholder: (name, inputs, context) => {
      const group = autoName(name, inputs);
      const suffix = `targetgroup/${group}/${hex(name, 16)}`;
      const state = {
        ...inputs,
        name: group,
        arn: arn(context, "elasticloadbalancing", suffix),
        arnSuffix: suffix,
      };
      return { id: state.arn, state };
    },
    deployer: [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:DescribeTags",
    ],
  },
  {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    forcesReplacement: ["securityGroupId"],
    physicalName: { of: securityGroupRule("egress") },
    deployer: [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:ModifySecurityGroupRules",
      "ec2:DescribeSecurityGroupRules",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
  },
  {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    forcesReplacement: ["securityGroupId"],
    physicalName: { of: securityGroupRule("ingress") },
    deployer: [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:ModifySecurityGroupRules",
      "ec2:DescribeSecurityGroupRules",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
  },
];
