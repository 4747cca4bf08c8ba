/**
 * A stack's configuration as the Pulumi CLI would hand it to the program: Pulumi.<stack>.yaml
 * over the project-level defaults of Pulumi.yaml, keys namespaced, objects as JSON. Secure
 * values cannot be decrypted offline: they become a placeholder and are marked secret.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { stackNameProblem } from "../catalogue/names";
import { readTextFile } from "../catalogue/text-file";

export const SECRET_PLACEHOLDER = "[secret: not decrypted by the offline plan]";

export interface StackConfig {
  project: string;
  /** Where the program is: Pulumi.yaml's `main`, relative to the project directory (default: it). */
  programDir: string;
  stack: string;
  /** Full key (`maas:environment`) -> value, as `pulumi.runtime.setAllConfig` takes it. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Where each key's value was written: `Pulumi.dev.yaml:12:3`, for messages. */
  origins: Record<string, string>;
}

export class StackConfigError extends Error {}

interface YamlFile {
  data: Record<string, unknown>;
  /** `file:line:col` of the value of a top-level key's entry under `section` (`config`). */
  position(section: string, key: string): string;
}

function readYaml(file: string, label: string): YamlFile {
  const read = readTextFile(file);
  if (!read.ok) throw new StackConfigError(`${file}: cannot be read: ${read.reason}`);
  const lineCounter = new LineCounter();
  const document = parseDocument(read.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new StackConfigError(
      `${label}:${line}:${col}: cannot be read as YAML: ${error.message.split("\n")[0]}`,
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (caught) {
    throw new StackConfigError(`${label}: cannot be read as YAML: ${(caught as Error).message}`);
  }
  if (data !== null && data !== undefined && (typeof data !== "object" || Array.isArray(data))) {
    throw new StackConfigError(`${label}: must be a YAML map`);
  }
  return {
    data: (data ?? {}) as Record<string, unknown>,
    position: (section, key) => {
      const entries = document.get(section, true);
      const pair = isMap(entries)
        ? entries.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
        : undefined;
      const node = (pair?.value ?? pair?.key) as { range?: [number, number, number] } | undefined;
      const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
      return `${label}:${line}:${col}`;
    },
  };
}

function configValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The stacks of the project: one per Pulumi.<stack>.yaml, in natural order. */
export function projectStacks(projectDir: string): string[] {
  return readdirSync(projectDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort(new Intl.Collator("en", { numeric: true }).compare);
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
  // Before the name becomes a path: `x/../../evil` must not read anything.
  const badName = stackNameProblem(stack);
  if (badName) throw new StackConfigError(`--stack: ${badName}`);
  const projectFile = join(projectDir, "Pulumi.yaml");
  const stackFile = join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(projectFile))
    throw new StackConfigError(`${projectFile}: not found; run maas in the project directory`);
  if (!existsSync(stackFile))
    throw new StackConfigError(`${stackFile}: not found; no stack named ${stack}`);
  const projectYaml = readYaml(projectFile, "Pulumi.yaml");
  const project = projectYaml.data;
  const projectName = typeof project.name === "string" ? project.name : "";
  if (!projectName) throw new StackConfigError(`${projectFile}: name is required`);
  const programDir = resolve(projectDir, typeof project.main === "string" ? project.main : ".");
  const namespaced = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const origins: Record<string, string> = {};
  // Project-level declarations first: their defaults apply where the stack sets nothing.
  for (const [key, declaration] of Object.entries(
    (project.config ?? {}) as Record<string, unknown>,
  )) {
    const spec = (declaration ?? {}) as Record<string, unknown>;
    if (spec.default !== undefined) config[namespaced(key)] = configValue(spec.default);
    if (spec.value !== undefined) config[namespaced(key)] = configValue(spec.value);
    origins[namespaced(key)] = projectYaml.position("config", key);
  }
  const stackYaml = readYaml(stackFile, `Pulumi.${stack}.yaml`);
  for (const [key, value] of Object.entries(
    (stackYaml.data.config ?? {}) as Record<string, unknown>,
  )) {
    const isSecure = value !== null && typeof value === "object" && "secure" in value;
    config[namespaced(key)] = isSecure ? SECRET_PLACEHOLDER : configValue(value);
    origins[namespaced(key)] = stackYaml.position("config", key);
    if (isSecure) secretKeys.push(namespaced(key));
  }
  return {
    project: projectName,
    programDir,
    stack,
    config,
    secretKeys: secretKeys.sort(),
    origins,
  };
}
