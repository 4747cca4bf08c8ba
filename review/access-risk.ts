/**
 * Who may call what, before and after: the risks of an access change, read from the planned
 * front door itself (its resource policies, usage plans and oauth app clients), so a single
 * stack and a base that serves its shards' models are judged alike, by what AWS would enforce.
 */
import { PINNED_LISTENER_PORT } from "../catalogue/quotas";
import { FIRST_API_KEY } from "../catalogue/resolve";
import { ACCESS_TOKEN_MINUTES } from "../components/specs/tokens";
import { code } from "./markdown";
import type { RecordedResource } from "../plan/record";
import type { Risk } from "./review-risk";
import type { Transition } from "../change/transition";

const POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";
const USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan";
const VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink";
const SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy";
const API_KEY = "aws:apigateway/apiKey:ApiKey";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const STAGE = "aws:apigateway/stage:Stage";
const MAPPING = "aws:apigateway/basePathMapping:BasePathMapping";
const REST_API = "aws:apigateway/restApi:RestApi";
const APP_CLIENT = "aws:cognito/userPoolClient:UserPoolClient";

/** The front door's APIs as their resources are named (components/front-door.ts). */
const KIND = /^front-door-(sigv4|apikey|oauth)-/;
const KIND_NAMES: Record<string, string> = {
  sigv4: "SigV4",
  apikey: "API key",
  oauth: "OAuth token",
};

interface Limits {
  rate?: number;
  burst?: number;
  quota?: string;
  /** The quota as requests per day, to compare quotas of different periods. */
  quotaPerDay?: number;
}

const DAYS = { DAY: 1, WEEK: 7, MONTH: 30 } as Record<string, number>;

interface Access {
  frontDoor: boolean;
  /** `consumer model` pairs the resource policies allow. */
  grants: Set<string>;
  /** Limits by consumer (its stage). */
  consumers: Map<string, Limits>;
  /** Principals by consumer. */
  principals: Map<string, string>;
  /** Key labels by consumer (components/consumer-access.ts: `consumer c` or `consumer c, key k`). */
  keys: Map<string, Set<string>>;
  /** The API (kind of caller) of each consumer, from its usage plan's logical name. */
  kinds: Map<string, string>;
  /** Address ranges the load balancers admit their clients from (components/ingress.ts). */
  direct: Set<string>;
  /** Days the front door's logs are kept (its log groups' retention). */
  logRetentionDays?: number;
  /** The execute-api URL of each consumer, as the API and stage it is known by (`<api>/<stage>`). */
  stages: Map<string, string>;
  /** The stable URL of each consumer on the custom domain (components/front-door-domain.ts). */
  stable: Map<string, string>;
  /** Whether the execute-api URLs are turned off (maas:disableExecuteApiEndpoint). */
  executeApiOff: boolean;
  /** The APIs' TLS: security policy and endpoint access mode, as planned (none: AWS's default). */
  tls?: { policy?: string; accessMode?: string };
  /** The scopes of each oauth consumer's app client (components/token-issuer.ts). */
  scopes: Map<string, string[]>;
}

