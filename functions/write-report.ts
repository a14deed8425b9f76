// WriteReport: the run's report (JSON, Markdown, HTML) from its state, the completed waves'
// sightings (the lock table) and DRS; its metrics.
import { waveSightings } from '#shared/aws/lock-table.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { loadMetrics, logger } from '#shared/powertools.ts';
import { RunState } from '#shared/recovery/state.ts';
import { withStoredSightings } from '#shared/recovery/stored-sightings.ts';
import { writeRunReport } from '#shared/report/write.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) =>
  writeRunReport(await withStoredSightings(state, waveSightings), {
    drs: await drsForRun(state.run),
    store: reportStore,
    publishProgress,
    metrics: (await loadMetrics()).metrics,
    logger,
  }),
);
