/**
 * What issues the oauth consumers' tokens: a Cognito user pool with a hosted domain (its
 * `/oauth2/token` is the token endpoint), a resource server with one scope per model an oauth
 * consumer may call, and per consumer an app client (client credentials grant) allowed exactly
 * its models' scopes, whose secret is in a Secrets Manager secret only its principals can read.
 * The oauth API's Cognito authorizer (front-door-api.ts) accepts the pool's access tokens on a
 * method only with the model's scope. No code of ours runs to authenticate anyone.
 *
 * Why a user pool and not API keys alone: API Gateway's guide, "Usage plans and API keys for REST
 * APIs", best practices: "Don't rely on API keys as your only means of authentication and
 * authorization for your APIs ... Instead, use an IAM role, a Lambda authorizer, or an Amazon
 * Cognito user pool." Keys stay, for metering and limits.
 *
 * The client secret is a credential: the provider marks UserPoolClient.clientSecret secret
 * itself (its class's additionalSecretOutputs; its record in kinds/, credentialOutputs, keeps
 * that checked), and so does SecretVersion.secretString.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedConsumer } from "../catalogue";
import {
  consumerClientSecretPrefix,
  tokenClientName,
  tokenDomainPrefix,
  tokenUserPoolName,
} from "../catalogue/names";
import { consumerSecretPolicy, TOKEN_RESOURCE_SERVER } from "./specs/front-door";
import type { FrontDoorModel } from "./specs/front-door";
import {
  appClientOauth,
  appClientSettings,
  clientScopes,
  tokenEndpoint,
  tokenModels,
} from "./specs/tokens";

export interface TokenIssuerArgs {
  stack: string;
  region: string;
  /** The account the pool is in: part of the hosted domain's prefix (names.ts tokenDomainPrefix). */
  accountId: pulumi.Input<string>;
  /** The oauth consumers: one app client each. */
  consumers: ResolvedConsumer[];
  /** The served models and who may call them: the scopes. */
  models: FrontDoorModel[];
  /** The front door's key: the client secrets' secrets are encrypted with it. */
  keyArn: pulumi.Input<string>;
  /** Who runs `pulumi up`: it reads the secrets back (specs/front-door.ts consumerSecretPolicy). */
  deployer: pulumi.Input<string[]>;
  tags: Record<string, string>;
}

/** One oauth consumer's way to a token. */
export interface ConsumerToken {
  client: aws.cognito.UserPoolClient;
  /** Holds the client's secret; the consumer's principals and the deployer read it. */
  secret: aws.secretsmanager.Secret;
  /** The scopes its app client is allowed: one per model it may call. */
  scopes: string[];
}

export class TokenIssuer extends pulumi.ComponentResource {
  public readonly userPool: aws.cognito.UserPool;
  /** `https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`. */
  public readonly tokenEndpoint: pulumi.Output<string>;
  public readonly consumers: Record<string, ConsumerToken> = {};

  constructor(name: string, args: TokenIssuerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("maas:frontdoor:TokenIssuer", name, {}, opts);
    const child = { parent: this };
    // Deletion protection, and kept in AWS when the stack lets it go (the last oauth consumer
    // removed, or pulumi destroy): a deleted pool takes every client id and secret with it, and
    // protection alone would fail that update. Nothing in it comes from the catalogue, so no
    // edit replaces it. Nobody signs up or is created but by an administrator. Threat protection
    // (Plus plan) watches users' sign-ins, and the pool has no users: enforced all the same, so
    // Security Hub's Cognito.1 holds and a user someone adds by hand is watched; Plus is billed
    // per monthly active user, and machine-to-machine tokens are billed apart from the plan.
    this.userPool = new aws.cognito.UserPool(
      name,
      {
        name: tokenUserPoolName(args.stack),
        deletionProtection: "ACTIVE",
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        userPoolTier: "PLUS",
        userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
        tags: args.tags,
      },
      { parent: this, retainOnDelete: true },
    );
    // The prefix is fixed for the stack: deleted before a replacement, which would take its name.
    const domain = new aws.cognito.UserPoolDomain(
      name,
      {
        domain: pulumi
          .output(args.accountId)
          .apply((accountId) => tokenDomainPrefix(args.stack, accountId, args.region)),
        userPoolId: this.userPool.id,
      },
      { parent: this, deleteBeforeReplace: true },
    );
    this.tokenEndpoint = domain.domain.apply((prefix) => tokenEndpoint(prefix, args.region));
    const server = new aws.cognito.ResourceServer(
      name,
      {
        userPoolId: this.userPool.id,
        identifier: TOKEN_RESOURCE_SERVER.identifier,
        name: TOKEN_RESOURCE_SERVER.name,
        scopes: tokenModels(args.consumers, args.models).map((model) => ({
          scopeName: model,
          scopeDescription: `Call model ${model} through the front door`,
        })),
      },
      child,
    );

    const scopes = clientScopes(args.consumers, args.models);
    for (const consumer of args.consumers) {
      const own = scopes.get(consumer.name) ?? [];
      // A client names scopes of the resource server, which must hold them first; scopes change
      // in place (user_pool_client.go: only user_pool_id and generate_secret force a new client,
      // and with it a new id and secret).
      const client = new aws.cognito.UserPoolClient(
        `${name}-${consumer.name}`,
        {
          name: tokenClientName(args.stack, consumer.name),
          userPoolId: this.userPool.id,
          ...appClientSettings(),
          ...appClientOauth(own),
        },
        { parent: this, dependsOn: [server] },
      );
      const secret = new aws.secretsmanager.Secret(
        `${name}-${consumer.name}`,
        {
          namePrefix: consumerClientSecretPrefix(args.stack, consumer.name),
          description: `maas ${args.stack}: OAuth client secret of consumer ${consumer.name} (client credentials grant)`,
          kmsKeyId: args.keyArn,
          tags: args.tags,
        },
        child,
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-${consumer.name}`,
        { secretId: secret.id, secretString: client.clientSecret },
        child,
      );
      new aws.secretsmanager.SecretPolicy(
        `${name}-${consumer.name}`,
        {
          secretArn: secret.arn,
          policy: pulumi
            .output(args.deployer)
            .apply((deployer) => JSON.stringify(consumerSecretPolicy(consumer, deployer))),
          blockPublicPolicy: true,
        },
        child,
      );
      this.consumers[consumer.name] = { client, secret, scopes: own };
    }
    this.registerOutputs({ userPoolArn: this.userPool.arn, tokenEndpoint: this.tokenEndpoint });
  }
}
