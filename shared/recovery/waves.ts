// A recovery wave: a loop of the wave engine. Start it within DRS's quotas, watch its launch and
// its post-launch actions, and decide whether it passed its failure budget.
import { WaveFailedError, WaveTimedOutError } from '#shared/errors.ts';
import { activeJobsSince, isActiveJob, jobsListedSince, newestFirst, sourceServerIDsIn } from '#shared/drs/jobs.ts';
import type { DrsPort, Job, SourceServer } from '#shared/drs/port.ts';
import { scopeOfPort, spansScopes } from '#shared/drs/fleet.ts';
import { isJobOfRun, jobTags } from '#shared/drs/run-ref.ts';
import { countLaunch, launchOutcome, type LaunchCount } from '#shared/engine/launch.ts';
import { firstPoll, nextPoll, POLL } from '#shared/engine/polling.ts';
import { actionsSeen, resolveActionWaits, tallyPostLaunchActions } from '#shared/engine/post-launch.ts';
import { readBack, roomToStart, startRound, type JobLoop } from '#shared/engine/start.ts';
import { MAX_LISTED_PROBLEMS, type ServerProblem } from '#shared/engine/state.ts';
import { describeProblems, isPastTimeout, oncePerServer, timeoutPhrase } from '#shared/engine/verdict.ts';
import { roomFreesUnheard } from '#shared/handoff/launch-wait.ts';
import type { WaveServers } from '#shared/lock/wave-servers.ts';
import type { WaveSightings } from '#shared/lock/wave-sightings.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { resolveWaveSettings } from '#shared/plan/settings.ts';
import { counted, plural } from '#shared/words.ts';
import { snapshotTimeFor } from './preflight.ts';
import { chosenServerIDs, type PlacedSelector, placedSelectors } from './servers.ts';
import { recordSightings, sightingOrder, type Readiness } from './sightings.ts';
import { decodeFlags, decodeSightings, encodeFlags } from './sightings-codec.ts';
import type { CompletedWave, Run, RunState, WaveState } from './state.ts';
import { keptUntil, storeSightings } from './stored-sightings.ts';

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
export async function startWave(state: RunState, plan: Plan, drs: DrsPort, store: WaveServers): Promise<WaveStart> {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const waveName = run.waves[index];
  const wave = plan.waves.find((candidate) => candidate.name === waveName);
  if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
  const settings = resolveWaveSettings(plan, wave);
  const previous = state.wave !== undefined && state.wave.index === index ? state.wave : undefined;

  const selectors = placedSelectors(run, plan, index);
  const onlyIDs = selectors.every(({ selector }) => selector.tags === undefined && selector.hostnames === undefined && run.scopes === undefined);
  const loop = recoveryLoop(run, wave.name, snapshotTimeFor(run, settings.snapshot), drs);
  // A later round of a quota-held wave lists from where its last check could (jobsListedSince);
  // the wave's jobs created before that (done launching) come by ID, so that none of its servers
  // is taken for one not started yet.
  const since = (previous?.notStarted ?? 0) > 0 ? previous?.jobsListedSince : undefined;
  const listingJobs = since === undefined ? drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }) : withJobs(drs.listJobs({ fromDate: since }), previous!.jobIDs, drs);
  // Quotas held servers of this wave back: until a job ends somewhere in the accounts it launches
  // into, another round would start nothing, so it need not list the wave's servers (at 10,000
  // servers that listing, every poll, was most of a run's cost: bench/linear.ts).
  if (previous !== undefined && previous.notStarted > 0) {
    const activeJobs = (await listingJobs).filter(isActiveJob);
    if (!roomToStart(activeJobs, previous.heldBackIn ?? [], scopeOfPort(drs))) {
      // Room was seen and is gone again (taken elsewhere): poll at the wave's pace until it frees.
      const { roomFreesUnheard: _roomFreesUnheard, ...waiting } = previous;
      return { wave: waiting, isNew: false };
    }
    // The wave's servers as its first round resolved them: of those not in a job yet, only the ones
    // whose account a multi-account port does not know (a cold container) are read again, by ID.
    const stored = await store.get(run.execution, index);
    if (stored !== undefined) {
      const recentJobs = await listingJobs;
      const started = readBack(loop, recentJobs).items;
      const rest = stored.filter((id) => !started.has(id));
      const unplaced = spansScopes(drs) ? rest.filter((id) => scopeOfPort(drs)?.(id) === undefined) : [];
      if (unplaced.length > 0) await drs.listSourceServers({ sourceServerIDs: unplaced });
      const round = await startRound(loop, stored, recentJobs);
      const { heldBackIn: _heldBackIn, startable: _startable, roomFreesUnheard: _roomFreesUnheard, launchingJobIDs: _launchingJobIDs, ...before } = previous;
      return { wave: { ...before, jobIDs: round.jobIDs, notStarted: round.deferred.length, ...heldBackIn(round.deferred, selectors, drs) }, isNew: false };
    }
  }
  const [servers, recentJobs] = await Promise.all([
    drs.listSourceServers(onlyIDs ? { sourceServerIDs: selectors.flatMap(({ selector }) => selector.ids ?? []) } : undefined),
    listingJobs,
  ]);
  const { launchable, unlaunchable } = waveServers(selectors, servers, scopeOfPort(drs));
  const sourceServerIDs = [...launchable, ...unlaunchable.map((problem) => problem.sourceServerID)].sort();
  const round = await startRound(loop, launchable, recentJobs);
  if (round.deferred.length > 0) await store.put(run.execution, index, launchable, keptUntil(run));
  // Which servers have post-launch actions is learnt from the jobs' runs as the wave goes
  // (checkPostLaunchActions), not looked up here server by server.
  const progress = { jobIDs: round.jobIDs, notStarted: round.deferred.length, serverCount: sourceServerIDs.length, ...heldBackIn(round.deferred, selectors, drs) };
  if (previous !== undefined) {
    // What CheckLaunch found of the quotas before this round no longer holds.
    const { heldBackIn: _heldBackIn, startable: _startable, launchingJobIDs: _launchingJobIDs, ...rest } = previous;
    return { wave: { ...rest, ...progress }, isNew: false };
  }
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

