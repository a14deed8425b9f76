// What the plan lock needs from its table, in its own words. The DynamoDB adapter implements it
// with conditional writes; unit tests pass an in-memory table.
import type { PlanLock } from './plan-lock.ts';

export type PutLockResult =
  | { written: true; /** The lock the write replaced: this execution's own, or a lapsed one. */ replaced?: PlanLock }
  | { written: false };

export interface PlanLockTable {
  /**
   * Writes `lock` in one conditional write that succeeds only when the plan has no lock, or
   * `mayTakeOver(held, lock)` (see plan-lock.ts): the lock is already this execution's (a
   * retried step), or it lapsed before `lock.startedAt`. Nothing is written when it fails.
   */
  putIfFree(lock: PlanLock): Promise<PutLockResult>;
  /** The plan's lock as stored now (a strongly consistent read); undefined when there is none. */
  get(plan: string): Promise<PlanLock | undefined>;
  /**
   * Writes `lock` over the plan's lock only if `heldBy` (an execution ARN) still holds it: the
   * takeover of a lock whose holder is no longer running. False when another run got there first.
   */
  replaceIfHeldBy(lock: PlanLock, heldBy: string): Promise<boolean>;
  /** Deletes the plan's lock only if `executionArn` holds it; false when it did not (nothing deleted). */
  deleteIfHeld(plan: string, executionArn: string): Promise<boolean>;
}
