// CheckPostLaunchActions: required post-launch action runs must SUCCEED before the next wave.
import { drs } from '#shared/aws/drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkPostLaunchActions } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async ({ wave }) => checkPostLaunchActions(wave, drs));
