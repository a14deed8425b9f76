// The compact state the engine keeps for every loop: problems named briefly and capped (Step
// Functions allows 256 KiB per state), and the Catch result a failed step leaves.
import * as z from 'zod/mini';

/** A server (or instance, or network) that failed, with the reason in DRS's words. */
export const ServerProblem = z.object({
  sourceServerID: z.string(),
  reason: z.string(),
  /** Set where DRS's own records do not show the failure (the report adds it from the state). */
  kind: z.optional(z.enum(['ssm-agent', 'extension'])),
});
export type ServerProblem = z.infer<typeof ServerProblem>;

/** At most this many problems are carried in the state; counts stay exact. */
export const MAX_LISTED_PROBLEMS = 25;

/** A Step Functions Catch result: for a Task, `Cause` is the Lambda runtime's JSON error document. */
export const Failure = z.object({ Error: z.string(), Cause: z.optional(z.string()) });
export type Failure = z.infer<typeof Failure>;

/** `a; b; c; and 4 more`: the first MAX_LISTED_PROBLEMS lines of a list people read. */
export function listForPeople(lines: readonly string[], total = lines.length): string {
  const listed = lines.slice(0, MAX_LISTED_PROBLEMS);
  return `${listed.join('; ')}${total > listed.length ? `; and ${total - listed.length} more` : ''}`;
}

/** Parses a Lambda error cause (its JSON error document on AWS) back into its message; other causes are returned as they are. */
export function lambdaErrorMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not a Lambda error document: the cause is the message itself.
  }
  return cause;
}

/** The message of a Catch result: Lambda's JSON error on AWS, plain text locally. */
export function failureMessage(failure: Failure): string {
  const cause = failure.Cause ?? '';
  return cause === '' ? failure.Error : lambdaErrorMessage(cause);
}
