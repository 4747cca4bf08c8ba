/**
 * One REST API of the front door, for the consumers of one kind (sigv4: every method requires
 * a SigV4 signature; oauth: an access token of the token issuer's user pool carrying the model's
 * scope, checked by a Cognito authorizer; apiKey: an API key alone; every kind sends its key),
 * each consumer on a stage of its own (consumer-access.ts). Every served model gets
 * `/models/<m>` and `/models/<m>/{proxy+}`, proxied over the VPC link to its load balancer; the
 * resource policy decides who may call it.
 *
 * Why REST and not HTTP APIs: only REST APIs have resource policies, usage plans and API keys,
 * and WAF (API Gateway guide, "Choose between REST APIs and HTTP APIs"). Why one stage per
 * consumer: a resource policy cannot see API keys, but it sees the stage, and a usage plan binds
 * a key to the stages it lists, so a key opens its consumer's stage and the policy grants that
 * stage exactly the consumer's models.
 *
 * Every configuration change needs a new deployment to take effect ("Updating or saving the
 * policy alone won't change the runtime behavior of the API"): the Deployment's triggers hash
 * the routes, the policy and the responses, so a change replaces it; Pulumi creates the new
 * deployment, points the stages at it, then deletes the old one, and callers never see a stage
 * without a deployment.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { ResolvedApi, ResolvedConsumer } from "../catalogue";
import {
  API_MODELS_SEGMENT,
  apiModelResourceName,
  apiModelsResourceName,
  apiProxyResourceName,
  consumerKeyName,
  formerName,
  frontDoorApiName,
} from "../catalogue/names";
import { FIRST_API_KEY } from "../catalogue/resolve";
import { ConsumerAccess } from "./consumer-access";
import {
  authenticationChallenge,
  deploymentConfiguration,
  FRONT_DOOR_METHODS,
  FRONT_DOOR_TLS_POLICY,
  GATEWAY_RESPONSE_BODY,
  gatewayResponses,
  methodAuthorization,
  resourcePolicy,
  usagePlanLimits,
} from "./specs/front-door";
import type { CallerAuth, FrontDoorModel } from "./specs/front-door";
import { integrationTransfer } from "./specs/request-timing";

/** A served model behind the front door: where its load balancer answers it. */
export interface FrontDoorBackend extends FrontDoorModel {
  loadBalancerArn: pulumi.Input<string>;
  /** `scheme://host:port` the integration sends to (the Host header; the VPC link routes by ARN). */
  origin: pulumi.Input<string>;
  /** The model's path on the load balancer: `/models/<m>` (path routing) or `` (host routing). */
  basePath: string;
  /**
   * What routes the model on its load balancer (its listener rule), when this stack deploys it:
   * an integration moved to another load balancer waits for the model's rule there, or calls
   * would reach a listener that answers them 404.
   */
  routedBy: pulumi.Input<pulumi.Resource[]>;
  /** How its requests are served (`api:`), when the model declares it. */
  api?: ResolvedApi;
}

export interface FrontDoorApiArgs {
  stack: string;
  auth: CallerAuth;
  consumers: ResolvedConsumer[];
  models: FrontDoorBackend[];
  vpcLinkId: pulumi.Input<string>;
  accessLogGroupArn: pulumi.Input<string>;
  webAclArn: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
  /** The user pool whose access tokens the oauth API accepts (token-issuer.ts); oauth only. */
  userPoolArn?: pulumi.Input<string>;
  deployer: pulumi.Input<string[]>;
  /** maas:disableExecuteApiEndpoint: callers reach the API only through the custom domain. */
  disableExecuteApiEndpoint: boolean;
  /** maas:apiEndpointAccessMode: beside the API's TLS security policy (FRONT_DOOR_TLS_POLICY). */
  endpointAccessMode: "STRICT" | "BASIC";
  tags: Record<string, string>;
}

