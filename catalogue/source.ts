/**
 * The catalogue's YAML text, parsed with source positions so every problem can name the
 * line and column to fix. Built on the `yaml` package's Document API and LineCounter.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";
import { describeInput } from "./problem";
import type { Problem } from "./problem";
import { Suggestions } from "./suggest";

export type DocPath = readonly (string | number)[];

/** Alias expansions allowed in one catalogue (yaml's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 10_000;

export interface CatalogueSource {
  /** The file name used in messages. */
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** "Did you mean" within this file's budget: every check of the file shares it. */
  suggestions: Suggestions;
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
  const source: CatalogueSource = { file, document, lineCounter, suggestions: new Suggestions() };
  const problems: Problem[] = [...document.errors, ...document.warnings].map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { file, line, col, path: "(syntax)", message: firstLine(error.message) };
  });
  if (problems.length > 0) return { source, data: undefined, problems };
  // A repeated key would silently replace the first: nothing is read from such a file.
  const duplicates = duplicateKeys(source);
  if (duplicates.length > 0) return { source, data: undefined, problems: duplicates };
  // Keys that are not text are reported, and validation goes on with their text form.
  problems.push(...nonStringKeys(source));
  // A list or map as a key has no text form to validate further.
  if (problems.some((p) => p.message.startsWith("a key must be text")))
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
      problems: [...problems, { file, line: 1, col: 1, path: "(document)", message }],
    };
  }
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
        const key = String(pair.key.value);
        const first = seen.get(key);
        if (first) {
          const at = positionOf(source, first);
          problems.push(
            problem(
              source,
              pair.key,
              [...path, key],
              `is written twice in this map (first at ${at.line}:${at.col}); a later one would silently replace it: keep one`,
            ),
          );
        } else seen.set(key, pair.key);
        visit(pair.value, [...path, key]);
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
            problem(source, key as Node, path, "a key must be text, not a list or map"),
          );
          continue;
        }
        // The merge key `<<` parses as a symbol; every other key must be a string.
        if (isScalar(key) && typeof key.value !== "string" && typeof key.value !== "symbol") {
          const written = key.source ?? String(key.value);
          const read = describeInput(key.value);
          problems.push(
            problem(
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

function problem(source: CatalogueSource, node: Node, path: DocPath, message: string): Problem {
  return { file: source.file, ...positionOf(source, node), path: dottedPath(path), message };
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
    if (isAlias(node)) node = node.resolve(source.document);
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

/** A problem located at `path` (its value, or its key with `key: true`). */
export function problemAt(
  source: CatalogueSource,
  path: DocPath,
  message: string,
  options: { key?: boolean } = {},
): Problem {
  return { file: source.file, ...locate(source, path, options), path: dottedPath(path), message };
}
