// The run report: what happened to every server, read back from DRS after the run (the workflow
// state is compact by design), plus the run's outcome and its clean-up counts.
import type { DrsPort, Job } from '../drs/port.ts';
import { activeJobsSince } from '../recovery/preflight.ts';
import { hostnameOf } from '../recovery/servers.ts';
import type { Failure, RunState } from '../recovery/state.ts';
import { isJobOfRun, TAG } from '../recovery/tags.ts';

export const REPORT_VERSION = 1;

export interface PostLaunchActionResult {
  name: string;
  optional: boolean;
  status: string;
  failureReason?: string;
}

export interface ServerResult {
  sourceServerID: string;
  hostname?: string;
  jobID: string;
  launchStatus: string;
  recoveryInstanceID?: string;
  /** DRS's own words when the launch failed (job log LAUNCH_FAILED rawError). */
  rawError?: string;
  postLaunchActions: PostLaunchActionResult[];
}

export interface WaveResult {
  name: string;
  status: 'SUCCEEDED' | 'SUCCEEDED_WITH_FAILURES' | 'FAILED' | 'NOT_STARTED';
  startedAt?: string;
  servers: ServerResult[];
  warnings: string[];
}

export interface RunReport {
  reportVersion: number;
  status: 'SUCCEEDED' | 'FAILED';
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
  waves: WaveResult[];
  cleanup: null | {
    skipped: boolean;
    instancesLaunched: number;
    instancesTerminated: number;
    instancesLeft: number;
    error?: string;
  };
  warnings: string[];
}

/** The message of a Catch result: Lambda's JSON error on AWS, plain text locally. */
export function failureMessage(failure: Failure): string {
  const cause = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message itself.
  }
  return cause === '' ? failure.Error : cause;
}

async function launchErrors(jobs: readonly Job[], drs: DrsPort): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  const failedJobs = jobs.filter((job) => (job.participatingServers ?? []).some((server) => server.launchStatus === 'FAILED'));
  for (const job of failedJobs) {
    for (const item of await drs.listJobLogItems(job.jobID ?? '')) {
      const id = item.eventData?.sourceServerID;
      if (item.event === 'LAUNCH_FAILED' && id !== undefined) errors.set(id, item.eventData?.rawError ?? 'launch failed');
    }
  }
  return errors;
}

/** Builds the report of a finished run from its state and from DRS. */
export async function buildReport(state: RunState, drs: DrsPort): Promise<RunReport> {
  const { run } = state;
  const jobs = (await drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }))
    .filter((job) => job.type === 'LAUNCH' && isJobOfRun(job, run))
    .reverse();
  const serverIDs = [...new Set(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => server.sourceServerID ?? '')))];
  const [servers, rawErrors] = await Promise.all([
    serverIDs.length === 0 ? [] : drs.listSourceServers({ sourceServerIDs: serverIDs }),
    launchErrors(jobs, drs),
  ]);
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  const completed = new Map((state.completed ?? []).map((wave) => [wave.name, wave]));
  const failed = state.failure !== undefined;

  const waves: WaveResult[] = run.waves.map((name) => {
    const waveJobs = jobs.filter((job) => job.tags?.[TAG.wave] === name);
    const done = completed.get(name);
    const status: WaveResult['status'] = done?.status ?? (waveJobs.length > 0 || state.wave?.name === name ? 'FAILED' : 'NOT_STARTED');
    return {
      name,
      status: failed && status !== 'NOT_STARTED' && done === undefined ? 'FAILED' : status,
      startedAt: waveJobs[0]?.creationDateTime,
      warnings: done?.warnings ?? (state.wave?.name === name ? state.wave.warnings : []),
      servers: waveJobs.flatMap((job) =>
        (job.participatingServers ?? []).map((server) => ({
          sourceServerID: server.sourceServerID ?? '?',
          hostname: hostnames.get(server.sourceServerID ?? ''),
          jobID: job.jobID ?? '?',
          launchStatus: server.launchStatus ?? 'PENDING',
          recoveryInstanceID: server.recoveryInstanceID,
          rawError: rawErrors.get(server.sourceServerID ?? ''),
          postLaunchActions: (server.launchActionsStatus?.runs ?? []).map((actionRun) => ({
            name: actionRun.action?.name ?? actionRun.action?.actionId ?? 'unnamed action',
            optional: actionRun.action?.optional === true,
            status: actionRun.status ?? 'UNKNOWN',
            failureReason: actionRun.failureReason,
          })),
        })),
      ),
    };
  });

  const cleanupFailed = state.cleanupFailure !== undefined;
  const cleanup: RunReport['cleanup'] = !run.isDrill
    ? null
    : {
        skipped: run.skipCleanup,
        instancesLaunched: state.cleanup?.instancesLaunched ?? 0,
        instancesTerminated: state.cleanup?.instancesTerminated ?? 0,
        instancesLeft: state.cleanup?.instancesLeft ?? 0,
        error: cleanupFailed && state.cleanupFailure ? failureMessage(state.cleanupFailure) : undefined,
      };
  // A drill that left instances behind did not succeed, whatever its waves did.
  const leftBehind = run.isDrill && !run.skipCleanup && (cleanupFailed || (state.cleanup?.instancesLeft ?? 0) > 0);
  const status = failed || leftBehind ? 'FAILED' : 'SUCCEEDED';
  let error: string | undefined;
  let cause: string | undefined;
  if (state.failure !== undefined) {
    error = state.failure.Error;
    cause = failureMessage(state.failure);
    if (cleanup?.error !== undefined) cause += `; and the drill clean-up failed: ${cleanup.error}`;
  } else if (leftBehind) {
    error = state.cleanupFailure?.Error ?? 'CleanUpIncompleteError';
    cause = cleanup?.error ?? `drill clean-up left ${cleanup?.instancesLeft} instance(s) running`;
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
    waves,
    cleanup,
    warnings: [...(state.preflight?.warnings ?? []), ...waves.flatMap((wave) => wave.warnings)],
  };
}
