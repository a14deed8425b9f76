// The run report: what happened to every server, read back from DRS after the run (the workflow
// state is compact by design), measured into phases, RTO and RPO, plus the run's outcome and its
// clean-up counts. Version 2 extends version 1: every v1 field keeps its name and meaning.
import { scopeOfPort } from '#shared/drs/fleet.ts';
import { chunk } from '#shared/drs/limits.ts';
import type { DrsPort, Job, JobLog } from '#shared/drs/port.ts';
import { activeJobsSince, recoveryInstanceIDsIn } from '#shared/drs/jobs.ts';
import { isJobOfRun, TAG } from '#shared/drs/run-ref.ts';
import { hostnameOf } from '#shared/drs/servers.ts';
import { failureMessage, listForPeople, type ServerProblem } from '#shared/engine/state.ts';
import { NETWORK_JOB_WAVE } from '#shared/network/recovery.ts';
import { networksOfRun } from '#shared/network/removal.ts';
import type { KeptBecause, NetworkStackOutcome } from '#shared/network/state.ts';
import { sightingOrder } from '#shared/recovery/sightings.ts';
import { decodeSightings } from '#shared/recovery/sightings-codec.ts';
import type { Cleanup, CompletedWave, RunState, WaveState } from '#shared/recovery/state.ts';
import { APPROVAL_REJECTED, APPROVAL_TIMED_OUT } from '#shared/approval/request.ts';
import { counted, plural } from '#shared/words.ts';
import { Decision, type ActionResult, type WaveFront } from '#shared/recovery/front.ts';
import { addSeconds, groupRto, measureServer, worstRpo, type ServerMeasurement, type TargetResult } from './measure.ts';

/** 1: outcome, waves, servers, clean-up. 2: adds phases, RTO and RPO (server, wave, plan), failures. */
export const REPORT_VERSION = 2;

export interface PostLaunchActionResult {
  name: string;
  optional: boolean;
  status: string;
  failureReason?: string;
  /**
   * v2. DRS's action runs carry no timestamps: the run had finished by this time, when the
   * workflow's poll saw every run of the server finished (an upper bound).
   */
  finishedBy?: string;
}

/**
 * One server in the report: what DRS says of it, and (v2) what was measured: `phases`,
 * `recoveryPoint`, `dataTimestamp`, `rpoSeconds`, `launchedAt`, `readyAt`, `rtoSeconds`, and
 * `rawError`, DRS's own words when it failed (see ServerMeasurement).
 */
export interface ServerResult extends ServerMeasurement {
  sourceServerID: string;
  hostname?: string;
  /** v2, multi-account runs: the account the server was recovered in (alias and ID), and its Region. */
  account?: string;
  accountId?: string;
  region?: string;
  jobID: string;
  launchStatus: string;
  recoveryInstanceID?: string;
  postLaunchActions: PostLaunchActionResult[];
}

export interface WaveResult {
  name: string;
  status: 'SUCCEEDED' | 'SUCCEEDED_WITH_FAILURES' | 'FAILED' | 'NOT_STARTED';
  startedAt?: string;
  servers: ServerResult[];
  warnings: string[];
  /** v2: the last of its servers ready; only when the wave completed. */
  readyAt?: string;
  /** v2: run start → the wave ready, against the plan's RTO target. */
  rto: TargetResult;
  /** v2 (added with approval gates): the wave's gate, when it had one: who decided, when, how long it waited. */
  gate?: GateResult;
  /** v2 (added with action steps): the wave's actions before and after it, as they ended. */
  actions?: ActionResult[];
  /** The pause after it (pauseAfterMinutes): from the next wave's start back by its length. */
  pause?: { startedAt: string; endedAt: string };
}

/** An approval gate as the report shows it. REJECTED: a person said no; NOT_APPROVED: nobody decided in time; WAITING: the run stopped while it waited. */
export interface GateResult {
  decision: 'APPROVED' | 'REJECTED' | 'NOT_APPROVED' | 'WAITING';
  reasons: string[];
  approver?: string;
  comment?: string;
  requestedAt?: string;
  decidedAt?: string;
  /** Asked → decided: the time the gate added to the run's RTO. */
  waitedSeconds?: number;
}

