// CleanUpDrill: terminate every instance this drill launched; re-entrant until DRS lists none.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { runDetail } from '#shared/events/progress.ts';
import { loadMetrics } from '#shared/powertools.ts';
import { cleanUpDrill } from '#shared/recovery/clean-up.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async ({ run, preflight, wave, completed, stopped, cleanup }) => {
  // A stopped execution's state is rebuilt from its input: whether it launched anything is unknown.
  const mayHaveLaunched = preflight !== undefined || wave !== undefined || completed !== undefined || stopped !== undefined;
  const next = await cleanUpDrill(run, cleanup, await drsForRun(run), mayHaveLaunched);
  if (next.done) {
    const { metrics, MetricUnit } = await loadMetrics();
    metrics.addDimensions({ plan: run.plan, mode: run.mode });
    metrics.addMetric('InstancesCleanedUp', MetricUnit.Count, next.instancesTerminated);
    // Drill instances cost money until terminated: what is left is worth an alarm.
    metrics.addMetric('InstancesLeft', MetricUnit.Count, next.instancesLeft);
    await publishProgress('Clean-up Completed', runDetail(run, { instancesTerminated: next.instancesTerminated, instancesLeft: next.instancesLeft }));
  }
  return next;
});
