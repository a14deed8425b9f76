// WriteFailbackReport: the failback report (JSON and Markdown) from its state and from DRS.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { writeFailbackReport } from '#shared/failback/write-report.ts';
import { logger } from '#shared/powertools.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(FailbackState, async (state) => writeFailbackReport(state, { drs: await drsForRun(state.run), regionalDrs, store: reportStore, publishProgress, logger }));
