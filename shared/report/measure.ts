// Drill evidence from DRS's records: per server the phases of its recovery, when it was launched
// and ready, its achieved RTO and RPO; per wave and per plan the RTO against the target.
// Pure functions over plain data: the report builder gathers the evidence, these measure it.
import type { JobLog } from '#shared/drs/port.ts';

/** One phase of a server's recovery, on DRS's clock. */
export interface Phase {
  start: string;
  end: string;
  seconds: number;
}

/**
 * What ended the launch phase. DRS logs no LAUNCH_END, so a launched server's launch end is the
 * earliest of the upper bounds we hold: the workflow's poll that first saw it LAUNCHED (`poll`),
 * DRS discovering the instance's SSM agent (`ssmAgentDiscovery`: the instance was up by then), or
 * the job's JOB_END. A failed launch has its own log event (`LAUNCH_FAILED`): exact.
 */
export type LaunchEndEvidence = 'LAUNCH_FAILED' | 'poll' | 'ssmAgentDiscovery' | 'JOB_END';

export interface ServerPhases {
  /** Job created → the server's first job log event: DRS queuing and starting the job. */
  queued?: Phase;
  /** SNAPSHOT_START → SNAPSHOT_END: the on-demand snapshot (none when a point-in-time snapshot was used). */
  snapshot?: Phase;
  /** CONVERSION_START → CONVERSION_END. */
  conversion?: Phase;
  /** LAUNCH_START → the instance launched (or LAUNCH_FAILED); `endedBy` says which evidence ended it. */
  launch?: Phase & { endedBy: LaunchEndEvidence };
  /** Launched → every post-launch action run finished, as the workflow's poll saw it (runs carry no timestamps). */
  postLaunchActions?: Phase & { endedBy: 'poll' };
}

/** How the server's data point in time was chosen. */
export type RecoveryPoint = 'on-demand-snapshot' | 'point-in-time-snapshot';

/** What is known about one server of a run, gathered from DRS and from the workflow's state. */
export interface ServerEvidence {
  runStartedAt: string;
  /** The job's creationDateTime. */
  jobCreatedAt?: string;
  /** The job's JOB_END log time, when it has ended. */
  jobEndedAt?: string;
  /** This server's job log items (eventData.sourceServerID), oldest first. */
  log: readonly JobLog[];
  launchStatus: string;
  ssmAgentDiscoveredAt?: string;
  /** Post-launch action runs: how many DRS lists for the server and whether a required one FAILED. */
  actionRuns: number;
  requiredActionFailed: boolean;
  /** When the workflow's polls first saw the launch end and the server ready (see WaveState). */
  launchSeenAt?: string;
  readySeenAt?: string;
}

export interface ServerMeasurement {
  phases: ServerPhases;
  recoveryPoint?: RecoveryPoint;
  /** The data's point in time: CONVERSION_END's conversionProperties.dataTimestamp. */
  dataTimestamp?: string;
  /** Run start − dataTimestamp, at least 0 (data newer than the run start lost nothing). */
  rpoSeconds?: number;
  launchedAt?: string;
  /** Launched and, when it had post-launch actions, all of them finished with no required one FAILED. */
  readyAt?: string;
  /** Run start → ready. */
  rtoSeconds?: number;
  /** The first failure event's raw error (SNAPSHOT_FAIL, CONVERSION_FAIL, LAUNCH_FAILED, ...). */
  rawError?: string;
}

const ms = (iso: string): number => Date.parse(iso);

export function secondsBetween(start: string, end: string): number {
  return Math.round((ms(end) - ms(start)) / 1000);
}

function phase(start: string | undefined, end: string | undefined): Phase | undefined {
  if (start === undefined || end === undefined) return undefined;
  return { start, end, seconds: Math.max(0, secondsBetween(start, end)) };
}

