// Drill clean-up: DRS never terminates drill instances itself, and they cost money until someone
// does. A loop of the wave engine whose jobs are TERMINATE jobs. Re-entrant: each round reads the
// run's jobs back from DRS (by their tags, so instances whose job IDs a crashed step lost are
// still found), terminates what is launched and not yet being terminated, and counts what DRS
// still lists.
import { CleanUpIncompleteError } from '#shared/errors.ts';
import { scopeOfPort } from '#shared/drs/fleet.ts';
import { activeJobsSince, isActiveJob, launchCapacity, recoveryInstanceIDsIn } from '#shared/drs/jobs.ts';
import { groupBy } from '#shared/drs/limits.ts';
import type { DrsPort, Job } from '#shared/drs/port.ts';
import { isJobOfRun, type RunRef } from '#shared/drs/run-ref.ts';
import { firstPoll, nextPoll } from '#shared/engine/polling.ts';
import { readBack, startWithinQuotas } from '#shared/engine/start.ts';
import { terminateLoop } from '#shared/engine/terminate.ts';
import { isPastTimeout } from '#shared/engine/verdict.ts';
import { counted, plural } from '#shared/words.ts';
import type { Cleanup } from './state.ts';

/** Clean-up gives up (and says which instances are left) after this long. */
export const CLEANUP_TIMEOUT_SECONDS = 60 * 60;

/**
 * One round of drill clean-up. Done when no launch of the run is in flight and DRS lists none of
 * the instances it launched; gives up with CleanUpIncompleteError after CLEANUP_TIMEOUT_SECONDS.
 */
export async function cleanUpDrill(run: RunRef, previous: Cleanup | undefined, drs: DrsPort, preflightPassed = true): Promise<Cleanup> {
  // Nothing starts before preflight passes (the state machine's order): a drill it stopped
  // launched nothing, and one of its accounts may be out of reach (the reason it stopped).
  const jobs = preflightPassed ? await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }) : [];
  const launchJobs = jobs.filter((job) => job.type === 'LAUNCH' && isJobOfRun(job, run));
  // A server still launching would come up after clean-up, and DRS refuses to terminate an
  // instance whose source server is still in a job (one job per server, post-launch actions
  // included): the instances of a job are terminated once the job is COMPLETED.
  const launchesInFlight = launchJobs.filter(isActiveJob).flatMap((job) => job.participatingServers ?? []).length;
  const launched = new Set(recoveryInstanceIDsIn(launchJobs));
  const terminable = new Set(recoveryInstanceIDsIn(launchJobs.filter((job) => !isActiveJob(job))));
  const loop = terminateLoop(launched, drs);
  const terminateJobs = readBack(loop, jobs).jobs;
  // A TERMINATE job that ended with the instance still listed did not take: terminate it again.
  const beingTerminated = new Set(recoveryInstanceIDsIn(terminateJobs.filter(isActiveJob)));
  // DRS is asked (DescribeRecoveryInstances, 200 IDs a call) only about what can have changed or
  // can be acted on: the instances of TERMINATE jobs that ended and are not confirmed gone yet, and
  // of the instances no job of ours terminates yet, as many as the quotas let us terminate now.
  // Asking every round about every instance cost 0.4 calls a server at 10,000 servers.
  const confirmed = new Set(previous?.confirmedJobIDs ?? []);
  const ended = terminateJobs.filter((job) => !isActiveJob(job) && !confirmed.has(jobID(job)));
  const inTerminateJobs = new Set(recoveryInstanceIDsIn(terminateJobs));
  const toCheck = new Set(recoveryInstanceIDsIn(ended).filter((id) => launched.has(id) && !beingTerminated.has(id)));
  const wanted = withinCapacity([...terminable].filter((id) => !inTerminateJobs.has(id)), jobs.filter(isActiveJob), drs);
  const asked = [...toCheck, ...wanted];
  const listed = asked.length === 0 ? [] : await drs.listRecoveryInstances({ recoveryInstanceIDs: asked });
  const stillListed = new Set(listed.map((instance) => instance.recoveryInstanceID ?? ''));
  const nowConfirmed = ended.filter((job) => recoveryInstanceIDsIn([job]).every((id) => !launched.has(id) || (toCheck.has(id) && !stillListed.has(id))));
  const confirmedJobIDs = [...(previous?.confirmedJobIDs ?? []), ...nowConfirmed.map(jobID)];
  const gone = new Set([
    ...recoveryInstanceIDsIn(terminateJobs.filter((job) => confirmedJobIDs.includes(jobID(job)))),
    ...asked.filter((id) => !stillListed.has(id)),
  ]);
  const left = [...launched].filter((id) => !gone.has(id));
  const toTerminate = asked.filter((id) => stillListed.has(id) && terminable.has(id) && !beingTerminated.has(id));
  const started = await startWithinQuotas(loop, toTerminate, jobs.filter(isActiveJob));

  const terminateJobIDs = new Set([...(previous?.terminateJobIDs ?? []), ...[...terminateJobs].reverse().map(jobID), ...started.jobs.map(jobID)]);
  const signature = String(left.length);
  const poll = previous === undefined ? firstPoll(signature) : nextPoll(previous, signature);
  const done = launchesInFlight === 0 && left.length === 0;
  const cleanup: Cleanup = {
    done,
    ...poll,
    terminateJobIDs: [...terminateJobIDs],
    ...(confirmedJobIDs.length > 0 ? { confirmedJobIDs } : {}),
    instancesLaunched: launched.size,
    instancesTerminated: launched.size - left.length,
    instancesLeft: left.length,
    launchesInFlight,
  };
  if (!done && isPastTimeout(poll, CLEANUP_TIMEOUT_SECONDS)) {
    throw new CleanUpIncompleteError(
      `drill clean-up gave up after ${Math.round(poll.waitedSeconds / 60)} minutes: ${counted(left.length, 'recovery instance')} still ${plural(left.length, 'exists', 'exist')} (${left.slice(0, 25).join(', ')}), ${counted(launchesInFlight, 'launch', 'launches')} still in flight; terminate them with TerminateRecoveryInstances`,
    );
  }
  return cleanup;
}

/** Of these instances, as many as each account's active jobs leave room to terminate now. */
function withinCapacity(instanceIDs: readonly string[], activeJobs: readonly Job[], drs: DrsPort): string[] {
  const scopeOf = scopeOfPort(drs) ?? (() => '');
  const activeByScope = groupBy(activeJobs, (job) => scopeOf(jobID(job)) ?? '');
  return [...groupBy(instanceIDs, (id) => scopeOf(id) ?? '')].flatMap(([scope, ids]) => ids.slice(0, launchCapacity(activeByScope.get(scope) ?? []).servers));
}

function jobID(job: Job): string {
  return job.jobID ?? '';
}