function accessOf(resources: RecordedResource[]): Access {
  const access: Access = {
    frontDoor: resources.some((r) => r.type === VPC_LINK),
    grants: new Set(),
    consumers: new Map(),
    principals: new Map(),
    keys: new Map(),
    kinds: new Map(),
    direct: new Set(),
    stages: new Map(),
    stable: new Map(),
    executeApiOff: false,
    scopes: new Map(),
  };
  for (const resource of resources) {
    // Client ports only: the pinned listener's runners are no model's callers.
    const { cidrIpv4, fromPort } = resource.inputs as { cidrIpv4?: unknown; fromPort?: unknown };
    if (resource.type === INGRESS_RULE && typeof cidrIpv4 === "string")
      if (fromPort !== PINNED_LISTENER_PORT) access.direct.add(cidrIpv4);
    if (resource.type === LOG_GROUP && typeof resource.inputs.retentionInDays === "number")
      access.logRetentionDays = resource.inputs.retentionInDays;
    // A consumer's stage is named after it; its mapping's base path too.
    if (resource.type === STAGE && typeof resource.inputs.stageName === "string")
      access.stages.set(
        resource.inputs.stageName,
        `${String(resource.inputs.restApi)}/${resource.inputs.stageName}`,
      );
    if (resource.type === MAPPING && typeof resource.inputs.basePath === "string")
      access.stable.set(
        resource.inputs.basePath,
        `https://${String(resource.inputs.domainName)}/${resource.inputs.basePath}`,
      );
    if (resource.type === REST_API && resource.inputs.disableExecuteApiEndpoint === true)
      access.executeApiOff = true;
    if (resource.type === REST_API) {
      const { securityPolicy, endpointAccessMode } = resource.inputs;
      access.tls = {
        ...(typeof securityPolicy === "string" ? { policy: securityPolicy } : {}),
        ...(typeof endpointAccessMode === "string" ? { accessMode: endpointAccessMode } : {}),
      };
    }
    if (resource.type === POLICY && typeof resource.inputs.policy === "string") {
      const statements = (
        JSON.parse(resource.inputs.policy) as {
          Statement: { Sid?: string; Effect: string; Principal?: unknown; Resource?: string[] }[];
        }
      ).Statement;
      for (const statement of statements.filter((s) => s.Effect === "Allow")) {
        for (const arn of statement.Resource ?? []) {
          // A full method ARN, or the shorthand a base planned before full ARNs wrote.
          const match =
            /^(?:execute-api:|arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+)\/([^/]+)\/[A-Z]+\/models\/([^/]+)\/\*$/.exec(
              arn,
            );
          if (match) access.grants.add(`${match[1]} ${match[2]}`);
        }
      }
    }
    // Every consumer's secret policy names its principals (components/consumer-access.ts).
    const secretOf = /^front-door-(?:sigv4|apikey|oauth)-(.+)$/.exec(resource.name);
    if (resource.type === SECRET_POLICY && secretOf && typeof resource.inputs.policy === "string") {
      const [allow] = (
        JSON.parse(resource.inputs.policy) as { Statement: { Principal?: unknown }[] }
      ).Statement;
      access.principals.set(secretOf[1]!, JSON.stringify(allow?.Principal));
    }
    if (resource.type === API_KEY && typeof resource.inputs.description === "string") {
      const key = /: consumer (\S+?)(?:, key (\S+))?$/.exec(resource.inputs.description);
      if (key) {
        const labels = access.keys.get(key[1]!) ?? new Set<string>();
        labels.add(key[2] ?? FIRST_API_KEY);
        access.keys.set(key[1]!, labels);
      }
    }
    const client = /^front-door-tokens-(.+)$/.exec(resource.name)?.[1];
    if (resource.type === APP_CLIENT && client && Array.isArray(resource.inputs.allowedOauthScopes))
      access.scopes.set(client, resource.inputs.allowedOauthScopes.map(String).sort());
    const kind = KIND.exec(resource.name)?.[1];
    if (resource.type === USAGE_PLAN && kind)
      access.kinds.set(resource.name.slice(`front-door-${kind}-`.length), kind);
    if (resource.type === USAGE_PLAN) {
      const inputs = resource.inputs as {
        apiStages?: { stage?: string }[];
        throttleSettings?: { rateLimit?: number; burstLimit?: number };
        quotaSettings?: { limit?: number; period?: string };
      };
      const stage = inputs.apiStages?.[0]?.stage;
      if (stage === undefined) continue;
      access.consumers.set(stage, {
        ...(inputs.throttleSettings?.rateLimit === undefined
          ? {}
          : { rate: inputs.throttleSettings.rateLimit }),
        ...(inputs.throttleSettings?.burstLimit === undefined
          ? {}
          : { burst: inputs.throttleSettings.burstLimit }),
        ...(inputs.quotaSettings?.limit === undefined
          ? {}
          : {
              quotaPerDay:
                inputs.quotaSettings.limit / (DAYS[String(inputs.quotaSettings.period)] ?? 1),
              quota: `${inputs.quotaSettings.limit} per ${String(inputs.quotaSettings.period).toLowerCase()}`,
            }),
      });
    }
  }
  return access;
}

