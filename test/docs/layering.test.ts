/**
 * The import graph against docs/maintainers.md, "Where each concept lives": no import cycle
 * between files, none between top-level folders, and each folder of the table importing only
 * what its "imports" column names (folders or files in backticks; `components/specs/` allows
 * that folder only). The graph is TypeScript's own: the files of tsconfig.json, each import
 * (type-only, re-exports and dynamic `import()` too) resolved as the compiler resolves it.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
/** Top-level folders around the program rather than in it: not rows of the table. */
const TOOLING = new Set(["test", "bench", "docs", "scripts"]);

interface Graph {
  /** Project files (relative to the root) to the project files they import. */
  edges: Map<string, string[]>;
  /** Project files to the packages they import (`@pulumi/pulumi`, `node:fs`). */
  packages: Map<string, string[]>;
}

function importGraph(): Graph {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!config) throw new Error("tsconfig.json could not be read");
  const cache = ts.createModuleResolutionCache(ROOT, (name) => name, config.options);
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of config.fileNames) {
    const from = relative(ROOT, file);
    const imported = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles;
    const local: string[] = [];
    const external: string[] = [];
    for (const { fileName } of imported) {
      const target = ts.resolveModuleName(
        fileName,
        file,
        config.options,
        ts.sys,
        cache,
      ).resolvedModule;
      if (
        target &&
        !target.isExternalLibraryImport &&
        !relative(ROOT, target.resolvedFileName).startsWith("..")
      ) {
        local.push(relative(ROOT, target.resolvedFileName));
      } else external.push(fileName);
    }
    edges.set(from, local);
    packages.set(from, external);
  }
  return { edges, packages };
}

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) {
        found.push(component.sort());
      }
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

const topFolder = (file: string) => (file.includes("/") ? file.split("/")[0]! : file);

/** The table's rows: a folder (`stack/`) and the paths its imports column allows. */
function documentedLayers(): Map<string, string[]> {
  const text = readFileSync(resolve(ROOT, "docs/maintainers.md"), "utf8");
  const section = text.split("## Where each concept lives")[1]?.split("\n## ")[0] ?? "";
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1);
    const folder = /^\s*`([a-z-]+\/)`\s*$/.exec(cells[0] ?? "")?.[1];
    if (!folder) continue;
    const allowed = [...(cells.at(-1) ?? "").matchAll(/`([^`]+)`/g)]
      .map((match) => match[1]!)
      .filter((path) => path.includes("/"));
    rows.set(folder, allowed);
  }
  return rows;
}

describe("the import graph (docs/maintainers.md, Where each concept lives)", () => {
  const graph = importGraph();
  const layers = documentedLayers();

  it("the table has a row for every top-level folder of the program", () => {
    expect(layers.size, "no rows read from docs/maintainers.md").toBeGreaterThan(5);
    const folders = new Set(
      [...graph.edges.keys()].filter((file) => file.includes("/")).map(topFolder),
    );
    const missing = [...folders].filter(
      (folder) => !TOOLING.has(folder) && !layers.has(`${folder}/`),
    );
    expect(missing, "folders the table of docs/maintainers.md does not describe").toEqual([]);
  });

  it("no file imports itself through others", () => {
    const found = cycles(graph.edges).map((cycle) => cycle.join(" <-> "));
    expect(found, "import cycles: move what both sides need into a module of its own").toEqual([]);
  });

  it("no top-level folder imports itself through others", () => {
    const folders = new Map<string, string[]>();
    for (const [file, targets] of graph.edges) {
      const from = topFolder(file);
      const to = targets.map(topFolder).filter((folder) => folder !== from);
      folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to])]);
    }
    const found = cycles(folders).map((cycle) => cycle.join(" <-> "));
    expect(found, "folders that import each other").toEqual([]);
  });

  it("each folder imports only what its row's imports column names", () => {
    const outside: string[] = [];
    for (const [file, targets] of graph.edges) {
      const allowed = layers.get(`${topFolder(file)}/`);
      if (!allowed) continue;
      for (const target of targets) {
        if (topFolder(target) === topFolder(file)) continue;
        if (!allowed.some((path) => target === path || target.startsWith(path))) {
          outside.push(`${file} -> ${target}`);
        }
      }
    }
    expect(outside, "imports the table of docs/maintainers.md does not allow").toEqual([]);
  });

  it("catalogue/ and kinds/ import nothing of Pulumi", () => {
    const pulumi = [...graph.packages]
      .filter(([file]) => file.startsWith("catalogue/") || file.startsWith("kinds/"))
      .flatMap(([file, names]) =>
        names.filter((name) => name.startsWith("@pulumi/")).map((name) => `${file} -> ${name}`),
      );
    expect(pulumi).toEqual([]);
  });

  it("finds the cycles and the imports it is meant to refuse", () => {
    const edges = new Map([
      ["stack/layout.ts", ["stack/settings.ts"]],
      ["stack/settings.ts", ["stack/layout.ts"]],
      ["plan/a.ts", ["plan/a.ts"]],
      ["policy/rules.ts", []],
    ]);
    expect(cycles(edges)).toEqual([["stack/layout.ts", "stack/settings.ts"], ["plan/a.ts"]]);
    expect(layers.get("policy/") ?? [], "policy/ may import plan/").not.toContain("plan/");
    expect(layers.get("catalogue/"), "catalogue/ imports no other folder").toEqual([]);
    expect(layers.get("kinds/"), "kinds/ imports only catalogue/").toEqual(["catalogue/names.ts"]);
  });
});
