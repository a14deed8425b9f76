// The plan lock table (LOCK_TABLE, the stack's DynamoDB table) over a traced DynamoDB client in the
// home Region. DYNAMODB_ENDPOINT points it at the local DynamoDB service; unset, it talks to AWS.
// Only the lock steps load this module: the other steps never pay for the DynamoDB client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import { dynamoDbLockTable } from '#shared/lock/dynamodb-table.ts';
import { traced } from '#shared/powertools.ts';

/**
 * Retried in the standard mode (throttling, 5xx): every write is conditional on who holds the
 * lock, so a resent write of this run's own lock still succeeds and never takes another's.
 */
const client = traced(new DynamoDBClient({ region: homeRegion, endpoint: optionalEnv('DYNAMODB_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));

export const planLockTable = dynamoDbLockTable(client, requiredEnv('LOCK_TABLE'));