const pair = (grant: string) => {
  const [consumer, model] = grant.split(" ");
  return { consumer: consumer!, model: model! };
};

/** `a, b and 3 more`: a few of many, in code font. */
function few(items: string[], limit = 4): string {
  const shown = items.slice(0, limit).map(code).join(", ");
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/**
 * Where callers call: a consumer's stable URL (custom domain) when it has one on both sides and
 * it stays, else its execute-api URL. A re-created API or an auth switch moves the second, never
 * the first: only a change of what callers use is theirs to act on.
 */
function urlRisks(before: Access, after: Access): Risk[] {
  const out: Risk[] = [];
  const kept = [...after.consumers.keys()].filter((c) => before.consumers.has(c)).sort();
  const domainOf = (url: string) => url.split("/")[2] ?? url;
  // The domain added, changed or removed, for the consumers that stay.
  const gaining = kept.filter((c) => !before.stable.has(c) && after.stable.has(c));
  const losing = kept.filter((c) => before.stable.has(c) && !after.stable.has(c));
  const moving = kept.filter(
    (c) =>
      before.stable.has(c) && after.stable.has(c) && before.stable.get(c) !== after.stable.get(c),
  );
  if (gaining.length > 0 && before.frontDoor)
    out.push({
      level: "note",
      text: `consumers get stable URLs on ${code(domainOf(after.stable.get(gaining[0]!)!))}: ${few(gaining.map((c) => after.stable.get(c)!))} (outputs: consumers.<name>.stableUrl). They answer once the domain's DNS record points at its Regional endpoint (outputs: apiDomain; with maas:apiHostedZoneId the stack writes it); hand them to callers. The execute-api URLs keep working until maas:disableExecuteApiEndpoint turns them off`,
    });
  if (moving.length > 0)
    out.push({
      level: "warn",
      text: `the front door's domain changes (${code(domainOf(before.stable.get(moving[0]!)!))} → ${code(domainOf(after.stable.get(moving[0]!)!))}): every stable URL changes (${few(moving.map((c) => after.stable.get(c)!))}) and the old domain with its mappings is deleted at the end of this update: its callers get errors from then on. The new domain needs its DNS record and certificate first; tell callers the new URLs before this applies`,
    });
  if (losing.length > 0 && after.frontDoor)
    out.push({
      level: "warn",
      text: `the front door's domain ${code(domainOf(before.stable.get(losing[0]!)!))} goes: the stable URLs ${few(losing.map((c) => before.stable.get(c)!))} stop working at once. Callers must move to the execute-api URLs (outputs: consumers.<name>.url) before this applies`,
    });
  // The execute-api URLs turned off or on again.
  if (before.frontDoor && after.frontDoor && !before.executeApiOff && after.executeApiOff)
    out.push({
      level: "warn",
      text: "the execute-api URLs are turned off (maas:disableExecuteApiEndpoint): once the APIs' new deployments are live, a call to `https://<api>.execute-api.<region>.amazonaws.com/<consumer>` gets 403. Apply only when every caller uses its stable URL: the access logs' domainName field shows who still calls the execute-api host",
    });
  if (before.executeApiOff && !after.executeApiOff && after.frontDoor)
    out.push({
      level: "note",
      text: "the execute-api URLs answer again (maas:disableExecuteApiEndpoint off) once the APIs' new deployments are live",
    });
  const tls = tlsChange(before, after);
  if (tls) out.push(tls);
  // An execute-api URL that moves without an auth switch: the API it is on is created anew.
  for (const consumer of kept) {
    const [old, current] = [before.stages.get(consumer), after.stages.get(consumer)];
    if (!old || !current || old === current) continue;
    if (before.kinds.get(consumer) !== after.kinds.get(consumer)) continue;
    const stable = after.stable.get(consumer);
    out.push(
      stable && stable === before.stable.get(consumer)
        ? {
            level: "note",
            text: `consumer ${code(consumer)}'s API is created anew: its execute-api URL changes, its stable URL ${code(stable)} stays (its mapping moves to the new API in place)`,
          }
        : {
            level: "warn",
            text: `consumer ${code(consumer)}'s API is created anew: its URL changes, and the old one stops working once this applies. Its callers must move to the new URL (outputs: consumers.${consumer}.url); a custom domain (maas:apiDomain) gives URLs that stay`,
          },
    );
  }
  return out;
}

export function accessRisks(transition: Transition): Risk[] {
  const before = accessOf(transition.base);
  const after = accessOf(transition.head);
  const out: Risk[] = [];
  out.push(...doorRisks(before, after));
  for (const [consumer, limits] of after.consumers) {
    const old = before.consumers.get(consumer);
    if (!old) {
      const models = [...after.grants]
        .map(pair)
        .filter((g) => g.consumer === consumer)
        .map((g) => code(g.model));
      out.push({
        level: models.length > 0 ? "warn" : "note",
        text: `consumer ${code(consumer)} is added (${limits.rate}/s, burst ${limits.burst}${limits.quota ? `, ${limits.quota}` : ""}) and may call ${models.length > 0 ? models.join(", ") : "no model yet"}: ${after.kinds.get(consumer) === "oauth" ? "a key, a stage, an app client for its tokens and secrets" : "a key, a stage and a secret"} its principals can read${after.stable.has(consumer) ? `; its URL is ${code(after.stable.get(consumer)!)}` : ""}`,
      });
      if (after.kinds.get(consumer) === "apikey")
        out.push({
          level: "note",
          text: `consumer ${code(consumer)} authenticates with its API key alone, which AWS advises against ("Don't rely on API keys as your only means of authentication and authorization"): auth: oauth gives a caller outside AWS a token of its own, the key kept for its limits`,
        });
      continue;
    }
    const raised = [
      (limits.rate ?? 0) > (old.rate ?? 0) ? `rate ${old.rate} → ${limits.rate}/s` : undefined,
      (limits.burst ?? 0) > (old.burst ?? 0) ? `burst ${old.burst} → ${limits.burst}` : undefined,
      old.quota !== undefined && (limits.quotaPerDay ?? Infinity) > (old.quotaPerDay ?? 0)
        ? `quota ${old.quota} → ${limits.quota ?? "none"}`
        : undefined,
    ].filter((text): text is string => text !== undefined);
    if (raised.length > 0)
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} may call more: ${raised.join(", ")}. The models' capacity (autoscaling.maxReplicas) must carry it`,
      });
    const [oldKind, newKind] = [before.kinds.get(consumer), after.kinds.get(consumer)];
    const stableUrl = after.stable.get(consumer);
    const keepsUrl = stableUrl !== undefined && stableUrl === before.stable.get(consumer);
    if (oldKind && newKind && oldKind !== newKind)
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} changes how it calls (${KIND_NAMES[oldKind]} → ${KIND_NAMES[newKind]}): ${
          keepsUrl
            ? `its stable URL ${code(stableUrl)} stays (its mapping moves to the other API in place), but it gets a new key and secret${newKind === "oauth" ? ", and an app client for its tokens," : ""} there and its old ones stop working at once, as does its execute-api URL; its callers must switch credentials in the same release`
            : `it gets a new URL, key and secret${newKind === "oauth" ? ", and an app client for its tokens," : ""} on the other API, and its old ones stop working at once; its callers must switch in the same release`
        }`,
      });
    else {
      const [oldKeys, newKeys] = [before.keys.get(consumer), after.keys.get(consumer)];
      const added = [...(newKeys ?? [])].filter((k) => !oldKeys?.has(k));
      const removed = [...(oldKeys ?? [])].filter((k) => !newKeys?.has(k));
      if (added.length > 0)
        out.push({
          level: "note",
          text: `consumer ${code(consumer)} gets key ${added.map(code).join(", ")}; its secret now holds it (the value is masked here)${removed.length === 0 ? "; the other key keeps working until its label is removed" : ""}`,
        });
      // Replacing every key in one apply cuts every caller: none could hold the new key before.
      const replaced = added.length > 0 && removed.length === (oldKeys?.size ?? 0);
      if (removed.length > 0)
        out.push(
          replaced
            ? {
                level: "refuse",
                text: `consumer ${code(consumer)}'s key ${removed.map(code).join(", ")} is replaced by ${added.map(code).join(", ")} in one apply: its callers get 401 from this apply, and none could hold the new key before it (it is created in the same update). Rotate in two steps: add the new label beside the old one, apply, move callers to the value its secret then holds, then remove the old label`,
              }
            : {
                level: "warn",
                text: `consumer ${code(consumer)}'s key ${removed.map(code).join(", ")} is deleted: callers still sending it get 401`,
              },
        );
    }
    const principals = after.principals.get(consumer);
    if (before.principals.has(consumer) && principals !== before.principals.get(consumer))
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} is signed for by other principals: ${principals}. Whoever joins gets its grants and limits`,
      });
  }
  out.push(...urlRisks(before, after));
  for (const consumer of before.consumers.keys())
    if (!after.consumers.has(consumer))
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} is removed: its key and URL stop working at once (401); its secret is scheduled for deletion`,
      });
  const granted = [...after.grants].filter((g) => !before.grants.has(g)).map(pair);
  const revoked = [...before.grants]
    .filter((g) => !after.grants.has(g))
    .map(pair)
    .filter(({ consumer }) => after.consumers.has(consumer));
  const scope = (model: string) => code(`models/${model}`);
  for (const { consumer, model } of granted.filter((g) => before.consumers.has(g.consumer)))
    out.push({
      level: "warn",
      text: `consumer ${code(consumer)} may now call ${code(model)}${after.scopes.has(consumer) ? `: its app client gains scope ${scope(model)}, which tokens issued from then on carry` : ""}`,
    });
  const everyone = [...new Set(granted.map((g) => g.model))].filter(
    (model) =>
      after.consumers.size > 1 &&
      [...after.consumers.keys()].every((consumer) => after.grants.has(`${consumer} ${model}`)),
  );
  for (const model of everyone)
    out.push({ level: "warn", text: `${code(model)} is now callable by every consumer` });
  for (const { consumer, model } of revoked)
    out.push({
      level: "warn",
      text: `consumer ${code(consumer)} can no longer call ${code(model)}: its calls get 403 once pulumi up deploys the API${after.scopes.has(consumer) ? `. Its app client loses scope ${scope(model)} for new tokens; tokens it holds keep the scope until they expire (${ACCESS_TOKEN_MINUTES} minutes), and its stage's grant, which goes with that deployment, is what refuses them` : ""}`,
    });
  // An app client's scopes are its stage's grants (components/specs/tokens.ts): a token with a
  // scope its stage is not granted opens nothing, and a grant without the scope no token.
  for (const [consumer, scopes] of after.scopes) {
    const grants = [...after.grants]
      .map(pair)
      .filter((g) => g.consumer === consumer)
      .map((g) => `models/${g.model}`)
      .sort();
    if (after.kinds.get(consumer) === "oauth" && JSON.stringify(grants) !== JSON.stringify(scopes))
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)}'s app client has scopes ${scopes.map(code).join(", ") || "none"}, but its stage is granted ${grants.map(code).join(", ") || "nothing"}: the two should say the same`,
      });
  }
  return out;
}

