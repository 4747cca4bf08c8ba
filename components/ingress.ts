/**
 * The stack's entry point: an Application Load Balancer (internal unless configured otherwise)
 * in the configured subnets, its security group, and its listeners: port 80 always (answering
 * itself, or redirecting to HTTPS when a certificate is configured), HTTPS on 443 with the
 * certificate, and the readiness listener that no client can reach (below). Every listener
 * answers 404 itself unless a model's rule matches.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DIRECT_ACCESS_TAG, loadBalancerName } from "../catalogue/names";
import { DEFAULT_LOAD_BALANCER, PINNED_LISTENER_PORT } from "../catalogue/quotas";

/** TLS 1.3 and 1.2 only, as AWS recommends for new listeners. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The readiness listener's port. Its rules forward to every served version's target group so
 * that each group is "in use": the load balancer health-checks only targets of groups a listener
 * rule uses (ALB guide, target-group-health-checks), and the controller's readiness gate stays
 * False for an unused group's targets (aws-load-balancer-controller,
 * pkg/targetgroupbinding/resource_manager.go, calculateReadinessGateTransition). The security
 * group opens only the client ports, so nothing reaches this listener from outside.
 */
export const READINESS_LISTENER_PORT = 9080;

/**
 * The pinned listener (catalogue/quotas.ts, PINNED_LISTENER_PORT): one rule per model being
 * rolled out forwards to the rising version only (pinned-route.ts), so a smoke-test runner can
 * call it at 0 % before any client does. Not a header rule on the client listener: API Gateway
 * passes clients' headers through, so every consumer could reach 0 % and standby versions. The
 * security group admits its port from maas:pinnedRouteCidrs only (none by default).
 */
export { PINNED_LISTENER_PORT };

/**
 * What a stack's config says of its load balancers: `StackSettings.ingress` (stack/settings.ts
 * reads it from maas:vpcId, maas:subnetIds, …) is this shape, handed over whole.
 */
export interface IngressSettings {
  vpcId: string;
  /** Its subnets (and the VPC link's), sorted: a set to AWS. */
  subnetIds: string[];
  /** HTTPS with this ACM certificate (and HTTP redirected); plain HTTP without one. */
  certificateArn?: string;
  internetFacing: boolean;
  /** Sources allowed to reach the load balancer when there is no front door (default: the VPC). */
  allowedCidrs: string[];
  /**
   * With a front door, admit allowedCidrs too, while callers move between the load balancer's
   * address and their consumers' URLs (maas:keepDirectAccess).
   */
  keepDirectAccess: boolean;
  /** Who may call the rollouts' pinned listener: the smoke-test runners (maas:pinnedRouteCidrs). */
  pinnedRouteCidrs: string[];
  /** Existing bucket for access logs, when configured. */
  accessLogsBucket?: string;
}

export interface IngressArgs {
  stack: string;
  /** The load balancer's name in the catalogue (`main` unless models name another). */
  name: string;
  settings: IngressSettings;
  vpcCidr: string;
  /**
   * Seconds a connection may carry no data (specs/request-timing.ts): above the longest request
   * of its models; unset, ALB's 60 s. An attribute, changed in place.
   */
  idleTimeout?: number;
  /**
   * The front door's security group (front-door-link.ts): when set, it is the only source the
   * load balancer admits, on the client port alone, and the CIDRs of the settings are not opened.
   */
  frontDoorSecurityGroupId?: pulumi.Input<string>;
  /** Protect the load balancer from deletion and replacement (prod). */
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

const TO_HTTPS: aws.types.input.lb.ListenerDefaultAction = {
  type: "redirect",
  redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
};

export class Ingress extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The listener clients' requests arrive on, where model rules attach. */
  public readonly listener: aws.lb.Listener;
  /** The listener that keeps every served version's target group in use (never reachable). */
  public readonly readinessListener: aws.lb.Listener;
  /** The listener of the rollouts' pinned routes (reachable from maas:pinnedRouteCidrs only). */
  public readonly pinnedListener: aws.lb.Listener;
  public readonly scheme: "https" | "http";

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:ingress:Ingress", name, {}, opts);
    this.scheme = args.settings.certificateArn ? "https" : "http";

