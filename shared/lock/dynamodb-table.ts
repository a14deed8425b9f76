// The plan lock table in DynamoDB: each rule of the lock is one conditional write, so two runs
// racing for a plan are decided by DynamoDB, never by a read followed by a write.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { EXPIRES_AT, PARTITION_KEY, planLockKey } from './keys.ts';
import type { PlanLock } from './plan-lock.ts';
import type { PlanLockTable, PutLockResult } from './port.ts';

type Item = Record<string, AttributeValue>;

function itemOf(lock: PlanLock): Item {
  return {
    [PARTITION_KEY]: { S: planLockKey(lock.plan) },
    plan: { S: lock.plan },
    executionArn: { S: lock.executionArn },
    execution: { S: lock.execution },
    mode: { S: lock.mode },
    startedAt: { S: lock.startedAt },
    [EXPIRES_AT]: { N: String(lock.expiresAt) },
  };
}

/** The lock an item holds; undefined for an item that is not a whole lock (never written by us). */
function lockOf(item: Item | undefined): PlanLock | undefined {
  const text = (name: string) => item?.[name]?.S;
  const [plan, executionArn, execution, mode, startedAt] = ['plan', 'executionArn', 'execution', 'mode', 'startedAt'].map(text);
  const expiresAt = Number(item?.[EXPIRES_AT]?.N);
  if (plan === undefined || executionArn === undefined || execution === undefined || mode === undefined || startedAt === undefined || !Number.isFinite(expiresAt)) {
    return undefined;
  }
  return { plan, executionArn, execution, mode, startedAt, expiresAt };
}

const refused = (error: unknown) => error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** Runs a conditional write; false when its condition did not hold (nothing was written). The lock table's items all use it. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (refused(error)) return false;
    throw error;
  }
}

/** The plan lock table `tableName` through `client`. */
export function dynamoDbLockTable(client: DynamoDBClient, tableName: string): PlanLockTable {
  const key = (plan: string): Item => ({ [PARTITION_KEY]: { S: planLockKey(plan) } });
  return {
    async putIfFree(lock): Promise<PutLockResult> {
      let replaced: PlanLock | undefined;
      const written = await conditionally(async () => {
        const answer = await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: itemOf(lock),
            // Free, already this execution's (a retried step), or lapsed before this run started.
            ConditionExpression: 'attribute_not_exists(#pk) OR #arn = :arn OR #expires < :started',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#arn': 'executionArn', '#expires': EXPIRES_AT },
            ExpressionAttributeValues: { ':arn': { S: lock.executionArn }, ':started': { N: String(Math.floor(Date.parse(lock.startedAt) / 1000)) } },
            ReturnValues: 'ALL_OLD',
          }),
        );
        replaced = lockOf(answer.Attributes);
      });
      if (!written) return { written: false };
      return replaced === undefined ? { written: true } : { written: true, replaced };
    },

    async get(plan) {
      const answer = await client.send(new GetItemCommand({ TableName: tableName, Key: key(plan), ConsistentRead: true }));
      return lockOf(answer.Item);
    },

    replaceIfHeldBy(lock, heldBy) {
      return conditionally(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: itemOf(lock),
            ConditionExpression: '#arn = :held',
            ExpressionAttributeNames: { '#arn': 'executionArn' },
            ExpressionAttributeValues: { ':held': { S: heldBy } },
          }),
        ),
      );
    },

    deleteIfHeld(plan, executionArn) {
      return conditionally(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(plan),
            ConditionExpression: '#arn = :arn',
            ExpressionAttributeNames: { '#arn': 'executionArn' },
            ExpressionAttributeValues: { ':arn': { S: executionArn } },
          }),
        ),
      );
    },
  };
}
