/**
 * RULES 32 on a deployed stack: upgrading maas renames the target groups whose `<model>-<version>`
 * was cut to fit (a 51-bit hash in place of 24 bits; names.ts targetGroupName), and `pulumi up`
 * replaces each create-before-delete: the new group and its binding first, the pods rolled onto
 * the new binding, the rules moved, the old group deleted at the end. Modelled on the plan the
 * previous maas gave the stack: the same resources under the names its names.ts derived.
 */
import { describe, expect, it } from "vitest";
import {
  fitName,
  loadBalancerName,
  NAME_LIMITS,
  shortHash,
  versionSlug,
} from "../../catalogue/names";
import type { RecordedResource } from "../../plan/record";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { risks } from "../../review/risk";
import { planOf } from "../helpers/plan";
import { twoModels } from "../helpers/transition";

const MODEL = "customer-churn-predictor-gradient-boosted";
const LB = { name: "main", internal: true, vpcId: "vpc-0a1b2c3d4e5f60718" };

/** What names.ts derived before: `<model>-<version>` cut to 25, and 6 hex of the identity. */
function previousTargetGroupName(stack: string, version: string): string {
  const suffix = shortHash(
    `${stack}/${MODEL}/${version}/${loadBalancerName(stack, LB)}/${LB.vpcId}`,
    6,
  );
  const readable = `${MODEL}-${versionSlug(version)}`.slice(0, 25).replace(/-+$/, "");
  return `${readable}-${suffix}`;
}

/** The stack as the previous maas planned it: every new group and binding name put back. */
function asPreviouslyNamed(
  resources: RecordedResource[],
  versions: { workloadName: string; version: string }[],
): RecordedResource[] {
  let text = JSON.stringify(resources);
  for (const group of resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup")) {
    const name = String(group.inputs.name);
    if (!name.startsWith(MODEL.slice(0, 10))) continue;
    const { version } = versions.find((v) => v.workloadName === group.name)!;
    const previous = previousTargetGroupName("dev", version);
    const workload = group.name;
    const [suffix, oldSuffix] = [name.split("-").pop()!, previous.split("-").pop()!];
    const binding = `${fitName(workload, NAME_LIMITS.kubernetesName - suffix.length - 1)}-${suffix}`;
    const oldBinding = `${fitName(workload, NAME_LIMITS.kubernetesName - oldSuffix.length - 1)}-${oldSuffix}`;
    text = text.split(name).join(previous).split(binding).join(oldBinding);
  }
  return JSON.parse(text) as RecordedResource[];
}

