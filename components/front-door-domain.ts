/**
 * The front door's custom domain (maas:apiDomain): a Regional API Gateway custom domain with the
 * stack's ACM certificate, one base path mapping per consumer to its stage, and, when
 * maas:apiHostedZoneId names a Route 53 zone, the domain's alias record. A consumer's stable URL
 * is `https://<domain>/<consumer>`: it stays when the consumer changes how it calls (its stage
 * moves to the other API) and when an API is created anew, as the execute-api URL does not.
 *
 * Why a mapping keeps the URL through a move: each mapping is named after its consumer alone
 * (not after the API that serves it), so a move changes its `restApi` and `stageName` under the
 * same URN, and the provider patches both in place (UpdateBasePathMapping, /restapiId and
 * /stage: terraform-provider-aws internal/service/apigateway/base_path_mapping.go, only
 * `domain_name` is ForceNew; in-place updates since pull request #16147). Replaced instead, the
 * new mapping would be created before the old one is deleted and fail on the same (domain, base
 * path): "ConflictException: Base path already exists for this domain name" (pulumi-aws #1035).
 * The mapping waits for the consumer's new stage (its stageName is the stage's output), and the
 * old stage is deleted only at the end of the update, so the URL never points at nothing.
 *
 * The base path is the stage's name (both are the consumer's), so whichever of the two API
 * Gateway puts before the path of a private integration, the models' listener rules accept it
 * (specs/routing.ts, STAGE_PREFIX).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The front door's custom domain, from the stack settings (maas:apiDomain and its keys). */
export interface ApiDomain {
  /** The domain name, lowercase. */
  name: string;
  /** An issued ACM certificate for it, in the stack's region. */
  certificateArn: string;
  /** A Route 53 hosted zone the stack writes the domain's alias record into. */
  hostedZoneId?: string;
}

/**
 * TLS 1.3, and TLS 1.2 with forward-secret AES-GCM suites only, with post-quantum hybrid key
 * exchange: the enhanced policy that drops CBC and static-RSA suites yet still admits every
 * TLS 1.2 client of the last decade (API Gateway guide, "Supported security policies": Regional
 * APIs and custom domains). TLS 1.3 only (SecurityPolicy_TLS13_1_3_2025_09) would cut older
 * clients; the legacy TLS_1_2 keeps CBC suites. An enhanced policy needs an endpoint access mode.
 */
export const API_DOMAIN_SECURITY_POLICY = "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09";

/**
 * STRICT: a request must come through a Regional endpoint and its TLS SNI must name the domain
 * (API Gateway guide, "Security policies for REST APIs", "Endpoint access mode": AWS recommends
 * STRICT; BASIC is for migrations). The domain is new, so nothing migrates.
 */
export const API_DOMAIN_ACCESS_MODE = "STRICT";

export interface FrontDoorDomainArgs {
  domain: ApiDomain;
  /**
   * Each consumer's stage, by consumer name, where it has one: a consumer has none while no model
   * is served (no API can exist), and then no mapping either.
   */
  stages: Record<string, { restApiId: pulumi.Input<string>; stageName: pulumi.Input<string> }>;
  tags: Record<string, string>;
}

export class FrontDoorDomain extends pulumi.ComponentResource {
  public readonly domainName: aws.apigateway.DomainName;
  /** The mapping of each consumer that has a stage, by consumer name. */
  public readonly mappings: Record<string, aws.apigateway.BasePathMapping> = {};
  /** The alias record, when the stack manages the DNS (maas:apiHostedZoneId). */
  public readonly record?: aws.route53.Record;

  constructor(name: string, args: FrontDoorDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:FrontDoorDomain", name, {}, opts);
    const child = { parent: this };
    this.domainName = new aws.apigateway.DomainName(
      name,
      {
        domainName: args.domain.name,
        // A Regional domain: the APIs are Regional, and the certificate is the stack region's.
        endpointConfiguration: { types: "REGIONAL" },
        regionalCertificateArn: args.domain.certificateArn,
        securityPolicy: API_DOMAIN_SECURITY_POLICY,
        endpointAccessMode: API_DOMAIN_ACCESS_MODE,
        tags: args.tags,
      },
      child,
    );
    for (const consumer of Object.keys(args.stages).sort()) {
      const stage = args.stages[consumer]!;
      // Named after the consumer alone: see the file's comment (a move is an update in place).
      this.mappings[consumer] = new aws.apigateway.BasePathMapping(
        `${name}-${consumer}`,
        {
          domainName: this.domainName.domainName,
          basePath: consumer,
          restApi: stage.restApiId,
          stageName: stage.stageName,
        },
        child,
      );
    }
    if (args.domain.hostedZoneId)
      // An alias A record to the domain's Regional endpoint, as AWS's guide advises for Route 53
      // ("Set up a Regional custom domain name": an A alias with Route 53, a CNAME elsewhere).
      // Created, never overwritten (allowOverwrite off): a record someone else keeps there stops
      // the apply instead of being taken over.
      this.record = new aws.route53.Record(
        name,
        {
          zoneId: args.domain.hostedZoneId,
          name: args.domain.name,
          type: "A",
          aliases: [
            {
              name: this.domainName.regionalDomainName,
              zoneId: this.domainName.regionalZoneId,
              evaluateTargetHealth: false,
            },
          ],
        },
        child,
      );
    this.registerOutputs({ regionalDomainName: this.domainName.regionalDomainName });
  }

  /** A consumer's stable URL, once its mapping exists. */
  url(consumer: string): pulumi.Output<string> | undefined {
    const mapping = this.mappings[consumer];
    return mapping
      ? pulumi.interpolate`https://${mapping.domainName}/${mapping.basePath}`
      : undefined;
  }
}
