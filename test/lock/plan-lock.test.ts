// One run per plan: the lock's rules over an in-memory table (the DynamoDB adapter passes the same
// contract against the local DynamoDB service).
import { describe, expect, it } from 'vitest';
import { PlanLockedError } from '#shared/lock/errors.ts';
import { acquirePlanLock, MAX_RUN_SECONDS, releasePlanLock, type LockRequest } from '#shared/lock/plan-lock.ts';
import type { PlanLockTable } from '#shared/lock/port.ts';
import { memoryLockTable } from '../support/memory-lock-table.ts';
import { describeLockTableContract, lockOf } from './lock-table-contract.ts';

describeLockTableContract('the in-memory table', () => memoryLockTable());

/** Step Functions as the lock sees it: every execution still running unless a test says otherwise. */
const running = async () => 'RUNNING';

const arn = (name: string) => `arn:aws:states:eu-west-1:111122223333:execution:drs-orchestrator-dev-recovery:${name}`;
const run = (execution: string, startedAt: string, overrides: Partial<LockRequest> = {}): LockRequest => ({
  plan: 'payments',
  mode: 'drill',
  execution,
  executionArn: arn(execution),
  startedAt,
  ...overrides,
});

describe('taking a plan’s lock', () => {
  it('two runs of one plan started in the same second: one takes the lock, the other fails naming it', async () => {
    const table = memoryLockTable();
    const alarm = run('payments-recovery-alarm-20260301T021440-5465d9ad', '2026-03-01T02:14:40.120Z', { mode: 'recovery' });
    const console = run('payments-console-run', '2026-03-01T02:14:40.870Z');

    const outcomes = await Promise.allSettled([acquirePlanLock(alarm, table, running), acquirePlanLock(console, table, running)]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    const refusal = (outcomes[1] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(PlanLockedError);
    expect(refusal.name).toBe('PlanLockedError');
    expect(refusal.message).toBe(
      'plan "payments" is held by recovery payments-recovery-alarm-20260301T021440-5465d9ad (started 2026-03-01T02:14:40.120Z), ' +
        'still running: one run per plan at a time, so this drill stopped before changing anything in DRS. Wait for that run to end, or stop it ' +
        '(its clean-up then releases the plan): arn:aws:states:eu-west-1:111122223333:execution:drs-orchestrator-dev-recovery:payments-recovery-alarm-20260301T021440-5465d9ad',
    );
    expect(table.locks.get('payments')?.execution).toBe(alarm.execution);
  });

  it('answers the key and when the lock lapses, the run’s start plus seven days', async () => {
    const acquired = await acquirePlanLock(run('payments-drill-1', '2026-03-01T02:00:00.000Z'), memoryLockTable(), running);

    expect(MAX_RUN_SECONDS).toBe(7 * 24 * 3600);
    expect(acquired).toEqual({ key: 'plan#payments', expiresAt: '2026-03-08T02:00:00.000Z' });
  });

  it('a retried step of the holder keeps its lock instead of locking itself out', async () => {
    const table = memoryLockTable();
    const drill = run('payments-drill-1', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(drill, table, running);

    const again = await acquirePlanLock(drill, table, running);

    expect(again).toEqual({ key: 'plan#payments', expiresAt: '2026-03-08T02:00:00.000Z' });
  });

  it('takes over a lock that lapsed before the run started, and says whose it was', async () => {
    const table = memoryLockTable();
    const dead = lockOf('payments-drill-20260101T020000-dead', '2026-01-01T02:00:00.000Z');
    table.locks.set('payments', dead);

    const acquired = await acquirePlanLock(run('payments-drill-20260301T020000-live', '2026-03-01T02:00:00.000Z'), table, running);

    expect(acquired.tookOverFrom).toEqual({
      execution: dead.execution,
      executionArn: dead.executionArn,
      mode: 'drill',
      startedAt: '2026-01-01T02:00:00.000Z',
      expiredAt: '2026-01-08T02:00:00.000Z',
    });
    expect(table.locks.get('payments')?.execution).toBe('payments-drill-20260301T020000-live');
  });

  it('takes over the lock of a run that is no longer running (stopped from the console), and says how it ended', async () => {
    const table = memoryLockTable();
    const aborted = run('payments-drill-20260301T020000-stop', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(aborted, table, running);
    const statusOf = async (executionArn: string) => (executionArn === aborted.executionArn ? 'ABORTED' : 'RUNNING');

    const acquired = await acquirePlanLock(run('payments-drill-20260301T030000-next', '2026-03-01T03:00:00.000Z'), table, statusOf);

    expect(acquired.tookOverFrom).toEqual({ execution: aborted.execution, executionArn: aborted.executionArn, mode: 'drill', startedAt: aborted.startedAt, endedAs: 'ABORTED' });
    expect(table.locks.get('payments')?.execution).toBe('payments-drill-20260301T030000-next');
  });

  it('a holder Step Functions no longer knows is not running either', async () => {
    const table = memoryLockTable();
    await acquirePlanLock(run('payments-drill-gone', '2026-03-01T02:00:00.000Z'), table, running);

    const acquired = await acquirePlanLock(run('payments-drill-next', '2026-03-01T03:00:00.000Z'), table, async () => 'NOT_FOUND');

    expect(acquired.tookOverFrom).toMatchObject({ execution: 'payments-drill-gone', endedAs: 'NOT_FOUND' });
  });

  it('of two runs taking over one ended holder at once, one gets the lock and the other is refused', async () => {
    const table = memoryLockTable();
    const ended = run('payments-drill-ended', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(ended, table, running);
    const statusOf = async (executionArn: string) => (executionArn === ended.executionArn ? 'FAILED' : 'RUNNING');

    const outcomes = await Promise.allSettled([
      acquirePlanLock(run('payments-drill-a', '2026-03-01T03:00:00.000Z'), table, statusOf),
      acquirePlanLock(run('payments-drill-b', '2026-03-01T03:00:00.500Z'), table, statusOf),
    ]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { name: 'PlanLockedError' } });
  });

  it('writes again when the holder let go between the refused write and the read', async () => {
    const table = memoryLockTable();
    let refusals = 1;
    const racing: PlanLockTable = {
      ...table,
      putIfFree: async (lock) => (refusals-- > 0 ? { written: false } : table.putIfFree(lock)),
    };

    const acquired = await acquirePlanLock(run('payments-drill-1', '2026-03-01T02:00:00.000Z'), racing, running);

    expect(acquired.key).toBe('plan#payments');
  });

  it('gives up with PlanLockedError when the lock keeps changing hands', async () => {
    const churning: PlanLockTable = { ...memoryLockTable(), putIfFree: async () => ({ written: false }) };

    const error = await acquirePlanLock(run('payments-drill-1', '2026-03-01T02:00:00.000Z'), churning, running).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlanLockedError);
    expect((error as Error).message).toMatch(/^plan "payments": its lock changed hands 3 times while this drill tried to take it/);
  });

  it('refuses a start time that is not a time', async () => {
    await expect(acquirePlanLock(run('x', 'yesterday'), memoryLockTable(), running)).rejects.toThrow('startedAt "yesterday" is not a time');
  });
});

describe('giving a plan’s lock back', () => {
  it('a run releases its own lock, after which the next run of the plan takes it', async () => {
    const table = memoryLockTable();
    const first = run('payments-drill-1', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(first, table, running);

    expect(await releasePlanLock(first, table)).toEqual({ key: 'plan#payments', released: true });
    await expect(acquirePlanLock(run('payments-drill-2', '2026-03-01T03:00:00.000Z'), table, running)).resolves.toMatchObject({ key: 'plan#payments' });
  });

  it('a run never releases a lock another run holds (its own was taken over after it lapsed)', async () => {
    const table = memoryLockTable();
    const slow = run('payments-drill-slow', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(slow, table, running);
    await acquirePlanLock(run('payments-drill-next', '2026-03-09T02:00:00.000Z'), table, running);

    expect(await releasePlanLock(slow, table)).toEqual({ key: 'plan#payments', released: false });
    expect(table.locks.get('payments')?.execution).toBe('payments-drill-next');
  });

  it('a retried release finds nothing to release', async () => {
    const table = memoryLockTable();
    const drill = run('payments-drill-1', '2026-03-01T02:00:00.000Z');
    await acquirePlanLock(drill, table, running);
    await releasePlanLock(drill, table);

    expect(await releasePlanLock(drill, table)).toEqual({ key: 'plan#payments', released: false });
  });
});
