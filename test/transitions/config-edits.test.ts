/**
 * Stack config edits, as `pulumi up` would apply them to a deployed stack: plan base and head
 * of the test project with the changed config, derive the engine's steps, judge them.
 */
import { describe, expect, it } from "vitest";
import { dependencyClosure } from "../../change/transition";
import type { TransitionFinding } from "../../change/transition-rules";
import { transitionBetween, twoModels } from "../helpers/transition";

const catalogue = twoModels();
const CERTIFICATE =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678";
const refusals = (findings: TransitionFinding[]) =>
  findings.filter((finding) => finding.severity === "refuse");

describe("stack config edits, from deployed to next", () => {
  it("add maas:certificateArn: the port-80 listener turns into the redirect in place; rules move to the new HTTPS listener", async () => {
    const t = await transitionBetween(
      { catalogue },
      { catalogue, config: { "maas:certificateArn": CERTIFICATE } },
    );
    expect(t.findings).toEqual([]);
    expect(t.step("Listener", "ingress-http").op).toBe("update");
    expect(t.step("Listener", "ingress-http").paths).toEqual([
      "defaultActions.0.fixedResponse",
      "defaultActions.0.redirect",
      "defaultActions.0.type",
    ]);
    expect(t.step("Listener", "ingress-https").op).toBe("create");
    // A rule's listener cannot change in place: new rules on the HTTPS listener first, the old
    // ones on port 80 go at the end (two listeners, so their priorities never meet).
    expect(t.step("ListenerRule", "scorer")).toMatchObject({ op: "replace", deleteFirst: false });
  });

  it("flip maas:internetFacing: a new load balancer under a new name, new target groups and bindings, pods rolled to the new bindings before the rules move", async () => {
    const internal = { "maas:certificateArn": CERTIFICATE };
    const t = await transitionBetween(
      { catalogue, config: internal },
      { catalogue, config: { ...internal, "maas:internetFacing": "true" } },
    );
    expect(refusals(t.findings)).toEqual([]);
    const lb = t.step("LoadBalancer", "ingress");
    expect(lb).toMatchObject({ op: "replace", deleteFirst: false });
    expect(lb.resource.inputs.name).not.toBe(lb.previous!.inputs.name);
    expect(t.step("TargetGroup", "scorer-v1-0-0").op).toBe("replace");
    const binding = t.step("TargetGroupBinding", "scorer-v1-0-0");
    expect(binding).toMatchObject({ op: "replace", deleteFirst: false });
    expect(binding.causes).toContain("metadata.name");
    // The pods name their binding: they roll, and the new ones get the new binding's gate.
    expect(t.step("Deployment", "scorer-v1-0-0").paths).toContain(
      "spec.template.metadata.annotations.maas/target-group-binding",
    );
    const rule = t.step("ListenerRule", "scorer");
    expect(rule.op).toBe("replace");
    expect(
      dependencyClosure(t.transition.head)(rule.urn).has(t.step("Deployment", "scorer-v1-0-0").urn),
    ).toBe(true);
  });

  it("flip maas:internetFacing on a protected (production) stack: refused before anything changes", async () => {
    const prod = { "maas:protect": "true", "maas:certificateArn": CERTIFICATE };
    const t = await transitionBetween(
      { catalogue, config: prod },
      { catalogue, config: { ...prod, "maas:internetFacing": "true" } },
    );
    expect(refusals(t.findings).map((f) => [f.rule, f.urn])).toEqual([
      ["RULES-21/protected", t.step("LoadBalancer", "ingress").urn],
    ]);
  });

  it("change maas:buildPlatform: a new image under a new tag, never a second push of an existing tag", async () => {
    const t = await transitionBetween(
      { catalogue },
      { catalogue, config: { "maas:buildPlatform": "linux/arm64" } },
    );
    expect(t.findings).toEqual([]);
    const images = t.transition.steps.filter((s) => s.type === "docker-build:index:Image");
    expect(images.map((s) => s.op)).toEqual(["create", "delete"]);
    expect(images[0]!.resource.inputs.tags).not.toEqual(images[1]!.resource.inputs.tags);
  });

  it("switch maas:identity to Pod Identity: the association first, then new pods that get its credentials", async () => {
    const t = await transitionBetween(
      { catalogue },
      { catalogue, config: { "maas:identity": "pod-identity", "maas:clusterName": "maas-dev" } },
    );
    expect(t.findings).toEqual([]);
    expect(t.step("PodIdentityAssociation", "scorer").op).toBe("create");
    expect(t.step("Deployment", "scorer-v1-0-0").paths).toContain(
      "spec.template.metadata.annotations.maas/identity",
    );
    expect(t.at("PodIdentityAssociation", "scorer")).toBeLessThan(
      t.at("Deployment", "scorer-v1-0-0"),
    );
  });

  it("move to another VPC: everything the network holds is new, nothing collides", async () => {
    const t = await transitionBetween(
      { catalogue },
      {
        catalogue,
        config: {
          "maas:vpcId": "vpc-0123456789abcdef0",
          "maas:subnetIds": '["subnet-0123456789abcdef1","subnet-0123456789abcdef2"]',
        },
      },
    );
    expect(refusals(t.findings)).toEqual([]);
    expect(t.step("SecurityGroup", "ingress").op).toBe("replace");
    expect(t.step("LoadBalancer", "ingress").op).toBe("replace");
  });

  it("turn on maas:protect: protection is added in place, nothing is replaced", async () => {
    const t = await transitionBetween(
      { catalogue },
      { catalogue, config: { "maas:protect": "true" } },
    );
    expect(t.findings).toEqual([]);
    expect(t.transition.steps.filter((s) => s.op === "replace" || s.op === "delete")).toEqual([]);
  });

  it("list maas:subnetIds in another order: nothing changes, as nothing changes in AWS (a set there)", async () => {
    const subnets = (ids: string[]) => ({ "maas:subnetIds": JSON.stringify(ids) });
    const t = await transitionBetween(
      { catalogue, config: subnets(["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]) },
      { catalogue, config: subnets(["subnet-0123456789abcdef2", "subnet-0123456789abcdef1"]) },
    );
    expect(t.steps).toEqual([]);
  });

  it("switch maas:identity in one step: warned, the role stops trusting how the running pods renew", async () => {
    const unset = undefined as unknown as string;
    const podIdentity = { "maas:identity": "pod-identity", "maas:clusterName": "maas-dev" };
    const direct = await transitionBetween(
      { catalogue },
      { catalogue, config: { ...podIdentity, "maas:oidcProviderArn": unset } },
    );
    const role = direct.step("Role", "scorer");
    expect(
      direct.findings.filter((f) => f.urn === role.urn).map((f) => [f.rule, f.severity]),
    ).toEqual([["RULES-24/admission-order", "warn"]]);
    expect(direct.findings.find((f) => f.urn === role.urn)!.message).toMatch(
      /stops trusting ModelServiceAccountViaIrsa, which its running pods were admitted with/,
    );
    // In steps: trust both, switch, then drop the old key; no step leaves running pods untrusted.
    const both = { catalogue, config: { "maas:clusterName": "maas-dev" } };
    const trustBoth = await transitionBetween({ catalogue }, both);
    expect(trustBoth.findings).toEqual([]);
    expect(trustBoth.steps.filter((s) => s.includes("Deployment"))).toEqual([]);
    const switched = { catalogue, config: podIdentity };
    expect((await transitionBetween(both, switched)).findings).toEqual([]);
    const dropOld = await transitionBetween(switched, {
      catalogue,
      config: { ...podIdentity, "maas:oidcProviderArn": unset },
    });
    expect(dropOld.findings).toEqual([]);
    expect(dropOld.step("Role", "scorer").op).toBe("update");
    // Dropping the old key while another model rolls out: its pods already use Pod Identity.
    const withRollout = await transitionBetween(switched, {
      catalogue: twoModels([
        "    owner: team-b\n",
        '    owner: team-b\n    env: { MODE: "fast" }\n',
      ]),
      config: { ...podIdentity, "maas:oidcProviderArn": unset },
    });
    expect(withRollout.findings).toEqual([]);
  });

  it("switch back to IRSA in steps: pods admitted with Pod Identity keep reaching its agent meanwhile", async () => {
    const podIdentity = { "maas:identity": "pod-identity", "maas:clusterName": "maas-dev" };
    const toIrsa = await transitionBetween(
      { catalogue, config: podIdentity },
      { catalogue, config: { "maas:clusterName": "maas-dev" } },
    );
    expect(toIrsa.findings).toEqual([]);
    // The NetworkPolicy keeps the agent's egress while the roles trust Pod Identity.
    expect(
      toIrsa.transition.steps.filter(
        (s) =>
          s.type.endsWith(":NetworkPolicy") && s.paths.some((p) => p.startsWith("spec.egress")),
      ),
    ).toEqual([]);
  });
});
