// The action ledger in the lock table: one item per action of a run (`action#<execution>#<wave>#
// <phase>#<action>`), written before the action starts and updated with what it started and how it
// ended. A retried step reads it back: it never invokes a function twice, and finds the automation
// it already started.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ActionLedger, LedgerEntry } from '#shared/actions/ports.ts';
import { conditionally } from './dynamodb-table.ts';
import { EXPIRES_AT, PARTITION_KEY } from './keys.ts';

/** The ledger in table `tableName` through `client`; keys come from shared/actions/run.ts (`action#…`). */
export function dynamoDbActionLedger(client: DynamoDBClient, tableName: string): ActionLedger {
  const key = (id: string) => ({ [PARTITION_KEY]: { S: id } });
  return {
    claim(id, expiresAt) {
      return conditionally(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...key(id), [EXPIRES_AT]: { N: String(expiresAt) } },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          }),
        ),
      );
    },
    async read(id) {
      const answer = await client.send(new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
      const entry = answer.Item?.entry?.S;
      return entry === undefined ? (answer.Item === undefined ? undefined : {}) : (JSON.parse(entry) as LedgerEntry);
    },
    async release(id) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(id) }));
    },
    async update(id, entry) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression: 'SET #entry = :entry',
          ExpressionAttributeNames: { '#entry': 'entry' },
          ExpressionAttributeValues: { ':entry': { S: JSON.stringify(entry) } },
        }),
      );
    },
  };
}