/** v2: a server that failed, or a post-launch action that did, in DRS's words. */
export interface ServerFailure {
  wave: string;
  sourceServerID: string;
  hostname?: string;
  /**
   * `SSM agent`: DRS never discovered the instance's SSM agent, so it ran no post-launch action.
   * `extension`: DRS could not extend the server from its staging account (EXTENSION_ERROR).
   */
  what: 'launch' | 'post-launch action' | 'SSM agent' | 'extension';
  /** The post-launch action's name. */
  action?: string;
  /** An optional action's failure is a warning, not a failed server. */
  optional: boolean;
  error: string;
}

export interface RunReport {
  reportVersion: number;
  /**
   * ABORTED, TIMED_OUT: the execution was stopped from outside; its report came from the clean-up
   * after it. REJECTED: a person rejected a wave at its approval gate; NOT_APPROVED: a gate got no
   * decision in time. Either way nothing of that wave was started (a drill still cleaned up).
   */
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'REJECTED' | 'NOT_APPROVED';
  /** The error name that stopped the run (Step Functions' Error), when it failed. */
  error?: string;
  /** Why it failed, naming the wave, the servers and the reason. */
  cause?: string;
  plan: string;
  mode: 'drill' | 'recovery';
  execution: string;
  startedAt: string;
  reason?: string;
  trigger?: { source: string; id?: string };
  targets: { rtoMinutes: number; rpoMinutes: number };
  /** The plan's version: 12 hex digits of the SHA-256 of the plan the run read (equal: the same plan). */
  planVersion?: string;
  /**
   * A partial run (the input picked some of the plan's waves): the waves it left out. Its RTO is
   * that of the waves run, not the plan's: it is shown as such and kept out of the RTO trend.
   */
  partial?: { skippedWaves: string[] };
  /** v2: run start → the last server of the last wave ready; achieved only when every wave completed. */
  rto: TargetResult & { readyAt?: string };
  /** v2: the worst server RPO, against the target; `server` names it. */
  rpo: TargetResult & { server?: string };
  /** v2: the source networks (VPCs) recovered before the first wave, as DRS's jobs report them. */
  sourceNetworks: Array<{ sourceNetworkID: string; jobID: string; launchStatus: string }>;
  /**
   * v2 (added with drill network removal): what became of each recovered network's CloudFormation
   * stack: `removed` (the drill deleted it), `kept` (`keptBecause`: recovery, keepAfterDrill,
   * existedBeforeDrill, skipCleanup, instancesLeft), `failed` (`error`: CloudFormation's reason, or
   * why removal stopped), `notFound` (no stack of that name: never created, or already gone).
   */
  networkStacks: NetworkStackResult[];
  waves: WaveResult[];
  cleanup: null | {
    /** When its TERMINATE jobs were created and when the last ended (DRS's clock); absent without jobs, or while one runs. */
    startedAt?: string;
    endedAt?: string;
    /** The drill's instances kept up this long before clean-up, as the input asked (holdMinutes). */
    heldSeconds?: number;
    skipped: boolean;
    instancesLaunched: number;
    instancesTerminated: number;
    instancesLeft: number;
    error?: string;
  };
  warnings: string[];
  /** v2: every failed launch and failed post-launch action, with DRS's raw error. */
  failures: ServerFailure[];
  /** v2, multi-account runs: per account and Region, its servers and how they fared. */
  accounts?: AccountTotals[];
}

export interface NetworkStackResult {
  sourceNetworkID: string;
  stackName?: string;
  outcome: 'removed' | 'kept' | 'failed' | 'notFound';
  keptBecause?: KeptBecause;
  error?: string;
}

/** The report's name for a drill that left network stacks behind, when no step's error says more. */
const NETWORKS_LEFT_ERROR = 'DrillNetworkRemovalIncompleteError';

/**
 * What became of the run's network stacks: RemoveDrillNetworks' findings when it ran, else the
 * reason none ran (a recovery keeps its networks; so does a drill that keeps its instances, or whose
 * instances were not all terminated: they may still be in the network). Stack names from the
 * network jobs' logs.
 */
