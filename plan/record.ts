/**
 * Runs a Pulumi program under Pulumi's own mock runtime (pulumi.runtime.setMocks) and records
 * every resource registration as the engine would receive it: URN, type, name, parent,
 * inputs, dependencies and resource options. Provider-computed values come from placeholders.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import { canonical } from "./canonical";
import { placeholderCall, placeholderResource } from "./placeholders";
import { fixedRecords, withRecordSource } from "../stack/rollout-records";
import type { RecordSource } from "../stack/rollout-records";
import { withModelScope } from "../stack/plan-scope";
import { withoutRuntimeDiagnostics } from "./runtime-diagnostics";
import type { PlaceholderContext } from "./placeholders";
import type { RecordedResource } from "../policy/planned-resource";

/** A registration as recorded: its shape is declared once, in policy/planned-resource.ts. */
export type { RecordedResource } from "../policy/planned-resource";

export interface RecordOptions {
  project: string;
  stack: string;
  /** Stack config by full key (`maas:environment`), as the Pulumi CLI would pass it. */
  config: Record<string, string>;
  secretKeys: string[];
  placeholders: PlaceholderContext;
  /** Called with the number of resources recorded so far. */
  onResource?: (count: number) => void;
  /** The rollout records the program reads (none by default): the plan never reads DynamoDB. */
  rolloutRecords?: RecordSource;
  /** Only these models' components (a scoped plan, stack/plan-scope.ts); every model's without. */
  models?: readonly string[];
}

export interface Recording {
  resources: RecordedResource[];
  /** The stack outputs, resolved with placeholders. */
  outputs: Record<string, unknown>;
}

/** The parts of Pulumi's MockMonitor this module reaches into (see recordProgram). */
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(
    request: RegisterResourceRequest,
    callback: (error: unknown, response?: RegisterResourceResponse) => void,
  ): Promise<void>;
  readResource(
    request: ReadResourceRequest,
    callback: (error: unknown, response?: ReadResourceResponse) => void,
  ): Promise<void>;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The organization the offline plan runs in: the name Pulumi's self-managed backends use for
 * every stack (`organization/<project>/<stack>`); a shard's StackReference to its base uses it.
 */
export const PLAN_ORGANIZATION = "organization";

/**
 * The engine's URN: the parent's full type chain (not only its last type, as the mock runtime
 * builds it), and no prefix for children of the root stack.
 */
