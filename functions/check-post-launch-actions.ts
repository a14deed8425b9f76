// CheckPostLaunchActions: required post-launch action runs must SUCCEED before the next wave.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkPostLaunchActions } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async ({ run, wave }) => checkPostLaunchActions(wave, await drsForRun(run)));
