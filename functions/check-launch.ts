// CheckLaunch: one DescribeJobs over the wave's jobs; launch counts, failure budget, timeout.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkLaunch } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async ({ run, wave }) => checkLaunch(wave, await drsForRun(run)));
