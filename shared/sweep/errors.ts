// The sweeper's errors, each with a stable name (what Lambda reports as the invocation's error).

/** Some account could not be swept (read, or terminated in): the others were, and the message says which failed and why. */
export class SweepIncompleteError extends Error {
  override name = 'SweepIncompleteError';
}
