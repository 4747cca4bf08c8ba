/**
 * What must hold on the way from the deployed plan to the next (rules 21-27, docs/rules.md), judged
 * on the steps transition.ts derives. Each finding says what `pulumi up` would do and what to
 * do instead. `refuse` findings are edits that fail half-way, drop requests or lose data;
 * `warn` findings are deliberate but worth a reviewer's eye.
 */
import { dependencyClosure } from "./transition";
import type { Step, Transition } from "./transition";
import { kindOf } from "../kinds";
import { physicalNames } from "../plan/physical-names";
import { placeholderResource } from "../plan/placeholders";
import type { RecordedResource } from "../plan/record";
import { pathsTouching } from "../plan/replacements";
import { serviceSelects } from "../policy/kubernetes-objects";
import type { RuleDoc } from "../policy/rule";
import { TRUST_STATEMENT_IDS } from "../components/specs/model-policies";
import { READINESS_GATE_LABEL } from "../components/specs/namespace";

/** The rules judged here, for docs/rules.md and the diff. */
const TRANSITION_RULES: RuleDoc[] = [
  {
    id: "RULES-21/protected",
    description:
      "No change replaces or deletes a resource Pulumi protects (the production registry and load balancer).",
    why: "pulumi preview refuses it; the edit can never apply as it stands.",
    fix: "If intended, apply maas:protect false first (it also lifts AWS deletion protection), then the change, then protect again.",
  },
  {
    id: "RULES-22/create-before-delete",
    description:
      "No resource is created under a physical name that another still holds at that point of pulumi up: replacements are created before the old one is deleted, and deletions run last.",
    why: "AWS refuses the second one (DuplicateLoadBalancerName, DuplicateListener, PriorityInUse…) and pulumi up stops half-way.",
    fix: "Derive the name from what forces the replacement (names.ts does), or replace delete-first where a short gap is acceptable.",
  },
  {
    id: "RULES-23/immutable-fields",
    description:
      "No field an admission webhook refuses to update is updated in place (TargetGroupBinding spec.targetGroupARN, targetType, vpcID, ipAddressType).",
    why: "Pulumi does not know a custom resource's schema and sends an update; the AWS Load Balancer Controller's webhook refuses it.",
    fix: "Give the resource replaceOnChanges for these fields and a name that changes with them.",
  },
  {
    id: "RULES-24/admission-order",
    description:
      "What pods receive only when admitted exists before them: their TargetGroupBinding and a target group in use (readiness gates), the namespace's readiness-gate label, the role policy and Pod Identity association (credentials); a change of either rolls the pods.",
    why: "Readiness gates and credentials are injected at pod creation only: pods admitted earlier never get them.",
    fix: "Order the Deployment after them (dependsOn) and name them in the pod template (components/specs/admission.ts).",
  },
  {
    id: "RULES-25/traffic-follows-readiness",
    description:
      "No listener rule sends a share to a version before its pods are registered and healthy, and no version is removed while a rule still sends it a share.",
    why: "Weighted forwarding does not fail over: requests to a target group without healthy targets fail (503) until it has some.",
    fix: "New versions and cold standbys given traffic: the model's rule waits for their Deployments (components/model-traffic.ts). Retiring or going cold: set traffic 0 first, apply, then retire or set standby: cold.",
  },
  {
    id: "RULES-26/history-kept",
    description:
      "Registry items, images and repositories are never deleted by pulumi up, records that leave say retired, and no build pushes a tag that already exists.",
    why: "The registry is the history of what ran; a rollback needs the old image; ECR refuses to push an existing immutable tag (ImageTagAlreadyExistsException).",
    fix: "retainOnDelete on history; retire a version before removing it; image tags that hash every build input and add a generation drawn when the build is created (components/specs/ecr.ts, components/model-images.ts).",
  },
  {
    id: "RULES-27/unique-names",
    description:
      "No two resources of a stack share a physical name; stacks never share one either.",
    why: "AWS and Kubernetes refuse the second create, or (CloudWatch alarms) silently replace the first.",
    fix: "Derive every physical name in catalogue/names.ts, with `_` between stack, model and version.",
  },
];

