// The one place AWS clients are created, at module scope, so warm invocations reuse them.
// DRS_ENDPOINT points the same code at the local DRS service; unset, it talks to AWS.
import { DrsClient } from '@aws-sdk/client-drs';
import { optionalEnv, requiredEnv } from './config.ts';
import { traced } from './powertools.ts';

export const region = requiredEnv('AWS_REGION');

/** Standard retry mode: throttling and 5xx are retried with backoff and jitter (3 attempts). */
export const drsClient = traced(
  new DrsClient({ region, endpoint: optionalEnv('DRS_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }),
);
