// Drill clean-up: DRS never terminates drill instances itself, and they cost money until someone
// does. Re-entrant: each round reads the run's jobs back from DRS (by their tags, so instances
// whose job IDs a crashed step lost are still found), terminates what is launched and not yet
// being terminated, and counts what DRS still lists.
import { CleanUpIncompleteError } from '../errors.ts';
import { chunk, DRS_LIMITS } from '../drs/limits.ts';
import type { DrsPort, Job } from '../drs/port.ts';
import { nextPollSeconds, POLL } from './polling.ts';
import { isActiveJob } from './preflight.ts';
import type { Cleanup, Run } from './state.ts';
import { isJobOfRun, runJobsSince } from './tags.ts';

/** Clean-up gives up (and says which instances are left) after this long. */
export const CLEANUP_TIMEOUT_SECONDS = 60 * 60;

function instancesIn(jobs: readonly Job[]): string[] {
  return jobs.flatMap((job) => (job.participatingServers ?? []).flatMap((server) => (server.recoveryInstanceID ? [server.recoveryInstanceID] : [])));
}

export async function cleanUpDrill(run: Run, previous: Cleanup | undefined, drs: DrsPort): Promise<Cleanup> {
  const jobs = await drs.listJobs({ fromDate: runJobsSince(run) });
  const launchJobs = jobs.filter((job) => job.type === 'LAUNCH' && isJobOfRun(job, run));
  // A server still launching would come up after clean-up: wait until its launch ends.
  const launchesInFlight = launchJobs
    .flatMap((job) => job.participatingServers ?? [])
    .filter((server) => ['PENDING', 'IN_PROGRESS'].includes(server.launchStatus ?? 'PENDING')).length;
  const launched = [...new Set(instancesIn(launchJobs))];
  const launchedSet = new Set(launched);
  const terminateJobs = jobs.filter(
    (job) => job.type === 'TERMINATE' && instancesIn([job]).some((id) => launchedSet.has(id)),
  );
  const beingTerminated = new Set(instancesIn(terminateJobs.filter(isActiveJob)));
  const listed = launched.length === 0 ? [] : await drs.listRecoveryInstances({ recoveryInstanceIDs: launched });
  const left = listed.map((instance) => instance.recoveryInstanceID ?? '').filter((id) => launchedSet.has(id));
  const toTerminate = left.filter((id) => !beingTerminated.has(id));

  const terminateJobIDs = new Set([...(previous?.terminateJobIDs ?? []), ...terminateJobs.map((job) => job.jobID ?? '')]);
  for (const batch of chunk(toTerminate, DRS_LIMITS.idsPerRecoveryCall)) {
    const job = await drs.terminateRecoveryInstances(batch);
    terminateJobIDs.add(job.jobID ?? '');
  }

  const waitedSeconds = previous === undefined ? 0 : previous.waitedSeconds + previous.pollSeconds;
  const done = launchesInFlight === 0 && left.length === 0;
  const cleanup: Cleanup = {
    done,
    pollSeconds: nextPollSeconds(previous?.pollSeconds ?? POLL.minSeconds, previous === undefined || previous.instancesLeft !== left.length),
    waitedSeconds,
    terminateJobIDs: [...terminateJobIDs],
    instancesLaunched: launched.length,
    instancesTerminated: launched.length - left.length,
    instancesLeft: left.length,
    launchesInFlight,
  };
  if (!done && waitedSeconds >= CLEANUP_TIMEOUT_SECONDS) {
    throw new CleanUpIncompleteError(
      `drill clean-up gave up after ${Math.round(waitedSeconds / 60)} minutes: ${left.length} recovery instance(s) still exist (${left.slice(0, 25).join(', ')}), ${launchesInFlight} launch(es) still in flight; terminate them with TerminateRecoveryInstances`,
    );
  }
  return cleanup;
}
