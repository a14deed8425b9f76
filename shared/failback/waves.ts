// A failback wave: every recovery instance goes back to its origin, by the path its origin takes.
//  - On-premises origins: the DRS Failback Client replicates the instance back; once it is
//    FAILBACK_READY_FOR_LAUNCH, StartFailbackLaunch converts and reboots the origin machine.
//  - EC2 origins: ReverseReplication creates a source server in the origin Region that replicates
//    the instance back; once CONTINUOUS, StartRecovery of it in the origin Region launches the
//    instance there, with its post-launch actions, as a recovery wave does.
// Each poll reads the state back from DRS and does what has become possible, so a retried step
// never starts a second failback launch, reverse replication or origin launch for an instance.
import { ConflictException, ResourceNotFoundException } from '@aws-sdk/client-drs';
import { activeJobsSince, isActiveJob, participantsOf, recoveryInstanceIDsIn, sourceServerIDsIn } from '#shared/drs/jobs.ts';
import type { DrsPort, FullDrsPort, Job } from '#shared/drs/port.ts';
import { isJobOfRun, jobTags, runJobsSince } from '#shared/drs/run-ref.ts';
import { launchOutcome } from '#shared/engine/launch.ts';
import { firstPoll, nextPoll, POLL, type PollState } from '#shared/engine/polling.ts';
import { serversToWaitFor, tallyPostLaunchActions } from '#shared/engine/post-launch.ts';
import { startWithinQuotas, type JobLoop } from '#shared/engine/start.ts';
import { listForPeople, MAX_LISTED_PROBLEMS } from '#shared/engine/state.ts';
import { terminateLoop } from '#shared/engine/terminate.ts';
import { scopeOfPort } from '#shared/drs/fleet.ts';
import { describeProblems, isPastTimeout, oncePerServer, timeoutPhrase } from '#shared/engine/verdict.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { resolveWaveSettings } from '#shared/plan/settings.ts';
import { counted } from '#shared/words.ts';
import { FailbackFailedError, FailbackTimedOutError } from './errors.ts';
import { FAILBACK_STATE_REASONS, nameOf, parseSourceServerArn, waveInstances, type WaveInstance } from './instances.ts';
import type { RegionalDrs } from '#shared/drs/port.ts';
import type { FailbackRun, FailbackState, FailbackWave, FailedBackWave, OriginJob } from './state.ts';

/** When the wave starts, on DRS's clock: the run's start, or the end of the previous wave's jobs. */
async function waveStartTime(state: FailbackState, drs: DrsPort, regional: RegionalDrs): Promise<string> {
  const previous = state.completed?.at(-1);
  if (previous === undefined) return state.run.startedAt;
  const jobs = [
    ...(await drs.listJobs({ jobIDs: previous.failbackJobIDs })),
    ...(await Promise.all(previous.originJobs.map(({ region, jobID }) => regional(region).listJobs({ jobIDs: [jobID] })))).flat(),
  ];
  return jobs.map((job) => job.endDateTime ?? '').reduce((latest, end) => (end > latest ? end : latest), state.run.startedAt);
}

/** Starts the next wave of the failback: its state, then a first round of what can start now. */
export async function startFailbackWave(state: FailbackState, plan: Plan, drs: FullDrsPort, regional: RegionalDrs): Promise<FailbackWave> {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const wavePlan = run.waves[index];
  const planWave = plan.waves.find((wave) => wave.name === wavePlan.name);
  if (planWave === undefined) throw new Error(`wave "${wavePlan.name}" is not in plan "${plan.name}"`);
  const settings = resolveWaveSettings(plan, planWave);
  const wave: FailbackWave = {
    index,
    name: wavePlan.name,
    isLast: index === run.waves.length - 1,
    timeoutSeconds: settings.timeoutMinutes * 60,
    startedAt: await waveStartTime(state, drs, regional),
    onPremises: 0,
    aws: 0,
    failbackJobIDs: [],
    originJobs: [],
    failedBack: 0,
    waitingForReadiness: 0,
    replicatingBack: 0,
    launching: 0,
    launchDone: false,
    checkPostLaunchActions: false,
    serversWithActions: [],
    postLaunchActionsDone: false,
    actionsSucceeded: 0,
    actionsFailed: 0,
    ...firstPoll(),
  };
  return advanceFailback(run, wave, firstPoll, drs, regional, settings.waitForPostLaunchActions);
}

