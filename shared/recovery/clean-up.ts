// Drill clean-up: DRS never terminates drill instances itself, and they cost money until someone
// does. A loop of the wave engine whose jobs are TERMINATE jobs. Re-entrant: the first round reads
// the run's jobs back from DRS (by their tags, so instances whose job IDs a crashed step lost are
// still found), later rounds the jobs that can still change; each terminates what is launched and
// not yet being terminated (an instance already in a TERMINATE job is refused by DRS, never
// terminated twice), and counts what DRS still lists.
import { CleanUpIncompleteError } from '#shared/errors.ts';
import { scopeKeysOf, scopeOfPort, spansScopes } from '#shared/drs/fleet.ts';
import { activeJobsSince, isActiveJob, isoSeconds, launchCapacity, recoveryInstanceIDsIn } from '#shared/drs/jobs.ts';
import { groupBy } from '#shared/drs/limits.ts';
import type { DrsPort, Job } from '#shared/drs/port.ts';
import { isJobOfRun, type RunRef } from '#shared/drs/run-ref.ts';
import { firstPoll, nextPoll, POLL } from '#shared/engine/polling.ts';
import { startWithinQuotas } from '#shared/engine/start.ts';
import { terminateLoop } from '#shared/engine/terminate.ts';
import { isPastTimeout } from '#shared/engine/verdict.ts';
import { counted, plural } from '#shared/words.ts';
import type { Cleanup } from './state.ts';

/** Clean-up gives up (and says which instances are left) after this long. */
export const CLEANUP_TIMEOUT_SECONDS = 60 * 60;

/** A LAUNCH job of the run, as clean-up keeps it between rounds. */
type LaunchJobEntry = NonNullable<Cleanup['launchJobs']>[number];

/**
 * One round of drill clean-up. Done when no launch of the run is in flight and DRS lists none of
 * the instances it launched; gives up with CleanUpIncompleteError after CLEANUP_TIMEOUT_SECONDS.
 *
 * The first round lists the day's jobs and learns the run's LAUNCH jobs from their tags. A later
 * round lists only the jobs created since the oldest one that can still change or matter (an
 * active job anywhere in the account, a TERMINATE job of ours not confirmed yet) or since the last
 * listing: a COMPLETED job never changes, so listing every job of a 10,000-server drill at every
 * round (81 rounds, 300 MB of DescribeJobs) grew with the square of the estate. What a round needs
 * of a completed LAUNCH job it read before, its instances, is read again by ID, and only for as
 * many of them as the quotas let it terminate now (`handed` counts how many are in TERMINATE jobs).
 */
