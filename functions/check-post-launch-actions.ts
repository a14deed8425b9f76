// CheckPostLaunchActions: required post-launch action runs must SUCCEED before the next wave. The
// wave's waiting is counted from its start to now (`$$.State.EnteredTime`): its last wait ended on
// the end of a run (SSM's event) or its fallback, not after one poll interval.
import * as z from 'zod/mini';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { RunState } from '#shared/recovery/state.ts';
import { checkPostLaunchActions } from '#shared/recovery/waves.ts';
import { stepHandler } from '#shared/step.ts';

const CheckPostLaunchActionsEvent = z.object({ state: z.required(RunState, { wave: true }), now: z.iso.datetime() });

export const handler = stepHandler(CheckPostLaunchActionsEvent, async ({ state: { run, wave }, now }) => {
  const waitedSeconds = Math.max(wave.waitedSeconds, Math.round((Date.parse(now) - Date.parse(wave.startedAt)) / 1000));
  return checkPostLaunchActions(wave, await drsForRun(run), waitedSeconds);
});
