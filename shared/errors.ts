// Domain errors. In Step Functions the thrown error's `name` becomes the `Error` that Retry and
// Catch match, so each failure the workflow routes on has a class (and a stable name) of its own.
import { counted } from './words.ts';

/** An execution input that does not match the schema; nothing was changed in DRS. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

/** A plan file that does not parse or does not match the plan schema. */
export class InvalidPlanError extends Error {
  override name = 'InvalidPlanError';
  /** Each problem on its own (`validate --json`), when the plan was read far enough to tell them apart. */
  constructor(
    message: string,
    readonly problems?: ReadonlyArray<{ line?: number; field: string; message: string }>,
  ) {
    super(message);
  }
}

/** No plan file carries the requested plan name. */
export class PlanNotFoundError extends Error {
  override name = 'PlanNotFoundError';
}

/** Preflight found problems (all listed in the message); nothing was launched. */
export class PreflightFailedError extends Error {
  override name = 'PreflightFailedError';
  constructor(readonly problems: string[]) {
    super(`preflight found ${counted(problems.length, 'problem')}, nothing was launched:\n- ${problems.join('\n- ')}`);
  }
}

/** More servers of a wave failed (launch or required post-launch action) than its budget allows. */
export class WaveFailedError extends Error {
  override name = 'WaveFailedError';
}

/** A wave did not finish within its timeout. */
export class WaveTimedOutError extends Error {
  override name = 'WaveTimedOutError';
}

/** Extended source servers did not become usable (EXTENDED or EXTENSION_ERROR) in time. */
export class ExtensionTimedOutError extends Error {
  override name = 'ExtensionTimedOutError';
}

/** Drill clean-up did not terminate every instance within its time. */
export class CleanUpIncompleteError extends Error {
  override name = 'CleanUpIncompleteError';
}

/**
 * An AWS service answered 429 or 5xx (or the connection failed) even after the SDK's own
 * retries. Unmodeled errors (a 503 without a DRS error type) would otherwise reach the state
 * machine under names its Retry cannot know.
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}

/** A required setting (environment variable) is missing or malformed: a misconfigured deploy. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** An action step (a Lambda function or an SSM Automation) failed and its `onFailure` is stop. */
export class ActionFailedError extends Error {
  override name = 'ActionFailedError';
}

/** A plan's action cannot run: its function or document is unknown, or its parameters are wrong. */
export class InvalidActionError extends Error {
  override name = 'InvalidActionError';
}
