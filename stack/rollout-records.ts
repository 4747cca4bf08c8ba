/**
 * The rollout records the program obeys: read before any resource is registered, so every
 * `pulumi up` (and preview) applies the weights a rollout holds, not the catalogue's at once
 * (rollout/effective.ts). Under `pulumi up` they come from the stack's rollouts table in DynamoDB;
 * under the offline plan from a file of recorded records, or none (plan/record.ts sets the
 * source): the plan never reaches AWS.
 *
 * Failing closed: a table that does not exist yet (a stack's first update) holds no records,
 * but a table that cannot be read stops the program. An update that did not know a rollout's
 * record could undo a step or an abort.
 */
import type { BatchGetCommandOutput, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ROLLOUTS_TABLE } from "../components/registry";
import { parseRecord } from "../rollout/record";
import type { RolloutRecord } from "../rollout/record";

export interface RecordSource {
  /** The current records of these models, by model; a model that never rolled has none. */
  read(table: string, region: string, models: string[]): Promise<Map<string, RolloutRecord>>;
}

/** BatchGetItem's limit of keys per request (DynamoDB API reference, BatchGetItem). */
const BATCH_KEYS = 100;

/** The records in DynamoDB, with the credentials and region the stack's AWS provider uses. */
export const dynamoDbRecords: RecordSource = {
  async read(table, region, models) {
    const records = new Map<string, RolloutRecord>();
    let client: DynamoDBDocumentClient | undefined;
    try {
      // Loaded here, not with the program: the offline plan never reads DynamoDB, and the SDK's
      // client is a twentieth of a plan process's start-up. (A failure to load it fails closed,
      // with the message below, like any other.)
      const [{ DynamoDBClient }, { BatchGetCommand, DynamoDBDocumentClient: DocumentClient }] =
        await Promise.all([import("@aws-sdk/client-dynamodb"), import("@aws-sdk/lib-dynamodb")]);
      client = DocumentClient.from(new DynamoDBClient({ region }));
      for (let start = 0; start < models.length; start += BATCH_KEYS) {
        let keys: Record<string, unknown>[] | undefined = models
          .slice(start, start + BATCH_KEYS)
          .map((model) => ({
            [ROLLOUTS_TABLE.hashKey]: model,
            [ROLLOUTS_TABLE.rangeKey]: ROLLOUTS_TABLE.current,
          }));
        // Unprocessed keys (throttling) are asked again until none is left.
        while (keys && keys.length > 0) {
          const answer: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({
              RequestItems: { [table]: { Keys: keys, ConsistentRead: true } },
            }),
          );
          for (const item of answer.Responses?.[table] ?? []) {
            const parsed = parseRecord(item.rollout, `${table} ${String(item.model)}`);
            if (!parsed.ok) throw new Error(parsed.problem);
            records.set(parsed.record.model, parsed.record);
          }
          keys = answer.UnprocessedKeys?.[table]?.Keys;
        }
      }
    } catch (error) {
      // A stack's first update: the table is created by this very update, so nothing rolled yet.
      if (error instanceof Error && error.name === "ResourceNotFoundException") return new Map();
      throw new Error(
        `cannot read the rollout records in DynamoDB table ${table} (${region}): ${error instanceof Error ? error.message : String(error)}. An update that does not know a rollout's record could undo its step or its abort, so nothing was deployed; the deploying role needs dynamodb:BatchGetItem on the table`,
      );
    } finally {
      client?.destroy();
    }
    return records;
  },
};

/**
 * The offline plan's source, on the process's global object: `maas diff` runs a base commit's
 * program (its own copy of this module, from its checkout) under the recorder of the working
 * tree's, and both must see the one the recorder set.
 */
const OFFLINE = Symbol.for("maas.offline-rollout-records");
type WithOffline = typeof globalThis & { [OFFLINE]?: RecordSource };

/** Runs `fn` with records from `source` instead of DynamoDB (the offline plan). */
export async function withRecordSource<T>(source: RecordSource, fn: () => Promise<T>): Promise<T> {
  const global = globalThis as WithOffline;
  const previous = global[OFFLINE];
  global[OFFLINE] = source;
  try {
    return await fn();
  } finally {
    if (previous) global[OFFLINE] = previous;
    else delete global[OFFLINE];
  }
}

/** Where the program reads records: the offline plan's source while one is set, DynamoDB otherwise. */
export function recordSource(): RecordSource {
  return (globalThis as WithOffline)[OFFLINE] ?? dynamoDbRecords;
}

/** Records from plain values (a recorded file, or none), checked like DynamoDB's. */
export function fixedRecords(values: unknown[], where: string): RecordSource {
  const records = new Map<string, RolloutRecord>();
  for (const [index, value] of values.entries()) {
    const parsed = parseRecord(value, `${where}[${index}]`);
    if (!parsed.ok) throw new Error(parsed.problem);
    records.set(parsed.record.model, parsed.record);
  }
  return {
    read: (_table, _region, models) =>
      Promise.resolve(new Map([...records].filter(([model]) => models.includes(model)))),
  };
}
