// What every PlanLockTable must do, whatever stores it: the in-memory table of the unit tests and
// the DynamoDB adapter against the local DynamoDB service run the same cases.
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_RUN_SECONDS, planLockOf, type LockRequest, type PlanLock } from '#shared/lock/plan-lock.ts';
import type { PlanLockTable } from '#shared/lock/port.ts';

const arn = (name: string) => `arn:aws:states:eu-west-1:111122223333:execution:drs-orchestrator-dev-recovery:${name}`;

export function lockOf(execution: string, startedAt: string, overrides: Partial<LockRequest> = {}): PlanLock {
  return planLockOf({ plan: 'payments', mode: 'drill', execution, executionArn: arn(execution), startedAt, ...overrides });
}

export function describeLockTableContract(name: string, makeTable: () => Promise<PlanLockTable> | PlanLockTable): void {
  describe(`${name}: the plan lock table's contract`, () => {
    let table: PlanLockTable;
    beforeEach(async () => {
      table = await makeTable();
    });

    const first = lockOf('payments-drill-20260301T020000-aaaa', '2026-03-01T02:00:00.000Z');
    const second = lockOf('payments-recovery-20260301T020001-bbbb', '2026-03-01T02:00:01.000Z', { mode: 'recovery' });

    it('writes a lock when the plan has none, and reads it back as written', async () => {
      expect(await table.putIfFree(first)).toEqual({ written: true });

      expect(await table.get('payments')).toEqual(first);
    });

    it('refuses a second execution while the lock is held, and leaves the holder in place', async () => {
      await table.putIfFree(first);

      expect(await table.putIfFree(second)).toEqual({ written: false });
      expect(await table.get('payments')).toEqual(first);
    });

    it('lets the holder write again (a retried step), answering the lock it replaced', async () => {
      await table.putIfFree(first);

      expect(await table.putIfFree(first)).toEqual({ written: true, replaced: first });
    });

    it('lets a run that started after the lock lapsed take it over', async () => {
      await table.putIfFree(first);
      const later = lockOf('payments-drill-20260308T020001-cccc', new Date((first.expiresAt + 1) * 1000).toISOString());

      expect(await table.putIfFree(later)).toEqual({ written: true, replaced: first });
      expect(await table.get('payments')).toEqual(later);
    });

    it('does not let a run take over a lock at the very second it lapses', async () => {
      await table.putIfFree(first);
      const atExpiry = lockOf('payments-drill-20260308T020000-dddd', new Date(first.expiresAt * 1000).toISOString());

      expect(await table.putIfFree(atExpiry)).toEqual({ written: false });
    });

    it('replaces a lock only while the holder it names still holds it (a takeover of an ended run)', async () => {
      await table.putIfFree(first);
      const third = lockOf('payments-drill-20260301T030000-ffff', '2026-03-01T03:00:00.000Z');

      expect(await table.replaceIfHeldBy(second, first.executionArn)).toBe(true);
      expect(await table.get('payments')).toEqual(second);
      expect(await table.replaceIfHeldBy(third, first.executionArn)).toBe(false);
      expect(await table.get('payments')).toEqual(second);
    });

    it('keeps the locks of different plans apart', async () => {
      await table.putIfFree(first);
      const otherPlan = lockOf('orders-drill-20260301T020001-eeee', '2026-03-01T02:00:01.000Z', { plan: 'orders' });

      expect(await table.putIfFree(otherPlan)).toEqual({ written: true });
    });

    it('deletes a lock only for its holder', async () => {
      await table.putIfFree(first);

      expect(await table.deleteIfHeld('payments', second.executionArn)).toBe(false);
      expect(await table.get('payments')).toEqual(first);
      expect(await table.deleteIfHeld('payments', first.executionArn)).toBe(true);
      expect(await table.get('payments')).toBeUndefined();
      expect(await table.deleteIfHeld('payments', first.executionArn)).toBe(false);
    });

    it('holds a lock for MAX_RUN_SECONDS after its run started', () => {
      expect(first.expiresAt - Date.parse(first.startedAt) / 1000).toBe(MAX_RUN_SECONDS);
    });
  });
}
