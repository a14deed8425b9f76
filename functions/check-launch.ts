// CheckLaunch: one DescribeJobs over the wave's jobs; launch counts, failure budget, timeout; the
// fallback of the wave's next event-driven wait.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkLaunch } from '#shared/recovery/waves.ts';
import { withFallback } from '#shared/handoff/launch-wait.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { wave: true }), async ({ run, wave }) => withFallback(await checkLaunch(wave, await drsForRun(run))));
