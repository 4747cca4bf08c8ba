/**
 * Who may call what, before and after: the risks of an access change, read from the planned
 * front door itself (its resource policies, usage plans and oauth app clients), so a single
 * stack and a base that serves its shards' models are judged alike, by what AWS would enforce.
 */
import { FIRST_API_KEY } from "../catalogue/resolve";
import { ACCESS_TOKEN_MINUTES } from "../components/specs/tokens";
import { code } from "./markdown";
import type { RecordedResource } from "./record";
import type { Risk } from "./risk";
import type { Transition } from "./transition";

const POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";
const USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan";
const VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink";
const SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy";
const API_KEY = "aws:apigateway/apiKey:ApiKey";
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
    scopes: new Map(),
  };
  for (const resource of resources) {
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

export function accessRisks(transition: Transition): Risk[] {
  const before = accessOf(transition.base);
  const after = accessOf(transition.head);
  const out: Risk[] = [];
  if (!before.frontDoor && after.frontDoor)
    out.push({
      level: "warn",
      text: "the front door opens: models are called through API Gateway by the consumers their access: lists, and the load balancers stop admitting anything else. Callers of the load balancers' addresses must move to their consumer's URL (outputs: consumers) before this applies",
    });
  if (before.frontDoor && !after.frontDoor)
    out.push({
      level: "warn",
      text: "the front door goes: models lose authentication, per-consumer limits and access logs, and the load balancers admit maas:ingressCidrs again",
    });
  for (const [consumer, limits] of after.consumers) {
    const old = before.consumers.get(consumer);
    if (!old) {
      const models = [...after.grants]
        .map(pair)
        .filter((g) => g.consumer === consumer)
        .map((g) => code(g.model));
      out.push({
        level: models.length > 0 ? "warn" : "note",
        text: `consumer ${code(consumer)} is added (${limits.rate}/s, burst ${limits.burst}${limits.quota ? `, ${limits.quota}` : ""}) and may call ${models.length > 0 ? models.join(", ") : "no model yet"}: ${after.kinds.get(consumer) === "oauth" ? "a key, a stage, an app client for its tokens and secrets" : "a key, a stage and a secret"} its principals can read`,
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
    if (oldKind && newKind && oldKind !== newKind)
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} changes how it calls (${KIND_NAMES[oldKind]} → ${KIND_NAMES[newKind]}): it gets a new URL, key and secret${newKind === "oauth" ? ", and an app client for its tokens," : ""} on the other API, and its old ones stop working at once; its callers must switch in the same release`,
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
      if (removed.length > 0)
        out.push({
          level: "warn",
          text: `consumer ${code(consumer)}'s key ${removed.map(code).join(", ")} is deleted: callers still sending it get 401${added.length > 0 ? "; the new key is created in the same update, so nobody could switch beforehand: rotate in two steps (add a label, then remove the old one)" : ""}`,
        });
    }
    const principals = after.principals.get(consumer);
    if (before.principals.has(consumer) && principals !== before.principals.get(consumer))
      out.push({
        level: "warn",
        text: `consumer ${code(consumer)} is signed for by other principals: ${principals}. Whoever joins gets its grants and limits`,
      });
  }
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