/** The ISO time `seconds` after `start` (same format DRS uses: no milliseconds when whole). */
export function addSeconds(start: string, seconds: number): string {
  return new Date(ms(start) + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

function earliest(candidates: Array<[string | undefined, LaunchEndEvidence]>): [string, LaunchEndEvidence] | undefined {
  const known = candidates.filter((candidate): candidate is [string, LaunchEndEvidence] => candidate[0] !== undefined);
  known.sort((a, b) => ms(a[0]) - ms(b[0]));
  return known[0];
}

const FAILURE_EVENTS = new Set(['SNAPSHOT_FAIL', 'USING_PREVIOUS_SNAPSHOT_FAILED', 'CONVERSION_FAIL', 'LAUNCH_FAILED']);

/**
 * Measures one server of a run from its job log and the workflow's sightings. Every end that DRS
 * does not record is an upper bound (the server was launched or ready *by* then), so achieved RTOs
 * are never better than reality by more than the handlers' own run time (see the README).
 */
export function measureServer(evidence: ServerEvidence): ServerMeasurement {
  const at = (event: string) => evidence.log.find((item) => item.event === event)?.logDateTime;
  const failure = evidence.log.find((item) => FAILURE_EVENTS.has(item.event ?? ''));
  const firstEvent = evidence.log.find((item) => item.logDateTime !== undefined)?.logDateTime;
  const pointInTime = at('USING_PREVIOUS_SNAPSHOT');
  const snapshotStart = at('SNAPSHOT_START');
  const conversionEnd = evidence.log.find((item) => item.event === 'CONVERSION_END');
  const launchStart = at('LAUNCH_START');

  const phases: ServerPhases = {
    queued: phase(evidence.jobCreatedAt, firstEvent),
    snapshot: phase(snapshotStart, at('SNAPSHOT_END') ?? at('SNAPSHOT_FAIL')),
    conversion: phase(at('CONVERSION_START'), conversionEnd?.logDateTime ?? at('CONVERSION_FAIL')),
  };

  let launchedAt: string | undefined;
  if (launchStart !== undefined) {
    const launchFailedAt = at('LAUNCH_FAILED');
    const launched = evidence.launchStatus === 'LAUNCHED' || evidence.launchStatus === 'TERMINATED';
    const end: [string, LaunchEndEvidence] | undefined =
      launchFailedAt !== undefined
        ? [launchFailedAt, 'LAUNCH_FAILED']
        : launched
          ? earliest([
              [evidence.launchSeenAt, 'poll'],
              [evidence.ssmAgentDiscoveredAt, 'ssmAgentDiscovery'],
              [evidence.jobEndedAt, 'JOB_END'],
            ])
          : undefined;
    if (end !== undefined) {
      // A bound read off another clock (the workflow's) never ends a phase before it started.
      const endAt = ms(end[0]) < ms(launchStart) ? launchStart : end[0];
      phases.launch = { ...(phase(launchStart, endAt) as Phase), endedBy: end[1] };
      if (launched) launchedAt = endAt;
    }
  }

  let readyAt: string | undefined;
  if (launchedAt !== undefined && !evidence.requiredActionFailed) {
    if (evidence.actionRuns === 0) readyAt = launchedAt;
    else if (evidence.readySeenAt !== undefined) {
      readyAt = ms(evidence.readySeenAt) < ms(launchedAt) ? launchedAt : evidence.readySeenAt;
    }
  }
  if (launchedAt !== undefined && evidence.actionRuns > 0 && evidence.readySeenAt !== undefined) {
    const actionsEnd = ms(evidence.readySeenAt) < ms(launchedAt) ? launchedAt : evidence.readySeenAt;
    phases.postLaunchActions = { ...(phase(launchedAt, actionsEnd) as Phase), endedBy: 'poll' };
  }

  const dataTimestamp = conversionEnd?.eventData?.conversionProperties?.dataTimestamp;
  return {
    phases: Object.fromEntries(Object.entries(phases).filter(([, value]) => value !== undefined)) as ServerPhases,
    recoveryPoint: pointInTime !== undefined ? 'point-in-time-snapshot' : snapshotStart !== undefined ? 'on-demand-snapshot' : undefined,
    dataTimestamp,
    rpoSeconds: dataTimestamp === undefined ? undefined : Math.max(0, secondsBetween(dataTimestamp, evidence.runStartedAt)),
    launchedAt,
    readyAt,
    rtoSeconds: readyAt === undefined ? undefined : secondsBetween(evidence.runStartedAt, readyAt),
    rawError: failure?.eventData?.rawError,
  };
}

/** A target and what was achieved against it. */
export interface TargetResult {
  targetSeconds: number;
  /** Undefined when it was not achieved at all (a wave or the plan never became ready). */
  achievedSeconds?: number;
  met: boolean;
}

/**
 * The RTO of a group of servers (a wave, or the plan): run start → the last of them ready. Only
 * achieved when the group completed (every server ready or within its failure budget): a failed
 * wave has no RTO, whatever its fastest servers did.
 */
export function groupRto(runStartedAt: string, readyTimes: ReadonlyArray<string | undefined>, completed: boolean, targetSeconds: number): TargetResult & { readyAt?: string } {
  const ready = readyTimes.filter((time): time is string => time !== undefined).sort((a, b) => ms(a) - ms(b));
  const readyAt = completed ? ready.at(-1) : undefined;
  const achievedSeconds = readyAt === undefined ? undefined : secondsBetween(runStartedAt, readyAt);
  return { targetSeconds, achievedSeconds, met: achievedSeconds !== undefined && achievedSeconds <= targetSeconds, readyAt };
}

/** The worst (largest) RPO among the servers whose data point in time is known, against the target. */
export function worstRpo(rpoSeconds: ReadonlyArray<number | undefined>, targetSeconds: number): TargetResult {
  const known = rpoSeconds.filter((value): value is number => value !== undefined);
  const achievedSeconds = known.length === 0 ? undefined : Math.max(...known);
  return { targetSeconds, achievedSeconds, met: achievedSeconds !== undefined && achievedSeconds <= targetSeconds };
}
