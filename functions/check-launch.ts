// CheckLaunch: one DescribeJobs over the wave's jobs; launch counts, failure budget, timeout.
import { drs } from '#shared/aws/drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkLaunch } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async ({ wave }) => checkLaunch(wave, drs));