/** A listing, with the jobs of `jobIDs` it does not hold read by ID; newest first, as DescribeJobs lists. */
async function withJobs(listing: Promise<Job[]>, jobIDs: readonly string[], drs: DrsPort): Promise<Job[]> {
  const listed = await listing;
  const have = new Set(listed.map((job) => job.jobID));
  const missing = jobIDs.filter((jobID) => !have.has(jobID));
  if (missing.length === 0) return listed;
  return [...listed, ...(await drs.listJobs({ jobIDs: missing }))].sort(newestFirst);
}

/** Multi-account: the scopes the held-back servers launch in, for CheckLaunch's look for room. */
function heldBackIn(deferred: readonly string[], selectors: readonly PlacedSelector[], drs: DrsPort): Pick<WaveState, 'heldBackIn'> {
  const scopeOf = scopeOfPort(drs);
  if (deferred.length === 0 || scopeOf === undefined || selectors.some(({ scope }) => scope === undefined)) return {};
  return { heldBackIn: [...new Set(deferred.map((id) => scopeOf(id) ?? ''))].sort() };
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
  return `wave "${wave.name}": ${wave.failed} of ${counted(wave.serverCount, 'server')} failed, failure budget ${wave.failureBudget}: ${await describeProblems(problems, drs)}`;
}

function checkTimeout(wave: WaveState, pendingIDs: readonly string[], what: string): void {
  if (!isPastTimeout(wave, wave.timeoutSeconds)) return;
  const listed = pendingIDs.slice(0, MAX_LISTED_PROBLEMS).join(', ');
  throw new WaveTimedOutError(`wave "${wave.name}" timed out ${timeoutPhrase(wave.waitedSeconds, wave.timeoutSeconds)}: ${pendingIDs.length} of ${counted(wave.serverCount, 'server')} ${what}: ${listed}`);
}

/**
 * A launched server's readiness from what DescribeJobs shows (actionsSeen): ready at its launch
 * when it has no action to wait for, ready now when its runs have just ended, not yet otherwise.
 * A wave that does not wait for post-launch actions has every launched server ready at launch.
 */
function readinessOf(wave: WaveState, expecting: readonly boolean[]): Readiness {
  if (!wave.waitForPostLaunchActions) return () => 'atLaunch';
  return (server, index) => {
    if (actionsSeen(server, expecting[index] === true) !== 'finished') return false;
    return (server.launchActionsStatus?.runs ?? []).length > 0 ? 'now' : 'atLaunch';
  };
}