export function transitionRuleDocs(): RuleDoc[] {
  return TRANSITION_RULES;
}

export interface TransitionFinding {
  rule: string;
  severity: "refuse" | "warn";
  /** The resource the finding is about. */
  urn: string;
  message: string;
}

const TGB = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER = "aws:lb/listener:Listener";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const IMAGE = "docker-build:index:Image";

interface Metadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
type Action = { forward?: { targetGroups?: { arn?: string; weight?: number }[] } };

/** The recorded inputs these rules read (Kubernetes objects and load balancer pieces). */
interface Inputs {
  metadata?: Metadata;
  spec?: {
    targetGroupARN?: string;
    serviceRef?: { name?: string };
    selector?: Record<string, string>;
    template?: { metadata?: Metadata; spec?: { serviceAccountName?: string } };
  };
  actions?: Action[];
  defaultActions?: Action[];
  listenerArn?: string;
  port?: number;
  fromPort?: number;
  toPort?: number;
  namespace?: string;
  serviceAccount?: string;
  roleArn?: string;
  role?: string;
  /** An IAM role's trust policy (JSON). */
  assumeRolePolicy?: string;
}
const inputs = (resource: RecordedResource) => resource.inputs as Inputs;
const label = (resource: RecordedResource) => `${resource.type.split(":").pop()} ${resource.name}`;

/** The weighted targets of a listener rule (or a listener's default forward). */
function forwards(resource: RecordedResource): { arn: string; weight: number }[] {
  const actions = inputs(resource).actions ?? inputs(resource).defaultActions ?? [];
  return actions.flatMap((action) =>
    (action.forward?.targetGroups ?? []).map((group) => ({
      arn: String(group.arn),
      weight: group.weight ?? 1,
    })),
  );
}

/** How a plan's pieces relate: bindings to target groups, Services to Deployments. */
class Wiring {
  constructor(private readonly resources: RecordedResource[]) {}

