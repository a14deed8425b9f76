// The middleware every workflow step shares: Powertools context, tracing and metrics, and the
// step's input parsed with its schema before the domain function sees it.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from './powertools.ts';

/**
 * A Step Functions task handler: `step` gets the parsed input and its result becomes the task's
 * output. Errors are thrown, never returned, so the state machine's Retry and Catch see them by name.
 */
export function stepHandler<Schema extends z.ZodType, Result>(
  schema: Schema,
  step: (input: z.infer<Schema>) => Promise<Result>,
): (event: unknown, context: Context) => Promise<Result> {
  return middy(async (input: z.infer<Schema>) => step(input))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .use(parser({ schema })) as unknown as (event: unknown, context: Context) => Promise<Result>;
}
