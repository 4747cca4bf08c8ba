/**
 * Every ARN the program writes names the stack's partition (GovCloud's `aws-us-gov`),
 * or the stack is refused plainly (China's and the isolated partitions, whose service principals
 * and endpoints maas does not write). Read from the whole plan: every ARN in every input,
 * policies included, not a list of the places known to build one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitionOf, SUPPORTED_PARTITIONS } from "../../catalogue/names";
import type { RecordedResource } from "../../plan/record";
import { withTokens } from "../helpers/front-door";
import { planOf } from "../helpers/plan";

const GOV = "us-gov-west-1";
/** What a GovCloud stack file says where the test project's says eu-west-1. */
const GOV_CONFIG = {
  "aws:region": GOV,
  "maas:kubeContext": `arn:aws-us-gov:eks:${GOV}:123456789012:cluster/maas-dev`,
  "maas:oidcProviderArn": `arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.${GOV}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
};

/** Every ARN in a value, looking into JSON documents held as strings (policies). */
function arnsIn(value: unknown): string[] {
  if (typeof value === "string") {
    const found = value.match(/arn:[a-z0-9-]*:[^"\s,]*/g) ?? [];
    return found;
  }
  if (Array.isArray(value)) return value.flatMap(arnsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(arnsIn);
  return [];
}

/** The ARNs the program writes: providers' inputs are the stack file's, not the program's. */
const writtenArns = (resources: RecordedResource[]) =>
  resources.filter((r) => !r.type.startsWith("pulumi:providers:")).flatMap((r) => arnsIn(r.inputs));

describe("partitions", () => {
  it("a GovCloud stack writes arn:aws-us-gov: in every ARN, the front door's policies included", async () => {
    const catalogue = withTokens().replace(/arn:aws:iam::/g, "arn:aws-us-gov:iam::");
    const fixture = await planOf({ catalogue, config: GOV_CONFIG });
    const arns = writtenArns(fixture.plan.resources);
    // Enough of them to mean something: key policies, roles' trust, the APIs' resource policies.
    expect(arns.length).toBeGreaterThan(20);
    expect(arns.filter((arn) => !arn.startsWith("arn:aws-us-gov:"))).toEqual([]);
  });

  it("a principal of another partition than the stack's is refused, naming it", async () => {
    await expect(planOf({ catalogue: withTokens(), config: GOV_CONFIG })).rejects.toThrow(
      /consumers\.checkout\.principals: arn:aws:iam::\S+ is in the aws partition, the stack \(aws:region us-gov-west-1\) in aws-us-gov: a policy there cannot name it/,
    );
  });

  it("maps every region to its partition, and deploys only to those maas writes", () => {
    const region = (prefix: string) =>
      fc
        .tuple(fc.constantFrom("east", "west", "north", "south", "central", "northeast"), fc.nat(9))
        .map(([direction, n]) => `${prefix}-${direction}-${n + 1}`);
    const expected: [string, string][] = [
      ["us-gov", "aws-us-gov"],
      ["cn", "aws-cn"],
      ["us-iso", "aws-iso"],
      ["us-isob", "aws-iso-b"],
      ["us-isof", "aws-iso-f"],
      ["eu-isoe", "aws-iso-e"],
      ["eu", "aws"],
      ["us", "aws"],
      ["ap", "aws"],
      ["sa", "aws"],
      ["me", "aws"],
      ["af", "aws"],
      ["ca", "aws"],
      ["il", "aws"],
      ["mx", "aws"],
    ];
    fc.assert(
      fc.property(
        fc
          .constantFrom(...expected)
          .chain(([prefix, partition]) => region(prefix).map((name) => [name, partition] as const)),
        ([name, partition]) => {
          expect(partitionOf(name)).toBe(partition);
          expect((SUPPORTED_PARTITIONS as readonly string[]).includes(partitionOf(name))).toBe(
            partition === "aws" || partition === "aws-us-gov",
          );
        },
      ),
    );
  });
});