/**
 * The wait before the first post-launch action poll. The actions of the servers launched last
 * have only just begun: poll briskly. When no server of the wave shows runs in progress there may
 * be nothing to wait for: a full poll interval here would be pure hand-off delay on every such
 * wave (bench/overhead.ts measured it: 2.5-4.4% of the critical path, over the 2% target).
 */
function postLaunchFirstPollSeconds(wave: WaveState, jobs: readonly Job[]): number {
  if (!wave.waitForPostLaunchActions) return 0;
  const order = sightingOrder(jobs, wave.jobIDs);
  const expecting = decodeFlags(wave.expectingRuns, order.length);
  const index = new Map(order.map((id, at) => [id, at]));
  const running = jobs.some((job) =>
    (job.participatingServers ?? []).some((server) => server.launchStatus === 'LAUNCHED' && actionsSeen(server, expecting[index.get(server.sourceServerID ?? '') ?? -1] === true) === 'running'),
  );
  return running ? POLL.minSeconds : 0;
}

/**
 * What the launch poll counts as progress (the interval goes back to its minimum on a change).
 * While quotas hold servers back, progress is what may make room for them: one of the wave's jobs
 * done launching (DRS ends it soon after), a failure, fewer held back. Each server's launch is
 * not: at 10,000 servers, resetting the interval at every launch kept the wave re-entering
 * StartWave every 15 s for hours (bench/linear.ts: 379 rounds). Otherwise every count.
 */
function launchProgress(wave: WaveState, jobs: readonly Job[], count: LaunchCount): string {
  if (wave.notStarted === 0) return `${count.launched}/${count.failedServers.length}/${count.inFlight.length}/0`;
  const doneLaunching = jobs.filter((job) => (job.participatingServers ?? []).every((server) => launchOutcome(server) !== 'inFlight')).length;
  return `${doneLaunching} jobs/${count.failedServers.length}/${wave.notStarted}`;
}

/**
 * The wave's jobs and, while quotas hold servers back, whether DRS's active jobs now leave room
 * for them (any job ended: the wave's, an earlier wave's, another run's). One DescribeJobs either
 * way: the wave's jobs by ID, or every job since the oldest still active or of the wave
 * (jobsListedSince), which holds them. Only with room does the wave go back to StartWave: a round
 * that could start nothing costs history.
 */
async function launchJobs(wave: WaveState, drs: DrsPort): Promise<{ jobs: Job[]; startable?: boolean; roomFreesUnheard?: boolean; jobsListedSince?: string }> {
  if (wave.notStarted === 0) return { jobs: await drs.listJobs({ jobIDs: wave.jobIDs }) };
  const recent = await drs.listJobs({ fromDate: wave.jobsListedSince ?? activeJobsSince(wave.startedAt) });
  const byID = new Map(recent.map((job) => [job.jobID ?? '', job]));
  // The wave's jobs the listing does not hold: COMPLETED ones from before it (a warm container
  // holds those: drs/adapter.ts), and any only just created, not listed yet: both by ID.
  const unlisted = wave.jobIDs.filter((jobID) => !byID.has(jobID));
  for (const job of unlisted.length === 0 ? [] : await drs.listJobs({ jobIDs: unlisted })) byID.set(job.jobID ?? '', job);
  const jobs = wave.jobIDs.flatMap((jobID) => byID.get(jobID) ?? []);
  const active = recent.filter(isActiveJob);
  const activeUnlisted = unlisted.some((jobID) => byID.get(jobID)?.status !== 'COMPLETED');
  return {
    jobs,
    startable: roomToStart(active, wave.heldBackIn ?? [], scopeOfPort(drs)),
    // An active job of the wave the listing missed: what holds room is not all seen, so it may free unheard.
    roomFreesUnheard: activeUnlisted || roomFreesUnheard(active, wave.jobIDs),
    // The next listing starts at the oldest job still active or of the wave still launching: the
    // wave's jobs done launching come by ID, the COMPLETED ones from the container's memory.
    jobsListedSince: jobsListedSince(active, jobs.filter((job) => (job.participatingServers ?? []).some((server) => launchOutcome(server) === 'inFlight')), recent),
  };
}

