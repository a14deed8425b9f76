// Progress events on EventBridge (EVENT_BUS_NAME) over a traced client in the home Region. Loaded
// by shared/aws/events.ts on the first publish, not at init: many invocations of the steps that
// publish send nothing (a clean-up round that is not done, a wave already started, an action still
// running), and the client is about a tenth of a bare DRS client's cold start.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { homeRegion } from '#shared/aws/region.ts';
import { EVENT_SOURCE } from '#shared/events/definition.ts';
import type { ProgressEvents } from '#shared/events/progress.ts';
import { traced } from '#shared/powertools.ts';

const client = traced(new EventBridgeClient({ region: homeRegion }));

/** PutEvents on the bus named `eventBusName`; the SDK retries throttling and 5xx. */
export function eventBusEvents(eventBusName: string): ProgressEvents {
  return {
    async publish(type, detail) {
      const response = await client.send(
        new PutEventsCommand({ Entries: [{ EventBusName: eventBusName, Source: EVENT_SOURCE, DetailType: type, Detail: JSON.stringify(detail) }] }),
      );
      const failed = response.Entries?.find((entry) => entry.ErrorCode !== undefined);
      if ((response.FailedEntryCount ?? 0) > 0) {
        throw new Error(`EventBridge refused progress event "${type}": ${failed?.ErrorCode} ${failed?.ErrorMessage ?? ''}`);
      }
    },
  };
}
