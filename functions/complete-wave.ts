// CompleteWave: the wave's failure budget, applied once more, and its summary recorded.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { drs } from '#shared/drs/default.ts';
import { publishProgress } from '#shared/events/default.ts';
import { runDetail } from '#shared/events/progress.ts';
import { metrics } from '#shared/powertools.ts';
import { RunState } from '#shared/recovery/state.ts';
import { completeWave } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState.required({ wave: true }), async (state) => {
  const completed = await completeWave(state, drs);
  metrics.addDimensions({ plan: state.run.plan, mode: state.run.mode });
  metrics.addMetric('ServersLaunched', MetricUnit.Count, state.wave.launched);
  metrics.addMetric('ServersFailed', MetricUnit.Count, state.wave.failed);
  const wave = state.wave;
  await publishProgress('Wave Completed', runDetail(state.run, { wave: wave.name, servers: wave.serverCount, launched: wave.launched, failed: wave.failed, warnings: wave.warnings.length }));
  return completed;
});