async function networkStacksOf(state: RunState, networkJobs: readonly Job[], drs: DrsPort): Promise<NetworkStackResult[]> {
  const { run } = state;
  const removalError = state.networkRemovalFailure === undefined ? undefined : failureMessage(state.networkRemovalFailure);
  const settled = (entry: NetworkStackOutcome): NetworkStackResult => {
    const { stackId: _stackId, deleteAttempts: _attempts, ...rest } = entry;
    if (entry.outcome !== 'deleting') return { ...rest, outcome: entry.outcome };
    return { ...rest, outcome: 'failed', error: removalError ?? 'still being deleted when the run ended' };
  };
  if (state.networkRemoval?.discovered === true) return state.networkRemoval.stacks.map(settled);
  if (networkJobs.length === 0) return [];
  const keptBecause: KeptBecause | undefined = !run.isDrill
    ? 'recovery'
    : run.skipCleanup
      ? 'skipCleanup'
      : state.cleanupFailure !== undefined || (state.cleanup?.instancesLeft ?? 0) > 0
        ? 'instancesLeft'
        : undefined;
  return (await networksOfRun(networkJobs, drs)).map(({ sourceNetworkID, stackName }) =>
    keptBecause === undefined
      ? { sourceNetworkID, stackName, outcome: 'failed', error: removalError ?? 'the drill\'s network removal did not run' }
      : { sourceNetworkID, stackName, outcome: 'kept', keptBecause },
  );
}

export interface AccountTotals {
  account: string;
  accountId?: string;
  region: string;
  servers: number;
  launched: number;
  failed: number;
}

/** Job log look-ups at once: one paginated DescribeJobLogItems per job of the run. */
const JOB_LOG_CONCURRENCY = 8;

async function jobLogs(jobs: readonly Job[], drs: DrsPort): Promise<Map<string, JobLog[]>> {
  const logs = new Map<string, JobLog[]>();
  for (const batch of chunk(jobs, JOB_LOG_CONCURRENCY)) {
    const items = await Promise.all(batch.map((job) => drs.listJobLogItems(job.jobID ?? '')));
    batch.forEach((job, index) => logs.set(job.jobID ?? '', items[index]));
  }
  return logs;
}

type Sightings = Pick<CompletedWave | WaveState, 'jobIDs' | 'startedAt' | 'sightings'>;

/** When the workflow saw each server of a wave launched and ready, as times on DRS's clock. */
function sightingTimes(waveJobs: readonly Job[], sightings: Sightings | undefined): Map<string, { launchSeenAt?: string; readySeenAt?: string }> {
  const times = new Map<string, { launchSeenAt?: string; readySeenAt?: string }>();
  if (sightings === undefined) return times;
  const at = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? undefined : addSeconds(sightings.startedAt, seconds));
  const seen = decodeSightings(sightings.sightings);
  sightingOrder(waveJobs, sightings.jobIDs).forEach((id, index) => {
    times.set(id, { launchSeenAt: at(seen.launch[index]), readySeenAt: at(seen.ready[index]) });
  });
  return times;
}

function failuresOf(waves: readonly WaveResult[], judged: ReadonlyMap<string, readonly ServerProblem[]>): ServerFailure[] {
  return waves.flatMap((wave) =>
    wave.servers.flatMap((server) => {
      const who = { wave: wave.name, sourceServerID: server.sourceServerID, hostname: server.hostname };
      const failures: ServerFailure[] = [];
      if (server.launchStatus === 'FAILED' || (server.rawError !== undefined && server.launchStatus !== 'LAUNCHED')) {
        failures.push({ ...who, what: 'launch', optional: false, error: server.rawError ?? `launch ${server.launchStatus}` });
      }
      for (const action of server.postLaunchActions.filter((candidate) => candidate.status === 'FAILED')) {
        failures.push({ ...who, what: 'post-launch action', action: action.name, optional: action.optional, error: action.failureReason ?? 'FAILED' });
      }
      for (const problem of (judged.get(wave.name) ?? []).filter((candidate) => candidate.kind === 'ssm-agent' && candidate.sourceServerID === server.sourceServerID)) {
        failures.push({ ...who, what: 'SSM agent', optional: false, error: problem.reason });
      }
      return failures;
    }),
  ).concat(
    // Never launched, so in no job: the state names them.
    waves.flatMap((wave) =>
      (judged.get(wave.name) ?? [])
        .filter((problem) => problem.kind === 'extension')
        .map((problem): ServerFailure => ({ wave: wave.name, sourceServerID: problem.sourceServerID, what: 'extension', optional: false, error: problem.reason })),
    ),
  );
}

