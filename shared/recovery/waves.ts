// A recovery wave: a loop of the wave engine. Start it within DRS's quotas, watch its launch and
// its post-launch actions, and decide whether it passed its failure budget.
import { WaveFailedError, WaveTimedOutError } from '#shared/errors.ts';
import { activeJobsSince, sourceServerIDsIn } from '#shared/drs/jobs.ts';
import type { DrsPort, Job, SourceServer } from '#shared/drs/port.ts';
import { scopeOfPort } from '#shared/drs/fleet.ts';
import { isJobOfRun, jobTags } from '#shared/drs/run-ref.ts';
import { countLaunch } from '#shared/engine/launch.ts';
import { firstPoll, nextPoll, POLL } from '#shared/engine/polling.ts';
import { serversToWaitFor, tallyPostLaunchActions } from '#shared/engine/post-launch.ts';
import { startRound, type JobLoop } from '#shared/engine/start.ts';
import { MAX_LISTED_PROBLEMS, type ServerProblem } from '#shared/engine/state.ts';
import { describeProblems, isPastTimeout, oncePerServer, timeoutPhrase } from '#shared/engine/verdict.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { resolveWaveSettings } from '#shared/plan/settings.ts';
import { snapshotTimeFor } from './preflight.ts';
import { chosenServerIDs, type PlacedSelector, placedSelectors } from './servers.ts';
import { recordSightings, sightingOrder } from './sightings.ts';
import { decodeSightings } from './sightings-codec.ts';
import type { CompletedWave, Run, RunState, WaveState } from './state.ts';

/** The engine loop of a recovery wave: StartRecovery of its servers, tagged with the run and wave. */
function recoveryLoop(run: Run, waveName: string, snapshot: ReturnType<typeof snapshotTimeFor>, drs: DrsPort): JobLoop {
  return {
    scopeOf: scopeOfPort(drs),
    owns: (job) => isJobOfRun(job, run, waveName),
    itemsOf: (job) => [...sourceServerIDsIn([job])],
    start: async (batch) => {
      const sourceServers = await Promise.all(
        batch.map(async (sourceServerID) => {
          if (!snapshot.pointInTime) return { sourceServerID };
          const recoverySnapshot = await drs.newestSnapshot(sourceServerID, snapshot.atOrBefore);
          return { sourceServerID, recoverySnapshotID: recoverySnapshot?.snapshotID };
        }),
      );
      return drs.startRecovery({ sourceServers, isDrill: run.isDrill, tags: jobTags(run, waveName) });
    },
  };
}

/** A wave StartWave started: new (the previous one completed) or more of the one in progress. */
export interface WaveStart {
  wave: WaveState;
  isNew: boolean;
}

/**
 * Starts the wave that comes next, or more of the wave in progress when quotas held servers back.
 * Idempotent: it reads back the jobs this run already started for the wave (by their tags) and
 * starts only the servers in none of them, so a retried step never launches a server twice.
 */
export async function startWave(state: RunState, plan: Plan, drs: DrsPort): Promise<WaveStart> {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const waveName = run.waves[index];
  const wave = plan.waves.find((candidate) => candidate.name === waveName);
  if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
  const settings = resolveWaveSettings(plan, wave);
  const previous = state.wave !== undefined && state.wave.index === index ? state.wave : undefined;

  const selectors = placedSelectors(run, plan, index);
  const onlyIDs = selectors.every(({ selector }) => selector.tags === undefined && selector.hostnames === undefined && run.scopes === undefined);
  const [servers, recentJobs] = await Promise.all([
    drs.listSourceServers(onlyIDs ? { sourceServerIDs: selectors.flatMap(({ selector }) => selector.ids ?? []) } : undefined),
    drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }),
  ]);
  const { launchable, unlaunchable } = waveServers(selectors, servers, scopeOfPort(drs));
  const sourceServerIDs = [...launchable, ...unlaunchable.map((problem) => problem.sourceServerID)].sort();
  const round = await startRound(recoveryLoop(run, wave.name, snapshotTimeFor(run, settings.snapshot), drs), launchable, recentJobs);
  const startedNow = new Set(round.startedIDs);
  const inJobs = sourceServerIDs.filter((id) => round.alreadyStarted.has(id) || startedNow.has(id));
  // More of a wave that quotas held back: the servers of the jobs it started before were looked
  // up then, and those with actions are in its state. Only the others cost a ListLaunchActions.
  const lookedUp = sourceServerIDsIn(round.previousJobs.filter((job) => previous?.jobIDs.includes(job.jobID ?? '')));
  const waits = settings.waitForPostLaunchActions ? await serversToWaitFor(inJobs.filter((id) => !lookedUp.has(id)), drs) : { waitFor: [], postLaunchDisabled: [] };
  const serversWithActions = [...(previous?.serversWithActions ?? []), ...waits.waitFor];
  const disabledCount = (previous?.postLaunchDisabled?.count ?? 0) + waits.postLaunchDisabled.length;
  const postLaunchDisabled =
    disabledCount === 0 ? undefined : { count: disabledCount, servers: [...(previous?.postLaunchDisabled?.servers ?? []), ...waits.postLaunchDisabled].slice(0, MAX_LISTED_PROBLEMS) };
  const progress = { jobIDs: round.jobIDs, notStarted: round.deferred.length, serverCount: sourceServerIDs.length, serversWithActions, postLaunchDisabled };
  if (previous !== undefined) return { wave: { ...previous, ...progress }, isNew: false };
  return {
    isNew: true,
    wave: {
      index,
      name: wave.name,
      isLast: index === run.waves.length - 1,
      snapshot: settings.snapshot,
      failureBudget: settings.failureBudget,
      timeoutSeconds: settings.timeoutMinutes * 60,
      waitForPostLaunchActions: settings.waitForPostLaunchActions,
      pauseAfterSeconds: Math.round(settings.pauseAfterMinutes * 60),
      ssmAgentTimeoutSeconds: Math.round(settings.ssmAgentTimeoutMinutes * 60),
      // DRS's own clock, so the wave's times agree with its job log.
      startedAt: round.previousJobs[0]?.creationDateTime ?? round.jobs[0]?.creationDateTime ?? run.startedAt,
      ...progress,
      ...firstPoll(),
      launched: 0,
      failed: unlaunchable.length,
      ...(unlaunchable.length > 0 ? { unlaunchable: unlaunchable.slice(0, MAX_LISTED_PROBLEMS), unlaunchableCount: unlaunchable.length } : {}),
      launchDone: false,
      postLaunchActionsDone: false,
      actionsSucceeded: 0,
      actionsFailed: 0,
      actionsPending: 0,
      failedServers: unlaunchable.slice(0, MAX_LISTED_PROBLEMS),
      warnings: [],
    },
  };
}

