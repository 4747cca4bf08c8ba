/**
 * The catalogue's YAML text, parsed with source positions so every problem can name the
 * line and column to fix. Built on the `yaml` package's Document API and LineCounter.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Alias, Document, Node, Pair, YAMLMap } from "yaml";
import { INPUT_RULES } from "./input-rules";
import { describeInput } from "./problem";
import type { Problem } from "./problem";
import type { RuleDoc } from "./rule";
import { Suggestions } from "./suggest";
import { MAX_TEXT_BYTES } from "./text-file";

export type DocPath = readonly (string | number)[];

/** Alias expansions allowed in one catalogue (yaml's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 10_000;

/**
 * The most a catalogue may stand for once its aliases are expanded, in characters written out:
 * what the largest file maas reads holds without aliases (MAX_TEXT_BYTES), so an alias can never
 * make more work than a file could. The expansion count alone let a 93 KB file alias one large
 * map into 109 MB of plan (issue 19).
 */
export const MAX_EXPANDED_CHARS = MAX_TEXT_BYTES;

/** The YAML tags a catalogue may write: those of plain text, numbers, booleans, lists and maps. */
const READ_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((tag) => `tag:yaml.org,2002:${tag}`),
);

export interface CatalogueSource {
  /** The file name used in messages. */
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** "Did you mean" within this file's budget: every check of the file shares it. */
  suggestions: Suggestions;
  /** Each alias's anchored node, found in one pass (yaml's own `resolve` scans the document). */
  aliases: Map<Alias, Node>;
}

export interface ParsedText {
  source: CatalogueSource;
  /** Plain data (null for an empty file), or undefined when the YAML itself is broken. */
  data: unknown;
  problems: Problem[];
}

export function dottedPath(path: DocPath): string {
  return path.length === 0 ? "(document)" : path.join(".");
}

/** Parses YAML text; syntax errors and non-string keys come back as problems, not exceptions. */
export function parseCatalogueText(text: string, file: string): ParsedText {
  const lineCounter = new LineCounter();
  // uniqueKeys is off: the parser's own check compares every key with every earlier one, minutes
  // for a map of 20,000 models; duplicateKeys below does it in one pass. merge enables
  // `<<: *anchor`; logLevel keeps the parser from printing warnings (they come back as problems).
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
    logLevel: "error",
  });
  const source: CatalogueSource = {
    file,
    document,
    lineCounter,
    suggestions: new Suggestions(),
    aliases: new Map(),
  };
  const problems: Problem[] = [...document.errors, ...document.warnings].map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // A tag the parser cannot apply (unknown, or on a value or collection of another form).
    const tag = error.code === "TAG_RESOLVE_FAILED" || error.message.includes("tag:yaml.org,2002:");
    const message = tag
      ? `${firstLine(error.message)
          .replaceAll("tag:yaml.org,2002:", "!!")
          .replace(/^Unresolved tag: (\S+)/, "the YAML tag $1 cannot be read here")}: ${TAG_ADVICE}`
      : firstLine(error.message);
    const rule = INPUT_RULES[tag ? "plain-yaml" : "yaml-syntax"].id;
    return { file, line, col, path: "(syntax)", message, rule };
  });
  if (problems.length > 0) return { source, data: undefined, problems };
  // Tags that make something other than text, numbers, lists and maps (a JavaScript Map, Set,
  // Date or bytes), keys JavaScript objects cannot hold, and aliases that stand for more than a
  // file may hold: nothing is read from such a file.
  const unread = [...unreadNodes(source), ...expansionProblems(source)];
  if (unread.length > 0) return { source, data: undefined, problems: unread };
  // A repeated key would silently replace the first: nothing is read from such a file.
  const duplicates = duplicateKeys(source);
  if (duplicates.length > 0) return { source, data: undefined, problems: duplicates };
  // Keys that are not text are reported, and validation goes on with their text form.
  problems.push(...nonStringKeys(source));
  // A list or map as a key has no text form to validate further; two keys that read as one
  // number (`1.1` and `1.10`) would leave one of them: only their quoting hints are reported.
  if (problems.some((p) => p.message.startsWith("a key must be text")) || numberKeysMeet(source))
    return { source, data: undefined, problems };
  try {
    // maxAliasCount bounds alias expansion ("billion laughs") in a file that CI parses unattended:
    // the count grows with the nodes every alias stands for, so a bomb passes any real limit at
    // once, while thousands of models sharing an anchored `owner` stay far below it.
    return { source, data: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, problems };
  } catch (error) {
    const message = `cannot be expanded: ${(error as Error).message} (at most ${MAX_ALIAS_COUNT} alias expansions)`;
    return {
      source,
      data: undefined,
      problems: [
        ...problems,
        {
          file,
          line: 1,
          col: 1,
          path: "(document)",
          message,
          rule: INPUT_RULES["alias-expansion"].id,
        },
      ],
    };
  }
}