  /** The AWS provider's region (placeholder ARNs carry it). */
  region(): string {
    const region = this.ofType("pulumi:providers:aws")[0]?.inputs.region;
    return typeof region === "string" ? region : "";
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  bindingsOf(targetGroupArn: string): RecordedResource[] {
    return this.ofType(TGB).filter((tgb) => inputs(tgb).spec?.targetGroupARN === targetGroupArn);
  }

  /** The Deployments whose pods a binding registers (through its Service). */
  deploymentsBehind(binding: RecordedResource): RecordedResource[] {
    const namespace = inputs(binding).metadata?.namespace;
    const service = this.ofType(SERVICE).find(
      (candidate) =>
        inputs(candidate).metadata?.namespace === namespace &&
        inputs(candidate).metadata?.name === inputs(binding).spec?.serviceRef?.name,
    );
    if (!service) return [];
    return this.ofType(DEPLOYMENT).filter(
      (deployment) =>
        inputs(deployment).metadata?.namespace === namespace &&
        serviceSelects(
          inputs(service).spec?.selector,
          inputs(deployment).spec?.template?.metadata?.labels,
        ),
    );
  }

  /** The bindings that register a Deployment's pods. */
  bindingsOfDeployment(deployment: RecordedResource): RecordedResource[] {
    return this.ofType(TGB).filter((binding) =>
      this.deploymentsBehind(binding).some((found) => found.urn === deployment.urn),
    );
  }

  /**
   * The ARNs of listeners clients can reach: a security group rule opens their port. (The
   * readiness listener, which only keeps target groups in use, is not among them.)
   */
  clientListeners(): Set<string> {
    const open = this.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(
      (rule) => [Number(inputs(rule).fromPort), Number(inputs(rule).toPort)] as const,
    );
    return new Set(
      this.ofType(LISTENER)
        .filter((listener) => {
          const port = inputs(listener).port ?? 0;
          return open.some(([from, to]) => from <= port && port <= to);
        })
        // The listener's ARN as the rules refer to it (placeholders.ts derives it).
        .map((listener) =>
          String(placeholderResource(listener, { region: this.region() }).state.arn),
        ),
    );
  }

  /** Rules and listeners that forward to a target group (what makes it "in use"). */
  users(targetGroupArn: string): RecordedResource[] {
    return [...this.ofType(RULE), ...this.ofType(LISTENER)].filter((user) =>
      forwards(user).some((target) => target.arn === targetGroupArn),
    );
  }
}

/** RULES 22 and 27: no two resources hold one physical name at once, at any point of the way. */
function nameCollisions(t: Transition, steps: Step[]): TransitionFinding[] {
  const findings: TransitionFinding[] = [];
  const owners = new Map<string, string>();
  for (const resource of t.head.filter((r) => r.custom)) {
    for (const name of physicalNames(resource)) {
      const other = owners.get(name);
      if (other && other !== resource.urn)
        findings.push({
          rule: "RULES-27/unique-names",
          severity: "refuse",
          urn: resource.urn,
          message: `${name} is also ${other}'s: the second create fails; derive distinct names`,
        });
      owners.set(name, resource.urn);
    }
  }
  // Everything deleted runs after every create: a new resource cannot take the name of one
  // that goes in the same update.
  const leaving = new Map<string, Step>();
  for (const step of steps)
    if (step.op === "delete" || (step.op === "replace" && !step.deleteFirst))
      for (const name of physicalNames(step.previous!)) leaving.set(name, step);
  for (const step of steps) {
    const takes =
      step.op === "create" || (step.op === "replace" && !step.deleteFirst) || step.op === "update";
    if (!takes) continue;
    // An update takes only the names its previous self did not hold (a priority moved in place).
    const held = new Set(step.op === "update" ? physicalNames(step.previous!) : []);
    for (const name of physicalNames(step.resource)) {
      const old = leaving.get(name);
      if (!old || held.has(name)) continue;
      findings.push({
        rule: "RULES-22/create-before-delete",
        severity: "refuse",
        urn: step.urn,
        message:
          old.urn === step.urn
            ? `${label(step.resource)} is replaced (${step.causes.join(", ")} changed) and the new one is created before the old is deleted, under the same ${name}: the create fails. Derive the name from what forces the replacement, or set deleteBeforeReplace`
            : `${label(step.resource)} takes ${name}, which ${label(old.resource)} holds until the end of the update: the create fails`,
      });
    }
  }
  findings.push(...namesMovedByUpdates(t, steps));
  return findings;
}

/**
 * RULES 22 for names an update gives up (a listener rule's priority changed in place): it holds
 * the old one until its own step, which nothing orders before another resource's step that
 * takes that name, so AWS may refuse the taker (PriorityInUse); two rules swapping priorities
 * always fail (the provider sets each rule's priority in its own call).
 */
function namesMovedByUpdates(t: Transition, steps: Step[]): TransitionFinding[] {
  const released = new Map<string, Step>();
  for (const step of steps.filter((s) => s.op === "update")) {
    const kept = new Set(physicalNames(step.resource));
    for (const name of physicalNames(step.previous!)) if (!kept.has(name)) released.set(name, step);
  }
  if (released.size === 0) return [];
  const before = dependencyClosure(t.head);
  const findings: TransitionFinding[] = [];
  for (const step of steps) {
    if (step.op !== "create" && step.op !== "update" && step.op !== "replace") continue;
    const held = new Set(step.previous ? physicalNames(step.previous) : []);
    for (const name of physicalNames(step.resource)) {
      const holder = released.get(name);
      if (!holder || holder.urn === step.urn || held.has(name)) continue;
      if (before(step.urn).has(holder.urn)) continue;
      findings.push({
        rule: "RULES-22/create-before-delete",
        severity: "refuse",
        urn: step.urn,
        message: `${label(step.resource)} takes ${name}, which ${label(holder.resource)} gives up only in its own update, and nothing orders that update first: AWS may refuse it (PriorityInUse). Move ${label(holder.resource)} to a free value first, apply, then give this one the value`,
      });
    }
  }
  return findings;
}

/** RULES 23: no update a webhook refuses. */
function refusedUpdates(steps: Step[]): TransitionFinding[] {
  return steps.flatMap((step) => {
    const refused =
      step.op === "update"
        ? pathsTouching(kindOf(step.type)?.refusedInPlace ?? [], step.paths)
        : [];
    return refused.length === 0
      ? []
      : [
          {
            rule: "RULES-23/immutable-fields",
            severity: "refuse" as const,
            urn: step.urn,
            message: `${label(step.resource)}: ${refused.join(", ")} cannot change in place (the admission webhook refuses it) and nothing asks for a replacement: give the resource replaceOnChanges for these fields and a name that changes with them`,
          },
        ];
  });
}

/**
 * RULES 24: what pods receive only when admitted exists before them: readiness gates (their
 * binding, a target group in use, the namespace label), credentials (role policy, association).
 */
function admissionOrder(t: Transition): TransitionFinding[] {
  const head = new Wiring(t.head);
  const after = dependencyClosure(t.head);
  const findings: TransitionFinding[] = [];
  const need = (deployment: RecordedResource, what: RecordedResource, why: string) => {
    if (!after(deployment.urn).has(what.urn))
      findings.push({
        rule: "RULES-24/admission-order",
        severity: "refuse",
        urn: deployment.urn,
        message: `${label(deployment)} does not wait for ${label(what)}: ${why}`,
      });
  };
  for (const deployment of head.ofType(DEPLOYMENT)) {
    const spec = inputs(deployment);
    const namespace = spec.metadata?.namespace;
    const bindings = head.bindingsOfDeployment(deployment);
    const ns = head.ofType(NAMESPACE).find((n) => inputs(n).metadata?.name === namespace);
    if (
      bindings.length > 0 &&
      ns &&
      inputs(ns).metadata?.labels?.[READINESS_GATE_LABEL.key] !== READINESS_GATE_LABEL.value
    )
      findings.push({
        rule: "RULES-24/admission-order",
        severity: "refuse",
        urn: ns.urn,
        message: `namespace ${String(namespace)} lacks ${READINESS_GATE_LABEL.key}: ${READINESS_GATE_LABEL.value}, so its pods get no readiness gates and a rolling update removes old pods while the load balancer still sees the new ones as initial`,
      });
    for (const binding of bindings) {
      need(
        deployment,
        binding,
        "its pods get the binding's readiness gate only if it exists when they are admitted",
      );
      const arn = String(inputs(binding).spec?.targetGroupARN);
      const users = head.users(arn);
      if (users.length === 0)
        findings.push({
          rule: "RULES-24/admission-order",
          severity: "refuse",
          urn: binding.urn,
          message: `${label(binding)} registers pods in a target group no listener rule uses: the load balancer never health-checks them, their readiness gates never pass and the rollout hangs`,
        });
      else if (!users.some((user) => after(deployment.urn).has(user.urn)))
        need(
          deployment,
          users[0]!,
          "its target group must be in use before the pods' readiness gates can pass",
        );
    }
    const serviceAccount = spec.spec?.template?.spec?.serviceAccountName;
    for (const association of head.ofType(ASSOCIATION))
      if (
        inputs(association).namespace === namespace &&
        inputs(association).serviceAccount === serviceAccount
      ) {
        need(
          deployment,
          association,
          "EKS injects Pod Identity credentials only into pods created after it",
        );
        const role = String(inputs(association).roleArn).split("/").pop();
        for (const policy of head.ofType(ROLE_POLICY).filter((p) => inputs(p).role === role))
          need(
            deployment,
            policy,
            "its pods would start without the permissions they read their artifacts with",
          );
      }
    const account = head
      .ofType("kubernetes:core/v1:ServiceAccount")
      .find(
        (a) =>
          inputs(a).metadata?.namespace === namespace &&
          inputs(a).metadata?.name === serviceAccount,
      );
    const irsaRole =
      account && inputs(account).metadata?.annotations?.["eks.amazonaws.com/role-arn"];
    if (typeof irsaRole === "string") {
      const role = irsaRole.split("/").pop();
      for (const policy of head.ofType(ROLE_POLICY).filter((p) => inputs(p).role === role))
        need(
          deployment,
          policy,
          "its pods would start without the permissions they read their artifacts with",
        );
    }
  }
  return findings;
}

/**
 * RULES 25 too: a served version's health check moved in place (healthCheck.path, .port, …)
 * applies at once to the pods that run now, before any new pod rolls out (the target group is
 * updated before the Deployment that depends on it). Pods that do not answer the new check fail
 * it, the controller turns their readiness gate False (aws-load-balancer-controller,
 * pkg/targetgroupbinding/resource_manager.go, updateTargetHealthPodConditionForPod) and the
 * version serves from fewer pods, or none.
 */
function healthChecksMoveFirst(steps: Step[]): TransitionFinding[] {
  return steps
    .filter(
      (step) =>
        step.type === "aws:lb/targetGroup:TargetGroup" &&
        step.op === "update" &&
        step.paths.some(
          (path) =>
            path.startsWith("healthCheck.") &&
            !/\.(interval|timeout|healthyThreshold|unhealthyThreshold)$/.test(path),
        ),
    )
    .map((step) => ({
      rule: "RULES-25/traffic-follows-readiness",
      severity: "warn" as const,
      urn: step.urn,
      message: `${label(step.resource)} checks the version's running pods on its new health check (${step.paths.filter((p) => p.startsWith("healthCheck.")).join(", ")}) at once, before new pods roll out: pods that do not answer it turn unready and stop serving. Make the server answer both first (one release), then move the check (another), or serve the change as a new version`,
    }));
}

/**
 * RULES 25: no request reaches a version before its pods are registered and healthy, and none
 * is taken from a version that is removed while it still serves.
 */
function trafficFollowsReadiness(t: Transition, steps: Step[]): TransitionFinding[] {
  const base = new Wiring(t.base);
  const head = new Wiring(t.head);
  const after = dependencyClosure(t.head);
  const headUrns = new Set(t.head.map((r) => r.urn));
  const findings: TransitionFinding[] = [];
  const changed = new Set(steps.filter((s) => s.op !== "delete").map((s) => s.urn));

  const clients = head.clientListeners();
  for (const rule of head
    .ofType(RULE)
    .filter((r) => changed.has(r.urn) && clients.has(String(inputs(r).listenerArn)))) {
    for (const target of forwards(rule).filter((f) => f.weight > 0)) {
      // Warm: the group was in use before and its pods are the same ones (not newly created).
      const behind = head.bindingsOf(target.arn).flatMap((b) => head.deploymentsBehind(b));
      const warm =
        base.users(target.arn).length > 0 &&
        behind.length > 0 &&
        behind.every((deployment) => t.base.some((old) => old.urn === deployment.urn)) &&
        !steps.some((s) => s.op === "replace" && behind.some((d) => d.urn === s.urn));
      if (warm) continue;
      if (behind.length === 0) {
        findings.push({
          rule: "RULES-25/traffic-follows-readiness",
          severity: "refuse",
          urn: rule.urn,
          message: `${label(rule)} sends ${target.weight} to a target group no Deployment's pods are registered in: every such request fails`,
        });
        continue;
      }
      for (const deployment of behind.filter((d) => !after(rule.urn).has(d.urn)))
        findings.push({
          rule: "RULES-25/traffic-follows-readiness",
          severity: "refuse",
          urn: rule.urn,
          message: `${label(rule)} sends ${target.weight} to ${label(deployment)}'s target group without waiting for its rollout: requests fail until its pods are registered and healthy (weighted forwarding does not fail over)`,
        });
    }
  }

  // Shares taken from versions that are removed in the same update.
  const baseClients = base.clientListeners();
  for (const rule of base
    .ofType(RULE)
    .filter((r) => baseClients.has(String(inputs(r).listenerArn)))) {
    for (const target of forwards(rule).filter((f) => f.weight > 0)) {
      const gone = base
        .bindingsOf(target.arn)
        .flatMap((b) => base.deploymentsBehind(b))
        .filter((deployment) => !headUrns.has(deployment.urn));
      if (gone.length === 0) continue;
      const modelGoes = !headUrns.has(rule.urn);
      for (const deployment of gone)
        findings.push({
          rule: "RULES-25/traffic-follows-readiness",
          severity: modelGoes ? "warn" : "refuse",
          urn: deployment.urn,
          message: modelGoes
            ? `${label(rule)} is deleted while it sends ${target.weight} to ${label(deployment)}: the model's endpoint stops answering (404); make sure no client still calls it`
            : `${label(deployment)} is removed while ${label(rule)} still sends it ${target.weight}: move its traffic to the other versions first (traffic: 0, a warm standby), apply, then retire it or make it a cold standby (standby: cold)`,
        });
    }
  }
  return findings;
}

/** The `status` of a registry item's recorded inputs. */
function recordStatus(item: RecordedResource): string | undefined {
  try {
    const parsed = JSON.parse(String(item.inputs.item)) as { status?: { S?: string } };
    return parsed.status?.S;
  } catch {
    return undefined;
  }
}

/** RULES 26: history survives; a push never targets an existing immutable tag. */
function historyKept(steps: Step[]): TransitionFinding[] {
  const findings: TransitionFinding[] = [];
  for (const step of steps) {
    const old = step.previous;
    const removesOld = step.op === "delete" || step.op === "replace";
    // What holds history or data: its kind's record in kinds/ (`history`).
    if (old && removesOld && kindOf(step.type)?.history && !old.options?.retainOnDelete)
      findings.push({
        rule: "RULES-26/history-kept",
        severity: "refuse",
        urn: step.urn,
        message: `${label(old)} is ${step.op === "delete" ? "deleted" : "replaced and the old one deleted"}: its data goes with it; keep it (retainOnDelete)`,
      });
    // A record that leaves the program stays as it was last written: unless it says retired,
    // the registry keeps claiming the version runs.
    if (step.op === "delete" && step.type === "aws:dynamodb/tableItem:TableItem" && old) {
      const status = recordStatus(old);
      if (status !== undefined && status !== "retired")
        findings.push({
          rule: "RULES-26/history-kept",
          severity: "warn",
          urn: step.urn,
          message: `${label(old)} leaves the catalogue while its record says ${status}: the record is kept but keeps saying so; retire the version first (retired: true), apply, then remove it`,
        });
    }
    // An update that pushes new tags (a build's generation added) is no second push of a tag.
    if (
      step.type === IMAGE &&
      step.op === "update" &&
      !step.paths.some((p) => p.startsWith("tags"))
    )
      findings.push({
        rule: "RULES-26/history-kept",
        severity: "refuse",
        urn: step.urn,
        message: `${label(step.resource)} changes (${step.paths.join(", ")}) under the same tags: docker-build rebuilds and pushes them again, and the immutable repository refuses (ImageTagAlreadyExistsException); the tag must change with every build input`,
      });
  }
  return findings;
}

/**
 * RULES 24 too: pods keep the credentials they were admitted with. When what their
 * ServiceAccount is bound to changes (an IRSA annotation, a Pod Identity association), pods
 * that are not replaced keep the old credentials, which the new role's trust no longer honours.
 */
function credentialsFollowIdentity(t: Transition, steps: Step[]): TransitionFinding[] {
  const identityOf = (resources: RecordedResource[], namespace: unknown, account: unknown) => {
    const wiring = new Wiring(resources);
    const sa = wiring
      .ofType("kubernetes:core/v1:ServiceAccount")
      .find(
        (a) => inputs(a).metadata?.namespace === namespace && inputs(a).metadata?.name === account,
      );
    const association = wiring
      .ofType(ASSOCIATION)
      .find((a) => inputs(a).namespace === namespace && inputs(a).serviceAccount === account);
    return JSON.stringify([
      sa ? (inputs(sa).metadata?.annotations ?? {}) : null,
      association ? inputs(association).roleArn : null,
    ]);
  };
  const rolled = new Set(
    steps
      .filter(
        (s) =>
          s.type === DEPLOYMENT &&
          (s.op === "replace" || s.paths.some((path) => path.startsWith("spec.template"))),
      )
      .map((s) => s.urn),
  );
  const findings: TransitionFinding[] = [];
  for (const deployment of new Wiring(t.head).ofType(DEPLOYMENT)) {
    const before = t.base.find((r) => r.urn === deployment.urn);
    if (!before || rolled.has(deployment.urn)) continue;
    const namespace = inputs(deployment).metadata?.namespace;
    const account = inputs(deployment).spec?.template?.spec?.serviceAccountName;
    if (identityOf(t.base, namespace, account) !== identityOf(t.head, namespace, account))
      findings.push({
        rule: "RULES-24/admission-order",
        severity: "refuse",
        urn: deployment.urn,
        message: `${label(deployment)}: its ServiceAccount's credentials change but its pods are not replaced; they keep what they were admitted with. Name the identity in the pod template so the change rolls them`,
      });
  }
  // A role that stops trusting how its running pods were admitted refuses their renewals at
  // once, while the rollout that replaces them is still to come.
  const statementIds = (role: RecordedResource | undefined) => {
    try {
      const document = JSON.parse((role && inputs(role).assumeRolePolicy) || "{}") as {
        Statement?: { Sid?: string }[];
      };
      return new Set((document.Statement ?? []).map((statement) => statement.Sid));
    } catch {
      return new Set<string | undefined>();
    }
  };
  // How a role's running pods were admitted, from the deployed state: an IRSA annotation naming
  // it, or a Pod Identity association.
  const admittedVia = (role: RecordedResource): string | undefined => {
    const arnSuffix = `:role/${String(role.inputs.name)}`;
    const wiring = new Wiring(t.base);
    if (
      wiring
        .ofType("kubernetes:core/v1:ServiceAccount")
        .some((sa) =>
          String(inputs(sa).metadata?.annotations?.["eks.amazonaws.com/role-arn"] ?? "").endsWith(
            arnSuffix,
          ),
        )
    )
      return TRUST_STATEMENT_IDS.irsa;
    if (wiring.ofType(ASSOCIATION).some((a) => String(inputs(a).roleArn ?? "").endsWith(arnSuffix)))
      return TRUST_STATEMENT_IDS.podIdentity;
    return undefined;
  };
  for (const step of steps.filter((s) => s.type === ROLE && s.op === "update")) {
    const kept = statementIds(step.resource);
    const admitted = admittedVia(step.previous!);
    if (admitted && statementIds(step.previous).has(admitted) && !kept.has(admitted))
      findings.push({
        rule: "RULES-24/admission-order",
        severity: "warn",
        urn: step.urn,
        message: `${label(step.resource)} stops trusting ${admitted}, which its running pods were admitted with: they cannot renew their credentials from this step until a rollout replaces them (a restart or a failed rollout leaves them without). Switch in steps: set both maas:oidcProviderArn and maas:clusterName, apply, switch maas:identity, apply, then remove the old key`,
      });
  }
  return findings;
}

/** Pulumi refuses to replace or delete a protected resource: the preview fails. */
function protectedResources(steps: Step[]): TransitionFinding[] {
  return (
    steps
      // Replacing needs protection on both sides (step_generator.go); deleting, on the old one.
      .filter(
        (s) =>
          s.previous?.options?.protect &&
          (s.op === "delete" || (s.op === "replace" && s.resource.options?.protect)),
      )
      .map((s) => ({
        rule: "RULES-21/protected",
        severity: "refuse" as const,
        urn: s.urn,
        message: `${label(s.previous!)} is protected and would be ${s.op === "delete" ? "deleted" : `replaced (${s.causes.join(", ")} changed)`}: pulumi preview refuses ("unable to ${s.op} resource … as it is currently marked for protection"). If this is intended, apply maas:protect false first (it also lifts AWS deletion protection), then make the change, then protect again`,
      }))
  );
}

/** Every finding of a transition, in a stable order. */
export function judgeTransition(t: Transition): TransitionFinding[] {
  const findings = [
    ...nameCollisions(t, t.steps),
    ...refusedUpdates(t.steps),
    ...admissionOrder(t),
    ...credentialsFollowIdentity(t, t.steps),
    ...trafficFollowsReadiness(t, t.steps),
    ...healthChecksMoveFirst(t.steps),
    ...protectedResources(t.steps),
    ...historyKept(t.steps),
  ];
  const seen = new Set<string>();
  return findings
    .filter((finding) => {
      const key = `${finding.rule}\n${finding.urn}\n${finding.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) =>
      a.rule + a.urn < b.rule + b.urn ? -1 : a.rule + a.urn > b.rule + b.urn ? 1 : 0,
    );
}
