/**
 * The oauth consumers' tokens as pure functions of the catalogue: the scope each model is called
 * with, the scopes of each consumer's app client, the app client's settings, the token endpoint
 * and what Cognito's limits refuse. components/token-issuer.ts creates the resources.
 *
 * Sources: Cognito developer guide — "Scopes, M2M, and APIs with resource servers", "The token
 * issuer endpoint", "Using the Amazon Cognito domain"; API Gateway developer guide — "Control
 * access to REST APIs using Amazon Cognito user pools as an authorizer"; CloudFormation's
 * AWS::ApiGateway::Method `AuthorizationScopes` ("The method invocation is authorized if any
 * method scope matches a claimed scope in the access token").
 */
import type { ResolvedConsumer } from "../../catalogue";
import { COGNITO_QUOTAS } from "../../catalogue/quotas";
import { grantsByConsumer, modelScope } from "./front-door";
import type { FrontDoorModel } from "./front-door";

export { modelScope, TOKEN_RESOURCE_SERVER } from "./front-door";

/** How long an access token lasts: what a scope removed from a consumer's app client outlives. */
export const ACCESS_TOKEN_MINUTES = 60;

/**
 * The models oauth consumers may call, sorted: the resource server's scopes. Only these, not
 * every served model: the resource server holds 100 scopes, and a model no oauth consumer may
 * call needs none (its methods ask for a scope no app client is given).
 */
export function tokenModels(consumers: ResolvedConsumer[], models: FrontDoorModel[]): string[] {
  const grants = grantsByConsumer(
    consumers.filter((consumer) => consumer.auth === "oauth"),
    models,
  );
  return [...new Set([...grants.values()].flat())].sort();
}

/** The scopes of each oauth consumer's app client, by consumer: exactly the models it may call. */
export function clientScopes(
  consumers: ResolvedConsumer[],
  models: FrontDoorModel[],
): Map<string, string[]> {
  const grants = grantsByConsumer(
    consumers.filter((consumer) => consumer.auth === "oauth"),
    models,
  );
  return new Map([...grants].map(([consumer, granted]) => [consumer, granted.map(modelScope)]));
}

/**
 * An app client's OAuth settings. Lists are always given, empty included: the provider keeps the
 * state's value for an omitted one (user_pool_client.go: Optional, Computed, UseStateForUnknown),
 * so a scope taken away would stay. A consumer that may call nothing gets no flow at all, so it
 * cannot get a token (rather than one that carries no scope).
 */
export function appClientOauth(scopes: string[]): {
  allowedOauthFlowsUserPoolClient: boolean;
  allowedOauthFlows: string[];
  allowedOauthScopes: string[];
} {
  return scopes.length > 0
    ? {
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthScopes: [...scopes].sort(),
      }
    : { allowedOauthFlowsUserPoolClient: false, allowedOauthFlows: [], allowedOauthScopes: [] };
}

/**
 * What every app client is besides its scopes: a confidential client (a secret; the client
 * credentials grant needs one: "client_credentials flow can not be selected if client does not
 * have a client secret"), access tokens for an hour, no user sign-in worth the name.
 */
export function appClientSettings(): {
  generateSecret: boolean;
  supportedIdentityProviders: string[];
  explicitAuthFlows: string[];
  accessTokenValidity: number;
  tokenValidityUnits: { accessToken: string };
  preventUserExistenceErrors: string;
  enableTokenRevocation: boolean;
} {
  return {
    generateSecret: true,
    supportedIdentityProviders: ["COGNITO"],
    // The pool has no users and admits none (admin creation only): the smallest set Cognito takes.
    explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
    accessTokenValidity: ACCESS_TOKEN_MINUTES,
    tokenValidityUnits: { accessToken: "minutes" },
    // Errors that do not say whether a user exists, and RevokeToken allowed: both are about users
    // and refresh tokens, which the client credentials grant has neither of; set so that a
    // client someone opens to users later starts safe.
    preventUserExistenceErrors: "ENABLED",
    enableTokenRevocation: true,
  };
}

/** The token endpoint of a prefix domain (Cognito guide, "The token issuer endpoint"). */
export function tokenEndpoint(domainPrefix: string, region: string): string {
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com/oauth2/token`;
}

/** What Cognito's limits refuse: too many models for the resource server or one app client. */
export function tokenProblems(consumers: ResolvedConsumer[], models: FrontDoorModel[]): string[] {
  const served = tokenModels(consumers, models);
  const problems =
    served.length > COGNITO_QUOTAS.scopesPerResourceServer
      ? [
          `consumers: oauth consumers may call ${served.length} models, each a scope of the token issuer's resource server, which holds ${COGNITO_QUOTAS.scopesPerResourceServer} (Cognito, ResourceServerType Scopes): grant fewer models to oauth consumers`,
        ]
      : [];
  for (const [consumer, scopes] of clientScopes(consumers, models))
    if (scopes.length > COGNITO_QUOTAS.scopesPerAppClient)
      problems.push(
        `consumers.${consumer}: may call ${scopes.length} models, each a scope of its app client, which takes ${COGNITO_QUOTAS.scopesPerAppClient} (Cognito, CreateUserPoolClient AllowedOAuthScopes): grant it fewer models, or split it into two consumers`,
      );
  return problems;
}