const TAG_ADVICE =
  "maas reads only the tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq, each on a value of its own form (!!float 300.0, not !!float 300); write the value without the tag";

/** Every node with a tag maas does not read, and every `__proto__` key. */
function unreadNodes(source: CatalogueSource): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isAlias(node) || node === null || node === undefined) return;
    const tag = (node as Node).tag;
    if (tag !== undefined && !READ_TAGS.has(tag)) {
      const short = tag.replace(/^tag:yaml\.org,2002:/, "!!");
      const what = TAG_MEANING[short];
      problems.push(
        problem(
          INPUT_RULES["plain-yaml"],
          source,
          node as Node,
          path,
          what
            ? `the YAML tag ${short} makes ${what}, which maas does not read: write ${TAG_INSTEAD[short]}`
            : `the YAML tag ${short} cannot be read: ${TAG_ADVICE}`,
        ),
      );
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === "__proto__") {
          problems.push(
            problem(
              INPUT_RULES["plain-yaml"],
              source,
              pair.key as Node,
              [...path, key],
              "the key __proto__ cannot be read: it names a JavaScript object's prototype, so its value would vanish; rename it",
            ),
          );
          continue;
        }
        visit(pair.key, path);
        visit(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, index) => visit(item, [...path, index]));
  };
  visit(source.document.contents, []);
  return problems;
}

/** What the YAML 1.1 tags the parser knows make, and what to write instead. */
const TAG_MEANING: Record<string, string> = {
  "!!omap": "an ordered map",
  "!!pairs": "a list of pairs",
  "!!set": "a set",
  "!!timestamp": "a date",
  "!!binary": "bytes",
};
const TAG_INSTEAD: Record<string, string> = {
  "!!omap": "a plain map: { key: value }",
  "!!pairs": "a plain map: { key: value }",
  "!!set": "a plain map with values, or a list",
  "!!timestamp": 'a quoted string: "2001-12-14"',
  "!!binary": "a quoted string",
};

/**
 * Refuses aliases whose expansion is larger than a file may be (MAX_EXPANDED_CHARS), and aliases
 * inside the node they name (the data would contain itself). One pass: each node's expanded size
 * is computed once, an alias adds its anchor's. Blames the anchor that makes the most of it, at
 * its first alias.
 */
function expansionProblems(source: CatalogueSource): Problem[] {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  const byAnchor = new Map<Node, { first: Alias; path: DocPath; count: number }>();
  const problems: Problem[] = [];
  const size = (node: unknown, path: (string | number)[]): number => {
    if (node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return 1; // yaml reports an unknown anchor itself
      source.aliases.set(node, target);
      if (inProgress.has(target)) {
        problems.push(
          problem(
            INPUT_RULES["alias-expansion"],
            source,
            node,
            path,
            `the alias *${node.source} stands inside the node &${node.source} names, so that node would contain itself; alias a node defined before and outside it`,
          ),
        );
        return 1;
      }
      const seen = byAnchor.get(target);
      if (seen) seen.count += 1;
      else byAnchor.set(target, { first: node, path: [...path], count: 1 });
      return sizes.get(target) ?? 1;
    }
    const known = sizes.get(node as Node);
    if (known !== undefined) return known;
    const anchor = (node as Node).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    inProgress.add(node as Node);
    let total = 2;
    if (isScalar(node)) total += node.source?.length ?? String(node.value).length;
    else if (isMap(node))
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "?";
        total += size(pair.key, path) + size(pair.value, [...path, key]);
      }
    else if (isSeq(node))
      node.items.forEach((item, index) => (total += size(item, [...path, index])));
    else if (isPair(node)) total += size(node.key, path) + size(node.value, path);
    inProgress.delete(node as Node);
    sizes.set(node as Node, total);
    return total;
  };
  const total = size(source.document.contents, []);
  if (problems.length > 0 || total <= MAX_EXPANDED_CHARS) return problems;
  const [target, worst] = [...byAnchor.entries()].sort(
    ([a, x], [b, y]) => (sizes.get(b) ?? 0) * y.count - (sizes.get(a) ?? 0) * x.count,
  )[0]!;
  const anchorSize = sizes.get(target) ?? 0;
  return [
    problem(
      INPUT_RULES["alias-expansion"],
      source,
      worst.first,
      worst.path,
      `the catalogue's aliases expand it to about ${megabytes(total)} written out, where a catalogue may hold ${megabytes(MAX_EXPANDED_CHARS)} (as much as the largest file maas reads); the most comes from the ${worst.count.toLocaleString("en")} aliases of &${worst.first.source} (${megabytes(anchorSize)} each), this one first: set shared values once where every model inherits them (defaults:), or alias smaller parts`,
    ),
  ];
}

function megabytes(chars: number): string {
  return chars >= 2 ** 20
    ? `${(chars / 2 ** 20).toFixed(1)} MiB`
    : `${Math.ceil(chars / 2 ** 10)} KiB`;
}