/**
 * The wave's servers, each selector resolved in its own scope: those to launch, and those DRS
 * could not extend from their staging account (EXTENSION_ERROR), failed before launch with DRS's
 * message, under the wave's budget.
 */
function waveServers(
  selectors: readonly PlacedSelector[],
  servers: readonly SourceServer[],
  scopeOf: ((id: string) => string | undefined) | undefined,
): { launchable: string[]; unlaunchable: ServerProblem[] } {
  const chosen = chosenServerIDs(selectors, servers, scopeOf);
  const byID = new Map(servers.map((server) => [server.sourceServerID, server]));
  const launchable: string[] = [];
  const unlaunchable: ServerProblem[] = [];
  for (const id of chosen) {
    const staging = byID.get(id)?.stagingArea;
    if (staging?.status === 'EXTENSION_ERROR') {
      unlaunchable.push({ sourceServerID: id, kind: 'extension', reason: `extension from staging account ${staging.stagingAccountID ?? '?'} failed: ${staging.errorMessage ?? 'DRS gave no message'}` });
    } else launchable.push(id);
  }
  return { launchable, unlaunchable };
}

/** Servers that failed before launch beyond those the state lists (it keeps MAX_LISTED_PROBLEMS). */
function unlistedUnlaunchable(wave: WaveState): number {
  return (wave.unlaunchableCount ?? 0) - (wave.unlaunchable?.length ?? 0);
}

/** Names the failed servers against the wave's budget. */
async function failureMessage(wave: WaveState, problems: readonly ServerProblem[], drs: DrsPort): Promise<string> {
  return `wave "${wave.name}": ${wave.failed} of ${wave.serverCount} server(s) failed, failure budget ${wave.failureBudget}: ${await describeProblems(problems, drs)}`;
}

function checkTimeout(wave: WaveState, pendingIDs: readonly string[], what: string): void {
  if (!isPastTimeout(wave, wave.timeoutSeconds)) return;
  const listed = pendingIDs.slice(0, MAX_LISTED_PROBLEMS).join(', ');
  throw new WaveTimedOutError(`wave "${wave.name}" timed out ${timeoutPhrase(wave.waitedSeconds, wave.timeoutSeconds)}: ${pendingIDs.length} of ${wave.serverCount} server(s) ${what}: ${listed}`);
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
 * `waitedSeconds`: how long the wave has been waiting (its wait before this poll ends on an event
 * or its fallback, not after one poll interval); default, as a Wait of `pollSeconds` would say.
 */
export async function checkLaunch(wave: WaveState, drs: DrsPort, waitedSeconds?: number): Promise<WaveState> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const count = countLaunch(jobs);
  count.failedServers = [...(wave.unlaunchable ?? []), ...count.failedServers];
  const poll = nextPoll(wave, `${count.launched}/${count.failedServers.length}/${count.inFlight.length}/${wave.notStarted}`, waitedSeconds);
  const launchDone = wave.notStarted === 0 && count.inFlight.length === 0;
  const next: WaveState = {
    ...wave,
    ...poll,
    launched: count.launched,
    failed: count.failedServers.length + unlistedUnlaunchable(wave),
    failedServers: count.failedServers.slice(0, MAX_LISTED_PROBLEMS),
    launchDone,
    ...recordSightings(wave, jobs, poll.waitedSeconds),
    ...(launchDone ? { progressSignature: '', pollSeconds: postLaunchFirstPollSeconds(wave) } : {}),
  };
  if (next.failed > wave.failureBudget) {
    throw new WaveFailedError(await failureMessage(next, count.failedServers, drs));
  }
  if (!launchDone) checkTimeout(next, count.inFlight, wave.notStarted > 0 ? `not launched (${wave.notStarted} held back by DRS quotas)` : 'not launched');
  return next;
}

