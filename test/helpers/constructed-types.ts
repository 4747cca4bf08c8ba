/**
 * The resource types the program's sources construct, found in the code itself: each
 * `new aws.lb.ListenerRule(` (through the file's `import * as aws from "@pulumi/aws"`) resolved to
 * its type token by the installed provider's own class (`__pulumiType`), and each
 * `new k8s.apiextensions.CustomResource(` to the `apiVersion` and `kind` its arguments name.
 * Providers and stack references are the engine's, not resources the program deploys.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./cli";

/** Where the program's resources are constructed. */
const PROGRAM = ["components", "stack"];
/** The provider packages whose resources the program creates. */
const PROVIDERS = [
  "@pulumi/aws",
  "@pulumi/kubernetes",
  "@pulumi/docker-build",
  "@pulumi/docker",
  "@pulumi/random",
];

/** `aws.lb.ListenerRule` → `aws:lb/listenerRule:ListenerRule`, from the provider's class. */
async function tokenOf(pkg: string, path: string[]): Promise<string> {
  let node = (await import(pkg)) as Record<string, unknown>;
  for (const part of path) node = node[part] as Record<string, unknown>;
  const token = (node as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  if (typeof token !== "string") throw new Error(`${pkg} ${path.join(".")} is no resource class`);
  return token;
}

/** A constructed type and where: `components/model-version.ts`. */
export interface Constructed {
  type: string;
  file: string;
}

export async function constructedTypes(): Promise<Constructed[]> {
  const found = new Map<string, Constructed>();
  for (const dir of PROGRAM)
    for (const entry of readdirSync(join(PROJECT_ROOT, dir), { recursive: true })) {
      const file = join(dir, String(entry));
      if (!file.endsWith(".ts")) continue;
      const source = readFileSync(join(PROJECT_ROOT, file), "utf8");
      const aliases = new Map(
        [...source.matchAll(/import \* as (\w+) from "(@pulumi\/[\w-]+)";/g)]
          .filter(([, , pkg]) => PROVIDERS.includes(pkg!))
          .map(([, alias, pkg]) => [alias!, pkg!]),
      );
      for (const match of source.matchAll(/new (\w+)((?:\.\w+)+)\(/g)) {
        const pkg = aliases.get(match[1]!);
        if (!pkg) continue;
        const path = match[2]!.slice(1).split(".");
        if (path.at(-1) === "Provider") continue;
        let type: string;
        if (path.join(".") === "apiextensions.CustomResource") {
          const args = source.slice(match.index, match.index + 400);
          const apiVersion = /apiVersion: "([^"]+)"/.exec(args)?.[1];
          const kind = /kind: "([^"]+)"/.exec(args)?.[1];
          if (!apiVersion || !kind)
            throw new Error(`${file}: a CustomResource without a literal apiVersion and kind`);
          type = `kubernetes:${apiVersion}:${kind}`;
        } else type = await tokenOf(pkg, path);
        if (!found.has(type)) found.set(type, { type, file });
      }
    }
  return [...found.values()].sort((a, b) => (a.type < b.type ? -1 : 1));
}
