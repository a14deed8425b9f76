// Progress events: run started, wave started/completed/failed, clean-up completed, run
// succeeded/failed. Users route them (EventBridge rules) to SNS, chat or tickets. Which
// detail-types exist and what their details carry is the catalogue's (catalogue/). They go to
// EventBridge on AWS (shared/aws/event-bus.ts) and to a file locally (fileEvents).
import { appendFile } from 'node:fs/promises';
import type { Run } from '#shared/recovery/state.ts';
import type { ProgressDetail, ProgressEventOf, ProgressEventType } from './catalogue/index.ts';
import type { RecoveryRunDetail } from './catalogue/run-detail.ts';
import { EVENT_SOURCE } from './definition.ts';

// The catalogue is imported for its types only: building its schemas would cost every
// publishing handler's cold start, and the compiler already holds each detail to its schema.
export interface ProgressEvents {
  publish<Type extends ProgressEventType>(type: Type, detail: ProgressDetail<Type>): Promise<void>;
}

/** A recovery run's event detail: the run it belongs to, and what is particular to the event. */
export function runDetail<Particular extends object>(run: Run, particular: Particular): RecoveryRunDetail & Particular {
  return { plan: run.plan, mode: run.mode, execution: run.execution, ...particular };
}

/** Locally: one JSON line per event in a file, in EventBridge's envelope shape. */
export function fileEvents(path: string, now: () => Date = () => new Date()): ProgressEvents {
  return {
    async publish(type, detail) {
      const event: ProgressEventOf<typeof type> = { source: EVENT_SOURCE, 'detail-type': type, time: now().toISOString(), detail };
      await appendFile(path, `${JSON.stringify(event)}\n`);
    },
  };
}
