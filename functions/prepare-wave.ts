// PrepareWave: the next wave's front (its approval gate and actions), before anything of it runs.
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { prepareWaveFront } from '#shared/recovery/front.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) => prepareWaveFront(state, await loadDeployedPlan(state.run.plan)));