export function engineUrn(
  stack: string,
  project: string,
  parent: string,
  type: string,
  name: string,
): string {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualifiedType =
    parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** Plain JSON of a serialised property: secrets masked, resource references as their URN. */
export function plainProperty(value: unknown): unknown {
  if (value === pulumi.runtime.unknownValue) return "[unknown]";
  if (Array.isArray(value)) return value.map(plainProperty);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  switch (object[pulumi.runtime.specialSigKey]) {
    case pulumi.runtime.specialSecretSig:
      return "[secret]";
    case pulumi.runtime.specialResourceSig:
      return object.urn;
    case undefined:
      return Object.fromEntries(
        Object.entries(object).map(([key, inner]) => [key, plainProperty(inner)]),
      );
    default:
      return "[asset]";
  }
}

type ProtoStruct = NonNullable<ReturnType<RegisterResourceRequest["getObject"]>>;
type ProtoValue = NonNullable<ReturnType<ReturnType<ProtoStruct["getFieldsMap"]>["get"]>>;

/**
 * plainProperty(struct.toJavaScript()) in one pass over the protobuf, keys sorted as canonical()
 * sorts them (a protobuf map visits its keys sorted, with the same comparison): the recorded
 * inputs need no further copy to be canonical.
 */
function plainStruct(struct: ProtoStruct): unknown {
  const fields = struct.getFieldsMap();
  const signature = fields.get(pulumi.runtime.specialSigKey);
  if (signature !== undefined) {
    switch (plainValue(signature)) {
      case pulumi.runtime.specialSecretSig:
        return "[secret]";
      case pulumi.runtime.specialResourceSig: {
        const urn = fields.get("urn");
        return urn === undefined ? undefined : plainValue(urn, false);
      }
      default:
        return "[asset]";
    }
  }
  const entries: [string, unknown][] = [];
  fields.forEach((value, key) => entries.push([key, plainValue(value)]));
  return Object.fromEntries(entries);
}

function plainValue(value: ProtoValue, unknownIsMarked = true): unknown {
  if (value.hasStructValue()) return plainStruct(value.getStructValue()!);
  if (value.hasListValue())
    return value
      .getListValue()!
      .getValuesList()
      .map((item) => plainValue(item));
  if (value.hasStringValue()) {
    const text = value.getStringValue();
    return unknownIsMarked && text === pulumi.runtime.unknownValue ? "[unknown]" : text;
  }
  if (value.hasNumberValue()) return value.getNumberValue();
  if (value.hasBoolValue()) return value.getBoolValue();
  return null;
}

function optionsOf(request: RegisterResourceRequest): RecordedResource["options"] {
  const timeouts = request.getCustomtimeouts();
  const customTimeouts = timeouts
    ? Object.fromEntries(
        Object.entries({
          create: timeouts.getCreate(),
          update: timeouts.getUpdate(),
          delete: timeouts.getDelete(),
        }).filter(([, value]) => value),
      )
    : {};
  const options: NonNullable<RecordedResource["options"]> = {
    ...(request.getProtect() ? { protect: true as const } : {}),
    ...(request.getRetainondelete() ? { retainOnDelete: true as const } : {}),
    ...(request.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
    ...(request.getIgnorechangesList().length > 0
      ? { ignoreChanges: request.getIgnorechangesList() }
      : {}),
    ...(request.getReplaceonchangesList().length > 0
      ? { replaceOnChanges: request.getReplaceonchangesList() }
      : {}),
    ...(request.getAdditionalsecretoutputsList().length > 0
      ? { additionalSecretOutputs: request.getAdditionalsecretoutputsList() }
      : {}),
    ...(Object.keys(customTimeouts).length > 0 ? { customTimeouts } : {}),
  };
  return Object.keys(options).length > 0 ? options : undefined;
}

/** The URN an alias stands for, as the engine collapses it (step_generator.go, collapseAliasToUrn). */
function aliasUrn(
  alias: Alias,
  request: { getType(): string; getName(): string; getParent(): string },
  stack: string,
  project: string,
): string {
  if (!alias.hasSpec()) return alias.getUrn();
  const spec = alias.getSpec()!;
  const parent = spec.getNoparent() ? "" : spec.getParenturn() || request.getParent();
  return engineUrn(
    spec.getStack() || stack,
    spec.getProject() || project,
    parent,
    spec.getType() || request.getType(),
    spec.getName() || request.getName(),
  );
}

/**
 * What Pulumi's engine refuses before it changes anything: two resources of one URN ("Duplicate
 * resource URN"), and a resource that claims, through an alias, the URN another resource has
 * ("Duplicate resource alias", when the stack holds a resource there). The offline plan refuses
 * them at registration, whatever the program does with the error.
 */
export class DuplicateUrnError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "DuplicateUrnError";
  }
}

const BUG =
  "maas joins every name from catalogue and stack config names with separators those names cannot hold (catalogue/names.ts), so distinct inputs should never meet: report this, with the catalogue and stack file that caused it";

/** Every URN and alias registered so far; a second claim on one is a problem. */
class UrnClaims {
  private readonly urns = new Set<string>();
  /** Alias URN -> the URN of the resource that claims it. */
  private readonly aliases = new Map<string, string>();
  readonly problems: string[] = [];

  /** Claims `urn` and its `aliases`, or records why the engine would refuse them. */
  claim(urn: string, aliases: string[]): void {
    const problems: string[] = [];
    if (this.urns.has(urn))
      problems.push(
        `${urn}: two resources have this URN, which Pulumi's engine refuses (Duplicate resource URN) before it changes anything; ${BUG}`,
      );
    const holder = this.aliases.get(urn);
    if (holder !== undefined)
      problems.push(
        `${urn}: is also an alias of ${holder}, which Pulumi's engine refuses (Duplicate resource alias) once the stack holds a resource under it; ${BUG}`,
      );
    for (const alias of aliases) {
      const other = this.urns.has(alias) ? alias : this.aliases.get(alias);
      if (alias !== urn && other !== undefined)
        problems.push(
          `${urn}: its alias ${alias} is also ${other === alias ? "a resource's URN" : `an alias of ${other}`}, which Pulumi's engine refuses (Duplicate resource alias) once the stack holds a resource under it; ${BUG}`,
        );
    }
    this.problems.push(...problems);
    this.urns.add(urn);
    for (const alias of aliases) if (!this.aliases.has(alias)) this.aliases.set(alias, urn);
  }
}

/**
 * Runs `program` as the stack's root (as the Pulumi CLI does) and returns what it registered.
 * Only one program can run at a time in a process: the Pulumi runtime is process-wide state.
 */
