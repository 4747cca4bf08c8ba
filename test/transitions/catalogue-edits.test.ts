/**
 * The everyday catalogue edits, as `pulumi up` would apply them to a deployed stack: each plans
 * the base and the head, derives the engine's steps (change/transition.ts) and asserts what
 * happens between the two states, and that no transition rule (change/transition-rules.ts) objects.
 */
import { describe, expect, it } from "vitest";
import { dependencyClosure } from "../../change/transition";
import { transitionBetween, twoModels } from "../helpers/transition";
import type { TransitionFixture } from "../helpers/transition";

const base = { catalogue: twoModels() };
const refusals = (fixture: TransitionFixture) =>
  fixture.findings.filter((finding) => finding.severity === "refuse");

/** The weighted rule of a model waits for a Deployment: it comes later and depends on it. */
function expectRuleAfterRollout(fixture: TransitionFixture, model: string, workload: string) {
  const rule = fixture.step("ListenerRule", model);
  const deployment = fixture.step("Deployment", workload);
  expect(fixture.at("ListenerRule", model)).toBeGreaterThan(fixture.at("Deployment", workload));
  expect(dependencyClosure(fixture.transition.head)(rule.urn).has(deployment.urn)).toBe(true);
}

describe("catalogue edits, from deployed to next", () => {
  it("add a canary at 10 %: its resources are created, and the traffic rule moves only after its rollout", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 80 }'],
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 0 }\n      "1.2.0": { traffic: 10 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    for (const type of ["TargetGroup", "TargetGroupBinding", "Service", "Deployment"])
      expect(t.step(type, "scorer-v1-2-0").op).toBe("create");
    // The readiness rule puts the new group in use first; the binding exists before any pod.
    expect(t.at("ListenerRule", "scorer-readiness")).toBeLessThan(
      t.at("Deployment", "scorer-v1-2-0"),
    );
    expect(t.at("TargetGroupBinding", "scorer-v1-2-0")).toBeLessThan(
      t.at("Deployment", "scorer-v1-2-0"),
    );
    expectRuleAfterRollout(t, "scorer", "scorer-v1-2-0");
    expect(t.steps.filter((s) => s.startsWith("delete"))).toEqual([]);
  });

  it("shift traffic: only the model's rule, its records and the snapshot change", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 50 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 50 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    expect([...t.steps].sort()).toEqual([
      "update BucketObjectv2::registry-catalogue-snapshot",
      "update ListenerRule::scorer",
      "update TableItem::scorer-v1-0-0",
      "update TableItem::scorer-v1-1-0",
    ]);
  });

  it("promote the canary and keep the old version warm: a weight edit, nothing restarts", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    expect(t.steps.some((s) => s.includes("Deployment"))).toBe(false);
  });

  it("roll back to the standby: instant, its pods are already registered and healthy", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 0 }'],
        ['"0.9.0": { traffic: 0 }', '"0.9.0": { traffic: 100 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("ListenerRule", "scorer").op).toBe("update");
  });

  it("roll back straight to a retired version: it is deployed first, its share waits for the rollout", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { traffic: 0 }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 0 }'],
        ['"0.8.0": { retired: true }', '"0.8.0": { traffic: 100 }'],
      ),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("Deployment", "scorer-v0-8-0").op).toBe("create");
    expectRuleAfterRollout(t, "scorer", "scorer-v0-8-0");
    // The first rollout is at the autoscaler's minimum, not one pod.
    const deployment = t.step("Deployment", "scorer-v0-8-0").resource.inputs as any;
    expect(deployment.spec.replicas).toBe(2);
  });

  it("retire the standby: its workload and routing go after the rule stops naming it; its record and image stay", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(['"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }']),
    });
    expect(t.findings).toEqual([]);
    expect(t.step("Deployment", "scorer-v0-9-0").op).toBe("delete");
    expect(t.step("TargetGroup", "scorer-v0-9-0").op).toBe("delete");
    // The rule stops forwarding to the group before the group is deleted (deletes run last).
    expect(t.at("ListenerRule", "scorer")).toBeLessThan(t.at("TargetGroup", "scorer-v0-9-0"));
    expect(t.step("TableItem", "scorer-v0-9-0").op).toBe("update");
  });

  it("retire a version that still takes traffic: refused, it must go to standby first", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(
        ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
        ['"1.1.0": { traffic: 10 }', '"1.1.0": { traffic: 100 }'],
      ),
    });
    expect(refusals(t)).toEqual([
      {
        rule: "RULES-25/traffic-follows-readiness",
        severity: "refuse",
        urn: t.step("Deployment", "scorer-v1-0-0").urn,
        message:
          "Deployment scorer-v1-0-0 is removed while ListenerRule scorer still sends it 90: move its traffic to the other versions first (traffic: 0, a warm standby), apply, then retire it or make it a cold standby (standby: cold)",
      },
    ]);
  });

  it("add a model: only its own resources, no other model's priority or names move", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels([
        "environments:",
        `  churn:\n    owner: team-c\n    image: registry.example.com/churn@sha256:${"c".repeat(64)}\n    versions: { "1.0.0": { traffic: 100 } }\nenvironments:`,
      ]),
    });
    expect(t.findings).toEqual([]);
    const others = t.steps.filter(
      (s) => !s.includes("churn") && !s.includes("registry-catalogue-snapshot"),
    );
    expect(others).toEqual([]);
    expectRuleAfterRollout(t, "churn", "churn-v1-0-0");
  });

  it("retire a whole model, then remove it: records, images and repository stay; the endpoint goes", async () => {
    const retiredScorer = twoModels(
      ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
      ['"1.1.0": { traffic: 10 }', '"1.1.0": { retired: true }'],
      ['"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }'],
    );
    const retire = await transitionBetween(base, { catalogue: retiredScorer });
    expect(retire.findings.map((f) => [f.severity, f.message.split(":")[0]])).toEqual([
      ["warn", "ListenerRule scorer is deleted while it sends 90 to Deployment scorer-v1-0-0"],
      ["warn", "ListenerRule scorer is deleted while it sends 10 to Deployment scorer-v1-1-0"],
    ]);
    // The repository stays as it is; the built image leaves the stack but stays in the registry.
    expect(retire.steps.filter((s) => s.includes("Repository"))).toEqual([]);
    expect(
      retire.step("Image", retire.steps.find((s) => s.includes("Image::"))!.split("::")[1]!)
        .previous!.options?.retainOnDelete,
    ).toBe(true);
    for (const version of ["1-0-0", "1-1-0", "0-9-0"])
      expect(retire.step("TableItem", `scorer-v${version}`).op).toBe("update");

    const removed = twoModels().replace(/ {2}scorer:\n(?: {4}.*\n)+/, "");
    const remove = await transitionBetween({ catalogue: retiredScorer }, { catalogue: removed });
    expect(remove.findings).toEqual([]);
    for (const [type, name] of [
      ["Repository", "scorer"],
      ["TableItem", "scorer-v1-0-0"],
    ] as const) {
      expect(remove.step(type, name).op).toBe("delete");
      expect(remove.step(type, name).previous!.options?.retainOnDelete).toBe(true);
    }
  });

  it("rename a model: the old one's endpoint goes (a warning), nothing collides, its history stays", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(["  ranker:", "  reranker:"]),
    });
    expect(refusals(t)).toEqual([]);
    expect(t.findings.map((f) => f.message)).toEqual([
      "ListenerRule ranker is deleted while it sends 100 to Deployment ranker-v2-0-0: the model's endpoint stops answering (404); make sure no client still calls it",
      "TableItem ranker-v2-0-0 leaves the catalogue while its record says live: the record is kept but keeps saying so; retire the version first (retired: true), apply, then remove it",
    ]);
    expect(t.step("TableItem", "ranker-v2-0-0").previous!.options?.retainOnDelete).toBe(true);
    expectRuleAfterRollout(t, "reranker", "reranker-v2-0-0");
  });

  it("delete a standby version from the file without retiring it: its record stays, saying standby (a warning)", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(['      "0.9.0": { traffic: 0 }\n', ""]),
    });
    expect(t.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        "warn",
        "TableItem scorer-v0-9-0 leaves the catalogue while its record says standby: the record is kept but keeps saying so; retire the version first (retired: true), apply, then remove it",
      ],
    ]);
  });

  it("change a model's port: a rolling update of its pods; no target group, binding or policy changes", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(["    owner: team-b", "    owner: team-b\n    port: 9090"]),
    });
    expect(t.findings).toEqual([]);
    expect(t.steps).toEqual([
      "update BucketObjectv2::registry-catalogue-snapshot",
      "update Deployment::ranker-v2-0-0",
    ]);
  });

  it("change the model server's code: a new image under a new tag; the old image stays in the registry", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels(["    owner: team-a", '    owner: team-a\n    env: { MODE: "fast" }']),
    });
    expect(t.findings).toEqual([]);
  });

  it("revert a change of the build (A, B, then A again): the build that comes back pushes a tag of its own", async () => {
    const argsOn = twoModels([
      "    build: { context: ",
      '    build: { args: { FEATURE: "on" }, context: ',
    ]);
    const forward = await transitionBetween(base, { catalogue: argsOn });
    const back = await transitionBetween({ catalogue: argsOn }, base);
    const images = (t: TransitionFixture, op: string) =>
      t.transition.steps.filter((s) => s.type === "docker-build:index:Image" && s.op === op);
    const generations = (t: TransitionFixture, op: string) =>
      t.transition.steps.filter((s) => s.type === "random:index/randomId:RandomId" && s.op === op);
    // Forward: build A leaves the stack but its image stays in ECR under its tag (history);
    // its generation is deleted with it.
    const [kept] = images(forward, "delete");
    expect(kept!.previous!.options?.retainOnDelete).toBe(true);
    expect(generations(forward, "delete").map((s) => s.name)).toEqual([kept!.name]);
    expect(generations(forward, "delete")[0]!.previous!.options?.retainOnDelete).toBeUndefined();
    // Back: build A is created again with a generation created with it, a new random value in
    // the state, so its tag is not the one ECR still holds (ImageTagAlreadyExistsException).
    const [returning] = images(back, "create");
    expect(returning!.name).toBe(kept!.name);
    const [generation] = generations(back, "create");
    expect(generation!.name).toBe(returning!.name);
    expect(returning!.resource.dependencies).toContain(generation!.urn);
    expect(refusals(back)).toEqual([]);
    expect(refusals(forward)).toEqual([]);
  });

  it("priorities change in place only where nothing else takes them meanwhile: a swap, or a value freed for a new model, is refused", async () => {
    const priorities = (a: number, b: number) =>
      twoModels(
        ["    owner: team-a\n", `    owner: team-a\n    routing: { priority: ${String(a)} }\n`],
        ["    owner: team-b\n", `    owner: team-b\n    routing: { priority: ${String(b)} }\n`],
      );
    // Swapping two rules' priorities: each update needs the value the other gives up.
    const swap = await transitionBetween(
      { catalogue: priorities(100, 200) },
      { catalogue: priorities(200, 100) },
    );
    expect(swap.step("ListenerRule", "scorer").paths).toContain("priority");
    expect(refusals(swap).map((f) => [f.rule, f.urn.split("::").pop()])).toEqual(
      expect.arrayContaining([
        ["RULES-22/create-before-delete", "scorer"],
        ["RULES-22/create-before-delete", "ranker"],
      ]),
    );
    expect(refusals(swap)[0]!.message).toMatch(/gives up only in its own update.*PriorityInUse/);
    // Moving one to a free value first, then giving its old value to the other: both apply.
    const first = await transitionBetween(
      { catalogue: priorities(100, 200) },
      { catalogue: priorities(300, 200) },
    );
    expect(refusals(first)).toEqual([]);
    const then = await transitionBetween(
      { catalogue: priorities(300, 200) },
      { catalogue: priorities(300, 100) },
    );
    expect(refusals(then)).toEqual([]);
    // A priority freed by a model that goes in the same apply: its rule is deleted only at the
    // end, after the update that takes the value.
    const removed = twoModels(
      ["    owner: team-a\n", "    owner: team-a\n    routing: { priority: 200 }\n"],
      ["  ranker:\n    owner: team-b\n", "  gone:\n    owner: team-b\n"],
    );
    const freed = await transitionBetween(
      { catalogue: priorities(100, 200) },
      { catalogue: removed },
    );
    expect(refusals(freed).map((f) => f.urn.split("::").pop())).toContain("scorer");
  });

  it("move a served version's health check path: warned, the load balancer checks the running pods on it at once", async () => {
    const t = await transitionBetween(base, {
      catalogue: twoModels([
        "    owner: team-a\n",
        "    owner: team-a\n    healthCheck: { path: /ready }\n",
      ]),
    });
    const group = t.step("TargetGroup", "scorer-v1-0-0");
    expect(group.op).toBe("update");
    expect(group.paths).toContain("healthCheck.path");
    // The target group changes before the Deployment whose pods it checks.
    expect(t.at("TargetGroup", "scorer-v1-0-0")).toBeLessThan(t.at("Deployment", "scorer-v1-0-0"));
    expect(t.findings.filter((f) => f.urn === group.urn).map((f) => [f.rule, f.severity])).toEqual([
      ["RULES-25/traffic-follows-readiness", "warn"],
    ]);
    expect(refusals(t)).toEqual([]);
  });
});