export async function cleanUpDrill(run: RunRef, previous: Cleanup | undefined, drs: DrsPort, preflightPassed = true): Promise<Cleanup> {
  const windowed = previous?.listedSince !== undefined;
  const fromDate = previous?.listedSince ?? activeJobsSince(run.startedAt);
  // Nothing starts before preflight passes (the state machine's order): a drill it stopped
  // launched nothing, and one of its accounts may be out of reach (the reason it stopped).
  const recent = preflightPassed ? await drs.listJobs({ fromDate }) : [];
  const recentByID = new Map(recent.map((job) => [jobID(job), job]));
  const activeJobs = recent.filter(isActiveJob);
  const runLaunches = recent.filter((job) => job.type === 'LAUNCH' && isJobOfRun(job, run));

  // The run's LAUNCH jobs, oldest first: those kept from earlier rounds, then any new one.
  const entries: LaunchJobEntry[] = (previous?.launchJobs ?? []).map((entry) => ({ ...entry }));
  const handedJobs = previous?.handedLaunchJobs ?? { jobIDs: [], instances: 0 };
  const known = new Set([...handedJobs.jobIDs, ...entries.map((entry) => entry.jobID)]);
  for (const job of [...runLaunches].reverse()) {
    if (!known.has(jobID(job))) entries.push({ jobID: jobID(job), handed: 0, ...scopeOfEntry(job, drs) });
  }
  // A job active at a round is listed at the next (the window starts before it): every entry is
  // seen COMPLETED once, when its instances are counted; active ones are counted as they stand.
  const launchesInFlightJobs = entries.map((entry) => recentByID.get(entry.jobID)).filter((job): job is Job => job !== undefined && isActiveJob(job));
  for (const entry of entries) {
    const job = recentByID.get(entry.jobID);
    if (job !== undefined && !isActiveJob(job)) entry.instances = recoveryInstanceIDsIn([job]).length;
  }
  // A server still launching would come up after clean-up, and DRS refuses to terminate an
  // instance whose source server is still in a job (one job per server, post-launch actions
  // included): the instances of a job are terminated once the job is COMPLETED.
  const launchesInFlight = launchesInFlightJobs.flatMap((job) => job.participatingServers ?? []).length;

  // Our TERMINATE jobs: DescribeJobs cannot say who started one (no tags). Later rounds know them
  // by ID; the first tells them by their instances (a retried first round finds its own).
  const ownIDs = new Set(previous?.terminateJobIDs ?? []);
  const launchedNow = new Set(recoveryInstanceIDsIn(runLaunches));
  const terminateJobs = recent.filter((job) => job.type === 'TERMINATE' && (ownIDs.has(jobID(job)) || (!windowed && recoveryInstanceIDsIn([job]).some((id) => launchedNow.has(id))))).reverse();
  const beingTerminated = new Set(recoveryInstanceIDsIn(terminateJobs.filter(isActiveJob)));
  const confirmed = new Set(previous?.confirmedJobIDs ?? []);
  const ended = terminateJobs.filter((job) => !isActiveJob(job) && !confirmed.has(jobID(job)));
  // DRS is asked (DescribeRecoveryInstances, 200 IDs a call) only about what can have changed or
  // can be acted on: the instances of TERMINATE jobs that ended and are not confirmed gone yet, and
  // as many of the instances not in a TERMINATE job yet as the quotas let us terminate now.
  const toCheck = new Set(recoveryInstanceIDsIn(ended).filter((id) => !beingTerminated.has(id)));
  const candidates = await instancesToHand(entries, recentByID, capacityByScope(activeJobs, drs), drs);
  const wanted = withinCapacity(candidates.ids.filter((id) => !beingTerminated.has(id) && !toCheck.has(id)), activeJobs, drs);
  const asked = [...toCheck, ...wanted];
  const listed = asked.length === 0 ? [] : await drs.listRecoveryInstances({ recoveryInstanceIDs: asked });
  const stillListed = new Set(listed.map((instance) => instance.recoveryInstanceID ?? ''));
  const toTerminate = asked.filter((id) => stillListed.has(id));
  const started = await startWithinQuotas(terminateLoop(new Set(toTerminate), drs), toTerminate, activeJobs);
  const startedIDs = new Set(started.startedIDs);

  // In a TERMINATE job now, or gone: an entry's instances are handed in order, as listed.
  const handedNow = new Set([...startedIDs, ...beingTerminated, ...asked.filter((id) => !stillListed.has(id))]);
  for (const entry of entries) {
    const job = candidates.jobs.get(entry.jobID);
    if (job === undefined) continue;
    const ids = recoveryInstanceIDsIn([job]);
    while (entry.handed < ids.length && handedNow.has(ids[entry.handed]!)) entry.handed += 1;
  }
  // An ended TERMINATE job is confirmed once each of its instances is gone or in a new job.
  const nowConfirmed = ended.filter((job) => recoveryInstanceIDsIn([job]).every((id) => beingTerminated.has(id) || !stillListed.has(id) || startedIDs.has(id)));
  const confirmedJobIDs = [...confirmed, ...nowConfirmed.map(jobID)];
  const unconfirmed = ended.filter((job) => !confirmedJobIDs.includes(jobID(job)));

  const inTerminateJobs = new Set([...beingTerminated, ...startedIDs, ...recoveryInstanceIDsIn(unconfirmed).filter((id) => stillListed.has(id))]);
  const notHanded = entries.reduce((total, entry) => total + Math.max(0, (entry.instances ?? 0) - entry.handed), 0);
  const launchedInFlight = recoveryInstanceIDsIn(launchesInFlightJobs).length;
  const launched = handedJobs.instances + entries.reduce((total, entry) => total + (entry.instances ?? 0), 0) + launchedInFlight;
  // A job whose instances are all handed needs only its ID kept (so that a later listing does not
  // take it for a new one) and its count: 10,000 servers' clean-up state stays a few KiB.
  const handing = entries.filter((entry) => entry.instances === undefined || entry.handed < entry.instances);
  const handedNowJobs = entries.filter((entry) => !handing.includes(entry));
  const handedLaunchJobs = { jobIDs: [...handedJobs.jobIDs, ...handedNowJobs.map((entry) => entry.jobID)], instances: handedJobs.instances + handedNowJobs.reduce((total, entry) => total + (entry.instances ?? 0), 0) };
  const leftCount = notHanded + launchedInFlight + inTerminateJobs.size;
  const left = [...inTerminateJobs, ...candidates.ids.filter((id) => !handedNow.has(id))];

  const terminateJobIDs = new Set([...(previous?.terminateJobIDs ?? []), ...terminateJobs.map(jobID), ...started.jobs.map(jobID)]);
  const signature = String(leftCount);
  const next = previous === undefined ? firstPoll(signature) : nextPoll(previous, signature);
  // A TERMINATE job of ours, or a launch of the run, ends within minutes and DRS sends no event
  // when it does: while one is in flight the clean-up looks at the shortest interval instead of
  // backing off towards what is sure to come (a TERMINATE job held 75 s was seen 51 s late, at
  // waits of 15, 23, 35 and 53 s). It backs off only while nothing of its own is in flight.
  const ownJobsInFlight = launchesInFlight > 0 || beingTerminated.size > 0 || started.jobs.length > 0;
  const poll = ownJobsInFlight ? { ...next, pollSeconds: POLL.minSeconds } : next;
  const done = launchesInFlight === 0 && leftCount === 0;
  const cleanup: Cleanup = {
    done,
    ...poll,
    terminateJobIDs: [...terminateJobIDs],
    ...(confirmedJobIDs.length > 0 ? { confirmedJobIDs } : {}),
    instancesLaunched: launched,
    instancesTerminated: Math.max(0, launched - leftCount),
    instancesLeft: leftCount,
    launchesInFlight,
    launchJobs: handing,
    ...(handedLaunchJobs.jobIDs.length > 0 ? { handedLaunchJobs } : {}),
    listedSince: nextListedSince(fromDate, [...recent, ...started.jobs], [...activeJobs, ...unconfirmed, ...started.jobs]),
  };
  if (!done && isPastTimeout(poll, CLEANUP_TIMEOUT_SECONDS)) {
    throw new CleanUpIncompleteError(
      `drill clean-up gave up after ${Math.round(poll.waitedSeconds / 60)} minutes: ${counted(leftCount, 'recovery instance')} still ${plural(leftCount, 'exists', 'exist')} (${left.slice(0, 25).join(', ')}${leftCount > Math.min(left.length, 25) ? ', …' : ''}), ${counted(launchesInFlight, 'launch', 'launches')} still in flight; terminate them with TerminateRecoveryInstances`,
    );
  }
  return cleanup;
}

