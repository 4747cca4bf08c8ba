/**
 * How the front door reaches the load balancers: a VPC link (v2) in the load balancers'
 * subnets, with a security group of its own. Each load balancer admits only this group
 * (ingress.ts), so nothing reaches a model around the front door.
 *
 * A VPC link v2's subnets and security groups cannot change after creation (API Gateway guide,
 * "Set up VPC links V2"): a change replaces it; Pulumi creates the new link first and the
 * integrations move to it before the old one is deleted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { vpcLinkName } from "../catalogue/names";

export interface FrontDoorLinkArgs {
  stack: string;
  vpcId: string;
  subnetIds: string[];
  tags: Record<string, string>;
}

export class FrontDoorLink extends pulumi.ComponentResource {
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly vpcLink: aws.apigatewayv2.VpcLink;

  constructor(name: string, args: FrontDoorLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:FrontDoorLink", name, {}, opts);
    // Auto-named, as the load balancers' group: a description change replaces it.
    this.securityGroup = new aws.ec2.SecurityGroup(
      name,
      {
        vpcId: args.vpcId,
        description: `maas ${args.stack}: API Gateway VPC link to the model load balancers`,
        revokeRulesOnDelete: true,
        tags: args.tags,
      },
      { parent: this },
    );
    this.vpcLink = new aws.apigatewayv2.VpcLink(
      name,
      {
        name: vpcLinkName(args.stack),
        subnetIds: args.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ vpcLinkId: this.vpcLink.id });
  }
}
