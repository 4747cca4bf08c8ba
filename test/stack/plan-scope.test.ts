/**
 * Only the offline plan can be scoped (stack/plan-scope.ts): a scope set while the program
 * reads DynamoDB's rollout records, as under `pulumi up`, stops it before anything is deployed.
 */
import { describe, expect, it } from "vitest";
import { modelScope, withModelScope } from "../../stack/plan-scope";
import { fixedRecords, withRecordSource } from "../../stack/rollout-records";

describe("the model scope", () => {
  it("is none unless the offline plan sets one", () => {
    expect(modelScope()).toBeUndefined();
  });

  it("is the recorder's while it plans offline", async () => {
    const seen = await withRecordSource(fixedRecords([], ""), () =>
      withModelScope(["a", "b"], () => Promise.resolve(modelScope())),
    );
    expect([...seen!]).toEqual(["a", "b"]);
    expect(modelScope()).toBeUndefined();
  });

  it("is refused outside the offline plan: a real stack deploys every model", async () => {
    await expect(withModelScope(["a"], () => Promise.resolve(modelScope()))).rejects.toThrow(
      /outside the offline plan: a real stack deploys every model/,
    );
  });
});
