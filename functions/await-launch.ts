// WaitForLaunch and WaitForPostLaunchActions (`phase: actions`): the wave's event-driven waits.
// Registers which servers (or post-launch action runs) the wave still waits for (one DescribeJobs)
// with the step's task token, or resumes it at once when there is nothing to wait for. DRS's launch
// results and SSM's ends of runs resume it (resume-wave.ts); its timeout in the state machine is the poll.
import * as z from 'zod/mini';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { waveWaits } from '#shared/aws/lock-table.ts';
import { awaitLaunch } from '#shared/handoff/resume.ts';
import { Run, WaveState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

// Most waits are registered, not ended at once: Step Functions (#shared/aws/sfn.ts) loads only to end one.
const sendTaskSuccess = async (taskToken: string, output: string) => (await import('#shared/aws/sfn.ts')).sendTaskSuccess(taskToken, output);

const AwaitLaunchEvent = z.object({ token: z.string().check(z.minLength(1)), now: z.iso.datetime(), phase: z.optional(z.enum(['launch', 'actions'])), run: Run, wave: WaveState });

export const handler = stepHandler(AwaitLaunchEvent, async ({ token, now, phase, run, wave }) =>
  awaitLaunch({ token, execution: run.execution, phase, wave }, { drs: await drsForRun(run), waits: waveWaits, sendTaskSuccess, now: () => new Date(now) }),
);
