// StartWave: StartRecovery for the next wave (or the rest of it), idempotent by job tags.
import { waveServers } from '#shared/aws/lock-table.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { runDetail } from '#shared/events/progress.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { loadMetrics } from '#shared/powertools.ts';
import { RunState } from '#shared/recovery/state.ts';
import { startWave } from '#shared/recovery/waves.ts';
import { withFallback } from '#shared/handoff/launch-wait.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) => {
  const { wave, isNew } = await startWave(state, await loadDeployedPlan(state.run.plan), await drsForRun(state.run), waveServers);
  const { metrics, MetricUnit } = await loadMetrics();
  metrics.addDimensions({ plan: state.run.plan, mode: state.run.mode });
  metrics.addMetric('ServersInJobs', MetricUnit.Count, wave.serverCount - wave.notStarted);
  if (isNew) {
    await publishProgress('Wave Started', runDetail(state.run, { wave: wave.name, servers: wave.serverCount, jobs: wave.jobIDs.length }));
  }
  return withFallback(wave);
});
