// CheckFailbackPostLaunchActions: post-launch actions of the launches in origin Regions.
import { regionalDrs } from '#shared/aws/drs.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { checkFailbackPostLaunchActions } from '#shared/failback/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(FailbackState, { wave: true }), async ({ wave }) => checkFailbackPostLaunchActions(wave, regionalDrs));
