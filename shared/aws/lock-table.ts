// The plan lock table (LOCK_TABLE, the stack's DynamoDB table) over a traced DynamoDB client in the
// home Region: the plan locks, the action ledger, the approval gates' task tokens, the waves' waits,
// the completed waves' sightings and the servers of waves quotas held back.
// DYNAMODB_ENDPOINT points it at the local DynamoDB service; unset, it talks to AWS. Only the steps
// that use the table load this module: the other steps never pay for the DynamoDB client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import { dynamoDbActionLedger } from '#shared/lock/action-ledger.ts';
import { dynamoDbApprovalTokens } from '#shared/lock/approval-tokens.ts';
import { dynamoDbLockTable } from '#shared/lock/dynamodb-table.ts';
import { dynamoDbWaveServers } from '#shared/lock/wave-servers.ts';
import { dynamoDbWaveSightings } from '#shared/lock/wave-sightings.ts';
import { dynamoDbWaveWaits } from '#shared/lock/wave-waits.ts';
import { traced } from '#shared/powertools.ts';

/**
 * Retried in the standard mode (throttling, 5xx): every write is conditional on who holds the
 * lock, so a resent write of this run's own lock still succeeds and never takes another's.
 */
const client = traced(new DynamoDBClient({ region: homeRegion, endpoint: optionalEnv('DYNAMODB_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));
const tableName = requiredEnv('LOCK_TABLE');

export const planLockTable = dynamoDbLockTable(client, tableName);
export const actionLedger = dynamoDbActionLedger(client, tableName);
export const approvalTokens = dynamoDbApprovalTokens(client, tableName);
export const waveWaits = dynamoDbWaveWaits(client, tableName);
export const waveSightings = dynamoDbWaveSightings(client, tableName);
export const waveServers = dynamoDbWaveServers(client, tableName);
