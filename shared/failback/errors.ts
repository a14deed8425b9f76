// Failback errors, each with a stable name for the state machine's Retry and Catch.

/** The input or the plan does not allow this failback; nothing was changed in DRS. */
export class InvalidFailbackInputError extends Error {
  override name = 'InvalidFailbackInputError';
}

/** No recovery (not drill) of the plan to fail back, or not the one the input named. */
export class RecoveryExecutionNotFoundError extends Error {
  override name = 'RecoveryExecutionNotFoundError';
}

/** A server's failback failed (FAILBACK_ERROR, or its launch FAILED): the wave stops. */
export class FailbackFailedError extends Error {
  override name = 'FailbackFailedError';
}

/** A wave's servers did not fail back within its timeout. */
export class FailbackTimedOutError extends Error {
  override name = 'FailbackTimedOutError';
}
