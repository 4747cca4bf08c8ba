/**
 * A listener rule's conditions changed in place cut the requests they no longer match (the
 * warning of review/risk.ts); a change that only widens them, as the front door's regex does on
 * an existing path-routed stack, cuts nobody and is not warned of.
 */
import { describe, expect, it } from "vitest";
import { frontDoorMatch, ruleConditions } from "../../components/specs/routing";
import type { RecordedResource } from "../../plan/record";
import { risks } from "../../review/risk";
import { transition } from "../../change/transition";

const rule = (inputs: Record<string, unknown>): RecordedResource => ({
  urn: "urn:pulumi:prod::maas::maas:routing:ModelTraffic$aws:lb/listenerRule:ListenerRule::scorer",
  type: "aws:lb/listenerRule:ListenerRule",
  name: "scorer",
  custom: true,
  inputs,
  dependencies: [],
});

function warnings(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return risks({
    transition: transition([rule(before)], [rule(after)]),
    findings: [],
    base: { models: [] },
    head: { models: [] },
    violations: [],
  })
    .filter((risk) => risk.text.includes("match another host or path"))
    .map((risk) => risk.text);
}

describe("a traffic rule's conditions changed in place", () => {
  it("are not warned of when they still match every request they did (path routing behind the front door)", () => {
    const path = { mode: "path" } as const;
    expect(
      warnings({ conditions: ruleConditions("scorer", path) }, frontDoorMatch("scorer", path)),
    ).toEqual([]);
  });

  it("are warned of when they stop matching some (host routing: the front door's marker)", () => {
    const host = { mode: "host", domain: "models.example.com" } as const;
    expect(
      warnings({ conditions: ruleConditions("scorer", host) }, frontDoorMatch("scorer", host)),
    ).toHaveLength(1);
    expect(
      warnings(
        { conditions: ruleConditions("scorer", { mode: "path" }) },
        { conditions: ruleConditions("scorer", host) },
      ),
    ).toHaveLength(1);
  });
});
