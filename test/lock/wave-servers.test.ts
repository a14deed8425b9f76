// The servers of a wave DRS's quotas held back, in the lock table, against the local DynamoDB
// service through the unmodified SDK: what the wave's first StartWave round stores, later rounds read.
import { describe, expect, it } from 'vitest';
import { dynamoDbWaveServers } from '#shared/lock/wave-servers.ts';
import { useLocalLockTable } from './local-lock-table.ts';

const local = useLocalLockTable();

describe("a held-back wave's servers", () => {
  it('come back as stored, per execution and wave; a wave with none stored has none', async () => {
    const { client, tableName } = await local.freshTable();
    const store = dynamoDbWaveServers(client, tableName);
    const ids = Array.from({ length: 3334 }, (_, n) => `s-${n.toString(16).padStart(17, '0')}`);
    await store.put('drill-1', 0, ids, 1_900_000_000);
    await store.put('drill-1', 0, ids, 1_900_000_000); // a retried StartWave
    await store.put('drill-2', 0, ids.slice(0, 2), 1_900_000_000);

    expect(await store.get('drill-1', 0)).toEqual(ids);
    expect(await store.get('drill-2', 0)).toEqual(ids.slice(0, 2));
    expect(await store.get('drill-1', 1)).toBeUndefined();
  });
});
