// StartFailbackWave: the next wave in reverse plan order; starts what can start now.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { failbackDetail } from '#shared/failback/events.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { startFailbackWave } from '#shared/failback/waves.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(FailbackState, async (state) => {
  const wave = await startFailbackWave(state, await loadDeployedPlan(state.run.plan), await drsForRun(state.run), regionalDrs);
  await publishProgress('Wave Started', failbackDetail(state.run, { wave: wave.name, onPremises: wave.onPremises, aws: wave.aws }));
  return wave;
});