/**
 * One poll of the post-launch actions of the wave's launched servers. A server with actions is
 * done when DRS has discovered its SSM agent and every run SUCCEEDED or FAILED. A failed
 * required action fails the server; a failed optional one is a warning.
 */
export async function checkPostLaunchActions(wave: WaveState, drs: DrsPort): Promise<WaveState> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const tally = tallyPostLaunchActions(jobs, new Set(wave.serversWithActions));
  const poll = nextPoll(wave, `${tally.succeeded}/${tally.failed}/${tally.pending}/${tally.pendingServers.length}`);
  const sightings = recordSightings(wave, jobs, poll.waitedSeconds);
  const agentMissing = agentNotDiscovered(wave, jobs, tally.awaitingAgent, sightings, poll.waitedSeconds);
  const failedServers = oncePerServer([...(wave.unlaunchable ?? []), ...countLaunch(jobs).failedServers, ...tally.failures, ...agentMissing]);
  const failedIDs = new Set(agentMissing.map((problem) => problem.sourceServerID));
  const pendingServers = tally.pendingServers.filter((id) => !failedIDs.has(id));
  const next: WaveState = {
    ...wave,
    ...poll,
    actionsSucceeded: tally.succeeded,
    actionsFailed: tally.failed,
    actionsPending: tally.pending,
    failed: failedServers.length + unlistedUnlaunchable(wave),
    failedServers: failedServers.slice(0, MAX_LISTED_PROBLEMS),
    warnings: tally.warnings.slice(0, MAX_LISTED_PROBLEMS),
    postLaunchActionsDone: pendingServers.length === 0,
    ...sightings,
  };
  if (next.failed > wave.failureBudget) {
    throw new WaveFailedError(await failureMessage(next, failedServers, drs));
  }
  if (!next.postLaunchActionsDone) {
    checkTimeout(next, pendingServers, 'still running post-launch actions (or their SSM agent was not discovered)');
  }
  return next;
}

/**
 * The servers whose SSM agent DRS has not discovered `ssmAgentTimeoutSeconds` after the workflow
 * saw them launched: DRS runs no post-launch action without the agent (drs-facts), so waiting
 * longer would only wait out the wave's timeout. Each is a named failure under the budget.
 */
function agentNotDiscovered(
  wave: WaveState,
  jobs: readonly Job[],
  awaitingAgent: readonly string[],
  sightings: Pick<WaveState, 'sightings'>,
  waitedSeconds: number,
): ServerProblem[] {
  if (wave.ssmAgentTimeoutSeconds === undefined || awaitingAgent.length === 0) return [];
  const timeout = wave.ssmAgentTimeoutSeconds;
  const order = sightingOrder(jobs, wave.jobIDs);
  const launchSeenAt = decodeSightings(sightings.sightings).launch;
  const launchSeen = new Map(order.map((id, index) => [id, launchSeenAt[index] ?? null]));
  return awaitingAgent
    .filter((id) => {
      const seen = launchSeen.get(id);
      return seen !== null && seen !== undefined && waitedSeconds - seen >= timeout;
    })
    .map((sourceServerID) => ({
      sourceServerID,
      kind: 'ssm-agent' as const,
      reason: `SSM agent not discovered ${Math.round(timeout / 60)} minutes after launch: DRS runs no post-launch action without it (check the instance's SSM agent, its instance profile and its network path to SSM)`,
    }));
}

/** What the report says of servers whose launch configuration disables post-launch actions. */
function postLaunchDisabledWarning(wave: WaveState): string[] {
  const disabled = wave.postLaunchDisabled;
  if (disabled === undefined) return [];
  const more = disabled.count > disabled.servers.length ? ` and ${disabled.count - disabled.servers.length} more` : '';
  return [
    `${disabled.count} server(s) have post-launch actions but their launch configuration disables them (postLaunchEnabled false): DRS runs none, not waited for: ${disabled.servers.join(', ')}${more}`,
  ];
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
    warnings: [...postLaunchDisabledWarning(wave), ...wave.warnings],
    failedServers: wave.failedServers,
    waitedSeconds: wave.waitedSeconds,
    sightings: wave.sightings,
    ...(state.next?.gate === undefined ? {} : { gate: { ...state.next.gate, ...(state.next.approval === undefined ? {} : { reasons: state.next.approval.reasons }) } }),
    ...(state.next?.results === undefined || state.next.results.length === 0 ? {} : { actions: state.next.results }),
  };
  return [...(state.completed ?? []), summary];
}
