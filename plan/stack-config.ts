/**
 * A stack's configuration as the Pulumi CLI would hand it to the program: Pulumi.<stack>.yaml
 * over the project-level defaults of Pulumi.yaml, keys namespaced, objects as JSON. Secure
 * values cannot be decrypted offline: they become a placeholder and are marked secret.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const SECRET_PLACEHOLDER = "[secret: not decrypted by the offline plan]";

export interface StackConfig {
  project: string;
  /** Where the program is: Pulumi.yaml's `main`, relative to the project directory (default: it). */
  programDir: string;
  stack: string;
  /** Full key (`maas:environment`) -> value, as `pulumi.runtime.setAllConfig` takes it. */
  config: Record<string, string>;
  secretKeys: string[];
}

export class StackConfigError extends Error {}

function readYaml(file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackConfigError(
      `${file}: cannot be read as YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (data !== null && data !== undefined && (typeof data !== "object" || Array.isArray(data))) {
    throw new StackConfigError(`${file}: must be a YAML map`);
  }
  return (data ?? {}) as Record<string, unknown>;
}

function configValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
  const projectFile = join(projectDir, "Pulumi.yaml");
  const stackFile = join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(projectFile))
    throw new StackConfigError(`${projectFile}: not found; run maas in the project directory`);
  if (!existsSync(stackFile))
    throw new StackConfigError(`${stackFile}: not found; no stack named ${stack}`);
  const project = readYaml(projectFile);
  const projectName = typeof project.name === "string" ? project.name : "";
  if (!projectName) throw new StackConfigError(`${projectFile}: name is required`);
  const programDir = resolve(projectDir, typeof project.main === "string" ? project.main : ".");
  const namespaced = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  // Project-level declarations first: their defaults apply where the stack sets nothing.
  for (const [key, declaration] of Object.entries(
    (project.config ?? {}) as Record<string, unknown>,
  )) {
    const spec = (declaration ?? {}) as Record<string, unknown>;
    if (spec.default !== undefined) config[namespaced(key)] = configValue(spec.default);
    if (spec.value !== undefined) config[namespaced(key)] = configValue(spec.value);
  }
  const stackSettings = readYaml(stackFile);
  for (const [key, value] of Object.entries(
    (stackSettings.config ?? {}) as Record<string, unknown>,
  )) {
    const isSecure = value !== null && typeof value === "object" && "secure" in value;
    config[namespaced(key)] = isSecure ? SECRET_PLACEHOLDER : configValue(value);
    if (isSecure) secretKeys.push(namespaced(key));
  }
  return { project: projectName, programDir, stack, config, secretKeys: secretKeys.sort() };
}
