// The one place Logger, Metrics and Tracer are created; every handler imports them from here.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';

const serviceName = 'drs-orchestrator';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'DrsOrchestrator' });

/**
 * The Tracer, or undefined when POWERTOOLS_TRACE_ENABLED is false. Powertools' Tracer imports the
 * X-Ray SDK when it loads (about 60 ms of a cold start) and does nothing once disabled, so it is
 * loaded only when it may trace.
 */
export const tracer: Tracer | undefined =
  process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() === 'false'
    ? undefined
    : new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName });

/** An AWS SDK v3 client whose calls the Tracer records (the client itself when tracing is off). */
export function traced<Client>(client: Client): Client {
  return tracer === undefined ? client : tracer.captureAWSv3Client(client);
}

/** The handler middleware that records each invocation as a trace segment: none when tracing is off. */
export const traceLambdaHandler: middy.MiddlewareObj[] = tracer === undefined ? [] : [captureLambdaHandler(tracer)];
