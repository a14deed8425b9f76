// A wave's life: start it within DRS's quotas, watch its launch and its post-launch actions, and
// decide whether it passed its failure budget.
import { ServiceQuotaExceededException } from '@aws-sdk/client-drs';
import { WaveFailedError, WaveTimedOutError } from '../errors.ts';
import { chunk, DRS_LIMITS } from '../drs/limits.ts';
import type { DrsPort, Job } from '../drs/port.ts';
import type { Plan } from '../plan/schema.ts';
import { resolveWaveSettings } from '../plan/settings.ts';
import { nextPollSeconds, POLL } from './polling.ts';
import { activeJobsSince, isActiveJob, snapshotTimeFor } from './preflight.ts';
import { describeServer, hostnameOf, resolveServers } from './servers.ts';
import { MAX_LISTED_PROBLEMS, type CompletedWave, type RunState, type ServerProblem, type WaveState } from './state.ts';
import { isJobOfRun, jobTags } from './tags.ts';

/** How many more servers and jobs DRS accepts now, given the account's active jobs. */
export function launchCapacity(activeJobs: readonly Job[]): { jobs: number; servers: number } {
  const serversInActiveJobs = activeJobs.reduce((total, job) => total + (job.participatingServers?.length ?? 0), 0);
  return {
    jobs: Math.max(0, DRS_LIMITS.concurrentJobs - activeJobs.length),
    servers: Math.max(0, DRS_LIMITS.serversInActiveJobs - serversInActiveJobs),
  };
}

/** Splits servers into jobs: at most 100 a job, and no more jobs or servers than capacity allows. */
export function planJobs(sourceServerIDs: readonly string[], capacity: { jobs: number; servers: number }): string[][] {
  const startable = sourceServerIDs.slice(0, capacity.servers);
  return chunk(startable, DRS_LIMITS.serversPerJob).slice(0, capacity.jobs);
}

function participantIDs(jobs: readonly Job[]): Set<string> {
  return new Set(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => server.sourceServerID ?? '')));
}

/** Post-launch action look-ups at once: one call per server, once per wave start. */
const ACTION_LOOKUP_CONCURRENCY = 8;

/** The servers among these that have at least one active post-launch action. */
async function withActiveActions(sourceServerIDs: readonly string[], drs: DrsPort): Promise<string[]> {
  const found: string[] = [];
  for (const batch of chunk(sourceServerIDs, ACTION_LOOKUP_CONCURRENCY)) {
    const actions = await Promise.all(batch.map((id) => drs.listLaunchActions(id)));
    batch.forEach((id, index) => {
      if (actions[index].some((action) => action.active !== false)) found.push(id);
    });
  }
  return found;
}

/**
 * Starts the wave that comes next, or more of the wave in progress when quotas held servers back.
 * Idempotent: it reads back the jobs this run already started for the wave (by their tags) and
 * starts only the servers in none of them, so a retried step never launches a server twice.
 */
