// The lock table on the local DynamoDB service (dynalite behind a SigV4 front) for a test file:
// the service and a client for the file, a table of its own for each case, as the stack creates it.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { defaultCredentials } from '#local/identity/index.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '#local/dynamodb/index.ts';
import { lockTableDefinition } from '#shared/lock/keys.ts';

/** Starts the service before the file's tests and stops it after; `freshTable` makes a new table and says how to reach it. */
export function useLocalLockTable(): { freshTable(): Promise<{ client: DynamoDBClient; tableName: string }> } {
  let dynamodb: LocalDynamoDb;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamodb = await startLocalDynamoDb();
    client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'eu-west-1', credentials: defaultCredentials });
  });
  afterAll(async () => {
    client.destroy();
    await dynamodb.stop();
  });
  return {
    async freshTable() {
      const tableName = `drs-orchestrator-test-${randomBytes(4).toString('hex')}-locks`;
      await dynamodb.createTable(lockTableDefinition(tableName));
      return { client, tableName };
    },
  };
}
