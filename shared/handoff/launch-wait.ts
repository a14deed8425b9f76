// Event-driven wave hand-off: what a wave waiting for its launch waits for. DRS sends a launch
// result per server (shared/events/drs-launch-result.ts), so the wait names, per job, the servers
// still launching; it ends when the last of them reports, or, while DRS quotas hold servers back,
// when one of the wave's jobs has no server left launching (its capacity is free again).
import { launchOutcome } from '#shared/engine/launch.ts';
import { POLL } from '#shared/engine/polling.ts';
import { participantsOf } from '#shared/drs/jobs.ts';
import type { Job } from '#shared/drs/port.ts';

/**
 * When a wait ends: every pending server reported, or every pending server of any one job. (A wait
 * for post-launch actions waits for runs, each a job of its own: `allLaunched`, every run ended.)
 */
export type Wake = 'allLaunched' | 'anyJobDone';

export interface LaunchWait {
  wake: Wake;
  /** Per job of the wave with servers still launching, those servers (no job without any). */
  pending: Record<string, string[]>;
}

/**
 * What the wave waits for now, from one DescribeJobs over its jobs; `ready` when nothing is to be
 * waited for: the launch is over and CheckLaunch should see it at once. A wave with servers held
 * back by quotas and none of its own launching waits for nothing it could hear of (another run's
 * jobs hold the capacity): it waits out the fallback poll, never spins.
 */
export function launchWaitOf(wave: { notStarted: number }, jobs: readonly Job[]): LaunchWait | 'ready' {
  const pending: Record<string, string[]> = {};
  for (const job of jobs) {
    const launching = (job.participatingServers ?? []).filter((server) => launchOutcome(server) === 'inFlight').map((server) => server.sourceServerID ?? '?');
    if (launching.length > 0 && job.jobID !== undefined) pending[job.jobID] = launching;
  }
  if (wave.notStarted > 0) return { wake: 'anyJobDone', pending };
  return Object.keys(pending).length === 0 ? 'ready' : { wake: 'allLaunched', pending };
}

/**
 * What a wave waiting for its post-launch actions waits for, from one DescribeJobs over its jobs:
 * every run still IN_PROGRESS, each a part of the wait of its own (keyed by its run ID, the ID of
 * the SSM execution or command whose end resumes the wave: shared/events/ssm-run-end.ts); the wait
 * ends when the last of them ends. `ready` when more runs have ended than the wave's last check
 * counted and none runs any more: CheckPostLaunchActions should see them at once. Servers whose SSM
 * agent DRS has not discovered yet have no runs to wait for: their wait lasts its fallback, the
 * poll interval, and never spins.
 */
export function actionWaitOf(wave: { actionsSucceeded: number; actionsFailed: number }, jobs: readonly Job[]): LaunchWait | 'ready' {
  const pending: Record<string, string[]> = {};
  let ended = 0;
  // Counted as tallyPostLaunchActions counts them, so that a check after `ready` sees them all.
  for (const { server } of participantsOf(jobs)) {
    if (server.launchStatus !== 'LAUNCHED') continue;
    for (const run of server.launchActionsStatus?.runs ?? []) {
      if (run.status === 'SUCCEEDED' || run.status === 'FAILED') ended += 1;
      else if (run.runId !== undefined) pending[run.runId] = [run.runId];
    }
  }
  if (Object.keys(pending).length === 0 && ended > wave.actionsSucceeded + wave.actionsFailed) return 'ready';
  return { wake: 'allLaunched', pending };
}

/** How many servers a wait waits for. */
export function pendingServerCount(wait: LaunchWait): number {
  return Object.values(wait.pending).reduce((sum, servers) => sum + servers.length, 0);
}

/**
 * The servers of a job a wait still waits for once `arrived` reported, given those it waited for
 * just before (the store reads and writes them in one step); undefined when none of them was
 * waited for (a repeated or stale event), so it ends nothing.
 */
export function stillLaunching(before: readonly string[], arrived: readonly string[]): string[] | undefined {
  const reported = new Set(arrived);
  if (!before.some((server) => reported.has(server))) return undefined;
  return before.filter((server) => !reported.has(server));
}

/** Whether a job whose last waited-for server just reported ends the wait, given the jobs it waited for just before. */
export function jobEndsWait(wake: Wake, jobsBefore: readonly string[], jobID: string): boolean {
  if (!jobsBefore.includes(jobID)) return false;
  return wake === 'anyJobDone' || jobsBefore.every((job) => job === jobID);
}

/**
 * Whether quota may free without an event to tell: the capacity held back servers wait for frees
 * when a job COMPLETES, of which DRS sends no event. A job of the wave whose servers all have
 * their launch result (its last one woke the wave) ends unheard; so may any job not of the wave
 * (an earlier wave's, another run's, the console's). While every active job is the wave's own and
 * has servers still launching, the next launch result comes first, and it is heard.
 */
export function roomFreesUnheard(activeJobs: readonly Job[], waveJobIDs: readonly string[]): boolean {
  const own = new Set(waveJobIDs);
  return activeJobs.some((job) => !own.has(job.jobID ?? '') || !(job.participatingServers ?? []).some((server) => launchOutcome(server) === 'inFlight'));
}

/**
 * How long the wave's wait lasts when no launch result ends it: the fallback poll. Events are best
 * effort and usually arrive, so the longest poll interval; but while quotas hold servers back and
 * room may free unheard (`roomFreesUnheard`; unknown counts as may), the wave's own poll interval.
 */
export function fallbackSeconds(wave: { notStarted: number; pollSeconds: number; roomFreesUnheard?: boolean }): number {
  return wave.notStarted > 0 && wave.roomFreesUnheard !== false ? Math.max(1, wave.pollSeconds) : POLL.maxSeconds;
}

/**
 * Whether a wave waiting with the longest fallback, because room could free only after a launch
 * result it would hear, must look again at once: a job of its own has no server launching any more
 * (its last result came before the wait was registered), so room may now free unheard.
 */
export function roomMayFreeUnheard(wave: { notStarted: number; roomFreesUnheard?: boolean }, waveJobs: readonly Job[]): boolean {
  return wave.notStarted > 0 && wave.roomFreesUnheard === false && roomFreesUnheard(waveJobs.filter((job) => job.status !== 'COMPLETED'), waveJobs.map((job) => job.jobID ?? ''));
}

/** The wave with the fallback of its next wait (`fallbackSeconds`, which WaitForLaunch's timeout reads). */
export function withFallback<Wave extends { notStarted: number; pollSeconds: number; roomFreesUnheard?: boolean }>(wave: Wave): Wave & { fallbackSeconds: number } {
  return { ...wave, fallbackSeconds: fallbackSeconds(wave) };
}
