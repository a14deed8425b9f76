// ReprotectWave: protect the failed-back wave again in the original direction; terminate its
// recovery instances only when the input asked and confirmed it.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { failbackDetail } from '#shared/failback/events.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { reprotectWave } from '#shared/failback/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(FailbackState, { wave: true }), async (state) => {
  const completed = await reprotectWave(state, await drsForRun(state.run), regionalDrs);
  const wave = completed[completed.length - 1];
  await publishProgress('Wave Completed', failbackDetail(state.run, { wave: wave.name, failedBack: wave.failedBack, reprotected: wave.reprotected, terminated: wave.terminated }));
  return completed;
});
