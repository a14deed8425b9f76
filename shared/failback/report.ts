// The failback report: per wave and server, which path it took back to its origin, how long each
// phase took (on DRS's clock, from its jobs), and how it was re-protected. Read back from DRS
// after the run: the workflow state holds IDs and counts only.
import type { Job, ParticipatingServer } from '@aws-sdk/client-drs';
import type { DrsPort as Port } from '#shared/drs/port.ts';
import { failureMessage } from '#shared/engine/state.ts';
import { cell } from '#shared/report/markdown.ts';
import { counted } from '#shared/words.ts';
import { waveInstances } from './instances.ts';
import type { RegionalDrs } from '#shared/drs/port.ts';
import type { FailbackState, OriginJob } from './state.ts';

export interface Phase {
  name: string;
  startedAt?: string;
  endedAt?: string;
  seconds?: number;
}

export interface FailbackServerResult {
  sourceServerID: string;
  hostname?: string;
  recoveryInstanceID: string;
  origin: 'ON_PREMISES' | 'AWS';
  /** How it went back: the Failback Client and a failback launch, or reverse replication. */
  path: 'failback-launch' | 'reverse-replication';
  status: 'FAILED_BACK' | 'IN_PROGRESS' | 'NOT_STARTED' | 'FAILED';
  failbackState?: string;
  originRegion?: string;
  /** EC2 origins: the reversed source server and the instance launched in the origin Region. */
  reversedSourceServerID?: string;
  originInstanceID?: string;
  phases: Phase[];
  reprotection?: string;
}

export interface FailbackWaveResult {
  name: string;
  /** STOPPED: the execution was stopped from outside while the wave failed back. */
  status: 'FAILED_BACK' | 'FAILED' | 'NOT_STARTED' | 'STOPPED';
  startedAt?: string;
  reprotected?: number;
  terminated?: number;
  servers: FailbackServerResult[];
}

export interface FailbackReport {
  reportVersion: number;
  kind: 'failback';
  /** ABORTED, TIMED_OUT: the execution was stopped from outside; the stopped-run workflow wrote this report. */
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  error?: string;
  cause?: string;
  plan: string;
  mode: 'failback';
  execution: string;
  recoveryExecution: string;
  startedAt: string;
  reason?: string;
  trigger?: { source: string; id?: string };
  terminateRecoveryInstances: boolean;
  /** Failback launches stopped (StopFailback) because the run failed. */
  failbacksStopped: number;
  waves: FailbackWaveResult[];
}

function seconds(start?: string, end?: string): number | undefined {
  if (start === undefined || end === undefined) return undefined;
  return Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
}

function phase(name: string, startedAt?: string, endedAt?: string): Phase {
  return { name, startedAt, endedAt, seconds: seconds(startedAt, endedAt) };
}

function participant(jobs: readonly Job[], match: (server: ParticipatingServer) => boolean): { job: Job; server: ParticipatingServer } | undefined {
  for (const job of jobs) {
    const server = (job.participatingServers ?? []).find(match);
    if (server !== undefined) return { job, server };
  }
  return undefined;
}

async function originJobsOf(originJobs: readonly OriginJob[], regional: RegionalDrs): Promise<Array<Job & { region: string }>> {
  const jobs = await Promise.all(originJobs.map(async ({ region, jobID }) => (await regional(region).listJobs({ jobIDs: [jobID] })).map((job) => ({ ...job, region }))));
  return jobs.flat();
}

