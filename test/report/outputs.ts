// Recorders for what a report writer produces: the files it stores, the lines it logs, the
// progress events it publishes. Plain data, so a test asserts what a user would see.
import type { ProgressDetail, ProgressEventType } from '#shared/events/catalogue/index.ts';

/** A published event: its detail-type and the detail the catalogue defines for it. */
type Published = { [Type in ProgressEventType]: [Type, ProgressDetail<Type>] }[ProgressEventType];
import type { ReportOutputs } from '#shared/report/write.ts';

export interface RecordedOutputs {
  outputs: ReportOutputs;
  files: Map<string, { body: string; contentType: string }>;
  logLines: Array<[message: unknown, ...extra: unknown[]]>;
  events: Published[];
}

/** A report store in memory (files at `memory://<name>`), a logger and events that record. */
export function recordingOutputs(): RecordedOutputs {
  const files = new Map<string, { body: string; contentType: string }>();
  const logLines: RecordedOutputs['logLines'] = [];
  const events: RecordedOutputs['events'] = [];
  return {
    files,
    logLines,
    events,
    outputs: {
      store: {
        async put(name, body, contentType) {
          files.set(name, { body, contentType });
          return `memory://${name}`;
        },
      },
      publishProgress: async (type, detail) => {
        events.push([type, detail] as Published);
      },
      logger: { info: (message: unknown, ...extra: unknown[]) => logLines.push([message, ...extra]) },
    },
  };
}