/** The jobs with a server still launching: the only ones whose launch results can still change. */
function launchingJobsOf(jobs: readonly Job[]): string[] {
  return jobs.flatMap((job) => ((job.participatingServers ?? []).some((server) => launchOutcome(server) === 'inFlight') && job.jobID !== undefined ? [job.jobID] : []));
}

/**
 * One poll of the wave's launch: a single DescribeJobs over its jobs, whatever its size. Fails
 * the wave as soon as its failures exceed the budget (a drill then cleans up at once).
 * `waitedSeconds`: how long the wave has been waiting (its wait before this poll ends on an event
 * or its fallback, not after one poll interval); default, as a Wait of `pollSeconds` would say.
 */
export async function checkLaunch(wave: WaveState, drs: DrsPort, waitedSeconds?: number): Promise<WaveState> {
  const { jobs, startable, roomFreesUnheard: unheard, jobsListedSince: listedSince } = await launchJobs(wave, drs);
  const count = countLaunch(jobs);
  count.failedServers = [...(wave.unlaunchable ?? []), ...count.failedServers];
  const poll = nextPoll(wave, launchProgress(wave, jobs, count), waitedSeconds);
  const launchDone = wave.notStarted === 0 && count.inFlight.length === 0;
  const next: WaveState = {
    ...wave,
    ...poll,
    launched: count.launched,
    failed: count.failedServers.length + unlistedUnlaunchable(wave),
    failedServers: count.failedServers.slice(0, MAX_LISTED_PROBLEMS),
    launchDone,
    startable,
    roomFreesUnheard: unheard,
    jobsListedSince: listedSince,
    launchingJobIDs: launchingJobsOf(jobs),
    ...recordSightings(wave, jobs, poll.waitedSeconds, readinessOf(wave, decodeFlags(wave.expectingRuns, sightingOrder(jobs, wave.jobIDs).length))),
    ...(launchDone ? { progressSignature: '', pollSeconds: postLaunchFirstPollSeconds(wave, jobs) } : {}),
  };
  if (startable === undefined) delete next.startable;
  if (unheard === undefined) delete next.roomFreesUnheard;
  if (listedSince === undefined) delete next.jobsListedSince;
  if (launchDone) delete next.launchingJobIDs;
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
 *
 * DescribeJobs tells most servers apart (actionsSeen): runs decide, and a discovered agent with
 * no run means no active action. Only a launched server whose agent DRS has not discovered yet
 * is looked up (ListLaunchActions, GetLaunchConfiguration), and only once nothing else of the
 * wave is pending, or once its agent is overdue: by then most agents are discovered, so most
 * servers cost no call of their own. The look-up's answer stays in the state: a server without
 * actions is ready from its launch (its sighting), one with actions is flagged (expectingRuns).
 */
export async function checkPostLaunchActions(wave: WaveState, drs: DrsPort, waitedSeconds = wave.waitedSeconds + wave.pollSeconds): Promise<WaveState> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const resolved = await resolveUnknownActions(wave, jobs, drs, waitedSeconds);
  const expectingIDs = new Set(resolved.order.filter((_id, index) => resolved.expecting[index] || resolved.unresolved.has(index)));
  const tally = tallyPostLaunchActions(jobs, expectingIDs);
  const poll = nextPoll(wave, `${tally.succeeded}/${tally.failed}/${tally.pending}/${tally.pendingServers.length}`, waitedSeconds);
  const readiness = readinessOf(wave, resolved.expecting);
  const sightings = recordSightings(wave, jobs, poll.waitedSeconds, (server, index) => (resolved.noActions.has(index) ? 'atLaunch' : readiness(server, index)));
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
    expectingRuns: encodeFlags(resolved.expecting),
    postLaunchDisabled: resolved.postLaunchDisabled,
  };
  if (next.expectingRuns === '') delete next.expectingRuns;
  if (next.postLaunchDisabled === undefined) delete next.postLaunchDisabled;
  if (next.failed > wave.failureBudget) {
    throw new WaveFailedError(await failureMessage(next, failedServers, drs));
  }
  if (!next.postLaunchActionsDone) {
    checkTimeout(next, pendingServers, 'still running post-launch actions (or their SSM agent was not discovered)');
  }
  return next;
}