/** Builds the failback report from the run's state and from DRS. */
export async function buildFailbackReport(state: FailbackState, drs: Port, regional: RegionalDrs): Promise<FailbackReport> {
  const { run } = state;
  const completed = new Map((state.completed ?? []).map((wave) => [wave.name, wave]));
  // A stopped failback's state holds no wave: what it started was read back from DRS.
  const started = new Map((state.startedWaves ?? []).map((wave) => [wave.name, wave]));
  const failed = state.failure !== undefined;
  const waves: FailbackWaveResult[] = [];
  for (const wavePlan of run.waves) {
    const done = completed.get(wavePlan.name);
    const current = state.wave?.name === wavePlan.name ? state.wave : undefined;
    const progress = done ?? current ?? started.get(wavePlan.name);
    if (progress === undefined) {
      waves.push({ name: wavePlan.name, status: 'NOT_STARTED', servers: [] });
      continue;
    }
    const failbackJobs = progress.failbackJobIDs.length === 0 ? [] : await drs.listJobs({ jobIDs: progress.failbackJobIDs });
    const originJobs = await originJobsOf(progress.originJobs, regional);
    // Terminated instances are gone from DescribeRecoveryInstances: fall back to the recovery jobs.
    const listed = new Map((await waveInstances(wavePlan.recoveryJobIDs, drs)).map((entry) => [entry.recoveryInstanceID, entry]));
    const recoveryJobs = await drs.listJobs({ jobIDs: wavePlan.recoveryJobIDs });
    const launched = recoveryJobs.flatMap((job) => (job.participatingServers ?? []).filter((server) => server.launchStatus === 'LAUNCHED'));
    const sourceServers = await drs.listSourceServers({ sourceServerIDs: launched.map((server) => server.sourceServerID ?? '') });
    const serverByID = new Map(sourceServers.map((server) => [server.sourceServerID ?? '', server]));
    const servers: FailbackServerResult[] = [];
    for (const recovered of launched) {
      const recoveryInstanceID = recovered.recoveryInstanceID ?? '';
      const entry = listed.get(recoveryInstanceID);
      const sourceServer = entry?.sourceServer ?? serverByID.get(recovered.sourceServerID ?? '');
      const origin = entry?.origin ?? (sourceServer?.sourceCloudProperties?.originRegion !== undefined ? 'AWS' : 'ON_PREMISES');
      const base = {
        sourceServerID: recovered.sourceServerID ?? '?',
        hostname: sourceServer?.sourceProperties?.identificationHints?.hostname,
        recoveryInstanceID,
        origin,
      } as const;
      if (origin === 'ON_PREMISES') {
        const launch = participant(failbackJobs, (server) => server.recoveryInstanceID === recoveryInstanceID);
        const state = entry?.instance.failback?.state;
        const status: FailbackServerResult['status'] =
          launch?.server.launchStatus === 'LAUNCHED' ? 'FAILED_BACK' : launch?.server.launchStatus === 'FAILED' || state === 'FAILBACK_ERROR' ? 'FAILED' : launch === undefined ? 'NOT_STARTED' : 'IN_PROGRESS';
        servers.push({
          ...base,
          path: 'failback-launch',
          status,
          failbackState: state ?? (launch?.server.launchStatus === 'LAUNCHED' ? 'FAILBACK_COMPLETED' : undefined),
          phases: [
            phase('replication back (Failback Client) until ready for launch', progress.startedAt, launch?.job.creationDateTime),
            ...(launch === undefined ? [] : [phase('failback launch (conversion and reboot of the origin machine)', launch.job.creationDateTime, launch.job.endDateTime)]),
          ],
          reprotection: done === undefined ? undefined : `source server replicating again (${sourceServer?.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN'})`,
        });
        continue;
      }
      const reversedID = entry?.reversed?.sourceServerID ?? (sourceServer?.reversedDirectionSourceServerArn?.split('/').at(-1));
      const region = entry?.reversed?.region ?? sourceServer?.sourceCloudProperties?.originRegion;
      const reversed = reversedID === undefined || region === undefined ? undefined : (await regional(region).listSourceServers({ sourceServerIDs: [reversedID] }))[0];
      const launch = participant(originJobs, (server) => server.sourceServerID === reversedID);
      const status: FailbackServerResult['status'] =
        launch?.server.launchStatus === 'LAUNCHED' ? 'FAILED_BACK' : launch?.server.launchStatus === 'FAILED' ? 'FAILED' : reversed === undefined ? 'NOT_STARTED' : 'IN_PROGRESS';
      const originInstanceID = launch?.server.recoveryInstanceID;
      // Re-protection replicates the origin instance back to this Region: a source server here
      // whose source machine is that instance.
      const reprotectedBy = originInstanceID === undefined || done === undefined ? undefined : (await drs.listSourceServers()).find((server) => server.sourceProperties?.identificationHints?.awsInstanceID === originInstanceID);
      servers.push({
        ...base,
        path: 'reverse-replication',
        status,
        originRegion: region,
        reversedSourceServerID: reversedID,
        originInstanceID,
        phases: [
          phase(`reverse replication to ${region ?? 'the origin Region'} until CONTINUOUS`, reversed?.lifeCycle?.addedToServiceDateTime, launch?.job.creationDateTime),
          ...(launch === undefined ? [] : [phase(`recovery launch in ${region} with post-launch actions`, launch.job.creationDateTime, launch.job.endDateTime)]),
        ],
        reprotection: done === undefined ? undefined : reprotectedBy === undefined ? 'reverse replication requested' : `replicating to this Region again (source server ${reprotectedBy.sourceServerID}, ${reprotectedBy.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN'})`,
      });
    }
    waves.push({
      name: wavePlan.name,
      status: done !== undefined ? 'FAILED_BACK' : state.stoppedAs !== undefined ? 'STOPPED' : failed ? 'FAILED' : 'NOT_STARTED',
      startedAt: progress.startedAt,
      reprotected: done?.reprotected,
      terminated: done?.terminated,
      servers,
    });
  }
  return {
    reportVersion: 1,
    kind: 'failback',
    status: state.stoppedAs ?? (failed ? 'FAILED' : 'SUCCEEDED'),
    error: state.failure?.Error,
    cause: state.failure === undefined ? undefined : failureMessage(state.failure),
    plan: run.plan,
    mode: 'failback',
    execution: run.execution,
    recoveryExecution: run.recoveryExecution,
    startedAt: run.startedAt,
    reason: run.reason,
    trigger: run.trigger,
    terminateRecoveryInstances: run.terminateRecoveryInstances,
    failbacksStopped: state.stopped?.stopped ?? 0,
    waves,
  };
}


