/**
 * What a reviewer must see first: every change with a risk, each saying what will happen and
 * what to do. From the transition (refusals, warnings, replacements, history leaving the
 * stack, protection turned off), the catalogue (traffic reaching versions that are new or back
 * from retirement, a new version running its sibling's image) and the head's rule violations.
 */
import type { ResolvedCatalogue } from "../catalogue";
import { kindOf } from "../kinds";
import { accessRisks } from "./access-risk";
import type { Violation } from "../policy";
import { imageSource } from "./catalogue-diff";
import { code, displayType } from "./markdown";
import type { RecordedResource } from "../plan/record";
import { requestTimingRisks } from "./request-timing-risk";
import type { Step, Transition } from "../change/transition";
import type { TransitionFinding } from "../change/transition-rules";
import type { Risk } from "./review-risk";

export type { Risk } from "./review-risk";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
/** Replaced on every change of what the front door routes: the API's routine redeployment. */
const API_DEPLOYMENT = "aws:apigateway/deployment:Deployment";
/** A rule id (explained in docs/rules.md, which the comment's footnote names). */
const anchor = (rule: string) => `\`${rule}\``;

export interface RiskInput {
  transition: Transition;
  findings: TransitionFinding[];
  base: ResolvedCatalogue;
  head: ResolvedCatalogue;
  /** The head plan's rule violations, each with its rule's fix. */
  violations: (Violation & { fix?: string })[];
}

function grouped(label: string, items: string[], limit = 8): string {
  const shown = items.slice(0, limit).map(code).join(", ");
  return `${label}: ${shown}${items.length > limit ? ` and ${items.length - limit} more` : ""}`;
}

/**
 * A replacement for its name alone, from a name an older maas shortened (a target group's ending
 * in 6 hex, a role's in 8) to the shortened form names.ts gives it now (10 base-36 characters
 * after a `-`, or 12 after a `.`), which no whole name has.
 */
function shortenedBefore(step: Step): boolean {
  const [before, after] = [step.previous?.inputs.name, step.resource.inputs.name];
  if (typeof before !== "string" || typeof after !== "string") return false;
  if (step.type === "aws:lb/targetGroup:TargetGroup")
    return /-[0-9a-f]{6}$/.test(before) && /-[0-9a-z]{10}$/.test(after);
  if (step.type === "aws:iam/role:Role")
    return /-[0-9a-f]{8}$/.test(before) && /\.[0-9a-z]{12}$/.test(after);
  return false;
}

