/**
 * The stack's entry point: an Application Load Balancer (internal unless configured otherwise)
 * in the configured subnets, its security group, and one listener: HTTPS with the configured ACM
 * certificate (plus an HTTP listener that redirects), or plain HTTP without a certificate.
 * The listener answers 404 itself unless a model's rule (model-routing.ts) matches.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fitName, NAME_LIMITS } from "../catalogue/names";

/** TLS 1.3 and 1.2 only, as AWS recommends for new listeners. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface IngressArgs {
  stack: string;
  vpcId: string;
  vpcCidr: string;
  subnetIds: string[];
  internetFacing: boolean;
  /** Sources allowed to reach the load balancer. */
  allowedCidrs: string[];
  /** HTTPS when set; HTTP otherwise (development). */
  certificateArn?: string;
  /** Existing bucket for access logs, when configured. */
  accessLogsBucket?: string;
  /** Protect the load balancer from deletion (prod). */
  protect: boolean;
}

const NOT_FOUND: aws.types.input.lb.ListenerDefaultAction = {
  type: "fixed-response",
  fixedResponse: {
    contentType: "application/json",
    statusCode: "404",
    messageBody: '{"error":"no model is served at this address"}',
  },
};

export class Ingress extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The listener model rules attach to. */
  public readonly listener: aws.lb.Listener;
  public readonly scheme: "https" | "http";

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:ingress:Ingress", name, {}, opts);
    this.scheme = args.certificateArn ? "https" : "http";
    const listenerPort = this.scheme === "https" ? 443 : 80;

    // Auto-named: a change of description replaces a security group, which needs a new name.
    this.securityGroup = new aws.ec2.SecurityGroup(
      name,
      {
        vpcId: args.vpcId,
        description: `maas ${args.stack}: model load balancer`,
        revokeRulesOnDelete: true,
      },
      { parent: this },
    );
    const ports = this.scheme === "https" ? [443, 80] : [80];
    for (const cidr of args.allowedCidrs) {
      for (const port of ports) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-from-${cidr.replace(/[./]/g, "-")}-${port}`,
          {
            securityGroupId: this.securityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `clients on ${port}`,
          },
          { parent: this },
        );
      }
    }
    // To pod IPs in the VPC, on the unprivileged ports model servers listen on (schema: 1024-65535).
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-pods`,
      {
        securityGroupId: this.securityGroup.id,
        cidrIpv4: args.vpcCidr,
        ipProtocol: "tcp",
        fromPort: 1024,
        toPort: 65535,
        description: "model pods",
      },
      { parent: this },
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        name: fitName(
          `maas-${args.stack}`.replace(/[^A-Za-z0-9-]/g, "-"),
          NAME_LIMITS.loadBalancer,
        ),
        loadBalancerType: "application",
        internal: !args.internetFacing,
        subnets: args.subnetIds,
        securityGroups: [this.securityGroup.id],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableDeletionProtection: args.protect,
        ...(args.accessLogsBucket
          ? {
              accessLogs: {
                bucket: args.accessLogsBucket,
                prefix: `maas/${args.stack}`,
                enabled: true,
              },
            }
          : {}),
      },
      { parent: this },
    );

    this.listener = new aws.lb.Listener(
      `${name}-${this.scheme}`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: listenerPort,
        ...(args.certificateArn
          ? { protocol: "HTTPS", sslPolicy: SSL_POLICY, certificateArn: args.certificateArn }
          : { protocol: "HTTP" }),
        defaultActions: [NOT_FOUND],
      },
      { parent: this },
    );
    if (args.certificateArn) {
      new aws.lb.Listener(
        `${name}-http-redirect`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [
            {
              type: "redirect",
              redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
            },
          ],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ dnsName: this.loadBalancer.dnsName, listenerArn: this.listener.arn });
  }
}