export class FrontDoorApi extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly consumers: Record<string, ConsumerAccess> = {};

  constructor(name: string, args: FrontDoorApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:FrontDoorApi", name, {}, opts);
    const child = { parent: this };
    this.api = new aws.apigateway.RestApi(
      name,
      {
        name: frontDoorApiName(args.stack, args.auth),
        description: `maas ${args.stack}: models for ${args.auth} consumers`,
        endpointConfiguration: { types: "REGIONAL" },
        // Keys come in the x-api-key header (usage plans meter by key).
        apiKeySource: "HEADER",
        // Always explicit: the provider keeps the last value of this Optional+Computed argument
        // when it is left out (terraform-provider-aws rest_api.go), so omitting it would never
        // turn the endpoint back on.
        disableExecuteApiEndpoint: args.disableExecuteApiEndpoint,
        // The TLS the API's own endpoint negotiates, which is also what a call through the custom
        // domain gets: "When you invoke that custom domain name, API Gateway uses the security
        // policy of the API to negotiate the TLS handshake" (API Gateway guide, "Choose a
        // security policy for your custom domain", Considerations). Without it a Regional API
        // keeps AWS's default TLS_1_0, whatever the domain says. Both change in place
        // (UpdateRestApi patches /securityPolicy and /endpointAccessMode) and take effect with
        // the next deployment, which the deployment's triggers make (specs/front-door.ts).
        securityPolicy: FRONT_DOOR_TLS_POLICY,
        endpointAccessMode: args.endpointAccessMode,
        tags: args.tags,
      },
      child,
    );
    const api = this.api;
    const models = new aws.apigateway.Resource(
      apiModelsResourceName(name),
      { restApi: api.id, parentId: api.rootResourceId, pathPart: API_MODELS_SEGMENT },
      child,
    );
    // Every resource's name, so a model's resource renamed apart from another's (names.ts) keeps
    // its former name through an alias only where no other resource holds it now.
    const held = new Set([
      apiModelsResourceName(name),
      ...args.models.flatMap((model) => [
        apiModelResourceName(name, model.name).name,
        apiProxyResourceName(name, model.name),
      ]),
    ]);
    // The oauth API's authorizer: Cognito checks the token's signature, expiry and, per method,
    // its scopes ("Control access to REST APIs using Amazon Cognito user pools as an authorizer").
    if (args.auth === "oauth" && args.userPoolArn === undefined)
      throw new pulumi.ResourceError("the oauth API needs the token issuer's user pool", this);
    const authorizer =
      args.auth === "oauth"
        ? new aws.apigateway.Authorizer(
            name,
            {
              restApi: api.id,
              name: "consumer-tokens",
              type: "COGNITO_USER_POOLS",
              providerArns: [args.userPoolArn!],
              identitySource: "method.request.header.Authorization",
            },
            child,
          )
        : undefined;
    const routed: pulumi.Resource[] = [];
    const integrations: aws.apigateway.Integration[] = [];
    for (const model of args.models) {
      // `/models/<m>` only holds the proxy resource: every route is under `/models/<m>/`.
      const rootName = apiModelResourceName(name, model.name);
      const formerly = formerName(rootName, held);
      const root = new aws.apigateway.Resource(
        rootName.name,
        { restApi: api.id, parentId: models.id, pathPart: model.name },
        { ...child, ...(formerly === undefined ? {} : { aliases: [{ name: formerly }] }) },
      );
      const proxy = new aws.apigateway.Resource(
        apiProxyResourceName(name, model.name),
        { restApi: api.id, parentId: root.id, pathPart: "{proxy+}" },
        child,
      );
      for (const httpMethod of FRONT_DOOR_METHODS) {
        const method = new aws.apigateway.Method(
          `${name}-${model.name}-${httpMethod.toLowerCase()}`,
          {
            restApi: api.id,
            resourceId: proxy.id,
            httpMethod,
            // Never NONE without a key: every route requires a caller (rule front-door/authenticated).
            ...methodAuthorization(args.auth, model.name),
            ...(authorizer ? { authorizerId: authorizer.id } : {}),
            // sigv4 and oauth consumers send their key too: usage plans meter and limit by key only.
            apiKeyRequired: true,
            requestParameters: { "method.request.path.proxy": true },
          },
          child,
        );
        const integration = new aws.apigateway.Integration(
          `${name}-${model.name}-${httpMethod.toLowerCase()}`,
          {
            restApi: api.id,
            resourceId: proxy.id,
            httpMethod: method.httpMethod,
            type: "HTTP_PROXY",
            integrationHttpMethod: httpMethod,
            connectionType: "VPC_LINK",
            connectionId: args.vpcLinkId,
            // VPC link v2 to an Application Load Balancer: the ARN routes, the URI sets the Host
            // header and the name TLS verifies (aws.apigateway.Integration, integrationTarget).
            integrationTarget: model.loadBalancerArn,
            uri: pulumi.interpolate`${model.origin}${model.basePath}/{proxy}`,
            requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
            // Its timeout and streaming (specs/request-timing.ts), when the model declares them.
            ...integrationTransfer(model.api),
          },
          { ...child, dependsOn: model.routedBy },
        );
        routed.push(method, integration);
        integrations.push(integration);
      }
    }

    const policy = api.executionArn.apply((arn) =>
      JSON.stringify(resourcePolicy(args.auth, args.consumers, args.models, arn)),
    );
    const apiPolicy = new aws.apigateway.RestApiPolicy(name, { restApiId: api.id, policy }, child);
    const challenge = authenticationChallenge(args.auth);
    const responses = gatewayResponses(args.auth).map(
      (response) =>
        new aws.apigateway.Response(
          `${name}-${response.type.toLowerCase().replace(/_/g, "-")}`,
          {
            restApiId: api.id,
            responseType: response.type,
            statusCode: response.status,
            responseTemplates: { "application/json": GATEWAY_RESPONSE_BODY },
            ...(response.status === "401" && challenge
              ? {
                  responseParameters: {
                    "gatewayresponse.header.WWW-Authenticate": `'${challenge}'`,
                  },
                }
              : {}),
          },
          child,
        ),
    );
    // A stage serves its deployment's snapshot: whatever an integration calls (its URI, load
    // balancer and VPC link) and how (its timeout and streaming) is part of the configuration a
    // change must redeploy, and so is how a method authenticates (specs/front-door.ts
    // deploymentConfiguration). Only declared `api:`s count: without one the hash stays as it was.
    const transfers = args.models.flatMap((m) =>
      m.api ? [[m.name, integrationTransfer(m.api)] as const] : [],
    );
    const authorizerSettings = authorizer
      ? pulumi
          .all([authorizer.id, authorizer.providerArns, authorizer.identitySource])
          .apply(([id, pools, source]) => ({ id, pools: pools ?? [], source: source ?? "" }))
      : undefined;
    const configuration = pulumi
      .all([
        policy,
        pulumi.all(
          integrations.map((integration) =>
            pulumi.all([integration.uri, integration.integrationTarget, integration.connectionId]),
          ),
        ),
        authorizerSettings,
      ])
      .apply(([policy, backends, authorizer]) =>
        createHash("sha256")
          .update(
            JSON.stringify(
              deploymentConfiguration({
                auth: args.auth,
                routes: args.models.map((m) => m.name),
                backends,
                transfers,
                policy,
                authorizer,
                disableExecuteApiEndpoint: args.disableExecuteApiEndpoint,
                tls: { policy: FRONT_DOOR_TLS_POLICY, accessMode: args.endpointAccessMode },
              }),
            ),
          )
          .digest("hex"),
      );
    const deployment = new aws.apigateway.Deployment(
      name,
      {
        restApi: api.id,
        description: `maas ${args.stack}`,
        triggers: { configuration },
      },
      { parent: this, dependsOn: [...routed, apiPolicy, ...responses] },
    );
    // Every key's name, so a key renamed apart from another consumer's (names.ts) keeps its
    // former name through an alias only where no other key holds it now.
    const heldKeyNames = new Set(
      args.consumers.flatMap((consumer) =>
        consumer.apiKeys.map(
          (label) =>
            consumerKeyName(
              `${name}-${consumer.name}`,
              consumer.name,
              label,
              label === FIRST_API_KEY,
            ).name,
        ),
      ),
    );
    for (const consumer of args.consumers)
      this.consumers[consumer.name] = new ConsumerAccess(
        `${name}-${consumer.name}`,
        {
          stack: args.stack,
          consumer,
          heldKeyNames,
          restApiId: api.id,
          deploymentId: deployment.id,
          limits: usagePlanLimits(consumer),
          accessLogGroupArn: args.accessLogGroupArn,
          webAclArn: args.webAclArn,
          keyArn: args.keyArn,
          deployer: args.deployer,
          tags: args.tags,
        },
        child,
      );
    this.registerOutputs({ apiId: api.id });
  }
}
