/**
 * index.ts as the Pulumi CLI runs it: Pulumi's Node.js language host registers ts-node with the
 * project's typescript and tsconfig.json. The script does exactly that in a fresh process, under
 * the mock runtime with the dev stack's config.
 *
 * The host type-checks the program first, unless PULUMI_NODEJS_TRANSPILE_ONLY=true (its way for
 * projects that "have a separate build step that runs tsc for type checking, and don't want to
 * pay the performance cost of type checking twice", @pulumi/pulumi cmd/run/run.js). This project
 * has that step, `npm run typecheck` (`tsc -p .`, which CI runs): here the host runs
 * transpile-only, and the test proves that its type check is that step's, so a program `npm run
 * typecheck` passes is one `pulumi up` type-checks the same way (both took 14 s and 1 GB here).
 * tsconfig.json's `isolatedModules` makes each file compile alone to the same JavaScript whether
 * ts-node checks types or not (no const enum or type-only re-export needs the whole program).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/cli";
import { planOf } from "../helpers/plan";

interface Loaded {
  typescript: string;
  urns: string[];
  outputs: Record<string, unknown>;
  /** The compiler options the host gave ts-node: its defaults, then tsconfig.json's. */
  hostOptions: Record<string, unknown>;
  /** The project's TypeScript files ts-node compiled, relative to the project. */
  compiled: string[];
}

const load = (): Loaded => {
  const result = spawnSync(
    process.execPath,
    [join(PROJECT_ROOT, "test", "language-host", "load-index.cjs"), "dev"],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      timeout: 120_000,
    },
  );
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Loaded;
};

/** What `tsc -p .` (npm run typecheck) checks: tsconfig.json's options and files. */
function typecheckProgram() {
  const file = join(PROJECT_ROOT, "tsconfig.json");
  const { config } = ts.parseConfigFileTextToJson(file, readFileSync(file, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT);
  return {
    options: (config as { compilerOptions: Record<string, unknown> }).compilerOptions,
    files: parsed.fileNames.map((name) => relative(PROJECT_ROOT, name)),
  };
}

/**
 * Declarations a file makes for others without being imported: a script's top level (no import
 * or export: global), `declare global`, and `declare module "x"` (for importers of x).
 */
function ambientDeclarations(file: string): { global: boolean; modules: string[] } {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(PROJECT_ROOT, file), "utf8"),
    ts.ScriptTarget.ES2022,
    true,
  );
  if (file.endsWith(".d.ts") || !ts.isExternalModule(source)) return { global: true, modules: [] };
  const declared = source.statements.filter(ts.isModuleDeclaration);
  return {
    global: declared.some((node) => ts.isIdentifier(node.name) && node.name.text === "global"),
    modules: declared.flatMap((node) => (ts.isStringLiteral(node.name) ? [node.name.text] : [])),
  };
}

describe("index.ts under the language host's ts-node", () => {
  it("compiles with the project's TypeScript 5 and registers the same resources as the offline plan", async () => {
    const loaded = load();
    expect(loaded.typescript).toMatch(/^5\./);
    const { plan } = await planOf({ stack: "dev", projectDir: PROJECT_ROOT });
    expect(loaded.urns).toEqual(plan.resources.map((resource) => resource.urn).sort());
    expect(loaded.urns).toContain("urn:pulumi:dev::maas::pulumi:pulumi:Stack::maas-dev");
    expect(loaded.outputs).toEqual(JSON.parse(JSON.stringify(plan.outputs)));

    // The host's type check is npm run typecheck's: the same compiler options (tsconfig.json sets
    // every option the host has a default for)...
    const typecheck = typecheckProgram();
    expect(loaded.hostOptions).toEqual(typecheck.options);
    // ...over files tsc checks too...
    expect(loaded.compiled).toContain("index.ts");
    expect(loaded.compiled.filter((file) => !typecheck.files.includes(file))).toEqual([]);
    // ...and nothing tsc sees beside them that they would not: ts-node reads only what a file
    // imports, tsc every included file, so a global declared in a file the program never imports
    // would pass tsc and fail the host. A module augmentation matters only to its module's importers.
    const imported = new Set(
      loaded.compiled.flatMap((file) =>
        ts
          .preProcessFile(readFileSync(join(PROJECT_ROOT, file), "utf8"))
          .importedFiles.map((entry) => entry.fileName),
      ),
    );
    const reaching = typecheck.files
      .filter((file) => !loaded.compiled.includes(file))
      .flatMap((file) => {
        const declared = ambientDeclarations(file);
        return declared.global || declared.modules.some((name) => imported.has(name)) ? [file] : [];
      });
    expect(reaching).toEqual([]);
  }, 240_000);
});
