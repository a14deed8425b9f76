// Progress events: run started, wave started/completed/failed, clean-up completed, run
// succeeded/failed. Users route them (EventBridge rules) to SNS, chat or tickets.
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { appendFile } from 'node:fs/promises';
import type { Run } from '../recovery/state.ts';

export const EVENT_SOURCE = 'drs-orchestrator';

export type ProgressEventType =
  | 'Run Started'
  | 'Wave Started'
  | 'Wave Completed'
  | 'Wave Failed'
  | 'Clean-up Completed'
  | 'Run Succeeded'
  | 'Run Failed';

/** The detail every event carries, plus what is particular to it (wave, counts, report). */
export interface ProgressDetail {
  plan: string;
  mode: 'drill' | 'recovery' | 'failback';
  execution: string;
  wave?: string;
  [more: string]: unknown;
}

export interface ProgressEvents {
  publish(type: ProgressEventType, detail: ProgressDetail): Promise<void>;
}

export function runDetail(run: Run, more: Record<string, unknown> = {}): ProgressDetail {
  return { plan: run.plan, mode: run.mode, execution: run.execution, ...more };
}

/** EventBridge PutEvents on the given bus; the SDK retries throttling and 5xx. */
export function eventBridgeEvents(client: EventBridgeClient, eventBusName: string): ProgressEvents {
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

/** Locally: one JSON line per event in a file, in EventBridge's envelope shape. */
export function fileEvents(path: string, now: () => Date = () => new Date()): ProgressEvents {
  return {
    async publish(type, detail) {
      const event = { source: EVENT_SOURCE, 'detail-type': type, time: now().toISOString(), detail };
      await appendFile(path, `${JSON.stringify(event)}\n`);
    },
  };
}