describe("upgrading a stack whose target group names were cut to fit", () => {
  const catalogue = twoModels(["  ranker:", `  ${MODEL}:`]);

  it("replaces each such group create-before-delete, its binding and pods first, and nothing fails on the way", async () => {
    const head = await planOf({ catalogue });
    const base = asPreviouslyNamed(
      head.plan.resources,
      head.catalogue.models.flatMap((m) => m.versions),
    );
    const groups = head.ofType("aws:lb/targetGroup:TargetGroup");
    const renamed = groups.filter((g) => String(g.inputs.name).startsWith(MODEL.slice(0, 10)));
    expect(renamed.map((g) => g.inputs.name)).toEqual([
      expect.stringMatching(/^customer-churn-predic-[0-9a-z]{10}$/),
    ]);
    expect(base).not.toEqual(head.plan.resources);

    const t = transition(base, head.plan.resources);
    const at = (op: string, type: string, name: string) =>
      t.steps.findIndex((s) => s.op === op && s.type.endsWith(type) && s.name === name);
    const group = renamed[0]!.name;
    // The group: a new one (its name is new), the old one deleted at the end.
    const replaced = t.steps.find((s) => s.type.endsWith("TargetGroup") && s.name === group)!;
    expect(replaced).toMatchObject({ op: "replace", deleteFirst: false, causes: ["name"] });
    // The binding follows it (the controller never lets a binding change group): a new one,
    // and the pods roll onto it (their readiness gate names it) before the rule moves.
    expect(at("replace", "TargetGroupBinding", group)).toBeGreaterThan(
      at("replace", "TargetGroup", group),
    );
    const pods = at("update", "Deployment", group);
    expect(pods).toBeGreaterThan(at("replace", "TargetGroupBinding", group));
    expect(at("update", "ListenerRule", MODEL)).toBeGreaterThan(pods);
    // Only the cut names move: every other model's groups stay as they are.
    expect(t.steps.filter((s) => s.type.endsWith("TargetGroup")).map((s) => s.name)).toEqual([
      group,
    ]);
    // No name is taken while another holds it; nothing the rules refuse.
    expect(judgeTransition(t).filter((f) => f.severity === "refuse")).toEqual([]);
    const review = risks({
      transition: t,
      findings: judgeTransition(t),
      base: head.catalogue,
      head: head.catalogue,
      violations: [],
    });
    expect(review.map((r) => r.text)).toContainEqual(
      expect.stringMatching(/^replaced: 1 ELB TargetGroup \(name changed\)/),
    );
    // The review says why: maas renamed it, once.
    expect(review).toContainEqual({
      level: "note",
      text: expect.stringMatching(
        new RegExp(
          `^renamed once by this version of maas: \`ELB TargetGroup ${group}\`: .*no two meet across an account's stacks\\.`,
        ),
      ),
    });
  });
});

describe("upgrading a stack whose model role name was cut to fit", () => {
  // `maas-dev_<model>` is 70 characters: past IAM's 64.
  const model = "fraud-scorer-gradient-boosted-trees-with-calibration-v2-eu";
  const catalogue = twoModels(["  ranker:", `  ${model}:`]);

  it("replaces the role create-before-delete, rolls the pods onto it, and deletes the old one last", async () => {
    const head = await planOf({ catalogue });
    const role = head.ofType("aws:iam/role:Role").find((r) => r.name === model)!;
    const name = String(role.inputs.name);
    expect(name).toMatch(/^maas-dev_fraud-scorer-.*\.[0-9a-z]{12}$/);
    // What names.ts derived before: its prefix and 8 hex of the whole name.
    const previous = fitName(`maas-dev_${model}`, NAME_LIMITS.iamRole);
    const base = JSON.parse(
      JSON.stringify(head.plan.resources).split(name).join(previous),
    ) as RecordedResource[];

    const t = transition(base, head.plan.resources);
    const at = (op: string, type: string, name: string) =>
      t.steps.findIndex((s) => s.op === op && s.type.endsWith(type) && s.name.startsWith(name));
    expect(t.steps.find((s) => s.type.endsWith(":Role") && s.name === model)).toMatchObject({
      op: "replace",
      deleteFirst: false,
      causes: ["name"],
    });
    // The pods' identity names the role: they roll after it exists, before the old one goes.
    const deployment = head
      .ofType("kubernetes:apps/v1:Deployment")
      .find((d) => d.name.startsWith(model.slice(0, 40)))!;
    const pods = at("update", "Deployment", deployment.name);
    expect(pods).toBeGreaterThan(at("replace", "Role", model));
    // Nothing else of other models changes; nothing the rules refuse.
    expect(t.steps.filter((s) => s.type.endsWith(":Role")).map((s) => s.name)).toEqual([model]);
    expect(judgeTransition(t).filter((f) => f.severity === "refuse")).toEqual([]);
    const review = risks({
      transition: t,
      findings: judgeTransition(t),
      base: head.catalogue,
      head: head.catalogue,
      violations: [],
    });
    expect(review.filter((r) => r.text.startsWith("renamed once")).map((r) => r.text)).toEqual([
      expect.stringMatching(/^renamed once by this version of maas: `IAM Role fraud-scorer-/),
    ]);
  });
});