export async function startWave(state: RunState, plan: Plan, drs: DrsPort): Promise<WaveState> {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const waveName = run.waves[index];
  const wave = plan.waves.find((candidate) => candidate.name === waveName);
  if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
  const settings = resolveWaveSettings(plan, wave);
  const continuing = state.wave !== undefined && state.wave.index === index;

  const [servers, recentJobs] = await Promise.all([
    drs.listSourceServers(wave.servers.tags === undefined ? { sourceServerIDs: wave.servers.ids } : undefined),
    drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }),
  ]);
  const { sourceServerIDs } = resolveServers(wave.servers, servers);
  const waveJobs = recentJobs.filter((job) => isJobOfRun(job, run, wave.name));
  const alreadyStarted = participantIDs(waveJobs);
  const toStart = sourceServerIDs.filter((id) => !alreadyStarted.has(id));

  const snapshot = snapshotTimeFor(run, settings.snapshot);
  const jobIDs = waveJobs.map((job) => job.jobID ?? '').reverse();
  let started = 0;
  let firstCreatedAt = waveJobs.at(-1)?.creationDateTime;
  for (const batch of planJobs(toStart, launchCapacity(recentJobs.filter(isActiveJob)))) {
    const sourceServers = await Promise.all(
      batch.map(async (sourceServerID) => {
        if (!snapshot.pointInTime) return { sourceServerID };
        const recoverySnapshot = await drs.newestSnapshot(sourceServerID, snapshot.atOrBefore);
        return { sourceServerID, recoverySnapshotID: recoverySnapshot?.snapshotID };
      }),
    );
    try {
      const job = await drs.startRecovery({ sourceServers, isDrill: run.isDrill, tags: jobTags(run, wave.name) });
      jobIDs.push(job.jobID ?? '');
      firstCreatedAt ??= job.creationDateTime;
      started += batch.length;
    } catch (error) {
      // Someone else's job took the capacity since we counted: start the rest on a later poll.
      if (error instanceof ServiceQuotaExceededException) break;
      throw error;
    }
  }
  const notStarted = toStart.length - started;
  const startedNow = new Set(toStart.slice(0, started));
  const inJobs = sourceServerIDs.filter((id) => alreadyStarted.has(id) || startedNow.has(id));
  // More of a wave that quotas held back: the servers of the jobs it started before were looked
  // up then, and those with actions are in its state. Only the others cost a ListLaunchActions.
  const previous = continuing ? state.wave : undefined;
  const lookedUp = participantIDs(waveJobs.filter((job) => previous?.jobIDs.includes(job.jobID ?? '')));
  const serversWithActions = settings.waitForPostLaunchActions
    ? [...(previous?.serversWithActions ?? []), ...(await withActiveActions(inJobs.filter((id) => !lookedUp.has(id)), drs))]
    : [];
  if (continuing && state.wave !== undefined) {
    return { ...state.wave, jobIDs, notStarted, serverCount: sourceServerIDs.length, serversWithActions };
  }
  return {
    index,
    name: wave.name,
    isLast: index === run.waves.length - 1,
    snapshot: settings.snapshot,
    failureBudget: settings.failureBudget,
    timeoutSeconds: settings.timeoutMinutes * 60,
    waitForPostLaunchActions: settings.waitForPostLaunchActions,
    pauseAfterSeconds: Math.round(settings.pauseAfterMinutes * 60),
    // DRS's own clock, so the wave's times agree with its job log.
    startedAt: firstCreatedAt ?? run.startedAt,
    serverCount: sourceServerIDs.length,
    notStarted,
    jobIDs,
    pollSeconds: POLL.minSeconds,
    waitedSeconds: 0,
    progressSignature: '',
    launched: 0,
    failed: 0,
    launchDone: false,
    postLaunchActionsDone: false,
    actionsSucceeded: 0,
    actionsFailed: 0,
    actionsPending: 0,
    serversWithActions,
    failedServers: [],
    warnings: [],
  };
}

/**
 * The order of a wave's servers in its sighting arrays: jobs in `jobIDs` order (a wave held back
 * by quotas appends jobs, so earlier indexes never move), each job's servers sorted by ID (DRS
 * promises no order of participatingServers).
 */
export function sightingOrder(jobs: readonly Job[], jobIDs: readonly string[]): string[] {
  const byID = new Map(jobs.map((job) => [job.jobID ?? '', job]));
  return jobIDs.flatMap((jobID) => (byID.get(jobID)?.participatingServers ?? []).map((server) => server.sourceServerID ?? '?').sort());
}

const LAUNCH_ENDED = new Set(['LAUNCHED', 'FAILED', 'TERMINATED']);

/**
 * Records, at this poll, which servers the workflow sees launched (or failed) and ready for the
 * first time. A server waiting for post-launch actions is ready once DRS lists runs for it and
 * every run SUCCEEDED or FAILED (a failed required action makes it failed, not ready: the report
 * tells them apart from the runs).
 */
function recordSightings(wave: WaveState, jobs: readonly Job[], waitedSeconds: number): Pick<WaveState, 'launchSeenSeconds' | 'readySeenSeconds'> {
  const participants = new Map(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => [server.sourceServerID ?? '?', server] as const)));
  const order = sightingOrder(jobs, wave.jobIDs);
  const expectingRuns = new Set(wave.serversWithActions);
  const launchSeen = order.map((_id, index) => wave.launchSeenSeconds?.[index] ?? null);
  const readySeen = order.map((_id, index) => wave.readySeenSeconds?.[index] ?? null);
  order.forEach((id, index) => {
    const server = participants.get(id);
    if (server === undefined || !LAUNCH_ENDED.has(server.launchStatus ?? '')) return;
    launchSeen[index] ??= waitedSeconds;
    if (server.launchStatus !== 'LAUNCHED') return;
    const runs = server.launchActionsStatus?.runs ?? [];
    const actionsDone = !expectingRuns.has(id) || (runs.length > 0 && runs.every((actionRun) => actionRun.status === 'SUCCEEDED' || actionRun.status === 'FAILED'));
    if (actionsDone) readySeen[index] ??= waitedSeconds;
  });
  return { launchSeenSeconds: launchSeen, readySeenSeconds: readySeen };
}

