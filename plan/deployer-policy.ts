/**
 * What the role that runs `pulumi up` needs in AWS, derived from the resources a stack's plan
 * creates: per resource type the API calls its provider makes to create, read, update, tag and
 * delete it (terraform-provider-aws, which @pulumi/aws bridges, per resource), and the calls the
 * program itself makes (the subnet lookup, the rollout records, the image push). `maas
 * permissions --stack S` prints it as an IAM policy document.
 *
 * The actions are each type's record in kinds/ (`deployer`). A resource type the plan creates
 * whose record has none is refused, not skipped: a new kind of resource cannot ship without
 * saying what deploying it takes (test/kinds/registry.test.ts finds every kind the program
 * constructs). Resources are `*`, narrowed to the stack's region for regional services
 * (`aws:RequestedRegion`): the names AWS gives many of them (ids, generated suffixes) are not
 * known before they exist. The actions are what the provider's code calls, not what a real
 * account has confirmed: IAM Access Analyzer's policy generation from the
 * deploying role's CloudTrail events is the check (docs/setup.md, "The first pulumi up").
 */
import { kindOf } from "../kinds";
import type { RecordedResource } from "./record";

/** Types that are not AWS resources: Pulumi's own, the cluster's (Kubernetes RBAC, not IAM). */
function outsideIam(type: string): boolean {
  return (
    type.startsWith("pulumi:") ||
    type.startsWith("kubernetes:") ||
    type.startsWith("random:") ||
    type.startsWith("maas:")
  );
}

/**
 * What the program calls besides its resources: the subnets' CIDRs behind a front door
 * (stack/pod-ingress.ts), the rollout records every `pulumi up` reads first
 * (stack/rollout-records.ts), the identity the stack's policies name.
 */
const PROGRAM_ACTIONS = [
  "ec2:DescribeSubnets",
  "dynamodb:BatchGetItem",
  "dynamodb:GetItem",
  "kms:Decrypt",
  "sts:GetCallerIdentity",
];

/** Services whose calls go to one region; IAM and Route 53 are global. */
const GLOBAL_SERVICES = new Set(["iam", "route53", "sts"]);

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: "*";
  Condition?: Record<string, Record<string, string>>;
}

export interface DeployerPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * The deploying role's policy for the resources of a plan: one statement per service, actions
 * sorted; regional services limited to `region`; iam:PassRole only to EKS Pod Identity. Throws
 * naming every resource type the table does not know.
 */
export function deployerPolicy(
  resources: readonly RecordedResource[],
  region: string,
): DeployerPolicy {
  const types = [...new Set(resources.map((r) => r.type))].filter((type) => !outsideIam(type));
  const unknown = types.filter((type) => !kindOf(type)?.deployer).sort();
  if (unknown.length > 0)
    throw new Error(
      `no deploying permissions known for ${unknown.join(", ")}: add them to its record in kinds/ (deployer)`,
    );
  const actions = new Set([
    ...PROGRAM_ACTIONS,
    ...types.flatMap((type) => kindOf(type)!.deployer!),
  ]);
  const byService = new Map<string, Set<string>>();
  for (const action of actions) {
    if (action === "iam:PassRole") continue;
    const service = action.split(":")[0]!;
    if (!byService.has(service)) byService.set(service, new Set());
    byService.get(service)!.add(action);
  }
  const sid = (service: string) =>
    service
      .split("-")
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join("");
  const statements: PolicyStatement[] = [...byService.keys()].sort().map((service) => ({
    Sid: sid(service),
    Effect: "Allow",
    Action: [...byService.get(service)!].sort(),
    Resource: "*",
    ...(GLOBAL_SERVICES.has(service)
      ? {}
      : { Condition: { StringEquals: { "aws:RequestedRegion": region } } }),
  }));
  if (actions.has("iam:PassRole"))
    statements.push({
      Sid: "PassModelRolesToPodIdentity",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
    });
  return { Version: "2012-10-17", Statement: statements };
}
