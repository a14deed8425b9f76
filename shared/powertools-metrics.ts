// Powertools' Metrics of every handler, with the units it takes: loaded by shared/powertools.ts
// (loadMetrics) the first time an invocation records a metric, never at init.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { serviceName } from './powertools.ts';

export { MetricUnit };

export const metrics = new Metrics({ serviceName, namespace: 'DrsOrchestrator' });
