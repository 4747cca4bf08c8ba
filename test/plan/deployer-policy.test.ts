/**
 * The deploying role's policy (plan/deployer-policy.ts, `maas permissions`; that every kind of
 * AWS resource the program constructs has its permissions is test/kinds/registry.test.ts's); a plan's
 * policy holds its resources' actions, per service, in its region; an unknown kind is refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { kindOf } from "../../kinds";
import { deployerPolicy } from "../../plan/deployer-policy";
import type { DeployerPolicy } from "../../plan/deployer-policy";
import type { RecordedResource } from "../../plan/record";
import { maas } from "../helpers/cli";
import { API_DOMAIN, withTokens } from "../helpers/front-door";
import { planOf, TEST_PROJECT } from "../helpers/plan";

const statementOf = (policy: DeployerPolicy, sid: string) =>
  policy.Statement.find((statement) => statement.Sid === sid);

describe("the deploying role's policy", () => {
  let everything: RecordedResource[];
  beforeAll(async () => {
    // The front door with every kind of consumer and its custom domain in a Route 53 zone.
    everything = (
      await planOf({
        catalogue: withTokens(),
        config: { ...API_DOMAIN, "maas:apiHostedZoneId": "Z0123456789ABCDEFGHIJ" },
      })
    ).plan.resources;
  });

  it("holds every planned resource's actions, per service, within the stack's region", () => {
    const policy = deployerPolicy(everything, "eu-west-1");
    const actions = policy.Statement.flatMap((statement) => statement.Action);
    for (const resource of everything)
      for (const action of kindOf(resource.type)?.deployer ?? [])
        expect(actions, `${resource.type} needs ${action}`).toContain(action);
    expect(statementOf(policy, "Elasticloadbalancing")).toMatchObject({
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    });
    expect(statementOf(policy, "CognitoIdp")?.Action).toContain("cognito-idp:CreateUserPool");
    // IAM and Route 53 are global: no region to narrow them to.
    expect(statementOf(policy, "Iam")?.Condition).toBeUndefined();
    expect(statementOf(policy, "Route53")?.Action).toContain("route53:ChangeResourceRecordSets");
    // What the program reads besides its resources: the subnets, the rollout records.
    expect(statementOf(policy, "Ec2")?.Action).toContain("ec2:DescribeSubnets");
    expect(statementOf(policy, "Dynamodb")?.Action).toContain("dynamodb:BatchGetItem");
  });

  it("passes roles to EKS Pod Identity only, and only when the stack associates them", async () => {
    const podIdentity = (await planOf({ stack: "prod" })).plan.resources;
    expect(
      podIdentity.some((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation"),
    ).toBe(true);
    expect(
      statementOf(deployerPolicy(podIdentity, "eu-west-1"), "PassModelRolesToPodIdentity"),
    ).toEqual({
      Sid: "PassModelRolesToPodIdentity",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
    });
    const irsa = (await planOf({ stack: "dev" })).plan.resources;
    const policy = deployerPolicy(irsa, "eu-west-1");
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain("iam:PassRole");
    expect(statementOf(policy, "CognitoIdp")).toBeUndefined();
  });

  it("refuses a resource kind it knows no permissions for, naming it", () => {
    const strange = { ...everything[0]!, type: "aws:sagemaker/endpoint:Endpoint" };
    expect(() => deployerPolicy([...everything, strange], "eu-west-1")).toThrow(
      "no deploying permissions known for aws:sagemaker/endpoint:Endpoint: add them to its record in kinds/ (deployer)",
    );
  });

  it("is printed by maas permissions as a policy document", async () => {
    const result = await maas(["permissions", "--stack", "dev"], { cwd: TEST_PROJECT });
    expect(result.status).toBe(0);
    const policy = JSON.parse(result.stdout) as DeployerPolicy;
    expect(policy.Version).toBe("2012-10-17");
    expect(statementOf(policy, "S3")?.Action).toContain("s3:CreateBucket");
    const bad = await maas(["permissions", "--stack", "dev", "--config", "nokey"], {
      cwd: TEST_PROJECT,
    });
    expect(bad).toMatchObject({
      status: 2,
      stderr: "maas permissions: --config nokey: expected key=value\n",
    });
  });
});
