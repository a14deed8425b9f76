// WriteReport: the run's report (JSON, Markdown, HTML) from its state and from DRS; its metrics.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { loadMetrics, logger } from '#shared/powertools.ts';
import { RunState } from '#shared/recovery/state.ts';
import { writeRunReport } from '#shared/report/write.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) => writeRunReport(state, { drs: await drsForRun(state.run), store: reportStore, publishProgress, metrics: (await loadMetrics()).metrics, logger }));