/** Whether a key that is not text reads as another key of its map (`1.10` beside `1.1`). */
function numberKeysMeet(source: CatalogueSource): boolean {
  let meet = false;
  const visit = (node: unknown): void => {
    if (meet) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const read = String(pair.key.value);
          // Keys that are text and equal were refused as written twice, before.
          if (seen.has(read)) meet = true;
          seen.add(read);
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) node.items.forEach(visit);
  };
  visit(source.document.contents);
  return meet;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).trim();
}

/** Every key written twice in one map, at the second one, naming the first (one pass). */
function duplicateKeys(source: CatalogueSource): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        // A key that is not text (`1.10`, the number 1.1) is compared as written: its quoting
        // hint (nonStringKeys) says what is wrong, not "written twice" beside `1.1`.
        const key =
          typeof pair.key.value === "string"
            ? pair.key.value
            : `\0${pair.key.source ?? String(pair.key.value)}`;
        const first = seen.get(key);
        if (first) {
          const at = positionOf(source, first);
          problems.push(
            problem(
              INPUT_RULES["unique-keys"],
              source,
              pair.key,
              [...path, String(pair.key.value)],
              `is written twice in this map (first at ${at.line}:${at.col}); a later one would silently replace it: keep one`,
            ),
          );
        } else seen.set(key, pair.key);
        visit(pair.value, [...path, String(pair.key.value)]);
      }
    } else if (isSeq(node)) node.items.forEach((item, index) => visit(item, [...path, index]));
  };
  visit(source.document.contents, []);
  return problems;
}

/** `2.0:` is the number 2 and `1.10:` the number 1.1 in YAML: catch it before it bites. */
function nonStringKeys(source: CatalogueSource): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key;
        if (key !== null && !isScalar(key)) {
          problems.push(
            problem(
              INPUT_RULES["text-keys"],
              source,
              key as Node,
              path,
              "a key must be text, not a list or map",
            ),
          );
          continue;
        }
        // The merge key `<<` parses as a symbol; every other key must be a string.
        if (isScalar(key) && typeof key.value !== "string" && typeof key.value !== "symbol") {
          const written = key.source ?? String(key.value);
          const read = describeInput(key.value);
          problems.push(
            problem(
              INPUT_RULES["text-keys"],
              source,
              key,
              [...path, written],
              `the key ${written} reads as ${read}, not text; quote it ("${written}")`,
            ),
          );
          continue;
        }
        if (isScalar(key)) visit(pair.value, [...path, key.value as string]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    }
  };
  visit(source.document.contents, []);
  return problems;
}

export function positionOf(
  source: CatalogueSource,
  node: Node | null | undefined,
): { line: number; col: number } {
  const offset = node?.range?.[0] ?? 0;
  return source.lineCounter.linePos(offset);
}

function problem(
  rule: Pick<RuleDoc, "id">,
  source: CatalogueSource,
  node: Node,
  path: DocPath,
  message: string,
): Problem {
  const at = positionOf(source, node);
  return { file: source.file, ...at, path: dottedPath(path), message, rule: rule.id };
}

/** Each map's entries by key text, built once per map: a lookup per problem stays constant. */
const entriesByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function entry(map: YAMLMap, key: string): Pair | undefined {
  let index = entriesByKey.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items)
      if (isScalar(item.key) && !index.has(String(item.key.value)))
        index.set(String(item.key.value), item);
    entriesByKey.set(map, index);
  }
  return index.get(key);
}

/**
 * The position to blame for a path: the value's node, or with `key` the key's node.
 * When the path goes further than the file (a missing field), the deepest key that exists:
 * the place where the missing field belongs.
 */
export function locate(
  source: CatalogueSource,
  path: DocPath,
  options: { key?: boolean } = {},
): { line: number; col: number } {
  let node: unknown = source.document.contents;
  let lastKey: Node | undefined;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = source.aliases.get(node) ?? node.resolve(source.document);
    if (isMap(node)) {
      const pair = entry(node, String(segment));
      if (!pair) return positionOf(source, lastKey ?? source.document.contents);
      lastKey = pair.key as Node;
      if (options.key && index === path.length - 1) return positionOf(source, lastKey);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
      node = node.items[segment];
    } else {
      return positionOf(source, lastKey ?? source.document.contents);
    }
  }
  const valueNode = node as Node | null | undefined;
  return positionOf(source, valueNode?.range ? valueNode : (lastKey ?? null));
}

/** A problem of `rule` located at `path` (its value, or its key with `key: true`). */
export function problemAt(
  rule: Pick<RuleDoc, "id">,
  source: CatalogueSource,
  path: DocPath,
  message: string,
  options: { key?: boolean } = {},
): Problem {
  return {
    file: source.file,
    ...locate(source, path, options),
    path: dottedPath(path),
    message,
    rule: rule.id,
  };
}
