/** How two plans' values are compared: lists of distinct strings as sets, reorders still seen. */
import { describe, expect, it } from "vitest";
import { differences } from "../../change/compare";
import { pathsTouching } from "../../plan/replacements";

const policy = (resources: string[]) =>
  JSON.stringify({ Statement: [{ Sid: "Allow-search", Effect: "Allow", Resource: resources }] });
const ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc/search";

describe("plan value differences", () => {
  it("shows a grant added in front of a policy's resources as that grant alone", () => {
    const before = { policy: policy([`${ARN}/GET/models/embedder/*`]) };
    const after = {
      policy: policy([`${ARN}/GET/models/scorer/*`, `${ARN}/GET/models/embedder/*`]),
    };
    expect(differences(before, after)).toEqual([
      {
        path: "policy.Statement[Sid=Allow-search].Resource[=abc/search/GET/models/scorer/*]",
        before: undefined,
        after: `${ARN}/GET/models/scorer/*`,
      },
    ]);
  });

  it("sees the same strings in another order as a change of the whole list, unless AWS holds a set", () => {
    expect(differences({ command: ["serve", "--fast"] }, { command: ["--fast", "serve"] })).toEqual(
      [{ path: "command", before: ["serve", "--fast"], after: ["--fast", "serve"] }],
    );
    expect(differences({ command: ["a", "b"] }, { command: ["a", "b"] })).toEqual([]);
    // A load balancer's subnets, a VPC link's subnet IDs: sets to the provider (TypeSet).
    expect(differences({ subnets: ["a", "b"] }, { subnets: ["b", "a"] })).toEqual([]);
    expect(differences({ subnetIds: ["a", "b"] }, { subnetIds: ["b", "a"] })).toEqual([]);
  });

  it("still compares lists with repeated strings item by item", () => {
    expect(differences({ args: ["-v", "-v"] }, { args: ["-v", "-q"] })).toEqual([
      { path: "args.1", before: "-v", after: "-q" },
    ]);
  });

  it("counts an item of a forcing list as a change of that field", () => {
    expect(pathsTouching(["subnets"], ["inputs.subnets[=subnet-1]", "inputs.tags.Name"])).toEqual([
      "inputs.subnets[=subnet-1]",
    ]);
    expect(pathsTouching(["containers"], ["inputs.containers[name=server].image"])).toHaveLength(1);
  });
});
