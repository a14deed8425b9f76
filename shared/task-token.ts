// What Step Functions answers SendTaskSuccess or SendTaskFailure with for a token that no longer
// waits: its Task was decided already, timed out, or its execution ended.
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Whether a callback failed only because its token no longer waits. */
export function isTokenGone(error: unknown): boolean {
  return error instanceof Error && GONE.has(error.name);
}
