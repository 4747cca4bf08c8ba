/** One stack's diff, planned in process from two plan requests (each side's catalogue from its snapshot). */
import type { StackDiff } from "../../review/markdown-diff";
import { transition } from "../../change/transition";
import { judgeTransition } from "../../change/transition-rules";
import { planOf } from "./plan";
import type { PlanRequest } from "./plan";

export async function stackDiff(base: PlanRequest, head: PlanRequest): Promise<StackDiff> {
  const [before, after] = [await planOf(base), await planOf(head)];
  const catalogueOf = (plan: typeof before) =>
    JSON.parse(
      String(
        plan.one("aws:s3/bucketObjectv2:BucketObjectv2", "registry-catalogue-snapshot").inputs
          .content,
      ),
    );
  return {
    base: { label: "`main`", plan: before.plan, catalogue: catalogueOf(before) },
    head: { label: "working tree", plan: after.plan, catalogue: catalogueOf(after) },
    findings: judgeTransition(transition(before.plan.resources, after.plan.resources)),
    violations: [],
  };
}
