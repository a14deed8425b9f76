// CheckLaunch: one DescribeJobs over the wave's jobs; launch counts, failure budget, timeout; while
// quotas hold servers back, whether DRS's active jobs leave room for them; the fallback of the
// wave's next event-driven wait. The wave's waiting is counted from its start to
// now (`$$.State.EnteredTime`): its last wait ended on a launch result or its fallback, not after
// one poll interval.
import * as z from 'zod/mini';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { withFallback } from '#shared/handoff/launch-wait.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkLaunch } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';

const CheckLaunchEvent = z.object({ state: z.required(RunState, { wave: true }), now: z.iso.datetime() });

export const handler = stepHandler(CheckLaunchEvent, async ({ state: { run, wave }, now }) => {
  const waitedSeconds = Math.max(wave.waitedSeconds, Math.round((Date.parse(now) - Date.parse(wave.startedAt)) / 1000));
  return withFallback(await checkLaunch(wave, await drsForRun(run), waitedSeconds));
});
