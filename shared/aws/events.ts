// The progress events of this deployment: EVENT_BUS_NAME on AWS, EVENTS_FILE locally.
// Publishing is best effort by design: a notification that cannot be delivered (after the SDK's
// retries) is logged and counted as a metric, but never stops or fails a recovery.
import { optionalEnv } from '#shared/config.ts';
import { ConfigurationError } from '#shared/errors.ts';
import type { ExactDetail, ProgressDetail, ProgressEventType } from '#shared/events/catalogue/index.ts';
import { fileEvents, type ProgressEvents } from '#shared/events/progress.ts';
import { loadMetrics, logger } from '#shared/powertools.ts';

/** The bus's events, with the EventBridge client loaded on the first publish (./event-bus.ts says why). */
function eventBusOnFirstPublish(bus: string): ProgressEvents {
  let events: Promise<ProgressEvents> | undefined;
  return {
    async publish(type, detail) {
      events ??= import('./event-bus.ts').then(({ eventBusEvents }) => eventBusEvents(bus));
      await (await events).publish(type, detail);
    },
  };
}

function configuredEvents(): ProgressEvents {
  const bus = optionalEnv('EVENT_BUS_NAME');
  const file = optionalEnv('EVENTS_FILE');
  if (bus !== undefined) return eventBusOnFirstPublish(bus);
  if (file !== undefined) return fileEvents(file);
  throw new ConfigurationError('set EVENT_BUS_NAME (on AWS) or EVENTS_FILE (locally): where progress events go');
}

const events = configuredEvents();

/**
 * Publishes a progress event, best effort. The detail must be the one the catalogue defines for
 * the detail-type, field for field: `publishProgress('Wave Started', runDetail(run, {wave, servers, jobs}))`.
 */
export async function publishProgress<Type extends ProgressEventType, Given extends ProgressDetail<Type>>(
  type: Type,
  detail: ExactDetail<Given, Type>,
): Promise<void> {
  try {
    await events.publish(type, detail);
  } catch (error) {
    logger.error('progress event not delivered', { type, detail, error });
    const { metrics, MetricUnit } = await loadMetrics();
    metrics.addMetric('ProgressEventsNotDelivered', MetricUnit.Count, 1);
  }
}