/** `arn:aws:drs:<region>:<account>:source-server/s-…` → its account and Region. */
function placeOfArn(arn: string | undefined): { accountId?: string; region?: string } {
  const [, , , region, accountId] = arn?.split(':') ?? [];
  return { accountId: accountId || undefined, region: region || undefined };
}

/** Per account and Region of a multi-account run: its servers, launched and failed. */
function accountTotals(waves: readonly WaveResult[], failures: readonly ServerFailure[]): AccountTotals[] {
  const totals = new Map<string, AccountTotals>();
  for (const server of waves.flatMap((wave) => wave.servers)) {
    const key = `${server.account}@${server.region}`;
    const total = totals.get(key) ?? { account: server.account ?? '?', accountId: server.accountId, region: server.region ?? '?', servers: 0, launched: 0, failed: 0 };
    total.servers += 1;
    if (server.launchStatus === 'LAUNCHED') total.launched += 1;
    if (failures.some((failure) => failure.sourceServerID === server.sourceServerID && !failure.optional)) total.failed += 1;
    totals.set(key, total);
  }
  return [...totals.values()];
}

/** The servers each wave counted failed, from the state: the completed waves and the one in progress. */
function judgedFailures(state: RunState): Map<string, readonly ServerProblem[]> {
  const judged = new Map<string, readonly ServerProblem[]>((state.completed ?? []).map((wave) => [wave.name, wave.failedServers ?? []]));
  if (state.wave !== undefined && !judged.has(state.wave.name)) judged.set(state.wave.name, state.wave.failedServers);
  return judged;
}

/** Builds the report of a finished run from its state and from DRS. */
/** The drill instances the run's launch jobs launched, and how many of them DRS still lists. */
async function drillInstancesLeft(launchJobs: readonly Job[], drs: DrsPort): Promise<Pick<Cleanup, 'instancesLaunched' | 'instancesTerminated' | 'instancesLeft'>> {
  const launched = new Set(recoveryInstanceIDsIn(launchJobs));
  const listed = launched.size === 0 ? [] : await drs.listRecoveryInstances({ recoveryInstanceIDs: [...launched] });
  const left = listed.filter((instance) => launched.has(instance.recoveryInstanceID ?? '')).length;
  return { instancesLaunched: launched.size, instancesTerminated: launched.size - left, instancesLeft: left };
}

/**
 * When the drill's clean-up ran, by DRS's clock: its TERMINATE jobs' first creation and last end
 * (one DescribeJobs; the jobs carry no run tags, the state keeps their IDs). Empty without jobs.
 */
async function cleanupWindow(jobIDs: readonly string[], drs: DrsPort): Promise<{ startedAt?: string; endedAt?: string }> {
  if (jobIDs.length === 0) return {};
  const jobs = await drs.listJobs({ jobIDs: [...jobIDs] });
  const created = jobs.flatMap((job) => (job.creationDateTime === undefined ? [] : [job.creationDateTime])).sort();
  const ended = jobs.flatMap((job) => (job.endDateTime === undefined ? [] : [job.endDateTime])).sort();
  return { ...(created[0] === undefined ? {} : { startedAt: created[0] }), ...(ended.length === jobs.length && ended.length > 0 ? { endedAt: ended.at(-1) } : {}) };
}