/** One poll of the wave: what DRS says, what became possible, and whether the wave is failed back. */
export async function checkFailback(state: FailbackState, plan: Plan, drs: FullDrsPort, regional: RegionalDrs): Promise<FailbackWave> {
  const wave = state.wave;
  if (wave === undefined) throw new Error('CheckFailback needs $.wave');
  const planWave = plan.waves.find((candidate) => candidate.name === wave.name);
  const waitForActions = planWave === undefined ? true : resolveWaveSettings(plan, planWave).waitForPostLaunchActions;
  return advanceFailback(state.run, wave, (signature) => nextPoll(wave, signature), drs, regional, waitForActions);
}

/** The engine loop of on-premises failback launches: StartFailbackLaunch of ready recovery instances. */
function failbackLaunchLoop(run: FailbackRun, waveName: string, drs: FullDrsPort): JobLoop {
  return {
    owns: (job) => job.initiatedBy === 'FAILBACK' && isJobOfRun(job, run, waveName),
    itemsOf: (job) => recoveryInstanceIDsIn([job]),
    // StartFailbackLaunch takes up to 200 IDs a call, but the job quota (100 servers a job, 20
    // active jobs, 500 servers in them) is the tighter bound; what does not fit waits a poll.
    start: (batch) => drs.startFailbackLaunch(batch, jobTags(run, waveName)),
    // Multi-account: instances fail back from the account they were recovered in, within its quotas.
    scopeOf: scopeOfPort(drs),
  };
}

/**
 * The engine loop of EC2-origin failback launches: StartRecovery of the reversed source servers in
 * their origin Region. StartRecovery jobs only: the failback launches carry the same tags (and the
 * local DRS service keeps a store per account and Region, as DRS does).
 */
function originLaunchLoop(run: FailbackRun, waveName: string, origin: DrsPort): JobLoop {
  return {
    owns: (job) => job.initiatedBy === 'START_RECOVERY' && isJobOfRun(job, run, waveName),
    itemsOf: (job) => [...sourceServerIDsIn([job])],
    start: (batch) => origin.startRecovery({ sourceServers: batch.map((sourceServerID) => ({ sourceServerID })), isDrill: false, tags: jobTags(run, waveName) }),
  };
}

/**
 * The heart of a failback wave, run at its start and on every poll. Throws FailbackFailedError on
 * FAILBACK_ERROR or a FAILED launch, FailbackTimedOutError past the wave's timeout, both naming
 * the servers and why.
 */