export function risks(input: RiskInput): Risk[] {
  const { transition, findings } = input;
  const out: Risk[] = [
    ...findings
      .filter((f) => f.severity === "refuse")
      .map((f) => ({ level: "refuse" as const, text: `${anchor(f.rule)} ${f.message}` })),
    ...input.violations.map((v) => ({
      level: "refuse" as const,
      text: `${anchor(v.rule)} the head breaks a rule: ${code(v.object)}: ${v.message}${v.fix ? `. Fix: ${v.fix}` : ""}`,
    })),
    ...findings
      .filter((f) => f.severity === "warn")
      .map((f) => ({ level: "warn" as const, text: `${anchor(f.rule)} ${f.message}` })),
  ];

  out.push(...accessRisks(transition));
  out.push(...requestTimingRisks(transition));

  // Replacements, by type: what is created anew, and when the old one goes.
  const replaced = new Map<string, string[]>();
  const redeployed = transition.steps.filter(
    (s) => s.op === "replace" && s.type === API_DEPLOYMENT,
  );
  if (redeployed.length > 0)
    out.push({
      level: "note",
      text: `${grouped(
        `the front door's API is redeployed`,
        redeployed.map((s) => s.name),
      )}: a new API Gateway deployment takes what changed live, the consumers' stages move to it and the old one is deleted at the end`,
    });
  for (const step of transition.steps.filter(
    (s) => s.op === "replace" && s.type !== API_DEPLOYMENT,
  )) {
    const key = `${displayType(step.type)} (${step.causes.join(", ")} changed${step.deleteFirst ? "; the old one is deleted first" : ""})`;
    replaced.set(key, [...(replaced.get(key) ?? []), step.name]);
  }
  for (const [what, names] of replaced)
    out.push({
      level: "warn",
      text: `${grouped(`replaced: ${names.length} ${what}`, names)}. A new one is created${what.includes("deleted first") ? " after the old one is deleted" : ", the old one deleted at the end of pulumi up"}; what refers to it changes with it`,
    });
  // Names an older maas shortened with too few bits, renamed once (names.ts).
  const renamed = transition.steps
    .filter((s) => s.op === "replace" && s.causes.join() === "name" && shortenedBefore(s))
    .map((s) => `${displayType(s.type)} ${s.name}`);
  if (renamed.length > 0)
    out.push({
      level: "note",
      text: `${grouped("renamed once by this version of maas", renamed)}: their names were shortened to fit with a short hash, and now carry one of their whole identity long enough that no two meet across an account's stacks. Each is replaced create-before-delete, its pods rolled onto the new one first; names that fit whole do not change (docs/changing.md, "Changing a running stack")`,
    });

  // Protection turned off. Not the audit trail's (log groups and the keys that encrypt them):
  // retained on delete and unprotected by design (components/front-door.ts, AUDIT_TRAIL), they
  // leave the stack, never the account.
  const headByUrn = new Map(transition.head.map((r) => [r.urn, r]));
  const logGroups = transition.head.filter((r) => r.type === LOG_GROUP);
  const auditTrail = new Set([
    ...logGroups.map((r) => r.urn),
    ...logGroups.flatMap((r) => r.dependencies),
  ]);
  const unprotected = transition.base
    .filter((r) => {
      const head = headByUrn.get(r.urn);
      if (!r.options?.protect || !head || head.options?.protect) return false;
      return !(auditTrail.has(r.urn) && head.options?.retainOnDelete);
    })
    .map((r) => `${displayType(r.type)} ${r.name}`);
  if (unprotected.length > 0)
    out.push({
      level: "warn",
      text: `${grouped("protection turned off", unprotected)}: pulumi up and destroy can now delete them. Intended only on the way to a deliberate replacement; protect again after`,
    });

  // History leaving the stack (kept in AWS by retainOnDelete): every kind whose record holds
  // history (kinds/), the kinds RULES-26 refuses to delete without it. The registry's bucket,
  // table and key are among them: one leaving the stack is as much an orphan to import later as
  // a record or an image (this note once left them out).
  const leaving = transition.steps
    .filter(
      (s) => s.op === "delete" && kindOf(s.type)?.history && s.previous?.options?.retainOnDelete,
    )
    .map((s) => `${displayType(s.type)} ${s.name}`);
  if (leaving.length > 0)
    out.push({
      level: "note",
      text: `${grouped("leave the stack but stay in AWS (registry history)", leaving)}. Bringing them back later needs pulumi import`,
    });

  // Whole models removed (or renamed, which removes the old name). One that still serves
  // traffic loses it in this apply, as a retired version would (refused, RULES-25): it is taken
  // down in a step of its own, where retiring its versions says so.
  const headModels = new Set(input.head.models.map((m) => m.name));
  for (const model of input.base.models.filter((m) => !headModels.has(m.name))) {
    const live = model.versions.filter((v) => v.status !== "retired" && v.traffic > 0);
    out.push(
      live.length === 0
        ? {
            level: "warn",
            text: `model ${code(model.name)} is removed: its endpoint, workloads, routing and alarms go; its registry items, images and repository stay in AWS`,
          }
        : {
            level: "refuse",
            text: `model ${code(model.name)} is removed while it serves traffic (${live.map((v) => `${code(v.version)} ${v.traffic}%`).join(", ")}): its callers get 404 from this apply, its workloads, routing and alarms go, and its registry records keep saying live. Take it down in two steps: retire all its versions (retired: true), apply, then remove it. A rename is the same: serve the new name beside it, move its callers, then take the old one down. A move to another shard is judged as one only when both stacks are diffed (maas diff --all-stacks)`,
          },
    );
  }

  // Who may call changes through a new API deployment, which waits for the integrations, which
  // wait for their models' rules and so for this apply's rollouts (components/front-door-api.ts).
  const accessChanges = transition.steps.some(
    (s) =>
      (s.type === "aws:apigateway/restApiPolicy:RestApiPolicy" && s.op === "update") ||
      (/^aws:apigateway\/(apiKey|usagePlan|usagePlanKey):/.test(s.type) && s.op === "delete"),
  );
  const rollouts = transition.steps
    .filter(
      (s) => s.type === "kubernetes:apps/v1:Deployment" && (s.op === "create" || s.op === "update"),
    )
    .map((s) => s.name);
  if (accessChanges && rollouts.length > 0)
    out.push({
      level: "warn",
      text: `${grouped("access changes ride with rollouts", rollouts)}: the front door's new API deployment, which makes them live, comes after these rollouts (a revocation takes effect only then, and not at all if a rollout fails). To revoke at once, apply the access change alone`,
    });

  // The front door switching scheme (a certificate added or removed): its integrations change
  // with the new API deployment, but the load balancer's listeners and the security group rule
  // change in place at their own steps, so for the seconds between them calls fail.
  const scheme = (uri: unknown) => (typeof uri === "string" ? (uri.split(":")[0] ?? "") : "");
  const uris = transition.steps
    .filter((s) => s.type === "aws:apigateway/integration:Integration" && s.op === "update")
    .map((s) => ({ from: s.previous?.inputs.uri, to: s.resource.inputs.uri }))
    .filter(({ from, to }) => from !== to);
  const schemes = uris.filter(({ from, to }) => scheme(from) !== scheme(to));
  if (schemes.length > 0)
    out.push({
      level: "warn",
      text: `the front door moves from ${code(scheme(schemes[0]!.from))} to ${code(scheme(schemes[0]!.to))} on the load balancers: the listeners and the security group rule change in place before the new API deployment is live, so calls through the front door fail until it is (504 or a redirect: seconds, or as long as this apply's rollouts); apply it alone, when callers can retry`,
    });
  // What the load balancers' rules match (maas:routing, maas:hostDomain) changes in place, at
  // once: clients of the old host or path get the listener's 404 from that step on, and the
  // front door too until its new deployment is live.
  const matching = transition.steps.filter(
    (s) =>
      s.type === "aws:lb/listenerRule:ListenerRule" &&
      s.op === "update" &&
      s.paths.some((path) => path.startsWith("conditions")) &&
      !stillMatches(s.previous, s.resource),
  );
  if (matching.length > 0)
    out.push({
      level: "warn",
      text: `${grouped(
        "listener rules match another host or path",
        matching.map((s) => s.name),
      )}: they change in place, so from that step on a request to the old address gets the load balancer's 404${uris.length > 0 ? ", and calls through the front door too until its new API deployment is live (as long as this apply's rollouts)" : ""}. Move clients with the change, or apply it alone when a short cut is acceptable`,
    });

  // Traffic reaching versions that are new or back from retirement; images shared by mistake;
  // models moving to another load balancer (another address).
  const baseModels = new Map(input.base.models.map((m) => [m.name, m]));
  for (const model of input.head.models) {
    const before = baseModels.get(model.name);
    if (before && before.routing.loadBalancer !== model.routing.loadBalancer)
      out.push({
        level: "warn",
        text:
          (input.head.consumers ?? []).length > 0
            ? `model ${code(model.name)} moves from load balancer ${code(before.routing.loadBalancer)} to ${code(model.routing.loadBalancer)}: its callers keep their front-door URLs; pulumi up serves it on the new load balancer, then points the front door there, before it leaves the old (in a sharded layout, apply the base and the model's shard back to back)`
            : `model ${code(model.name)} moves from load balancer ${code(before.routing.loadBalancer)} to ${code(model.routing.loadBalancer)}: its endpoint gets that load balancer's address (path routing: another DNS name; host routing: point its DNS there). pulumi up serves it on the new one before it leaves the old`,
      });
    for (const version of model.versions.filter((v) => v.traffic > 0)) {
      const old = before?.versions.find((v) => v.version === version.version);
      if (old && old.status !== "retired") continue;
      out.push({
        level: "note",
        text: `${code(`${model.name} ${version.version}`)} (${old ? "back from retirement" : "new"}) gets ${version.traffic}% once its rollout is healthy: pulumi up deploys it first and moves the traffic after; if it never becomes healthy, pulumi up fails and no request reaches it`,
      });
    }
    for (const version of model.versions.filter(
      (v) => v.status !== "retired" && !before?.versions.some((o) => o.version === v.version),
    )) {
      const twin = model.versions.find(
        (other) =>
          other.version !== version.version &&
          other.status !== "retired" &&
          imageSource(other) === imageSource(version),
      );
      if (twin)
        out.push({
          level: "warn",
          text: `${code(`${model.name} ${version.version}`)} runs the same image as ${code(twin.version)} (${code(imageSource(version))}): a model-level image: or build: is inherited. Give the new version its own image: or build: if it is new code`,
        });
    }
  }
  return out;
}