export async function buildReport(state: RunState, drs: DrsPort): Promise<RunReport> {
  const { run } = state;
  // Nothing starts before preflight passes (the state machine's order): a run it stopped has no
  // jobs, and one of its accounts may be out of reach (the reason it stopped).
  const runJobs = state.preflight === undefined && state.wave === undefined && state.completed === undefined && state.stopped === undefined ? [] : (await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) })).filter((job) => isJobOfRun(job, run)).reverse();
  const jobs = runJobs.filter((job) => job.type === 'LAUNCH' && job.tags?.[TAG.wave] !== NETWORK_JOB_WAVE);
  const networkStacks = await networkStacksOf(state, runJobs.filter((job) => job.tags?.[TAG.wave] === NETWORK_JOB_WAVE), drs);
  const sourceNetworks = runJobs
    .filter((job) => job.tags?.[TAG.wave] === NETWORK_JOB_WAVE)
    .flatMap((job) =>
      (job.participatingResources ?? []).map((resource) => ({
        sourceNetworkID: resource.participatingResourceID?.sourceNetworkID ?? '?',
        jobID: job.jobID ?? '?',
        launchStatus: resource.launchStatus ?? 'PENDING',
      })),
    );
  const serverIDs = [...new Set(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => server.sourceServerID ?? '')))];
  const [servers, logs] = await Promise.all([
    serverIDs.length === 0 ? [] : drs.listSourceServers({ sourceServerIDs: serverIDs }),
    jobLogs(jobs, drs),
  ]);
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  // Multi-account runs: each server's account, by the alias its scope has and the ID in its ARN.
  const scopeOf = run.scopes === undefined ? undefined : scopeOfPort(drs);
  const placeOf = new Map(
    servers.map((server) => {
      const id = server.sourceServerID ?? '';
      const alias = scopeOf?.(id)?.split('@')[0];
      return [id, scopeOf === undefined ? {} : { account: alias, ...placeOfArn(server.arn) }] as const;
    }),
  );
  const completed = new Map((state.completed ?? []).map((wave) => [wave.name, wave]));
  const failed = state.failure !== undefined;

  const rtoTargetSeconds = run.targets.rtoMinutes * 60;

  const waves: WaveResult[] = run.waves.map((name) => {
    const waveJobs = jobs.filter((job) => job.tags?.[TAG.wave] === name);
    const done = completed.get(name);
    const status: WaveResult['status'] = done?.status ?? (waveJobs.length > 0 || state.wave?.name === name ? 'FAILED' : 'NOT_STARTED');
    const seen = sightingTimes(waveJobs, done ?? (state.wave?.name === name ? state.wave : undefined));
    const servers = waveJobs.flatMap((job) => {
      const log = logs.get(job.jobID ?? '') ?? [];
      const jobEndedAt = log.find((item) => item.event === 'JOB_END')?.logDateTime;
      return (job.participatingServers ?? []).map((server): ServerResult => {
        const id = server.sourceServerID ?? '?';
        const runs = server.launchActionsStatus?.runs ?? [];
        const sighting = seen.get(id);
        const measured = measureServer({
          runStartedAt: run.startedAt,
          jobCreatedAt: job.creationDateTime,
          jobEndedAt,
          log: log.filter((item) => item.eventData?.sourceServerID === id),
          launchStatus: server.launchStatus ?? 'PENDING',
          ssmAgentDiscoveredAt: server.launchActionsStatus?.ssmAgentDiscoveryDatetime,
          actionRuns: runs.length,
          requiredActionFailed: runs.some((actionRun) => actionRun.status === 'FAILED' && actionRun.action?.optional !== true),
          launchSeenAt: sighting?.launchSeenAt,
          readySeenAt: sighting?.readySeenAt,
        });
        const finished = (status: string | undefined) => status === 'SUCCEEDED' || status === 'FAILED';
        return {
          sourceServerID: id,
          hostname: hostnames.get(id),
          ...placeOf.get(id),
          jobID: job.jobID ?? '?',
          launchStatus: server.launchStatus ?? 'PENDING',
          recoveryInstanceID: server.recoveryInstanceID,
          rawError: measured.rawError,
          postLaunchActions: runs.map((actionRun) => ({
            name: actionRun.action?.name ?? actionRun.action?.actionId ?? 'unnamed action',
            optional: actionRun.action?.optional === true,
            status: actionRun.status ?? 'UNKNOWN',
            failureReason: actionRun.failureReason,
            finishedBy: finished(actionRun.status) ? sighting?.readySeenAt : undefined,
          })),
          phases: measured.phases,
          recoveryPoint: measured.recoveryPoint,
          dataTimestamp: measured.dataTimestamp,
          rpoSeconds: measured.rpoSeconds,
          launchedAt: measured.launchedAt,
          readyAt: measured.readyAt,
          rtoSeconds: measured.rtoSeconds,
        };
      });
    });
    const { readyAt, ...rto } = groupRto(run.startedAt, servers.map((server) => server.readyAt), done !== undefined, rtoTargetSeconds);
    const front = state.next?.name === name ? state.next : undefined;
    const gate = gateResult(done, front, state.failure);
    const actions = done?.actions ?? (front?.results !== undefined && front.results.length > 0 ? front.results : undefined);
    // The pause starts when the wave is done: its last server ready, or its after-actions' end.
    const doneAt = [readyAt, ...(actions ?? []).filter((action) => action.phase === 'after').map((action) => action.endedAt)].filter((at): at is string => at !== undefined).sort().at(-1);
    const pause = done?.pauseAfterSeconds === undefined || doneAt === undefined ? undefined : { startedAt: doneAt, endedAt: new Date(Date.parse(doneAt) + done.pauseAfterSeconds * 1000).toISOString() };
    return {
      name,
      status: failed && status !== 'NOT_STARTED' && done === undefined ? 'FAILED' : status,
      ...(gate === undefined ? {} : { gate }),
      ...(actions === undefined ? {} : { actions }),
      ...(pause === undefined ? {} : { pause }),
      startedAt: waveJobs[0]?.creationDateTime,
      warnings: done?.warnings ?? (state.wave?.name === name ? state.wave.warnings : []),
      servers,
      readyAt,
      rto,
    };
  });
  const allServers = waves.flatMap((wave) => wave.servers);
  const planRto = groupRto(run.startedAt, waves.map((wave) => wave.readyAt), waves.every((wave) => completed.has(wave.name)), rtoTargetSeconds);
  const rpo = worstRpo(allServers.map((server) => server.rpoSeconds), run.targets.rpoMinutes * 60);
  const worstServer = rpo.achievedSeconds === undefined ? undefined : allServers.find((server) => server.rpoSeconds === rpo.achievedSeconds);

  const failures = failuresOf(waves, judgedFailures(state));
  const cleanupFailed = state.cleanupFailure !== undefined;
  // A clean-up that failed (past its retries, maybe at its first round) left its counts stale or
  // unset: what is left is counted from DRS, never assumed. So is a skipped one's.
  const counts = run.isDrill && (cleanupFailed || run.skipCleanup) ? await drillInstancesLeft(jobs, drs) : state.cleanup;
  const cleanup: RunReport['cleanup'] = !run.isDrill
    ? null
    : {
        skipped: run.skipCleanup,
        instancesLaunched: counts?.instancesLaunched ?? 0,
        instancesTerminated: counts?.instancesTerminated ?? 0,
        instancesLeft: counts?.instancesLeft ?? 0,
        error: cleanupFailed && state.cleanupFailure ? failureMessage(state.cleanupFailure) : undefined,
        ...(await cleanupWindow(state.cleanup?.terminateJobIDs ?? [], drs)),
        ...(run.holdSeconds > 0 ? { heldSeconds: run.holdSeconds } : {}),
      };
  // A drill that left instances or network stacks behind did not succeed, whatever its waves did.
  const leftBehind = run.isDrill && !run.skipCleanup && (cleanupFailed || (counts?.instancesLeft ?? 0) > 0);
  // Kept because instances may still be in them is left behind too: nobody deletes them later.
  const networksLeft = run.isDrill && !run.skipCleanup
    ? networkStacks
        .filter((stack) => stack.outcome === 'failed' || stack.keptBecause === 'instancesLeft')
        .map((stack) => `${stack.stackName ?? '?'} (${stack.sourceNetworkID}): ${stack.error ?? 'not deleted, drill instances may still be in it'}`)
    : [];
  const networksCause = networksLeft.length === 0 ? undefined : `the drill left ${counted(networksLeft.length, 'network stack')}: ${listForPeople(networksLeft)}; delete ${plural(networksLeft.length, 'it', 'them')} in CloudFormation`;
  const refusal = state.failure?.Error === APPROVAL_REJECTED ? 'REJECTED' : state.failure?.Error === APPROVAL_TIMED_OUT ? 'NOT_APPROVED' : undefined;
  // A drill that left something behind failed, whatever stopped it.
  const status = state.stopped ?? (leftBehind || networksLeft.length > 0 ? 'FAILED' : (refusal ?? (failed ? 'FAILED' : 'SUCCEEDED')));
  let error: string | undefined;
  let cause: string | undefined;
  if (state.failure !== undefined) {
    error = state.failure.Error;
    cause = state.failure.Error === APPROVAL_REJECTED ? rejectionCause(state.failure.Cause, state.next) : failureMessage(state.failure);
    if (cleanup?.error !== undefined) cause += `; and the drill clean-up failed: ${cleanup.error}`;
    if (networksCause !== undefined) cause += `; and ${networksCause}`;
  } else if (leftBehind) {
    error = state.cleanupFailure?.Error ?? 'CleanUpIncompleteError';
    cause = cleanup?.error ?? `drill clean-up left ${counted(cleanup?.instancesLeft, 'instance')} running`;
    if (networksCause !== undefined) cause += `; and ${networksCause}`;
  } else if (networksCause !== undefined) {
    error = state.networkRemovalFailure?.Error ?? NETWORKS_LEFT_ERROR;
    cause = networksCause;
  }
  return {
    reportVersion: REPORT_VERSION,
    status,
    error,
    cause,
    plan: run.plan,
    mode: run.mode,
    execution: run.execution,
    startedAt: run.startedAt,
    reason: run.reason,
    trigger: run.trigger,
    targets: run.targets,
    ...(run.planVersion === undefined ? {} : { planVersion: run.planVersion }),
    ...(run.skippedWaves === undefined ? {} : { partial: { skippedWaves: run.skippedWaves } }),
    rto: planRto,
    rpo: { ...rpo, server: worstServer?.sourceServerID },
    sourceNetworks,
    networkStacks,
    waves,
    cleanup,
    warnings: [...(state.preflight?.warnings ?? []), ...waves.flatMap((wave) => wave.warnings)],
    failures,
    ...(run.scopes === undefined ? {} : { accounts: accountTotals(waves, failures) }),
  };
}

