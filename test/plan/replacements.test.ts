/** The pull-request diff calls out replacements: changes to fields a resource cannot update in place. */
import { describe, expect, it } from "vitest";
import { replacementCauses } from "../../plan/replacements";

describe("replacements", () => {
  it("calls out changes to immutable fields, and only those", () => {
    expect(
      replacementCauses("aws:lb/targetGroup:TargetGroup", [
        "inputs.port",
        "inputs.healthCheck.path",
      ]),
    ).toEqual(["inputs.port"]);
    expect(
      replacementCauses("kubernetes:apps/v1:Deployment", [
        "inputs.spec.selector.matchLabels.maas/version",
        "inputs.spec.template.spec.containers.0.image",
      ]),
    ).toEqual(["inputs.spec.selector.matchLabels.maas/version"]);
    expect(replacementCauses("kubernetes:core/v1:Service", ["inputs.metadata.name"])).toEqual([
      "inputs.metadata.name",
    ]);
    expect(
      replacementCauses("aws:lb/listenerRule:ListenerRule", [
        "inputs.actions.0.forward.targetGroups.0.weight",
      ]),
    ).toEqual([]);
  });
});
