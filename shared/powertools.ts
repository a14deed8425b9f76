// The one place Logger, Metrics and Tracer are created; every handler imports them from here.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';

export const serviceName = 'drs-orchestrator';

export const logger = new Logger({ serviceName });

let metricsModule: Promise<typeof import('./powertools-metrics.ts')> | undefined;

/**
 * Powertools' Metrics and its units (`const { metrics, MetricUnit } = await loadMetrics()`),
 * loaded the first time an invocation records a metric: most invocations record none, and
 * loading Metrics is about 5 ms of a cold start. The step middleware publishes what was recorded
 * (publishRecordedMetrics). The units come with it: importing MetricUnit from Powertools' package
 * at init would load Metrics too (the package does not declare its modules free of side effects,
 * so the bundle evaluates everything its index imports).
 */
export function loadMetrics(): Promise<typeof import('./powertools-metrics.ts')> {
  metricsModule ??= import('./powertools-metrics.ts');
  return metricsModule;
}

/** Publishes the metrics recorded since the last publish: none when no metric was ever recorded. */
export async function publishRecordedMetrics(): Promise<void> {
  if (metricsModule === undefined) return;
  const { metrics } = await metricsModule;
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

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
