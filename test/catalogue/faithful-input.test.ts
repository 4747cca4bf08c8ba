/**
 * Input read as written or refused, never silently changed or answered with a contradiction
 * (issue 19, item 10): YAML tags, `__proto__`, number keys that meet, `consumers: {}`,
 * `retired: false [catalogue/version-status]` in an overlay, an empty stack key.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { settingsFallback } from "../../stack/settings";
import { SettingsSchema } from "../../stack/settings-schema";
import { problemsOf, resolvedOf, yaml } from "../helpers/catalogue";

const IMAGE = `registry.example.com/m@sha256:${"a".repeat(64)}`;
const model = (...extra: string[]) => [
  "apiVersion: maas/v1",
  "models:",
  "  a:",
  "    owner: t",
  `    image: ${IMAGE}`,
  '    versions: { "1": { traffic: 100 } }',
  ...extra,
];

describe("YAML tags", () => {
  it.each([
    [
      "!!omap",
      "env: !!omap [ { A: b } ]",
      "7:17: models.a.env: the YAML tag !!omap makes an ordered map, which maas does not read: write a plain map: { key: value } [catalogue/plain-yaml]",
    ],
    [
      "!!set",
      "env: !!set { A }",
      "7:16: models.a.env: the YAML tag !!set makes a set, which maas does not read: write a plain map with values, or a list [catalogue/plain-yaml]",
    ],
    [
      "!!timestamp",
      "env: { A: !!timestamp 2001-12-14 }",
      '7:27: models.a.env.A: the YAML tag !!timestamp makes a date, which maas does not read: write a quoted string: "2001-12-14" [catalogue/plain-yaml]',
    ],
  ])(
    "%s says what it makes and what to write, never 'must be a map; got a map'",
    (_tag, line, expected) => {
      expect(problemsOf(yaml(...model(`    ${line}`)))).toEqual([expected]);
    },
  );

  it("!!float on an integer's form says which form it takes", () => {
    expect(problemsOf(yaml(...model("    slo: { latencyP99Ms: !!float 300 }")))).toEqual([
      "7:26: (syntax): the YAML tag !!float cannot be read here: maas reads only the tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq, each on a value of its own form (!!float 300.0, not !!float 300); write the value without the tag [catalogue/plain-yaml]",
    ]);
    expect(problemsOf(yaml(...model("    slo: { latencyP99Ms: !!float 300.0 }")))).toEqual([]);
  });

  it("any tag maas does not read, anywhere, is refused at its node, saying what to write instead", () => {
    const tags = fc.constantFrom(
      "!!omap",
      "!!set",
      "!!timestamp",
      "!!binary",
      "!!pairs",
      "!custom",
      "!x",
    );
    const places = fc.constantFrom(
      (tag: string) => `    env: { A: ${tag} "b" }`,
      (tag: string) => `    description: ${tag} "b"`,
      (tag: string) => `    build: { context: ., args: ${tag} { A: b } }`,
    );
    fc.assert(
      fc.property(tags, places, (tag, place) => {
        const problems = problemsOf(yaml(...model(place(tag))));
        expect(problems.length).toBeGreaterThan(0);
        // The tag by name, or (where the parser could not apply it) the tags maas reads.
        expect(problems.join("\n")).toMatch(new RegExp(`${tag}|reads only the tags`));
        expect(problems.join("\n")).not.toMatch(/got a map|Unresolved tag/);
      }),
      { numRuns: 60 },
    );
  });
});

describe("keys", () => {
  it("__proto__ is refused wherever it is written, never dropped", () => {
    const places = fc.constantFrom(
      (key: string) => [`    env: { ${key}: x, B: y }`],
      (key: string) => [`    ${key}: x`],
      (key: string) => ["environments:", `  ${key}: {}`],
      (key: string) => [
        "consumers:",
        `  ${key}: { principals: ["111122223333"], rateLimit: { requestsPerSecond: 1, burst: 1 } }`,
      ],
    );
    fc.assert(
      fc.property(
        places,
        fc.constantFrom("__proto__", '"__proto__"', "'__proto__'"),
        (place, key) => {
          const problems = problemsOf(yaml(...model(...place(key))));
          expect(problems).toHaveLength(1);
          expect(problems[0]).toMatch(
            /__proto__: the key __proto__ cannot be read: it names a JavaScript object's prototype/,
          );
        },
      ),
    );
  });

  it("two version keys that read as one number get the quoting hint each, never 'written twice'", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        (major, minor, zeros) => {
          const short = `${major}.${minor}`;
          const long = `${short}${"0".repeat(zeros)}`;
          const text = yaml(
            "apiVersion: maas/v1",
            "models:",
            "  a:",
            "    owner: t",
            `    image: ${IMAGE}`,
            "    versions:",
            `      ${short}: { traffic: 50 }`,
            `      ${long}: { traffic: 50 }`,
          );
          expect(problemsOf(text)).toEqual([
            `7:7: models.a.versions.${short}: the key ${short} reads as ${short}, not text; quote it ("${short}") [catalogue/text-keys]`,
            `8:7: models.a.versions.${long}: the key ${long} reads as ${short}, not text; quote it ("${long}") [catalogue/text-keys]`,
          ]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("a quoted key and an unquoted one that reads the same stop at the quoting hint", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "models:",
      "  a:",
      "    owner: t",
      `    image: ${IMAGE}`,
      "    versions:",
      '      "1.1": { traffic: 50 }',
      "      1.10: { traffic: 50 }",
    );
    expect(problemsOf(text)).toEqual([
      '8:7: models.a.versions.1.10: the key 1.10 reads as 1.1, not text; quote it ("1.10") [catalogue/text-keys]',
    ]);
  });
});

describe("contradictions", () => {
  it("consumers: {} is refused: a front door nothing can pass", () => {
    expect(problemsOf(yaml(...model("consumers: {}")))).toEqual([
      "7:1: consumers: declares no consumer, so every model would sit behind a front door nothing can pass: declare the consumers who call models, or remove consumers: to serve the models without a front door [catalogue/consumers-not-empty]",
    ]);
  });

  const retired = (overlay: string) =>
    yaml(
      "apiVersion: maas/v1",
      "models:",
      "  a:",
      "    owner: t",
      `    image: ${IMAGE}`,
      "    versions:",
      '      "1": { traffic: 100 }',
      '      "0": { retired: true }',
      "environments:",
      "  dev:",
      "    models:",
      `      a: { versions: { "0": ${overlay} } }`,
    );

  it("an overlay's retired: false alone is refused, not ignored", () => {
    expect(problemsOf(retired("{ retired: false }"))).toEqual([
      "12:40: environments.dev.models.a.versions.0.retired: in environment dev: retired: false gives the version no status of its own: give traffic (0-100; 0 keeps a warm standby) to serve it, or drop retired: false [catalogue/version-status]",
    ]);
  });

  it("an overlay's retired: false with traffic brings the version back, as the base's problem message says", () => {
    const dev = resolvedOf(retired("{ retired: false, traffic: 0 }"), "dev");
    expect(
      dev.models.find((m) => m.name === "a")?.versions.find((v) => v.version === "0")?.status,
    ).toBe("standby");
  });

  it("an empty stack key says it is empty and how to leave it unset, for every key that takes text or a list", () => {
    const keys = Object.keys(SettingsSchema.shape).filter((key) => key.startsWith("maas:"));
    for (const key of keys) {
      for (const empty of ["", []]) {
        const parsed = SettingsSchema.safeParse(
          { "maas:environment": "dev", hasKubeconfig: false, [key]: empty },
          { error: settingsFallback },
        );
        if (parsed.success) continue;
        for (const issue of parsed.error.issues.filter((i) => i.path[0] === key))
          expect(issue.message, `${key}: ${JSON.stringify(empty)}`).not.toMatch(
            /Too small|Too big|expected/,
          );
      }
    }
  });
});
