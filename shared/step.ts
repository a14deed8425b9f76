// The middleware every workflow step shares: Powertools context, tracing and metrics, and the
// step's input parsed with its schema before the domain function sees it.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ServiceUnavailableError } from './errors.ts';
import './zod-locale.ts';
import { logger, publishRecordedMetrics, traceLambdaHandler } from './powertools.ts';

/** Errors the state machine's Retry already matches by their own name. */
const NAMED_RETRYABLE = new Set(['ThrottlingException', 'InternalServerException']);
const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Whether an error is a service or network fault that a later attempt may not meet. */
export function isTransientServiceError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  // CloudFormation (query protocol) answers throttling as a 400 with the code Throttling.
  return status === 429 || (status !== undefined && status >= 500) || error.name === 'TimeoutError' || error.name === 'Throttling' || (code !== undefined && NETWORK_ERROR_CODES.has(code));
}

/** Gives transient faults one name the state machine retries; the rest keep their own. */
const nameTransientFaults: middy.MiddlewareObj = {
  onError: (request) => {
    const error = request.error;
    if (error && !NAMED_RETRYABLE.has(error.name) && isTransientServiceError(error)) {
      request.error = new ServiceUnavailableError(`${error.name}: ${error.message}`, { cause: error });
    }
  },
};

/**
 * Publishes the metrics a step recorded, after it succeeded or failed. Powertools' logMetrics
 * would warn on every poll step, which records none.
 */
const publishMetrics: middy.MiddlewareObj = {
  after: publishRecordedMetrics,
  onError: publishRecordedMetrics,
};

/**
 * A Step Functions task handler: `step` gets the parsed input and its result becomes the task's
 * output. Errors are thrown, never returned, so the state machine's Retry and Catch see them by name.
 */
export function stepHandler<Schema extends z.ZodMiniType, Result>(
  schema: Schema,
  step: (input: z.infer<Schema>) => Promise<Result>,
): (event: unknown, context: Context) => Promise<Result> {
  return middy(async (input: z.infer<Schema>) => step(input))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceLambdaHandler)
    .use(publishMetrics)
    .use(nameTransientFaults)
    .use(parser({ schema })) as unknown as (event: unknown, context: Context) => Promise<Result>;
}
