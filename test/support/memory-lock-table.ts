// The lock table over a Map, for unit tests of the lock: each call is atomic, as one DynamoDB
// conditional write is. The DynamoDB adapter must behave the same (test/lock/lock-table-contract.ts).
import { mayTakeOver, type PlanLock } from '#shared/lock/plan-lock.ts';
import type { PlanLockTable, PutLockResult } from '#shared/lock/port.ts';

export type MemoryLockTable = PlanLockTable & {
  /** The locks by plan (tests put lapsed or foreign locks here directly). */
  locks: Map<string, PlanLock>;
};

export function memoryLockTable(): MemoryLockTable {
  const locks = new Map<string, PlanLock>();
  return {
    locks,
    async putIfFree(lock): Promise<PutLockResult> {
      const held = locks.get(lock.plan);
      if (held !== undefined && !mayTakeOver(held, lock)) return { written: false };
      locks.set(lock.plan, { ...lock });
      return held === undefined ? { written: true } : { written: true, replaced: held };
    },
    async get(plan) {
      const held = locks.get(plan);
      return held === undefined ? undefined : { ...held };
    },
    async replaceIfHeldBy(lock, heldBy) {
      if (locks.get(lock.plan)?.executionArn !== heldBy) return false;
      locks.set(lock.plan, { ...lock });
      return true;
    },
    async deleteIfHeld(plan, executionArn) {
      if (locks.get(plan)?.executionArn !== executionArn) return false;
      locks.delete(plan);
      return true;
    },
  };
}
