// The one place Logger, Metrics and Tracer are created; every handler imports them from here.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'drs-orchestrator';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'DrsOrchestrator' });
export const tracer = new Tracer({ serviceName });
