/**
 * The rollout records in the stack's rollouts table (components/registry.ts, ROLLOUTS_TABLE),
 * written with the AWS SDK, never as Pulumi TableItems. Each write is one transaction: the
 * current item, conditional on the revision the writer read (a ConditionExpression; DynamoDB
 * cancels the whole transaction when it fails), and the rollout's history item beside it, which
 * keeps every rollout's steps, checks and outcome for ever.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { ROLLOUTS_TABLE } from "../../components/registry";
import { parseRecord } from "../record";
import type { RecordStore } from "../ports";

export function dynamoDbStore(table: string, region: string): RecordStore {
  // Undefined fields (a reason cleared by resume) are dropped, as JSON drops them.
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const missingTable = (error: unknown) =>
    error instanceof Error && error.name === "ResourceNotFoundException";
  const read = async (model: string) => {
    try {
      return await client.send(
        new GetCommand({
          TableName: table,
          Key: {
            [ROLLOUTS_TABLE.hashKey]: model,
            [ROLLOUTS_TABLE.rangeKey]: ROLLOUTS_TABLE.current,
          },
          ConsistentRead: true,
        }),
      );
    } catch (error) {
      // No table yet (the stack's first update with rollouts creates it): no record either.
      if (missingTable(error)) return undefined;
      throw error;
    }
  };
  return {
    async ready() {
      try {
        await client.send(
          new GetCommand({
            TableName: table,
            Key: {
              [ROLLOUTS_TABLE.hashKey]: "",
              [ROLLOUTS_TABLE.rangeKey]: ROLLOUTS_TABLE.current,
            },
          }),
        );
        return true;
      } catch (error) {
        if (missingTable(error)) return false;
        throw error;
      }
    },
    async get(model) {
      const answer = await read(model);
      if (!answer?.Item) return undefined;
      const parsed = parseRecord(answer.Item.rollout, `${table} ${model}`);
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.record;
    },
    async put(record, expected) {
      const item = (key: string) => ({
        [ROLLOUTS_TABLE.hashKey]: record.model,
        [ROLLOUTS_TABLE.rangeKey]: key,
        revision: record.revision,
        status: record.status,
        rollout: record,
      });
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: item(ROLLOUTS_TABLE.current),
                  ...(expected === undefined
                    ? {
                        ConditionExpression: "attribute_not_exists(#model)",
                        ExpressionAttributeNames: { "#model": ROLLOUTS_TABLE.hashKey },
                      }
                    : {
                        ConditionExpression: "revision = :expected",
                        ExpressionAttributeValues: { ":expected": expected },
                      }),
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: item(`${ROLLOUTS_TABLE.historyPrefix}${record.id}`),
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        // The condition failed: another writer came first. Anything else is an error.
        if (
          error instanceof Error &&
          error.name === "TransactionCanceledException" &&
          (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]
            ?.Code === "ConditionalCheckFailed"
        )
          return false;
        throw error;
      }
    },
  };
}