    // Auto-named: a change of description replaces a security group, which needs a new name.
    this.securityGroup = new aws.ec2.SecurityGroup(
      name,
      {
        vpcId: args.settings.vpcId,
        description: `maas ${args.stack}: model load balancer ${args.name}`,
        revokeRulesOnDelete: true,
      },
      { parent: this },
    );
    if (args.frontDoorSecurityGroupId !== undefined) {
      // The front door's integrations call the client listener: 443 with a certificate, else 80.
      const port = this.scheme === "https" ? 443 : 80;
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-front-door`,
        {
          securityGroupId: this.securityGroup.id,
          referencedSecurityGroupId: args.frontDoorSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `the front door on ${port}`,
        },
        { parent: this },
      );
      // The VPC link's group sends only here: the provider removes a new group's default egress.
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-front-door-to-load-balancer`,
        {
          securityGroupId: args.frontDoorSecurityGroupId,
          referencedSecurityGroupId: this.securityGroup.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `load balancer ${args.name} on ${port}`,
        },
        { parent: this },
      );
    }
    // Without a door, or beside it while callers move: the same logical names either way, so
    // adopting the door with maas:keepDirectAccess keeps the rules (only their tag changes) and
    // callers of the load balancer's address are never cut off before they have moved.
    if (args.frontDoorSecurityGroupId === undefined || args.settings.keepDirectAccess) {
      const ports = this.scheme === "https" ? [443, 80] : [80];
      const beside = args.frontDoorSecurityGroupId !== undefined;
      for (const cidr of args.settings.allowedCidrs) {
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
              ...(beside ? { tags: { [DIRECT_ACCESS_TAG.key]: DIRECT_ACCESS_TAG.value } } : {}),
            },
            { parent: this },
          );
        }
      }
    }
    for (const cidr of args.settings.pinnedRouteCidrs)
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-pinned-from-${cidr.replace(/[./]/g, "-")}`,
        {
          securityGroupId: this.securityGroup.id,
          cidrIpv4: cidr,
          ipProtocol: "tcp",
          fromPort: PINNED_LISTENER_PORT,
          toPort: PINNED_LISTENER_PORT,
          description: `pinned routes of rollouts on ${PINNED_LISTENER_PORT}`,
        },
        { parent: this },
      );
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

    const internal = !args.settings.internetFacing;
    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        // AWS cannot change a load balancer's scheme or VPC in place: the name follows both, so
        // a replacement never collides with the load balancer it replaces.
        name: loadBalancerName(args.stack, {
          name: args.name,
          internal,
          vpcId: args.settings.vpcId,
        }),
        loadBalancerType: "application",
        internal,
        subnets: args.settings.subnetIds,
        securityGroups: [this.securityGroup.id],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        ...(args.idleTimeout === undefined ? {} : { idleTimeout: args.idleTimeout }),
        enableDeletionProtection: args.protect,
        ...(args.settings.accessLogsBucket
          ? {
              accessLogs: {
                bucket: args.settings.accessLogsBucket,
                prefix:
                  args.name === DEFAULT_LOAD_BALANCER
                    ? `maas/${args.stack}`
                    : `maas/${args.stack}/${args.name}`,
                enabled: true,
              },
            }
          : {}),
      },
      // Protected in production: a replacement (new address for every client) is refused by
      // `pulumi preview` instead of half-applied against AWS's deletion protection.
      { parent: this, protect: args.protect },
    );

    // One port-80 listener whatever the certificate: adding one changes its default action in
    // place, never creates a second port-80 listener beside it (DuplicateListener).
    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [args.settings.certificateArn ? TO_HTTPS : NOT_FOUND],
      },
      { parent: this },
    );
    this.listener = args.settings.certificateArn
      ? new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: this.loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: SSL_POLICY,
            certificateArn: args.settings.certificateArn,
            defaultActions: [NOT_FOUND],
          },
          { parent: this },
        )
      : http;
    this.readinessListener = new aws.lb.Listener(
      `${name}-readiness`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: READINESS_LISTENER_PORT,
        protocol: "HTTP",
        defaultActions: [NOT_FOUND],
      },
      { parent: this },
    );
    this.pinnedListener = new aws.lb.Listener(
      `${name}-pinned`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: PINNED_LISTENER_PORT,
        protocol: "HTTP",
        defaultActions: [NOT_FOUND],
      },
      { parent: this },
    );
    this.registerOutputs({ dnsName: this.loadBalancer.dnsName, listenerArn: this.listener.arn });
  }
}
