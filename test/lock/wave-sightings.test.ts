// The completed waves' sightings in the lock table, against the local DynamoDB service through the
// unmodified SDK: what CompleteWave stores, WriteReport reads back, wave by wave.
import { describe, expect, it } from 'vitest';
import { dynamoDbWaveSightings } from '#shared/lock/wave-sightings.ts';
import { encodeSightings } from '#shared/recovery/sightings-codec.ts';
import { withStoredSightings } from '#shared/recovery/stored-sightings.ts';
import { useLocalLockTable } from './local-lock-table.ts';
import { testRun } from '../support/runs.ts';

const local = useLocalLockTable();

describe("the completed waves' sightings", () => {
  it('come back for the report as they were stored, each wave its own, a retried write changing nothing', async () => {
    const { client, tableName } = await local.freshTable();
    const store = dynamoDbWaveSightings(client, tableName);
    const run = testRun();
    // 5,000 servers of one wave seen at 100 distinct moments: two characters a server and kind.
    const launch = Array.from({ length: 5000 }, (_, n) => 30 * (n % 100));
    const first = encodeSightings(launch, launch.map((seconds) => seconds + 15));
    const second = encodeSightings([60, null], [90, null]);
    await store.put(run.execution, 0, first, 1_900_000_000);
    await store.put(run.execution, 0, first, 1_900_000_000); // a retried CompleteWave
    await store.put(run.execution, 1, second, 1_900_000_000);
    await store.put('another-execution', 0, second, 1_900_000_000);
    const summary = { status: 'SUCCEEDED' as const, serverCount: 1, launched: 1, failed: 0, jobIDs: [], startedAt: run.startedAt, warnings: [] };

    const state = await withStoredSightings({ run, completed: [{ ...summary, name: 'db' }, { ...summary, name: 'web' }, { ...summary, name: 'edge' }] }, store);

    expect(state.completed?.map((wave) => wave.sightings)).toEqual([first, second, undefined]); // edge: none stored
    expect(first.launch).toHaveLength(10_000);
  });
});
