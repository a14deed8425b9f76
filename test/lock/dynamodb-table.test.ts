// The DynamoDB adapter of the plan lock passes the lock table's contract against the local
// DynamoDB service (dynalite behind a SigV4 front), through the unmodified SDK over HTTP.
import { describe, expect, it } from 'vitest';
import { dynamoDbLockTable } from '#shared/lock/dynamodb-table.ts';
import { acquirePlanLock } from '#shared/lock/plan-lock.ts';
import { describeLockTableContract, lockOf } from './lock-table-contract.ts';
import { useLocalLockTable } from './local-lock-table.ts';

const local = useLocalLockTable();

/** A table of its own for each case, as the stack creates it. */
async function freshTable() {
  const { client, tableName } = await local.freshTable();
  return dynamoDbLockTable(client, tableName);
}

describeLockTableContract('the DynamoDB table', freshTable);

describe('the plan lock in DynamoDB', () => {
  it('of ten runs of one plan started at once, exactly one takes the lock; the others are refused naming it', async () => {
    const table = await freshTable();
    const runs = Array.from({ length: 10 }, (_, index) => lockOf(`payments-drill-20260301T020000-${index}`, '2026-03-01T02:00:00.000Z'));

    const outcomes = await Promise.allSettled(runs.map((run) => acquirePlanLock(run, table, async () => 'RUNNING')));

    const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    const holder = await table.get('payments');
    for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason.name).toBe('PlanLockedError');
      expect(outcome.reason.message).toContain(holder?.execution);
    }
  });

});
