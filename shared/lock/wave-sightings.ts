// The sightings of a run's completed waves (sightings-codec.ts), in the lock table rather than in
// the workflow's state: they grow with the servers (up to two characters a server and moment
// kind), and a 10,000-server run's state outgrew 64 KiB with them (bench/linear.ts). Only the
// report reads them, at the end of the run. `sight#<execution>#<wave index>` holds one wave's.
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EXPIRES_AT, KEY_PREFIX, PARTITION_KEY } from './keys.ts';

/** A wave's sightings as the recovery encodes them (its Sightings): the lock knows only their shape. */
export interface EncodedSightings {
  times: number[];
  launch: string;
  ready: string;
}

export interface WaveSightings {
  /** Stores a completed wave's sightings; a retried step writes the same item again. */
  put(execution: string, waveIndex: number, sightings: EncodedSightings, expiresAt: number): Promise<void>;
  /** The stored sightings of the execution's waves, by wave index (a wave with none is absent). */
  get(execution: string, waveIndexes: readonly number[]): Promise<Map<number, EncodedSightings>>;
}

/** `sight#drill-payments-…#2`: the key of the execution's third wave's sightings. */
export function waveSightingsKey(execution: string, waveIndex: number): string {
  return `${KEY_PREFIX.waveSightings}#${execution}#${waveIndex}`;
}

export function dynamoDbWaveSightings(client: DynamoDBClient, tableName: string): WaveSightings {
  const key = (execution: string, waveIndex: number) => ({ [PARTITION_KEY]: { S: waveSightingsKey(execution, waveIndex) } });
  return {
    async put(execution, waveIndex, sightings, expiresAt) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(execution, waveIndex),
            times: { S: JSON.stringify(sightings.times) },
            launch: { S: sightings.launch },
            ready: { S: sightings.ready },
            [EXPIRES_AT]: { N: String(expiresAt) },
          },
        }),
      );
    },
    async get(execution, waveIndexes) {
      const found = await Promise.all(
        waveIndexes.map(async (waveIndex) => {
          const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: key(execution, waveIndex), ConsistentRead: true }))).Item;
          const [times, launch, ready] = [item?.times?.S, item?.launch?.S, item?.ready?.S];
          if (times === undefined || launch === undefined || ready === undefined) return undefined;
          return [waveIndex, { times: JSON.parse(times) as number[], launch, ready }] as const;
        }),
      );
      return new Map(found.filter((entry) => entry !== undefined));
    },
  };
}