interface ResolvedActions {
  /** The wave's servers in sighting order, and per server whether the wave waits for its runs. */
  order: string[];
  expecting: boolean[];
  /** Indexes (sighting order) of servers the look-ups found without actions to wait for. */
  noActions: Set<number>;
  /** Indexes of launched servers whose actions are still unknown (not looked up yet). */
  unresolved: Set<number>;
  postLaunchDisabled: WaveState['postLaunchDisabled'];
}

/** The look-ups checkPostLaunchActions makes this poll, and what the wave knows after them. */
async function resolveUnknownActions(wave: WaveState, jobs: readonly Job[], drs: DrsPort, waitedSeconds: number): Promise<ResolvedActions> {
  const order = sightingOrder(jobs, wave.jobIDs);
  const expecting = decodeFlags(wave.expectingRuns, order.length);
  const resolved: ResolvedActions = { order, expecting, noActions: new Set(), unresolved: new Set(), postLaunchDisabled: wave.postLaunchDisabled };
  if (!wave.waitForPostLaunchActions) return resolved;
  const participants = new Map(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => [server.sourceServerID ?? '?', server] as const)));
  const before = decodeSightings(wave.sightings);
  let running = false;
  const unknown: number[] = [];
  order.forEach((id, index) => {
    const server = participants.get(id);
    if (server?.launchStatus !== 'LAUNCHED' || (before.ready[index] ?? null) !== null) return;
    const seen = actionsSeen(server, expecting[index] === true);
    if (seen === 'running') running = true;
    else if (seen === 'unknown') unknown.push(index);
  });
  // While other servers keep the wave waiting, an agent may still be discovered: look up only
  // the servers whose agent is overdue (they fail by name if they have actions).
  const timeout = wave.ssmAgentTimeoutSeconds ?? 0;
  const due = running ? unknown.filter((index) => waitedSeconds - (before.launch[index] ?? waitedSeconds) >= timeout) : unknown;
  const dueSet = new Set(due);
  for (const index of unknown) if (!dueSet.has(index)) resolved.unresolved.add(index);
  if (due.length === 0) return resolved;
  const waits = await resolveActionWaits(due.map((index) => order[index]!), drs);
  const indexOf = new Map(due.map((index) => [order[index]!, index]));
  for (const id of waits.waitFor) expecting[indexOf.get(id)!] = true;
  for (const id of [...waits.noActions, ...waits.postLaunchDisabled]) resolved.noActions.add(indexOf.get(id)!);
  if (waits.postLaunchDisabled.length > 0) {
    const previous = wave.postLaunchDisabled;
    resolved.postLaunchDisabled = {
      count: (previous?.count ?? 0) + waits.postLaunchDisabled.length,
      servers: [...(previous?.servers ?? []), ...waits.postLaunchDisabled].slice(0, MAX_LISTED_PROBLEMS),
    };
  }
  return resolved;
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
    `${counted(disabled.count, 'server')} ${plural(disabled.count, 'has', 'have')} post-launch actions but ${plural(disabled.count, 'its', 'their')} launch configuration disables them (postLaunchEnabled false): DRS runs none, not waited for: ${disabled.servers.join(', ')}${more}`,
  ];
}

/**
 * Applies the failure budget one last time and records the finished wave. Its sightings leave the
 * state for the store (the report reads them back: withStoredSightings), so the state stays the
 * same size whatever the number of servers.
 */
export async function completeWave(state: RunState, drs: DrsPort, store: WaveSightings): Promise<CompletedWave[]> {
  const wave = state.wave;
  if (wave === undefined) throw new Error('CompleteWave needs $.wave');
  if (wave.failed > wave.failureBudget) throw new WaveFailedError(await failureMessage(wave, wave.failedServers, drs));
  await storeSightings(state.run, wave, store);
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
    ...(wave.pauseAfterSeconds > 0 && !wave.isLast ? { pauseAfterSeconds: wave.pauseAfterSeconds } : {}),
    ...(state.next?.gate === undefined ? {} : { gate: { ...state.next.gate, ...(state.next.approval === undefined ? {} : { reasons: state.next.approval.reasons }) } }),
    ...(state.next?.results === undefined || state.next.results.length === 0 ? {} : { actions: state.next.results }),
  };
  return [...(state.completed ?? []), summary];
}
