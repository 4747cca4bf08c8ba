/**
 * A scoped offline plan (`maas diff` when only the catalogue changed, review/scope.ts): deploy()
 * makes the components of these models only, while everything the stack shares is still built
 * from the whole resolved catalogue. Only the offline recorder sets a scope (plan/record.ts), on
 * the process's global object as it sets the rollout records (a base commit's program is its own
 * copy of this module); under `pulumi up` none is set, and deploy() refuses one that is set
 * while the program reads DynamoDB's records instead of the recorder's (modelScope()).
 */
import { dynamoDbRecords, recordSource } from "./rollout-records";

const SCOPE = Symbol.for("maas.offline-model-scope");
type WithScope = typeof globalThis & { [SCOPE]?: ReadonlySet<string> };

/** Runs `fn` (the offline plan's program) with deploy() making these models' components only. */
export async function withModelScope<T>(
  models: readonly string[] | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const global = globalThis as WithScope;
  const previous = global[SCOPE];
  if (models === undefined) delete global[SCOPE];
  else global[SCOPE] = new Set(models);
  try {
    return await fn();
  } finally {
    if (previous) global[SCOPE] = previous;
    else delete global[SCOPE];
  }
}

/**
 * The models deploy() makes components for, or undefined: all of them. Throws when a scope is
 * set outside the offline plan: a real stack always deploys every model (a scoped `pulumi up`
 * would delete the others).
 */
export function modelScope(): ReadonlySet<string> | undefined {
  const scope = (globalThis as WithScope)[SCOPE];
  if (scope !== undefined && recordSource() === dynamoDbRecords)
    throw new Error(
      "a model scope is set outside the offline plan: a real stack deploys every model; nothing was deployed",
    );
  return scope;
}