/** What the reject command sent (SendTaskFailure's cause), when it parses. */
function decisionOf(cause: string | undefined): Decision | undefined {
  try {
    const parsed = Decision.safeParse(JSON.parse(cause ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `wave "web" was rejected by arn:…:user/alice: "primary is back"`: a rejection in people's words. */
function rejectionCause(cause: string | undefined, front: WaveFront | undefined): string {
  const decision = decisionOf(cause);
  const wave = front === undefined ? 'the next wave' : `wave "${front.name}"`;
  if (decision === undefined) return `${wave} was rejected at its approval gate: ${cause ?? 'no reason given'}`;
  return `${wave} was rejected at its approval gate by ${decision.approver}${decision.comment ? `: "${decision.comment}"` : ''}; nothing of it was started`;
}

const secondsBetween = (from: string | undefined, to: string | undefined) =>
  from === undefined || to === undefined ? undefined : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The wave's gate: approved (from its summary or the front), rejected, not approved in time, or still waiting when the run stopped. */
function gateResult(done: CompletedWave | undefined, front: WaveFront | undefined, failure: RunState['failure']): GateResult | undefined {
  const reasons = done?.gate?.reasons ?? front?.approval?.reasons ?? [];
  const approved = done?.gate ?? front?.gate;
  if (approved !== undefined) {
    const { approver, comment, requestedAt } = approved.decision;
    return { decision: 'APPROVED', reasons, approver, ...(comment ? { comment } : {}), requestedAt, decidedAt: approved.decidedAt, waitedSeconds: secondsBetween(requestedAt, approved.decidedAt) };
  }
  if (front?.approval === undefined || done !== undefined) return undefined;
  if (front.rejected !== undefined) {
    const decision = decisionOf(failure?.Cause);
    return {
      decision: 'REJECTED',
      reasons,
      ...(decision === undefined ? {} : { approver: decision.approver, ...(decision.comment ? { comment: decision.comment } : {}), requestedAt: decision.requestedAt }),
      decidedAt: front.rejected.at,
      waitedSeconds: secondsBetween(decision?.requestedAt, front.rejected.at),
    };
  }
  if (failure?.Error === APPROVAL_TIMED_OUT) return { decision: 'NOT_APPROVED', reasons, waitedSeconds: front.approval.timeoutSeconds };
  return { decision: 'WAITING', reasons };
}
