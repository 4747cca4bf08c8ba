/**
 * `maas permissions`: the IAM policy the role that runs `pulumi up` of a stack needs, derived from
 * the resources the stack's offline plan creates (plan/deployer-policy.ts), printed as JSON for
 * `aws iam put-role-policy` or a policy of your own infrastructure code.
 */
import type * as Run from "../plan/run";
import { deployerPolicy } from "../plan/deployer-policy";
import { parseConfigPairs } from "./plan";
import { onDemand } from "./on-demand";
import type { Io } from "./io";

export interface PermissionsCommandOptions {
  stack: string;
  catalogue?: string;
  config?: string[];
}

export async function runPermissionsCommand(
  options: PermissionsCommandOptions,
  io: Io,
): Promise<number> {
  const config = parseConfigPairs(options.config ?? []);
  if (typeof config === "string") {
    io.stderr.write(`maas permissions: ${config}\n`);
    return 2;
  }
  const { runPlan } = await onDemand(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require("../plan/run") as typeof Run,
    () => import("../plan/run"),
  );
  const result = await runPlan({
    stack: options.stack,
    config,
    ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
  });
  if (!result.ok) {
    for (const problem of result.problems) io.stderr.write(`${problem}\n`);
    io.stderr.write(`maas permissions: stack ${options.stack} does not plan\n`);
    return 1;
  }
  const region = result.plan.resources.find((r) => r.type === "pulumi:providers:aws")?.inputs
    .region;
  try {
    const policy = deployerPolicy(result.plan.resources, String(region));
    io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(
      `maas permissions: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
