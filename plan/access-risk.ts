/**
 * Who may call what, before and after: the risks of an access change, read from the planned
 * front door itself (its resource policies and usage plans), so a single stack and a base that
 * serves its shards' models are judged alike, by what AWS would enforce.
 */
import { PINNED_LISTENER_PORT } from "../catalogue/quotas";
import { FIRST_API_KEY } from "../catalogue/resolve";
import { code } from "./markdown";
import type { RecordedResource } from "./record";
import type { Risk } from "./risk";
import type { Transition } from "./transition";

const POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";
const USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan";
const VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink";
const SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy";
const API_KEY = "aws:apigateway/apiKey:ApiKey";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

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
  };
  for (const resource of resources) {
    // Client ports only: the pinned listener's runners are no model's callers.
    const { cidrIpv4, fromPort } = resource.inputs as { cidrIpv4?: unknown; fromPort?: unknown };
    if (resource.type === INGRESS_RULE && typeof cidrIpv4 === "string")
      if (fromPort !== PINNED_LISTENER_PORT) access.direct.add(cidrIpv4);
    if (resource.type === LOG_GROUP && typeof resource.inputs.retentionInDays === "number")
      access.logRetentionDays = resource.inputs.retentionInDays;
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
    const secretOf = /^front-door-(?:sigv4|apikey)-(.+)$/.exec(resource.name);
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
    const kind = /^front-door-(sigv4|apikey)-/.exec(resource.name)?.[1];
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
        text: `consumer ${code(consumer)} is added (${limits.rate}/s, burst ${limits.burst}${limits.quota ? `, ${limits.quota}` : ""}) and may call ${models.length > 0 ? models.join(", ") : "no model yet"}: a key, a stage and a secret its principals can read`,
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
        text: `consumer ${code(consumer)} changes how it calls (${oldKind === "apikey" ? "API key" : "SigV4"} → ${newKind === "apikey" ? "API key" : "SigV4"}): it gets a new URL, key and secret on the other API, and its old ones stop working at once; its callers must switch in the same release`,
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
  for (const { consumer, model } of granted.filter((g) => before.consumers.has(g.consumer)))
    out.push({
      level: "warn",
      text: `consumer ${code(consumer)} may now call ${code(model)}`,
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
      text: `consumer ${code(consumer)} can no longer call ${code(model)}: its calls get 403 once pulumi up deploys the API`,
    });
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
    const opens =
      "the front door opens: models are called through API Gateway by the consumers their access: lists; this apply creates their URLs (outputs: consumers)";
    if (after.direct.size > 0)
      out.push({
        level: "warn",
        text: `${opens}, and the load balancers keep admitting ${ranges(after.direct)} beside it (maas:keepDirectAccess) while callers move. Once no caller uses the load balancers' addresses (their access logs, or RequestCount by address), drop maas:keepDirectAccess: until then those callers skip the door's credentials, limits and logs`,
      });
    else if (before.direct.size > 0)
      out.push({
        level: "refuse",
        text: `${opens}, and in the same apply the load balancers stop admitting ${ranges(before.direct)}: their callers are cut off before any of them can hold a consumer's URL. To adopt the door without an outage, set maas:keepDirectAccess: true in this change, move callers to their consumer's URL, then drop it`,
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
        : `. Its access and WAF logs and their key stay in the account (retained on delete) and the logs expire after ${before.logRetentionDays} days; schedule the key's deletion after that (docs/operations.md, "Removing the front door")`;
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
