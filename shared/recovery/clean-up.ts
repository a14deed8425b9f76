// Drill clean-up: DRS never terminates drill instances itself, and they cost money until someone
// does. Re-entrant: each round reads the run's jobs back from DRS (by their tags, so instances
// whose job IDs a crashed step lost are still found), terminates what is launched and not yet
// being terminated, and counts what DRS still lists.
import { ConflictException, ServiceQuotaExceededException } from '@aws-sdk/client-drs';
import { CleanUpIncompleteError } from '../errors.ts';
import type { DrsPort, Job } from '../drs/port.ts';
import { nextPollSeconds, POLL } from './polling.ts';
import { activeJobsSince, isActiveJob } from './preflight.ts';
import type { Cleanup, Run } from './state.ts';
import { isJobOfRun } from './tags.ts';
import { launchCapacity, planJobs } from './waves.ts';

/** Clean-up gives up (and says which instances are left) after this long. */
export const CLEANUP_TIMEOUT_SECONDS = 60 * 60;

function instancesIn(jobs: readonly Job[]): string[] {
  return jobs.flatMap((job) => (job.participatingServers ?? []).flatMap((server) => (server.recoveryInstanceID ? [server.recoveryInstanceID] : [])));
}

/**
 * One round of drill clean-up. Done when no launch of the run is in flight and DRS lists none of
 * the instances it launched; gives up with CleanUpIncompleteError after CLEANUP_TIMEOUT_SECONDS.
 */
export async function cleanUpDrill(run: Run, previous: Cleanup | undefined, drs: DrsPort): Promise<Cleanup> {
  const jobs = await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) });
  const launchJobs = jobs.filter((job) => job.type === 'LAUNCH' && isJobOfRun(job, run));
  // A server still launching would come up after clean-up, and DRS refuses to terminate an
  // instance whose source server is still in a job (one job per server, post-launch actions
  // included): the instances of a job are terminated once the job is COMPLETED.
  const launchesInFlight = launchJobs.filter(isActiveJob).flatMap((job) => job.participatingServers ?? []).length;
  const launched = [...new Set(instancesIn(launchJobs))];
  const terminable = new Set(instancesIn(launchJobs.filter((job) => !isActiveJob(job))));
  const launchedSet = new Set(launched);
  const terminateJobs = jobs.filter(
    (job) => job.type === 'TERMINATE' && instancesIn([job]).some((id) => launchedSet.has(id)),
  );
  const beingTerminated = new Set(instancesIn(terminateJobs.filter(isActiveJob)));
  const listed = launched.length === 0 ? [] : await drs.listRecoveryInstances({ recoveryInstanceIDs: launched });
  const left = listed.map((instance) => instance.recoveryInstanceID ?? '').filter((id) => launchedSet.has(id));
  const toTerminate = left.filter((id) => terminable.has(id) && !beingTerminated.has(id));

  const terminateJobIDs = new Set([...(previous?.terminateJobIDs ?? []), ...terminateJobs.map((job) => job.jobID ?? '')]);
  // A TERMINATE job counts against the same job quotas as a launch: at most 100 servers a job,
  // 20 concurrent jobs, 500 servers in active jobs. What does not fit waits for the next round.
  for (const batch of planJobs(toTerminate, launchCapacity(jobs.filter(isActiveJob)))) {
    try {
      const job = await drs.terminateRecoveryInstances(batch);
      terminateJobIDs.add(job.jobID ?? '');
    } catch (error) {
      if (error instanceof ServiceQuotaExceededException) break;
      // A server of the batch joined another job since we looked: the next round tries again.
      if (!(error instanceof ConflictException)) throw error;
    }
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