const ranges = (direct: Set<string>) => [...direct].sort().map(code).join(", ");

/**
 * The door itself: opening it, removing it, and the load balancers' direct callers beside it
 * (maas:keepDirectAccess), the way to adopt or remove the door without cutting anyone off.
 */
function doorRisks(before: Access, after: Access): Risk[] {
  const out: Risk[] = [];
  if (!before.frontDoor && after.frontDoor) {
    const opens = `the front door opens: models are called through API Gateway by the consumers their access: lists; this apply creates their ${after.stable.size > 0 ? "stable URLs (outputs: consumers.<name>.stableUrl, once the domain's DNS record is there)" : "URLs (outputs: consumers)"}`;
    if (after.direct.size > 0)
      out.push({
        level: "warn",
        text: `${opens}, and the load balancers keep admitting ${ranges(after.direct)} beside it (maas:keepDirectAccess) while callers move. Once no caller uses the load balancers' addresses (their access logs, or RequestCount by address), drop maas:keepDirectAccess: until then those callers skip the door's credentials, limits and logs`,
      });
    else if (before.direct.size > 0)
      out.push({
        level: "refuse",
        text: `${opens}, and in the same apply the load balancers stop admitting ${ranges(before.direct)}: their callers are cut off before any of them can hold a consumer's URL. To adopt the door without an outage, set maas:keepDirectAccess: true in this change, move callers to their consumer's ${after.stable.size > 0 ? "stable URL" : "URL"}, then drop it`,
      });
    else out.push({ level: "warn", text: `${opens}; the load balancers admit nothing else` });
  }
  if (before.frontDoor && !after.frontDoor) {
    const cut =
      before.direct.size === 0
        ? `; the consumers' URLs stop working in this apply, before any caller can have moved: to remove the door without an outage, first set maas:keepDirectAccess: true (the load balancers admit their callers beside the door), move callers to the models' endpoint outputs, then remove consumers:`
        : "";
    const kept =
      before.logRetentionDays === undefined
        ? ""
        : `. Its access and WAF logs and their key stay in the account (retained on delete) and the logs expire after ${before.logRetentionDays} days; schedule the key's deletion after that (docs/front-door.md, "Removing the front door")`;
    out.push({
      // Its callers cut before any can move, where keepDirectAccess would have let them.
      level: cut ? "refuse" : "warn",
      text: `the front door goes: models lose authentication, per-consumer limits and access logs, and the load balancers admit ${ranges(after.direct)}${cut}${kept}`,
    });
  }
  if (before.frontDoor && after.frontDoor) {
    const [was, is] = [before.direct, after.direct];
    if (is.size > 0)
      out.push({
        level: "warn",
        text: `the load balancers ${was.size > 0 ? "still admit" : "admit"} ${ranges(is)} beside the front door (maas:keepDirectAccess): callers there skip its credentials, limits and logs. Drop it once they have moved`,
      });
    else if (was.size > 0)
      out.push({
        level: "warn",
        text: `the load balancers stop admitting ${ranges(was)} (maas:keepDirectAccess dropped): a caller still using their addresses is cut off. Check their access logs first: no request but the front door's`,
      });
  }
  return out;
}