interface LaunchCount {
  launched: number;
  inFlight: number;
  failedServers: ServerProblem[];
}

function countLaunch(jobs: readonly Job[]): LaunchCount {
  const count: LaunchCount = { launched: 0, inFlight: 0, failedServers: [] };
  for (const job of jobs) {
    for (const server of job.participatingServers ?? []) {
      if (server.launchStatus === 'LAUNCHED') count.launched += 1;
      else if (server.launchStatus === 'FAILED' || server.launchStatus === 'TERMINATED') {
        count.failedServers.push({ sourceServerID: server.sourceServerID ?? '?', reason: `launch ${server.launchStatus} (job ${job.jobID})` });
      } else count.inFlight += 1;
    }
  }
  return count;
}

/** Names the failed servers (with hostnames: one DescribeSourceServers, only when failing). */
async function failureMessage(wave: WaveState, problems: readonly ServerProblem[], drs: DrsPort): Promise<string> {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const servers = await drs.listSourceServers({ sourceServerIDs: listed.map((problem) => problem.sourceServerID) });
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  const lines = listed.map((problem) => `${describeServer(problem.sourceServerID, hostnames)}: ${problem.reason}`);
  const more = problems.length > listed.length ? `; and ${problems.length - listed.length} more` : '';
  return `wave "${wave.name}": ${problems.length} of ${wave.serverCount} server(s) failed, failure budget ${wave.failureBudget}: ${lines.join('; ')}${more}`;
}

function checkTimeout(wave: WaveState, pendingIDs: readonly string[], what: string): void {
  if (wave.waitedSeconds < wave.timeoutSeconds) return;
  const listed = pendingIDs.slice(0, MAX_LISTED_PROBLEMS).join(', ');
  throw new WaveTimedOutError(
    `wave "${wave.name}" timed out after ${Math.round(wave.waitedSeconds / 60)} minutes (timeout ${wave.timeoutSeconds / 60}): ${pendingIDs.length} of ${wave.serverCount} server(s) ${what}: ${listed}`,
  );
}

/**
 * The wait before the first post-launch action poll. The actions of the servers launched last
 * have only just begun: poll briskly. When no server of the wave has actions there is nothing
 * to wait for: a full poll interval here would be pure hand-off delay on every such wave
 * (bench/overhead.ts measured it: 2.5-4.4% of the critical path, over the 2% target).
 */
function postLaunchFirstPollSeconds(wave: WaveState): number {
  return wave.serversWithActions.length === 0 ? 0 : POLL.minSeconds;
}

/**
 * One poll of the wave's launch: a single DescribeJobs over its jobs, whatever its size. Fails
 * the wave as soon as its failures exceed the budget (a drill then cleans up at once).
 */
export async function checkLaunch(wave: WaveState, drs: DrsPort): Promise<WaveState> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const count = countLaunch(jobs);
  const waitedSeconds = wave.waitedSeconds + wave.pollSeconds;
  const signature = `${count.launched}/${count.failedServers.length}/${count.inFlight}/${wave.notStarted}`;
  const launchDone = wave.notStarted === 0 && count.inFlight === 0;
  const next: WaveState = {
    ...wave,
    waitedSeconds,
    launched: count.launched,
    failed: count.failedServers.length,
    failedServers: count.failedServers.slice(0, MAX_LISTED_PROBLEMS),
    launchDone,
    ...recordSightings(wave, jobs, waitedSeconds),
    progressSignature: launchDone ? '' : signature,
    pollSeconds: launchDone ? postLaunchFirstPollSeconds(wave) : nextPollSeconds(wave.pollSeconds, signature !== wave.progressSignature),
  };
  if (count.failedServers.length > wave.failureBudget) {
    throw new WaveFailedError(await failureMessage(next, count.failedServers, drs));
  }
  if (!launchDone) {
    const pending = jobs.flatMap((job) =>
      (job.participatingServers ?? [])
        .filter((server) => !['LAUNCHED', 'FAILED', 'TERMINATED'].includes(server.launchStatus ?? ''))
        .map((server) => server.sourceServerID ?? '?'),
    );
    checkTimeout(next, pending, wave.notStarted > 0 ? `not launched (${wave.notStarted} held back by DRS quotas)` : 'not launched');
  }
  return next;
}

