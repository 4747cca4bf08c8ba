/**
 * The program's entry point, loaded as Pulumi's Node.js language host loads it: the module
 * itself (`index.ts` in the program directory), so whatever it registers is planned — not only
 * what one function of it returns. Its exports are the stack outputs.
 *
 * Loaded afresh on every plan (a program registers its resources when it is evaluated): under
 * the CLI, tsx compiles TypeScript for `require` and the entry leaves the require cache first;
 * under vitest, Vite compiles it for `import()` and a query makes each import a new evaluation.
 * The modules it imports stay cached: they only define what the entry calls.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

let evaluations = 0;

export function entryPath(programDir: string): string {
  return join(programDir, "index.ts");
}

/** Why the program cannot be loaded, if it cannot. */
export function entryProblem(programDir: string): string | undefined {
  return existsSync(entryPath(programDir))
    ? undefined
    : `${entryPath(programDir)}: not found; the program's entry point is index.ts in the project directory (or Pulumi.yaml's main)`;
}

export async function loadEntry(programDir: string): Promise<Record<string, unknown>> {
  const entry = entryPath(programDir);
  // The hook tsx registers for .ts files under the CLI; absent under vitest.
  if (require.extensions[".ts"]) {
    const resolved = require.resolve(entry);
    delete require.cache[resolved];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { ...(require(resolved) as Record<string, unknown>) };
  }
  evaluations += 1;
  return {
    ...((await import(`${pathToFileURL(entry).href}?evaluation=${evaluations}`)) as Record<
      string,
      unknown
    >),
  };
}