/**
 * The instances not handed to a TERMINATE job yet, in order, from the completed LAUNCH jobs: in
 * each account, as many jobs as it takes to cover what its quotas leave room for, read by ID
 * unless this round listed them.
 */
async function instancesToHand(entries: readonly LaunchJobEntry[], recentByID: ReadonlyMap<string, Job>, room: ReadonlyMap<string, number>, drs: DrsPort): Promise<{ ids: string[]; jobs: Map<string, Job> }> {
  const left = new Map(room);
  const needed: LaunchJobEntry[] = [];
  for (const entry of entries) {
    const scope = entry.scope ?? '';
    const remaining = (entry.instances ?? 0) - entry.handed;
    if (entry.instances === undefined || remaining <= 0 || (left.get(scope) ?? 0) <= 0) continue;
    needed.push(entry);
    left.set(scope, (left.get(scope) ?? 0) - remaining);
  }
  const unread = needed.filter((entry) => !recentByID.has(entry.jobID)).map((entry) => entry.jobID);
  const read = unread.length === 0 ? [] : await drs.listJobs({ jobIDs: unread });
  const jobs = new Map([...needed.flatMap((entry) => (recentByID.has(entry.jobID) ? [[entry.jobID, recentByID.get(entry.jobID)!] as const] : [])), ...read.map((job) => [jobID(job), job] as const)]);
  const ids = needed.flatMap((entry) => {
    const job = jobs.get(entry.jobID);
    return job === undefined ? [] : recoveryInstanceIDsIn([job]).slice(entry.handed);
  });
  return { ids, jobs };
}

/** Multi-account: the account (scope) of a launch job, kept with its entry; one account needs none. */
function scopeOfEntry(job: Job, drs: DrsPort): Pick<LaunchJobEntry, 'scope'> {
  const scope = spansScopes(drs) ? scopeOfPort(drs)?.(jobID(job)) : undefined;
  return scope === undefined ? {} : { scope };
}

/** How many instances the quotas could take now, per account the port reaches ('' for one account). */
function capacityByScope(activeJobs: readonly Job[], drs: DrsPort): Map<string, number> {
  const scopeOf = scopeOfPort(drs);
  if (scopeOf === undefined || !spansScopes(drs)) return new Map([['', launchCapacity(activeJobs).servers]]);
  const activeByScope = groupBy(activeJobs, (job) => scopeOf(jobID(job)) ?? '');
  const room = new Map(scopeKeysOf(drs).map((scope) => [scope, launchCapacity(activeByScope.get(scope) ?? []).servers]));
  // A launch job whose account is not known takes from the room of them all (never none).
  return room.set('', [...room.values()].reduce((total, servers) => total + servers, 0));
}

/**
 * Where the next round lists from: a second before the oldest job that must be seen again (an
 * active one, a TERMINATE job of ours not confirmed yet) and before the newest job listed (DRS's
 * own clock: a job created after this listing is newer); never before where this round listed from.
 */
function nextListedSince(fromDate: string, listed: readonly Job[], toSeeAgain: readonly Job[]): string {
  const times = (jobs: readonly Job[]) => jobs.map((job) => Date.parse(job.creationDateTime ?? '')).filter((time) => !Number.isNaN(time));
  const newest = times(listed);
  if (newest.length === 0) return fromDate;
  return isoSeconds(Math.max(Date.parse(fromDate), Math.min(Math.max(...newest), ...times(toSeeAgain)) - 1000));
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
