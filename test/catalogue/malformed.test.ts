/**
 * Malformed input of every kind gets precise problems, never an exception: YAML syntax,
 * wrong document shapes, keys that are not text, resource-exhaustion attempts, junk.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCatalogueText } from "../../catalogue";
import { problemsOf, yaml } from "../helpers/catalogue";

const MODEL = [
  "apiVersion: maas/v1",
  "models:",
  "  a:",
  "    owner: team-a",
  "    image: registry.example.com/a:1.0",
];

describe("malformed catalogues", () => {
  it.each([
    [
      "unclosed flow map",
      "apiVersion: maas/v1\nmodels: { a: {\n",
      "3:1: (syntax): Flow map in block collection must be sufficiently indented and end with a } [catalogue/yaml-syntax]",
    ],
    [
      "inconsistent indentation",
      "apiVersion: maas/v1\nmodels:\n  a:\n    owner: x\n   versions: {}\n",
      "5:1: (syntax): All mapping items must start at the same column [catalogue/yaml-syntax]",
    ],
    [
      "tab indentation",
      "apiVersion: maas/v1\nmodels:\n\ta: {}\n",
      "3:1: (syntax): Tabs are not allowed as indentation [catalogue/yaml-syntax]",
    ],
    [
      "duplicate key",
      "apiVersion: maas/v1\nmodels: {}\nmodels: {}\n",
      "3:1: models: is written twice in this map (first at 2:1); a later one would silently replace it: keep one [catalogue/unique-keys]",
    ],
    [
      "several documents",
      "apiVersion: maas/v1\nmodels: {}\n---\nmodels: {}\n",
      "3:1: (syntax): Source contains multiple documents; please use YAML.parseAllDocuments() [catalogue/yaml-syntax]",
    ],
    [
      "unknown tag",
      "apiVersion: !custom maas/v1\nmodels: {}\n",
      "1:13: (syntax): the YAML tag !custom cannot be read here: maas reads only the tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq, each on a value of its own form (!!float 300.0, not !!float 300); write the value without the tag [catalogue/plain-yaml]",
    ],
    [
      "empty file",
      "",
      "1:1: (document): the file is empty; a catalogue needs apiVersion: maas/v1 and models: [catalogue/document-shape]",
    ],
    [
      "only comments",
      "# models go here\n",
      "1:1: (document): the file is empty; a catalogue needs apiVersion: maas/v1 and models: [catalogue/document-shape]",
    ],
    [
      "a list at the top",
      "- a\n- b\n",
      "1:1: (document): the catalogue must be a map with apiVersion and models, not a list [catalogue/document-shape]",
    ],
    [
      "a scalar at the top",
      "hello\n",
      "1:1: (document): the catalogue must be a map with apiVersion and models, not a single value [catalogue/document-shape]",
    ],
    [
      "models as a list",
      "apiVersion: maas/v1\nmodels:\n  - a\n",
      "3:3: models: must be a map of model name -> model; got a list [catalogue/schema]",
    ],
    [
      "models left empty",
      "apiVersion: maas/v1\nmodels:\n",
      "2:8: models: must be a map of model name -> model; got an empty value [catalogue/schema]",
    ],
    [
      "binary where a map belongs",
      "apiVersion: maas/v1\nmodels: !!binary aGVsbG8=\n",
      "2:18: models: the YAML tag !!binary makes bytes, which maas does not read: write a quoted string [catalogue/plain-yaml]",
    ],
    [
      "a list as a key",
      "apiVersion: maas/v1\nmodels:\n  ? [a, b]\n  : {}\n",
      "3:5: models: a key must be text, not a list or map [catalogue/text-keys]",
    ],
    [
      "a boolean version key",
      yaml(...MODEL, "    versions: { true: { traffic: 100 } }"),
      '6:17: models.a.versions.true: the key true reads as true, not text; quote it ("true") [catalogue/text-keys]',
    ],
    [
      "an empty owner",
      yaml(
        ...MODEL.slice(0, 3),
        "    owner:",
        "    image: registry.example.com/a:1.0",
        '    versions: { "1": { traffic: 100 } }',
      ),
      "4:11: models.a.owner: must be a team name usable as a Kubernetes label value (letters, digits, - _ ., at most 63); got an empty value [catalogue/schema]",
    ],
    [
      "an out-of-range number",
      yaml(...MODEL, "    port: 1e400", '    versions: { "1": { traffic: 100 } }'),
      "6:11: models.a.port: must be an integer from 1024 to 65535 (the server runs as non-root, so it cannot bind below 1024); got Infinity [catalogue/schema]",
    ],
    [
      "a string where a map belongs",
      yaml(...MODEL, "    resources: big", '    versions: { "1": { traffic: 100 } }'),
      '6:16: models.a.resources: must be a map; got "big" [catalogue/schema]',
    ],
  ])("%s", (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const level = (name: string, from: string) =>
      `${name}: &${name} [${Array.from({ length: 9 }, () => `*${from}`).join(", ")}]`;
    const bomb = yaml(
      "a: &a [x, x, x, x, x, x, x, x, x]",
      level("b", "a"),
      level("c", "b"),
      level("d", "c"),
      level("e", "d"),
      level("f", "e"),
      level("g", "f"),
    );
    // Refused from the sizes the aliases would expand to, before any expansion (9^7 nodes).
    expect(problemsOf(bomb)).toEqual([
      "7:8: g.0: the catalogue's aliases expand it to about 16.7 MiB written out, where a catalogue may hold 16.0 MiB (as much as the largest file maas reads); the most comes from the 9 aliases of &f (1.6 MiB each), this one first: set shared values once where every model inherits them (defaults:), or alias smaller parts [catalogue/alias-expansion]",
    ]);
  });

  it("accepts a real catalogue's aliases: 120 models sharing one anchored owner", () => {
    const models = Array.from({ length: 120 }, (_, i) => [
      `  m${i}:`,
      i === 0 ? "    owner: &owner team-a" : "    owner: *owner",
      // Fifty models fill a load balancer (100 listener rules): three of them.
      `    routing: { loadBalancer: lb-${i % 3} }`,
      `    image: registry.example.com/m@sha256:${"a".repeat(64)}`,
      '    versions: { "1.0.0": { traffic: 100 } }',
    ]).flat();
    expect(problemsOf(yaml("apiVersion: maas/v1", "models:", ...models))).toEqual([]);
  });

  it("accepts anchors and merge keys for shared settings", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "models:",
      "  a: &model",
      "    owner: team-a",
      "    image: registry.example.com/a:1.0",
      '    versions: { "1": { traffic: 100 } }',
      "  b:",
      "    <<: *model",
      "    owner: team-b",
    );
    expect(problemsOf(text)).toEqual([]);
  });

  it("reports every problem of the file in one run: what was written wrong first, in file order, then what follows from it", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "defaults:",
      "  replica: 2",
      "models:",
      "  a:",
      "    owner: team-a",
      "    image: registry.example.com/a:latest",
      "    versions:",
      '      "1.0": { traffic: 70 }',
      '      "2.0": { traffic: 20 }',
      "  b:",
      "    owner: team-b",
      "    image: registry.example.com/b:1.0",
      "    port: 80",
      "    versions:",
      '      "1.0": { traffic: 90 }',
    );
    expect(problemsOf(text)).toEqual([
      '3:3: defaults.replica: unknown key "replica"; allowed: autoscaling, env, gpu, healthCheck, port, resources, rollout, slo, standby [catalogue/known-keys]',
      "7:12: models.a.image: uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag [catalogue/image-pinned]",
      "14:11: models.b.port: must be an integer from 1024 to 65535 (the server runs as non-root, so it cannot bind below 1024); got 80 [catalogue/schema]",
      "8:5: models.a.versions: traffic of the live and standby versions sums to 90 (1.0: 70, 2.0: 20); it must be exactly 100 [catalogue/weights-sum]",
      "15:5: models.b.versions: traffic of the live and standby versions sums to 90 (1.0: 90); it must be exactly 100 [catalogue/weights-sum]",
    ]);
  });

  it("puts a typo's did-you-mean before its consequence", () => {
    const text = yaml(
      "apiVersion: maas/v1",
      "models:",
      "  a:",
      "    owner: team-a",
      "    image: registry.example.com/a:1.0",
      "    versions:",
      '      "1.0": { trafic: 100 }',
    );
    expect(problemsOf(text)).toEqual([
      '7:16: models.a.versions.1.0.trafic: unknown key "trafic"; did you mean "traffic"? [catalogue/known-keys]',
      "7:7: models.a.versions.1.0: sets neither traffic nor retired: give traffic (0-100; 0 keeps a warm standby) or retired: true [catalogue/version-status]",
    ]);
  });

  it("never throws, whatever the text", () => {
    const fragments = fc.constantFrom(
      "apiVersion: maas/v1\n",
      "models:\n",
      "  a:\n",
      "    owner: x\n",
      "    versions:\n",
      '      "1": { traffic: 100 }\n',
      "    image: r.io/a:1\n",
      "  - x\n",
      "{",
      "}",
      "[",
      "]",
      ": ",
      "&a ",
      "*a",
      "!!str ",
      "---\n",
      "\t",
      "# c\n",
      "~\n",
      "? ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string()), { maxLength: 20 }), (parts) => {
        const result = checkCatalogueText(parts.join(""), "fuzz.yaml");
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on any JSON-shaped document", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = checkCatalogueText(JSON.stringify(value), "fuzz.yaml");
        expect(result.ok ? [] : result.problems).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