/** `SecurityPolicy_… (STRICT)`, or AWS's default for an API that names none. */
function tlsText(tls: NonNullable<Access["tls"]>): string {
  return tls.policy
    ? `${code(tls.policy)}${tls.accessMode ? ` (${tls.accessMode})` : ""}`
    : "AWS's default `TLS_1_0`";
}

/**
 * The APIs' TLS changed: callers whose TLS the new policy or access mode refuses are cut off once
 * the new deployments are live, about 15 minutes later (API Gateway guide, "How to change a
 * security policy"; "Endpoint access mode": STRICT also refuses a request whose SNI does not name
 * the host it calls, and AWS advises BASIC first when an API moves to an enhanced policy).
 */
function tlsChange(before: Access, after: Access): Risk | undefined {
  if (!before.frontDoor || !after.frontDoor || !before.tls || !after.tls) return undefined;
  if (before.tls.policy === after.tls.policy && before.tls.accessMode === after.tls.accessMode)
    return undefined;
  const stricter = after.tls.accessMode === "STRICT" && before.tls.accessMode !== "STRICT";
  return {
    level: "warn",
    text: `the front door's APIs change their TLS: ${tlsText(before.tls)} → ${tlsText(after.tls)}. It takes effect with their new deployments and takes about 15 minutes to reach every endpoint; from then on a caller whose TLS version or cipher suite the policy does not take is refused at the handshake${stricter ? ", and with STRICT one whose TLS SNI does not name the host it calls. To move a running API without surprises, set maas:apiEndpointAccessMode: BASIC first and STRICT once the access logs' tlsVersion field shows every caller on TLS 1.2 or later" : ""}`,
  };
}
