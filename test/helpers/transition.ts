/**
 * Transitions for tests: plan a base and a head (catalogue text and config over the test
 * project's stack), derive what `pulumi up` would do between them, and judge it.
 */
import { judgeTransition } from "../../change/transition-rules";
import type { TransitionFinding } from "../../change/transition-rules";
import { transition } from "../../change/transition";
import type { Step, Transition } from "../../change/transition";
import { FIXTURE_CONTEXT, planOf } from "./plan";
import type { PlanFixture, PlanRequest } from "./plan";

export interface TransitionFixture {
  transition: Transition;
  findings: TransitionFinding[];
  /** `op type-name::name`, in the engine's order. */
  steps: string[];
  /** The step of the resource of `type` (last segment, e.g. `ListenerRule`) named `name`. */
  step(type: string, name: string): Step;
  /** Its index in the engine's order. */
  at(type: string, name: string): number;
}

const shortType = (type: string) => type.split(":").pop()!;

/**
 * The transition from `base` to `head`. `base` may be a plan already made, which tests that
 * start many edits from one deployed state share (read only: nothing here changes it).
 */
export async function transitionBetween(
  base: PlanRequest | PlanFixture,
  head: PlanRequest,
): Promise<TransitionFixture> {
  const before = "plan" in base ? base : await planOf(base);
  const after = await planOf(head);
  const t = transition(before.plan.resources, after.plan.resources);
  const find = (type: string, name: string) => {
    const index = t.steps.findIndex((s) => shortType(s.type) === type && s.name === name);
    if (index < 0)
      throw new Error(
        `no step for ${type} ${name}; steps: ${t.steps.map((s) => `${s.op} ${shortType(s.type)}::${s.name}`).join(", ")}`,
      );
    return index;
  };
  return {
    transition: t,
    findings: judgeTransition(t),
    steps: t.steps.map((s) => `${s.op} ${shortType(s.type)}::${s.name}`),
    step: (type, name) => t.steps[find(type, name)]!,
    at: find,
  };
}

/**
 * A catalogue of two models: `scorer` built from the test context with a canary, a standby and
 * a retired version; `ranker` from a pinned image. `edit` rewrites lines of it.
 */
export function twoModels(...edits: [from: string, to: string][]): string {
  let text = [
    "apiVersion: maas/v1",
    "models:",
    "  scorer:",
    "    owner: team-a",
    `    build: { context: ${FIXTURE_CONTEXT} }`,
    "    versions:",
    '      "1.0.0": { traffic: 90 }',
    '      "1.1.0": { traffic: 10 }',
    '      "0.9.0": { traffic: 0 }',
    '      "0.8.0": { retired: true }',
    "  ranker:",
    "    owner: team-b",
    `    image: registry.example.com/ranker@sha256:${"b".repeat(64)}`,
    "    versions:",
    '      "2.0.0": { traffic: 100 }',
    "environments: { dev: {}, prod: {} }",
    "",
  ].join("\n");
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the catalogue has no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}