export async function recordProgram(
  options: RecordOptions,
  program: () => unknown,
): Promise<Recording> {
  const resources: RecordedResource[] = [];
  const claims = new UrnClaims();
  /** The name the next placeholder is derived from: a renamed resource's former one (its alias). */
  let seedName: string | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const name = seedName ?? args.name;
        seedName = undefined;
        return placeholderResource({ ...args, name }, options.placeholders);
      },
      call: (args) => placeholderCall(args, options.placeholders),
    },
    options.project,
    options.stack,
    false,
    PLAN_ORGANIZATION,
  );
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  // The mock runtime hands mocks neither parents nor dependencies nor options, and builds URNs
  // from the parent's last type only. Wrap its monitor (pinned @pulumi/pulumi version; the plan
  // tests fail if these internals move) to record what the engine would receive.
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  monitor.newUrn = (parent, type, name) =>
    engineUrn(options.stack, options.project, parent, type, name);
  const register = monitor.registerResource.bind(monitor);
  const read = monitor.readResource.bind(monitor);
  const urnOf = (request: { getParent(): string; getType(): string; getName(): string }) =>
    engineUrn(
      options.stack,
      options.project,
      request.getParent(),
      request.getType(),
      request.getName(),
    );
  // A refused registration is recorded, and the plan fails once the program has run: failing
  // the registration itself would reject, later, every output that depends on it.
  monitor.readResource = (request, callback) => {
    claims.claim(urnOf(request), []);
    return read(request, callback);
  };
  monitor.registerResource = (request, callback) => {
    const aliases = [
      ...new Set(
        request
          .getAliasesList()
          .map((alias) => aliasUrn(alias, request, options.stack, options.project)),
      ),
    ].sort();
    claims.claim(urnOf(request), aliases);
    // The mock asks for the placeholder at once (runtime/mocks.js, registerResource): a
    // renamed resource keeps the ids and ARNs it had under its former name, as it does in AWS.
    // Only renames are recorded: providers alias their own renamed types (aws:s3/bucketV2 to
    // aws:s3/bucket), which moves nothing between two plans of one SDK.
    const renames = aliases.filter((urn) => urn.split("::").pop() !== request.getName());
    seedName = renames[0]?.split("::").pop();
    const registered = register(request, (error, response) => {
      if (!error && response) {
        // Canonical as recorded (keys sorted at every level), as plan.json has it: no copy.
        const object = request.getObject();
        const resourceOptions = {
          ...optionsOf(request),
          ...(renames.length > 0 ? { aliases: renames } : {}),
        };
        resources.push({
          custom: request.getCustom(),
          dependencies: [...new Set(request.getDependenciesList())].sort(),
          inputs: ((object && plainStruct(object)) ?? {}) as Record<string, unknown>,
          name: request.getName(),
          ...(Object.keys(resourceOptions).length > 0
            ? { options: canonical(resourceOptions) as RecordedResource["options"] }
            : {}),
          ...(request.getParent() ? { parent: request.getParent() } : {}),
          ...(request.getProvider()
            ? { provider: request.getProvider().split("::").slice(0, 4).join("::") }
            : {}),
          type: request.getType(),
          urn: response.getUrn(),
        });
        options.onResource?.(resources.length);
      }
      callback(error, response);
    });
    seedName = undefined;
    return registered;
  };

  // Stack traces and promise leak tracking off while recording (plan/runtime-diagnostics.ts).
  return withoutRuntimeDiagnostics(async () => {
    try {
      let outputs: Record<string, unknown>;
      try {
        outputs =
          (await withRecordSource(options.rolloutRecords ?? fixedRecords([], ""), () =>
            withModelScope(options.models, () =>
              pulumi.runtime.runInPulumiStack(() => Promise.resolve(program())),
            ),
          )) ?? {};
        // Registrations started by applies may still be in flight: wait for the runtime to drain.
        await pulumi.runtime.disconnect();
      } catch (error) {
        // A refused registration fails the program somewhere else first: the refusal is the cause.
        if (claims.problems.length > 0) throw new DuplicateUrnError(claims.problems);
        throw error;
      }
      // Refused even when the program caught the error its registration got.
      if (claims.problems.length > 0) throw new DuplicateUrnError(claims.problems);
      return {
        resources,
        outputs: plainProperty(JSON.parse(JSON.stringify(outputs))) as Record<string, unknown>,
      };
    } finally {
      pulumi.runtime.disconnectSync();
    }
  });
}
