// Both ends of a wave's event-driven waits: WaitForLaunch registers it (or ends it at once when the
// launch is already over), and each DRS launch result removes its server, the last one resuming the
// workflow; WaitForPostLaunchActions the same with the wave's post-launch action runs, which end
// with SSM's status changes. Whatever goes missing on the way (an event, a resume) only costs
// latency: the wait's timeout in the state machine is the fallback poll.
import type { DrsPort } from '#shared/drs/port.ts';
import { isTokenGone } from '#shared/task-token.ts';
import type { WaveWaits } from '#shared/lock/wave-waits.ts';
import type { WaveState } from '#shared/recovery/state.ts';
import { actionWaitOf, launchWaitOf, pendingServerCount, roomMayFreeUnheard } from './launch-wait.ts';

/** What the wait's Task outputs (`$.wake`): why it ended before its timeout. */
export interface Wake {
  resumedBy: 'launchResult' | 'launchOver' | 'roomMayFree' | 'actionRunEnded' | 'actionsOver';
  at: string;
  jobID?: string;
  sourceServerID?: string;
  /** The post-launch action run whose end resumed the wave (the last it waited for). */
  runId?: string;
}

/** A forgotten wait goes a day after the wave's own timeout would have ended it. */
const KEEP_AFTER_TIMEOUT_SECONDS = 86_400;

/** Step Functions' SendTaskSuccess: the Task waiting with `taskToken` ends with `output`. */
export type SendTaskSuccess = (taskToken: string, output: string) => Promise<void>;

/**
 * Resumes the Task waiting with `token`. False when the token no longer waits (its Task timed out
 * into the poll, or the run ended): nothing to resume, and nothing wrong.
 */
export async function resumeWait(sendTaskSuccess: SendTaskSuccess, token: string, wake: Wake): Promise<boolean> {
  try {
    await sendTaskSuccess(token, JSON.stringify(wake));
    return true;
  } catch (error) {
    if (isTokenGone(error)) return false;
    throw error;
  }
}

/**
 * WaitForLaunch (`launch`) and WaitForPostLaunchActions (`actions`): one DescribeJobs over the
 * wave's jobs. When nothing is to be waited for the wait ends at once; else it is registered under
 * the execution with the servers (or action runs) it waits for.
 */
export async function awaitLaunch(
  input: {
    token: string;
    execution: string;
    phase?: 'launch' | 'actions';
    wave: Pick<WaveState, 'jobIDs' | 'launchingJobIDs' | 'notStarted' | 'timeoutSeconds' | 'actionsSucceeded' | 'actionsFailed' | 'roomFreesUnheard'>;
  },
  services: { drs: Pick<DrsPort, 'listJobs'>; waits: Pick<WaveWaits, 'put'>; sendTaskSuccess: SendTaskSuccess; now: () => Date },
): Promise<{ waitingFor: number } | { resumed: boolean }> {
  const actions = input.phase === 'actions';
  // A launch's wait: only the jobs CheckLaunch saw launching can still change (every job after StartWave).
  const jobIDs = actions ? input.wave.jobIDs : (input.wave.launchingJobIDs ?? input.wave.jobIDs);
  const jobs = jobIDs.length === 0 ? [] : await services.drs.listJobs({ jobIDs });
  const wait = actions ? actionWaitOf(input.wave, jobs) : launchWaitOf(input.wave, jobs);
  if (wait === 'ready') {
    return { resumed: await resumeWait(services.sendTaskSuccess, input.token, { resumedBy: actions ? 'actionsOver' : 'launchOver', at: services.now().toISOString() }) };
  }
  // The wait's fallback is the longest because no room could free unheard when CheckLaunch looked;
  // a job of the wave that has launched all its servers since then can: CheckLaunch looks again
  // (and shortens the fallback), rather than the wave waiting out the longest poll.
  if (!actions && roomMayFreeUnheard(input.wave, jobs)) {
    return { resumed: await resumeWait(services.sendTaskSuccess, input.token, { resumedBy: 'roomMayFree', at: services.now().toISOString() }) };
  }
  const expiresAt = Math.floor(services.now().getTime() / 1000) + input.wave.timeoutSeconds + KEEP_AFTER_TIMEOUT_SECONDS;
  await services.waits.put({ ...wait, execution: input.execution, token: input.token, expiresAt });
  return { waitingFor: pendingServerCount(wait) };
}

/**
 * A batch of launch results (and ends of action runs, each a job of its own, `actionRun`): per job,
 * removes its servers from the wait the job belongs to, and resumes each workflow whose wait they
 * end. Jobs fail alone: the IDs of the results whose job could not be handled come back in
 * `retry`, with the error: the queue delivers them again.
 */
export async function onLaunchResults(
  results: ReadonlyArray<{ jobID: string; sourceServerID: string; messageId: string; actionRun?: boolean }>,
  services: { waits: Pick<WaveWaits, 'arrive'>; sendTaskSuccess: SendTaskSuccess; now: () => Date },
): Promise<{ resumed: string[]; retry: Array<{ jobID: string; messageIds: string[]; error: unknown }> }> {
  const byJob = new Map<string, Array<(typeof results)[number]>>();
  for (const result of results) byJob.set(result.jobID, [...(byJob.get(result.jobID) ?? []), result]);
  const resumed: string[] = [];
  const retry: Array<{ jobID: string; messageIds: string[]; error: unknown }> = [];
  await Promise.all(
    [...byJob].map(async ([jobID, ofJob]) => {
      try {
        const at = services.now();
        const ended = await services.waits.arrive(jobID, ofJob.map((result) => result.sourceServerID), at);
        const last = ofJob.at(-1)!;
        const wake: Wake =
          last.actionRun === true
            ? { resumedBy: 'actionRunEnded', at: at.toISOString(), runId: jobID }
            : { resumedBy: 'launchResult', at: at.toISOString(), jobID, sourceServerID: last.sourceServerID };
        if (ended !== undefined && (await resumeWait(services.sendTaskSuccess, ended.token, wake))) {
          resumed.push(ended.execution);
        }
      } catch (error) {
        retry.push({ jobID, messageIds: ofJob.map((result) => result.messageId), error });
      }
    }),
  );
  return { resumed, retry };
}
