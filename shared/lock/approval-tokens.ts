// The approval gates' task tokens in the lock table: `token#<execution name>` holds the token the
// paused gate waits on, with what the approver must know (plan, mode, wave, why, until when). The
// approve and reject commands find it by the execution's name, send the decision with it, and
// delete it. A run waits at one gate at a time, so the execution's name is key enough.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { conditionally } from './dynamodb-table.ts';
import { EXPIRES_AT, KEY_PREFIX, PARTITION_KEY } from './keys.ts';

export interface PendingApproval {
  execution: string;
  executionArn: string;
  token: string;
  plan: string;
  mode: string;
  wave: string;
  reasons: string[];
  requestedAt: string;
  deadline: string;
}

export interface ApprovalTokens {
  put(pending: PendingApproval): Promise<void>;
  get(execution: string): Promise<PendingApproval | undefined>;
  /** Deletes the execution's pending approval if it still holds `token` (a later gate's stays). */
  delete(execution: string, token: string): Promise<void>;
}

/** `token#payments-recovery-alarm-…`: the key of an execution's pending approval. */
export function approvalTokenKey(execution: string): string {
  return `${KEY_PREFIX.taskToken}#${execution}`;
}

export function dynamoDbApprovalTokens(client: DynamoDBClient, tableName: string): ApprovalTokens {
  const key = (execution: string) => ({ [PARTITION_KEY]: { S: approvalTokenKey(execution) } });
  return {
    async put(pending) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(pending.execution),
            pending: { S: JSON.stringify(pending) },
            // Gone by itself a day after its deadline: the gate has timed out long before.
            [EXPIRES_AT]: { N: String(Math.floor(Date.parse(pending.deadline) / 1000) + 86_400) },
          },
        }),
      );
    },
    async get(execution) {
      const answer = await client.send(new GetItemCommand({ TableName: tableName, Key: key(execution), ConsistentRead: true }));
      const text = answer.Item?.pending?.S;
      return text === undefined ? undefined : (JSON.parse(text) as PendingApproval);
    },
    async delete(execution, token) {
      // Refused when a later gate's request replaced it: that one stays.
      await conditionally(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(execution),
            ConditionExpression: 'contains(#pending, :token)',
            ExpressionAttributeNames: { '#pending': 'pending' },
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
        ),
      );
    },
  };
}