function duration(total?: number): string {
  if (total === undefined) return '–';
  const minutes = Math.floor(total / 60);
  return minutes > 0 ? `${minutes}m ${total % 60}s` : `${total}s`;
}

export function renderFailbackMarkdown(report: FailbackReport): string {
  const icon = report.status === 'SUCCEEDED' ? '✅' : '❌';
  const lines = [
    `# ${icon} Failback of plan \`${report.plan}\`: ${report.status}`,
    '',
    `- Execution: \`${report.execution}\``,
    `- Fails back recovery: \`${report.recoveryExecution}\``,
    `- Started: ${report.startedAt}`,
  ];
  if (report.reason !== undefined) lines.push(`- Reason: ${report.reason}`);
  lines.push(`- Recovery instances: ${report.terminateRecoveryInstances ? 'terminated once failed back (confirmed in the input)' : 'kept (terminate them when you no longer need them)'}`);
  if (report.cause !== undefined) lines.push('', `**${report.error ?? 'Failure'}**: ${report.cause}`);
  if (report.failbacksStopped > 0) lines.push('', `Stopped ${counted(report.failbacksStopped, 'failback launch', 'failback launches')} this run had started (StopFailback).`);
  lines.push('', '| Wave (failback order) | Status | Servers | Failed back | Re-protected | Terminated |', '|---|---|---|---|---|---|');
  for (const wave of report.waves) {
    const back = wave.servers.filter((server) => server.status === 'FAILED_BACK').length;
    lines.push(`| ${cell(wave.name)} | ${wave.status} | ${wave.servers.length} | ${back} | ${wave.reprotected ?? '–'} | ${wave.terminated ?? '–'} |`);
  }
  for (const wave of report.waves.filter((candidate) => candidate.servers.length > 0)) {
    lines.push('', `## Wave \`${wave.name}\``, '', '| Source server | Hostname | Path | Status | Phases | Re-protection |', '|---|---|---|---|---|---|');
    for (const server of wave.servers) {
      const path = server.path === 'failback-launch' ? 'on-premises: Failback Client + failback launch' : `EC2: reverse replication to ${server.originRegion ?? '?'}${server.originInstanceID ? ` → ${server.originInstanceID}` : ''}`;
      const phases = server.phases.map((item) => `${item.name}: ${duration(item.seconds)}`).join('<br>');
      lines.push(`| ${server.sourceServerID} | ${cell(server.hostname ?? '')} | ${cell(path)} | ${server.status} | ${cell(phases)} | ${cell(server.reprotection ?? '–')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