type RuleCondition = {
  hostHeader?: { values?: string[] };
  pathPattern?: { values?: string[]; regexValues?: string[] };
};

/**
 * Whether a rule's new conditions still match every request its old ones did: the same hosts,
 * and each old path pattern (a `*` standing for any segment) within a new pattern or regex. A
 * rule that only widens (the front door's regex, which adds an optional stage) cuts nobody.
 */
function stillMatches(before: RecordedResource | undefined, after: RecordedResource): boolean {
  const conditions = (resource: RecordedResource) =>
    (resource.inputs.conditions ?? []) as RuleCondition[];
  if (!before) return false;
  const hosts = (list: RuleCondition[]) =>
    JSON.stringify(list.flatMap((c) => c.hostHeader?.values ?? []).sort());
  const old = conditions(before);
  const current = conditions(after);
  if (hosts(old) !== hosts(current)) return false;
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
  const accepts = current.flatMap((c) => [
    ...(c.pathPattern?.values ?? []).map(glob),
    ...(c.pathPattern?.regexValues ?? []).map((regex) => new RegExp(regex)),
  ]);
  const samples = old.flatMap((c) =>
    (c.pathPattern?.values ?? []).map((p) => p.replace(/\*/g, "x/y")),
  );
  // No path condition before: anything on the host matched, which only no path condition keeps.
  if (samples.length === 0) return accepts.length === 0;
  return samples.every((sample) => accepts.some((pattern) => pattern.test(sample)));
}
