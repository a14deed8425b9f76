// CheckFailback: one poll of the wave; launches what became ready; FAILBACK_ERROR or time-out stop it.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { checkFailback } from '#shared/failback/waves.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(FailbackState, { wave: true }), async (state) => checkFailback(state, await loadDeployedPlan(state.run.plan), await drsForRun(state.run), regionalDrs));
