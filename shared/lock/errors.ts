// Errors of the plan lock, by name for the state machine's Catch.
import type { PlanLock } from './plan-lock.ts';

/**
 * Another execution holds the plan: this run ends at once, before anything changes in DRS, with no
 * clean-up and no report (the instances and the report are the other run's).
 */
export class PlanLockedError extends Error {
  override name = 'PlanLockedError';

  /** @param holder the run that holds the plan, when the lock could be read */
  constructor(
    message: string,
    readonly holder?: PlanLock,
  ) {
    super(message);
  }
}
