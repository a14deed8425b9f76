// How the participants of launch jobs are classified, in every loop that launches: a DRS job is
// COMPLETED even when servers in it FAILED, so the engine counts servers, never jobs.
import { participantsOf } from '#shared/drs/jobs.ts';
import type { Job, ParticipatingServer } from '#shared/drs/port.ts';
import type { ServerProblem } from './state.ts';

export type LaunchOutcome = 'launched' | 'failed' | 'inFlight';

/** LAUNCHED, FAILED or TERMINATED (both failures of the launch), or still in flight. */
export function launchOutcome(server: ParticipatingServer): LaunchOutcome {
  if (server.launchStatus === 'LAUNCHED') return 'launched';
  if (server.launchStatus === 'FAILED' || server.launchStatus === 'TERMINATED') return 'failed';
  return 'inFlight';
}

export interface LaunchCount {
  launched: number;
  /** Source servers still launching. */
  inFlight: string[];
  failedServers: ServerProblem[];
}

/** The launch of the jobs' servers, counted from their participants. */
export function countLaunch(jobs: readonly Job[]): LaunchCount {
  const count: LaunchCount = { launched: 0, inFlight: [], failedServers: [] };
  for (const { job, server } of participantsOf(jobs)) {
    const outcome = launchOutcome(server);
    if (outcome === 'launched') count.launched += 1;
    else if (outcome === 'failed') count.failedServers.push({ sourceServerID: server.sourceServerID ?? '?', reason: `launch ${server.launchStatus} (job ${job.jobID})` });
    else count.inFlight.push(server.sourceServerID ?? '?');
  }
  return count;
}
