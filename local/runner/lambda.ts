// The built handlers (.build/functions/<key>.mjs) invoked as Lambda would invoke them, and
// Lambda's own failures simulated around them.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { withHandlerLogs } from './handler-logs.ts';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Lambda faults for one Task state, by invocation number (1 = the first time the state runs it). */
export interface LambdaFault {
  /** The Nth invocation runs the handler, then fails as if Lambda lost the response. */
  failAfterInvocation?: number;
  /** The Nth invocation fails before the handler runs, as if Lambda could not start it. */
  failBeforeInvocation?: number;
}

/** What Step Functions reports when the Lambda service itself fails; the ASL retries it. */
export class LambdaServiceException extends Error {
  override name = 'Lambda.ServiceException';
}

/** A handler result above this fails the state on AWS (Step Functions' payload quota). */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** A terminal error on AWS: States.ALL neither retries nor catches it (flags read by the library). */
export class DataLimitExceededError extends Error {
  override name = 'States.DataLimitExceeded';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/**
 * Imports the built handler of each function key. The `?run=` query gives every run its own
 * module instance, so module-scope clients and configuration read the environment of this run.
 */
export async function importHandlers(
  buildDir: string,
  functionKeys: Iterable<string>,
  runId: string,
): Promise<Map<string, LambdaHandler>> {
  const handlers = new Map<string, LambdaHandler>();
  for (const key of new Set(functionKeys)) {
    const file = join(buildDir, `${key}.mjs`);
    await access(file).catch(() => {
      throw new Error(`no built handler for "${key}": ${file} is missing; run \`npm run build\` (functions/ needs a handler file for it)`);
    });
    const module = (await import(`${pathToFileURL(file).href}?run=${runId}`)) as { handler?: unknown };
    if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
    handlers.set(key, module.handler as LambdaHandler);
  }
  return handlers;
}

/** The Lambda context object a handler receives; Powertools reads its names and request ID. */
export function fakeLambdaContext(functionKey: string, functionArn: string, timeoutMs = 900_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style Lambda handlers are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: functionKey,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionKey}`,
    logStreamName: `local/${functionKey}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * The error Step Functions sees when a Lambda function throws: `Error` is the error's name and
 * `Cause` the JSON document the Node.js runtime writes (errorType, errorMessage, trace), as on
 * AWS, so Catch paths and reports are exercised with the real shape.
 */
export function asLambdaError(thrown: unknown): Error {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const cause = JSON.stringify({
    errorType: error.name,
    errorMessage: error.message,
    trace: (error.stack ?? '').split('\n'),
  });
  const reported = new Error(cause);
  reported.name = error.name;
  return reported;
}

/** Parses a Lambda error cause back into its message; other causes are returned as they are. */
export function lambdaErrorMessage(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not a Lambda error document
  }
  return cause;
}

export interface LambdaInvoker {
  /** Invokes a Task state's handler the way Step Functions invokes a Lambda function. */
  invoke(stateName: string, functionKey: string, functionArn: string, event: unknown): Promise<unknown>;
  /** How many times each Task state's handler ran (a failBeforeInvocation attempt does not count). */
  invocations: Record<string, number>;
}

export function createLambdaInvoker(
  handlers: Map<string, LambdaHandler>,
  faults: Record<string, LambdaFault> = {},
  /** Where the handlers' output goes (the run's log file); the terminal when undefined. */
  logSink?: (text: string) => void,
): LambdaInvoker {
  const attempts: Record<string, number> = {};
  const invocations: Record<string, number> = {};
  return {
    invocations,
    async invoke(stateName, functionKey, functionArn, event) {
      const attempt = (attempts[stateName] = (attempts[stateName] ?? 0) + 1);
      const fault = faults[stateName];
      if (fault?.failBeforeInvocation === attempt) {
        throw new LambdaServiceException(`simulated: ${functionKey} invocation ${attempt} failed before the handler ran`);
      }
      const handler = handlers.get(functionKey);
      if (!handler) throw new Error(`no handler loaded for ${functionKey}`);
      invocations[stateName] = (invocations[stateName] ?? 0) + 1;
      const context = fakeLambdaContext(functionKey, functionArn);
      logSink?.(`START ${functionKey} (${stateName}) RequestId: ${context.awsRequestId}\n`);
      let result: unknown;
      try {
        // A JSON round trip, as Lambda serialises both ways: no shared objects, no undefined.
        result = await withHandlerLogs(logSink, () => handler(JSON.parse(JSON.stringify(event ?? null)), context));
      } catch (error) {
        logSink?.(`END RequestId: ${context.awsRequestId} ${error instanceof Error ? error.name : 'Error'}\n`);
        throw asLambdaError(error);
      }
      logSink?.(`END RequestId: ${context.awsRequestId}\n`);
      if (fault?.failAfterInvocation === attempt) {
        throw new LambdaServiceException(`simulated: ${functionKey} invocation ${attempt} ran, then its response was lost`);
      }
      const payload = JSON.stringify(result ?? null);
      if (Buffer.byteLength(payload) > STATE_PAYLOAD_LIMIT_BYTES) {
        throw new DataLimitExceededError(
          `${functionKey} returned ${Buffer.byteLength(payload)} bytes; a state's payload is limited to ${STATE_PAYLOAD_LIMIT_BYTES}`,
        );
      }
      return JSON.parse(payload) as unknown;
    },
  };
}