async function advanceFailback(
  run: FailbackRun,
  wave: FailbackWave,
  poll: (signature: string) => PollState,
  drs: FullDrsPort,
  regional: RegionalDrs,
  waitForActions: boolean,
): Promise<FailbackWave> {
  const wavePlan = run.waves[wave.index];
  const instances = await waveInstances(wavePlan.recoveryJobIDs, drs);
  const onPremises = instances.filter((entry) => entry.origin === 'ON_PREMISES');
  const aws = instances.filter((entry) => entry.origin === 'AWS');
  const problems: string[] = [];
  const pending: string[] = [];

  // --- On-premises: StartFailbackLaunch for the instances that became ready -------------------
  const recentJobs = await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) });
  const failbackLoop = failbackLaunchLoop(run, wave.name, drs);
  const failbackJobs = recentJobs.filter((job) => failbackLoop.owns(job));
  const inFailbackJob = new Map(participantsOf(failbackJobs).map(({ job, server }) => [server.recoveryInstanceID ?? '', { job, server }]));
  for (const { job, server } of inFailbackJob.values()) {
    if (server.launchStatus === 'FAILED') problems.push(`${server.sourceServerID}: failback launch FAILED (job ${job.jobID})`);
  }
  for (const entry of onPremises) {
    if (entry.instance.failback?.state === 'FAILBACK_ERROR') problems.push(`${nameOf(entry)}: ${FAILBACK_STATE_REASONS.FAILBACK_ERROR}`);
  }
  const ready = onPremises.filter((entry) => entry.instance.failback?.state === 'FAILBACK_READY_FOR_LAUNCH' && !inFailbackJob.has(entry.recoveryInstanceID));
  const failbackJobIDs = failbackJobs.map(jobIDOf).reverse();
  if (problems.length === 0 && ready.length > 0) {
    const started = await startWithinQuotas(failbackLoop, ready.map((entry) => entry.recoveryInstanceID), recentJobs.filter(isActiveJob));
    failbackJobIDs.push(...started.jobs.map(jobIDOf));
  }
  const currentFailbackJobs = failbackJobIDs.length === 0 ? [] : await drs.listJobs({ jobIDs: failbackJobIDs });
  const failbackDone = new Set(
    participantsOf(currentFailbackJobs.filter((job) => !isActiveJob(job)))
      .filter(({ server }) => server.launchStatus === 'LAUNCHED')
      .map(({ server }) => server.recoveryInstanceID ?? ''),
  );
  let failedBack = 0;
  let waitingForReadiness = 0;
  let launching = 0;
  for (const entry of onPremises) {
    const state = entry.instance.failback?.state ?? 'FAILBACK_NOT_STARTED';
    // The job ends after the instance is COMPLETED; its servers are free (for termination,
    // re-protection) only then.
    if (state === 'FAILBACK_COMPLETED' && failbackDone.has(entry.recoveryInstanceID)) failedBack += 1;
    else if (inFailbackJob.has(entry.recoveryInstanceID) || ready.includes(entry)) {
      launching += 1;
      pending.push(`${nameOf(entry)}: failback launch in progress`);
    } else if (state !== 'FAILBACK_ERROR') {
      waitingForReadiness += 1;
      pending.push(`${nameOf(entry)}: ${state}: ${FAILBACK_STATE_REASONS[state] ?? 'not ready for launch'}`);
    }
  }

  // --- EC2 origins: reverse replication, then StartRecovery in the origin Region -------------
  let replicatingBack = 0;
  const originJobs: OriginJob[] = [...wave.originJobs];
  const byRegion = new Map<string, WaveInstance[]>();
  for (const entry of aws) {
    let reversed = entry.reversed;
    if (reversed === undefined) {
      // DRS records the reversed server on the original one: no second ReverseReplication, even
      // when the response to the first was lost.
      reversed = parseSourceServerArn(await drs.reverseReplication(entry.recoveryInstanceID));
    }
    const group = byRegion.get(reversed.region) ?? [];
    group.push({ ...entry, reversed });
    byRegion.set(reversed.region, group);
  }
  for (const [region, entries] of byRegion) {
    const origin = regional(region);
    const originLoop = originLaunchLoop(run, wave.name, origin);
    const [reversedServers, originRecent] = await Promise.all([
      origin.listSourceServers({ sourceServerIDs: entries.map((entry) => entry.reversed?.sourceServerID ?? '') }),
      origin.listJobs({ fromDate: runJobsSince(run) }),
    ]);
    const ours = originRecent.filter((job) => originLoop.owns(job));
    for (const job of ours) {
      if (!originJobs.some((known) => known.region === region && known.jobID === job.jobID)) originJobs.push({ region, jobID: jobIDOf(job) });
    }
    const launchedBy = new Map(participantsOf(ours).map(({ job, server }) => [server.sourceServerID ?? '', { job, server }]));
    const replicationOf = new Map(reversedServers.map((server) => [server.sourceServerID ?? '', server.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN']));
    const toRecover: string[] = [];
    for (const entry of entries) {
      const reversedID = entry.reversed?.sourceServerID ?? '';
      const launch = launchedBy.get(reversedID);
      const replication = replicationOf.get(reversedID) ?? 'UNKNOWN';
      if (launch?.server.launchStatus === 'FAILED') problems.push(`${nameOf(entry)}: launch in ${region} FAILED (job ${launch.job.jobID})`);
      else if (launch?.server.launchStatus === 'LAUNCHED') failedBack += 1;
      else if (launch !== undefined) {
        launching += 1;
        pending.push(`${nameOf(entry)}: launching in ${region}`);
      } else if (replication === 'CONTINUOUS') {
        toRecover.push(reversedID);
        launching += 1;
        pending.push(`${nameOf(entry)}: launching in ${region}`);
      } else {
        replicatingBack += 1;
        pending.push(`${nameOf(entry)}: reverse replication to ${region} is ${replication}`);
      }
    }
    if (problems.length === 0 && toRecover.length > 0) {
      const started = await startWithinQuotas(originLoop, toRecover, originRecent.filter(isActiveJob));
      originJobs.push(...started.jobs.map((job) => ({ region, jobID: jobIDOf(job) })));
    }
  }

  if (problems.length > 0) {
    throw new FailbackFailedError(`failback of wave "${wave.name}" failed for ${problems.length} of ${counted(instances.length, 'server')}: ${listForPeople(problems)}`);
  }
  const launchDone = pending.length === 0;
  const signature = `${failedBack}/${waitingForReadiness}/${replicatingBack}/${launching}`;
  const next: FailbackWave = {
    ...wave,
    onPremises: onPremises.length,
    aws: aws.length,
    failbackJobIDs,
    originJobs,
    failedBack,
    waitingForReadiness,
    replicatingBack,
    launching,
    launchDone,
    ...poll(signature),
  };
  if (launchDone) {
    const serversWithActions = waitForActions ? await reversedServersWithActions(originJobs, regional) : [];
    // The post-launch action checks that follow time themselves from here.
    return { ...next, serversWithActions, checkPostLaunchActions: waitForActions && originJobs.length > 0, pollSeconds: POLL.minSeconds, waitedSeconds: 0 };
  }
  if (isPastTimeout(next, wave.timeoutSeconds)) {
    throw new FailbackTimedOutError(
      `failback of wave "${wave.name}" timed out ${timeoutPhrase(next.waitedSeconds, wave.timeoutSeconds)}: ${pending.length} of ${counted(instances.length, 'server')} not failed back: ${pending.slice(0, MAX_LISTED_PROBLEMS).join('; ')}`,
    );
  }
  return next;
}

function jobIDOf(job: Job): string {
  return job.jobID ?? '';
}

/**
 * The reversed source servers launched in origin Regions whose post-launch actions the wave waits
 * for: active actions, and post-launch enabled in their launch configuration there.
 */
async function reversedServersWithActions(originJobs: readonly OriginJob[], regional: RegionalDrs): Promise<string[]> {
  const found: string[] = [];
  for (const { region, jobID } of originJobs) {
    const origin = regional(region);
    found.push(...(await serversToWaitFor([...sourceServerIDsIn(await origin.listJobs({ jobIDs: [jobID] }))], origin)).waitFor);
  }
  return found;
}

/**
 * One poll of the post-launch actions of the wave's launches in origin Regions, Region by Region,
 * counted by the engine as a recovery wave's are. A required action that FAILED (or a launch that
 * did) fails the wave: failback has no failure budget.
 */
export async function checkFailbackPostLaunchActions(wave: FailbackWave, regional: RegionalDrs): Promise<FailbackWave> {
  const regions = [...new Set(wave.originJobs.map((job) => job.region))];
  const expectingRuns = new Set(wave.serversWithActions);
  let succeeded = 0;
  let failed = 0;
  const pendingServers: string[] = [];
  for (const region of regions) {
    const origin = regional(region);
    const jobs = await origin.listJobs({ jobIDs: wave.originJobs.filter((job) => job.region === region).map((job) => job.jobID) });
    const tally = tallyPostLaunchActions(jobs, expectingRuns);
    const launchFailures = participantsOf(jobs)
      .filter(({ server }) => launchOutcome(server) === 'failed')
      .map(({ job, server }) => ({ sourceServerID: server.sourceServerID ?? '?', reason: `launch ${server.launchStatus} (job ${job.jobID})` }));
    const failures = oncePerServer([...launchFailures, ...tally.failures]);
    if (failures.length > 0) {
      throw new FailbackFailedError(`failback of wave "${wave.name}": ${failures.length} of ${counted(wave.aws, 'server')} failed in ${region}: ${await describeProblems(failures, origin)}`);
    }
    succeeded += tally.succeeded;
    failed += tally.failed;
    pendingServers.push(...tally.pendingServers);
  }
  const next: FailbackWave = {
    ...wave,
    actionsSucceeded: succeeded,
    actionsFailed: failed,
    postLaunchActionsDone: pendingServers.length === 0,
    ...nextPoll(wave, `${succeeded}/${failed}/${pendingServers.length === 0}`),
  };
  if (!next.postLaunchActionsDone && isPastTimeout(next, wave.timeoutSeconds)) {
    throw new FailbackTimedOutError(
      `failback of wave "${wave.name}" timed out ${timeoutPhrase(next.waitedSeconds, wave.timeoutSeconds)}: ${pendingServers.length} of ${counted(wave.aws, 'server')} still running post-launch actions (or their SSM agent was not discovered): ${pendingServers.slice(0, MAX_LISTED_PROBLEMS).join(', ')}`,
    );
  }
  return next;
}

/**
 * After a wave failed back: protect it again in the original direction, and terminate its
 * recovery instances when (and only when) the input asked and confirmed it.
 *  - On-premises: the origin machine runs its own OS again, with its DRS agent; a source server
 *    whose replication was STOPPED is started again (StartReplication).
 *  - EC2 origins: ReverseReplication of the instance launched in the origin Region replicates it
 *    to the recovery Region again (DRS: "for failback instances on origin region - starts
 *    replication to target region to re-protect them").
 */
export async function reprotectWave(state: FailbackState, drs: FullDrsPort, regional: RegionalDrs): Promise<FailedBackWave[]> {
  const { run, wave } = state;
  if (wave === undefined) throw new Error('ReprotectWave needs $.wave');
  const instances = await waveInstances(run.waves[wave.index].recoveryJobIDs, drs);
  let reprotected = 0;

  const onPremisesServers = instances.filter((entry) => entry.origin === 'ON_PREMISES').map((entry) => entry.sourceServerID);
  const servers = onPremisesServers.length === 0 ? [] : await drs.listSourceServers({ sourceServerIDs: onPremisesServers });
  for (const server of servers) {
    if (server.dataReplicationInfo?.dataReplicationState === 'STOPPED') {
      try {
        await drs.startReplication(server.sourceServerID ?? '');
      } catch (error) {
        // Started since we looked (a retried step): it replicates, which is what we want.
        if (!(error instanceof ConflictException)) throw error;
      }
    }
    reprotected += 1;
  }

  for (const { region, jobID } of wave.originJobs) {
    const origin = regional(region);
    for (const { server } of participantsOf(await origin.listJobs({ jobIDs: [jobID] }))) {
      if (server.launchStatus !== 'LAUNCHED' || server.recoveryInstanceID === undefined) continue;
      try {
        await origin.reverseReplication(server.recoveryInstanceID);
      } catch (error) {
        // Already replicating towards the recovery Region: re-protected.
        if (!(error instanceof ConflictException)) throw error;
      }
      reprotected += 1;
    }
  }

  const terminateJobIDs: string[] = [];
  let terminated = 0;
  if (run.terminateRecoveryInstances) {
    const terminable = instances.filter((entry) => entry.instance.ec2InstanceState !== 'SHUTTING-DOWN' && entry.instance.ec2InstanceState !== 'TERMINATED');
    const ids = terminable.map((entry) => entry.recoveryInstanceID);
    const active = (await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) })).filter(isActiveJob);
    const started = await startWithinQuotas(terminateLoop(new Set(ids), drs), ids, active);
    terminateJobIDs.push(...started.jobs.map(jobIDOf));
    terminated += started.startedIDs.length + instances.length - terminable.length;
  }

  const summary: FailedBackWave = {
    name: wave.name,
    startedAt: wave.startedAt,
    failedBack: wave.failedBack,
    reprotected,
    terminated,
    failbackJobIDs: wave.failbackJobIDs,
    originJobs: wave.originJobs,
    terminateJobIDs,
  };
  return [...(state.completed ?? []), summary];
}

/**
 * A failed run stops the failback launches it started and that did not complete (StopFailback
 * returns the instance to FAILBACK_NOT_STARTED), so no half-done failback is left behind. Reverse
 * replications are kept: they protect the recovery instances, which still serve.
 */
export async function stopStartedFailbacks(run: FailbackRun, drs: FullDrsPort): Promise<{ stopped: number }> {
  const jobs = (await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) })).filter((job) => job.initiatedBy === 'FAILBACK' && isJobOfRun(job, run));
  const started = [...new Set(recoveryInstanceIDsIn(jobs))];
  if (started.length === 0) return { stopped: 0 };
  const instances = await drs.listRecoveryInstances({ recoveryInstanceIDs: started });
  let stopped = 0;
  for (const instance of instances.filter((candidate) => candidate.failback?.state !== 'FAILBACK_COMPLETED')) {
    try {
      await drs.stopFailback(instance.recoveryInstanceID ?? '');
      stopped += 1;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
  return { stopped };
}
