/** Manifests read back as the very objects planned, by YAML 1.1 readers (kubectl) and 1.2 ones. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestText } from "../../plan/manifests";

/**
 * Strings that YAML 1.1 (kubectl's go-yaml v2 under sigs.k8s.io/yaml, PyYAML) or 1.2 read as
 * something else when plain.
 */
const AMBIGUOUS = [
  "on",
  "off",
  "yes",
  "no",
  "y",
  "n",
  "Y",
  "True",
  "NULL",
  "~",
  "",
  "1_000",
  "0o17",
  "017",
  "0x1F",
  "0b101",
  "1e3",
  ".5",
  "+1",
  "-.inf",
  ".NaN",
  "1:20",
  "2026-11-27",
  "2026-11-27T06:16:44Z",
  "<<",
  "=",
  "#comment",
  "- item",
  "key: value",
  "8080",
  "0X1F",
  "0O17",
  "0B101",
  "-0o17",
  "+0o72",
  "0o_17",
  "+_3",
  "1e1_0",
  "-1E3_",
  "0b-1_",
  "2026-8-7",
  "--- x",
  "... .",
  "4e336",
  "e4",
  ".",
  "1.0",
  " padded ",
  "line\nbreak",
  " :\n ",
  "tab\tinside",
];

const text = fc.oneof(
  fc.constantFrom(...AMBIGUOUS),
  fc.string(),
  fc.stringMatching(/^[-+.:0-9a-zA-Z_ ]{0,12}$/),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(text, tie("node"), { maxKeys: 4 }),
  ),
})).node;

function readBack(yaml: string) {
  return { yaml11: parse(yaml, { version: "1.1" }) as unknown, yaml12: parse(yaml) as unknown };
}

describe("manifest text", () => {
  it("keeps an env value or label such as on, no or a date version a string for kubectl's YAML 1.1", () => {
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "m", labels: { "maas/owner": "no", "maas/version": "2026-11-27" } },
      data: Object.fromEntries(AMBIGUOUS.map((s, i) => [`k${String(i)}`, s])),
    };
    const yaml = manifestText({ file: "m.yaml", object });
    expect(yaml).toContain('maas/owner: "no"');
    expect(yaml).toContain('maas/version: "2026-11-27"');
    expect(yaml).toContain('k0: "on"');
    expect(readBack(yaml)).toEqual({ yaml11: object, yaml12: object });
    // kubectl's go-yaml v2 is not among the readers above: every one of these is quoted (or a
    // block), none left for it to resolve.
    for (const [index, text] of AMBIGUOUS.entries())
      expect(yaml, JSON.stringify(text)).toMatch(new RegExp(`\\n  k${String(index)}: ["|]`));
  });

  it("writes plain what needs no quotes, so manifests read as kubectl prints them", () => {
    const yaml = manifestText({
      file: "m.yaml",
      object: {
        metadata: { name: "image-classifier-v1-4-0" },
        spec: { replicas: 2, path: "/healthz" },
      },
    });
    expect(yaml).toBe(
      "metadata:\n  name: image-classifier-v1-4-0\nspec:\n  replicas: 2\n  path: /healthz\n",
    );
  });

  it("reads back as the planned object under YAML 1.1 and 1.2, keys and values (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 6 }), (object) => {
        const yaml = manifestText({ file: "m.yaml", object });
        const { yaml11, yaml12 } = readBack(yaml);
        expect(yaml11).toEqual(object);
        expect(yaml12).toEqual(object);
      }),
      { numRuns: 500 },
    );
  });
});
