// CompleteWave: the wave's failure budget, applied once more, and its summary recorded.
// Its launch counts reach CloudWatch from WriteReport, with the wave's RTO: a wave that fails never
// gets here, and counting here too would count completed waves twice.
import { waveSightings } from '#shared/aws/lock-table.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { runDetail } from '#shared/events/progress.ts';
import { RunState } from '#shared/recovery/state.ts';
import { completeWave } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async (state) => {
  const completed = await completeWave(state, await drsForRun(state.run), waveSightings);
  const wave = state.wave;
  await publishProgress('Wave Completed', runDetail(state.run, { wave: wave.name, servers: wave.serverCount, launched: wave.launched, failed: wave.failed, warnings: wave.warnings.length }));
  return completed;
});