/**
 * One poll of the post-launch actions of the wave's launched servers. A server with actions is
 * done when DRS has discovered its SSM agent and every run SUCCEEDED or FAILED. A failed
 * required action fails the server; a failed optional one is a warning.
 */
export async function checkPostLaunchActions(wave: WaveState, drs: DrsPort): Promise<WaveState> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const launchFailures = countLaunch(jobs).failedServers;
  const actionFailures: ServerProblem[] = [];
  const warnings: string[] = [];
  const pendingServers: string[] = [];
  let succeeded = 0;
  let failed = 0;
  let pending = 0;
  const expectingRuns = new Set(wave.serversWithActions);
  for (const job of jobs) {
    for (const server of job.participatingServers ?? []) {
      if (server.launchStatus !== 'LAUNCHED') continue;
      const id = server.sourceServerID ?? '?';
      const status = server.launchActionsStatus;
      const runs = status?.runs ?? [];
      // Runs appear once DRS discovers the instance's SSM agent.
      let serverPending = expectingRuns.has(id) && runs.length === 0;
      for (const actionRun of runs) {
        const name = actionRun.action?.name ?? actionRun.action?.actionId ?? 'unnamed action';
        if (actionRun.status === 'SUCCEEDED') succeeded += 1;
        else if (actionRun.status === 'FAILED') {
          failed += 1;
          const reason = `post-launch action "${name}" FAILED${actionRun.failureReason ? `: ${actionRun.failureReason}` : ''}`;
          if (actionRun.action?.optional === true) warnings.push(`${id}: optional ${reason}`);
          else actionFailures.push({ sourceServerID: id, reason });
        } else {
          pending += 1;
          serverPending = true;
        }
      }
      if (serverPending) pendingServers.push(id);
    }
  }
  // A server with several failed required actions fails once.
  const failedByServer = new Map<string, ServerProblem>();
  for (const problem of [...launchFailures, ...actionFailures]) {
    if (!failedByServer.has(problem.sourceServerID)) failedByServer.set(problem.sourceServerID, problem);
  }
  const failedServers = [...failedByServer.values()];
  const waitedSeconds = wave.waitedSeconds + wave.pollSeconds;
  const signature = `${succeeded}/${failed}/${pending}/${pendingServers.length}`;
  const next: WaveState = {
    ...wave,
    waitedSeconds,
    actionsSucceeded: succeeded,
    actionsFailed: failed,
    actionsPending: pending,
    failed: failedServers.length,
    failedServers: failedServers.slice(0, MAX_LISTED_PROBLEMS),
    warnings: warnings.slice(0, MAX_LISTED_PROBLEMS),
    postLaunchActionsDone: pendingServers.length === 0,
    ...recordSightings(wave, jobs, waitedSeconds),
    progressSignature: signature,
    pollSeconds: nextPollSeconds(wave.pollSeconds, signature !== wave.progressSignature),
  };
  if (failedServers.length > wave.failureBudget) {
    throw new WaveFailedError(await failureMessage(next, failedServers, drs));
  }
  if (!next.postLaunchActionsDone) {
    checkTimeout(next, pendingServers, 'still running post-launch actions (or their SSM agent was not discovered)');
  }
  return next;
}

/** Applies the failure budget one last time and records the finished wave. */
export async function completeWave(state: RunState, drs: DrsPort): Promise<CompletedWave[]> {
  const wave = state.wave;
  if (wave === undefined) throw new Error('CompleteWave needs $.wave');
  if (wave.failed > wave.failureBudget) throw new WaveFailedError(await failureMessage(wave, wave.failedServers, drs));
  const summary: CompletedWave = {
    name: wave.name,
    status: wave.failed > 0 ? 'SUCCEEDED_WITH_FAILURES' : 'SUCCEEDED',
    serverCount: wave.serverCount,
    launched: wave.launched,
    failed: wave.failed,
    jobIDs: wave.jobIDs,
    startedAt: wave.startedAt,
    warnings: wave.warnings,
    waitedSeconds: wave.waitedSeconds,
    launchSeenSeconds: wave.launchSeenSeconds,
    readySeenSeconds: wave.readySeenSeconds,
  };
  return [...(state.completed ?? []), summary];
}
