// The Lambda client of the action steps (LAMBDA_ENDPOINT locally), in the home Region: Lambda's
// answer to an Invoke, and whether a function exists. Loaded only when a step invokes or checks a
// function (shared/aws/actions.ts): an automation never pays for this client.
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { FunctionNotInvokedError, type LambdaPort } from '#shared/actions/ports.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

// No SDK retries of Invoke: a resent request could run the function twice (the ledger keeps the
// step's own retries from doing so). Throttling is answered before anything runs: retried.
const lambda = traced(new LambdaClient({ region: homeRegion, endpoint: optionalEnv('LAMBDA_ENDPOINT'), maxAttempts: 1 }));
const lambdaChecks = traced(new LambdaClient({ region: homeRegion, endpoint: optionalEnv('LAMBDA_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));
const TIMED_OUT = /Task timed out after/;
/** Lambda's answers that mean it ran nothing and never will for this request. */
const REFUSED = new Set(['ResourceNotFoundException', 'AccessDeniedException', 'InvalidRequestContentException', 'RequestTooLargeException', 'InvalidParameterValueException']);

/** Lambda's answer to an Invoke: the result, or the function's error as the runtime wrote it. */
export const lambdaPort: LambdaPort = {
  async invoke(functionName, input, timeoutMs) {
    let answer;
    try {
      answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(input) }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'AbortError' || name === 'TimeoutError') {
        return { ok: false, timedOut: true, reason: `no answer within ${Math.round(timeoutMs / 1000)} s (the action's timeoutMinutes); the function may still be running` };
      }
      // Refused before anything ran, for good: the function is gone, or not the orchestrator's to invoke.
      if (REFUSED.has(name)) return { ok: false, timedOut: false, reason: `Lambda refused to invoke ${functionName}: ${name}: ${(error as Error).message}` };
      if (name === 'TooManyRequestsException') throw new FunctionNotInvokedError(`Lambda throttled the Invoke of ${functionName}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    const text = answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload);
    if (answer.FunctionError === undefined) return { ok: true, result: text === '' ? 'null' : text };
    let message = text;
    try {
      const document = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = `${document.errorType ? `${document.errorType}: ` : ''}${document.errorMessage ?? text}`;
    } catch {
      // Not the runtime's error document: its text is the reason.
    }
    return { ok: false, timedOut: TIMED_OUT.test(message), reason: message };
  },

  async check(functionName) {
    try {
      await lambdaChecks.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      return { ok: true };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return { ok: false, reason: 'does not exist in this account and Region' };
      if ((error as Error).name === 'AccessDeniedException') return { ok: false, reason: 'cannot be read by the orchestrator (AccessDenied): is it in the plan the stage deployed?' };
      throw error;
    }
  },
};
