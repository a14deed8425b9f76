// A wave's servers as its first StartWave round resolved them (its selectors against
// DescribeSourceServers), for the later rounds of a wave that DRS's quotas held back: they start
// what is left of these instead of listing every source server of the accounts again (at 10,000
// servers each such listing took most of a round: bench/linear.ts). `wsrv#<execution>#<wave
// index>` holds the IDs, comma-separated: a 3,334-server wave is about 67 KB of DynamoDB's 400.
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EXPIRES_AT, KEY_PREFIX, PARTITION_KEY } from './keys.ts';

export interface WaveServers {
  /** Stores the wave's servers; a retried step writes the same item again. */
  put(execution: string, waveIndex: number, sourceServerIDs: readonly string[], expiresAt: number): Promise<void>;
  /** The wave's stored servers; undefined when none were stored. */
  get(execution: string, waveIndex: number): Promise<string[] | undefined>;
}

/** `wsrv#drill-payments-…#2`: the key of the execution's third wave's servers. */
export function waveServersKey(execution: string, waveIndex: number): string {
  return `${KEY_PREFIX.waveServers}#${execution}#${waveIndex}`;
}

export function dynamoDbWaveServers(client: DynamoDBClient, tableName: string): WaveServers {
  const key = (execution: string, waveIndex: number) => ({ [PARTITION_KEY]: { S: waveServersKey(execution, waveIndex) } });
  return {
    async put(execution, waveIndex, sourceServerIDs, expiresAt) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { ...key(execution, waveIndex), servers: { S: sourceServerIDs.join(',') }, [EXPIRES_AT]: { N: String(expiresAt) } },
        }),
      );
    },
    async get(execution, waveIndex) {
      const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: key(execution, waveIndex), ConsistentRead: true }))).Item;
      const servers = item?.servers?.S;
      return servers === undefined ? undefined : servers.split(',').filter((id) => id !== '');
    },
  };
}
