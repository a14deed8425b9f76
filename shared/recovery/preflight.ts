// Preflight: every problem that would stop the run, found before anything is launched.
import { PreflightFailedError } from '#shared/errors.ts';
import { activeJobsSince, isActiveJob } from '#shared/drs/jobs.ts';
import type { DrsPort, SourceServer } from '#shared/drs/port.ts';
import { describeServer, durationSeconds, hostnameOf } from '#shared/drs/servers.ts';
import type { SnapshotChoice } from '#shared/plan/common.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { resolveWaveSettings } from '#shared/plan/settings.ts';
import { resolveServers } from './servers.ts';
import type { Preflight, Run } from './state.ts';

/** The snapshot time a wave recovers from, or undefined for an on-demand (latest) snapshot. */
export function snapshotTimeFor(run: Run, choice: SnapshotChoice): { pointInTime: boolean; atOrBefore?: string } {
  if (run.snapshotTime !== undefined) return { pointInTime: true, atOrBefore: run.snapshotTime };
  if (choice === 'latest') return { pointInTime: false };
  if (choice === 'newest-point-in-time') return { pointInTime: true };
  return { pointInTime: true, atOrBefore: choice.atOrBefore };
}

/**
 * Resolves every wave's servers and checks each one: it exists, belongs to one wave only,
 * replicates (CONTINUOUS) with a lag within the plan's RPO target, is in no active job, and has
 * the snapshot its wave asks for. Throws PreflightFailedError listing every problem at once.
 */
export async function runPreflight(run: Run, plan: Plan, drs: DrsPort): Promise<Preflight> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const [servers, recentJobs] = await Promise.all([
    drs.listSourceServers(),
    drs.listJobs({ fromDate: activeJobsSince(run.startedAt) }),
  ]);
  const byID = new Map(servers.map((server) => [server.sourceServerID ?? '', server]));
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  const busy = new Map<string, string>();
  for (const job of recentJobs.filter(isActiveJob)) {
    for (const participant of job.participatingServers ?? []) {
      if (participant.sourceServerID !== undefined) busy.set(participant.sourceServerID, job.jobID ?? '?');
    }
  }

  const waveOf = new Map<string, string>();
  const waves: Preflight['waves'] = [];
  for (const waveName of run.waves) {
    const wave = plan.waves.find((candidate) => candidate.name === waveName);
    if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
    const resolved = resolveServers(wave.servers, servers);
    for (const id of resolved.missingIDs) problems.push(`wave "${wave.name}": source server ${id} does not exist in DRS (check the ID in servers.ids)`);
    if (resolved.tagsMatchedNothing) {
      problems.push(`wave "${wave.name}": tag selector ${JSON.stringify(wave.servers.tags)} matches no source server (check the tag keys and values in DRS)`);
    }
    if (resolved.sourceServerIDs.length === 0 && !resolved.tagsMatchedNothing && resolved.missingIDs.length === 0) {
      problems.push(`wave "${wave.name}" has no servers`);
    }
    const settings = resolveWaveSettings(plan, wave);
    const snapshot = snapshotTimeFor(run, settings.snapshot);
    for (const id of resolved.sourceServerIDs) {
      const name = describeServer(id, hostnames);
      const other = waveOf.get(id);
      if (other !== undefined) {
        problems.push(`source server ${name} is in wave "${other}" and in wave "${wave.name}": a server belongs to one wave only (narrow the tag selectors)`);
        continue;
      }
      waveOf.set(id, wave.name);
      problems.push(...checkServer(byID.get(id) as SourceServer, name, plan.targets.rpoMinutes));
      const job = busy.get(id);
      if (job !== undefined) problems.push(`source server ${name} is already in active DRS job ${job}: wait for it to finish`);
    }
    if (snapshot.pointInTime) {
      const found = await Promise.all(resolved.sourceServerIDs.map((id) => drs.newestSnapshot(id, snapshot.atOrBefore)));
      found.forEach((recoverySnapshot, index) => {
        if (recoverySnapshot === undefined) {
          const when = snapshot.atOrBefore === undefined ? '' : ` at or before ${snapshot.atOrBefore}`;
          problems.push(`source server ${describeServer(resolved.sourceServerIDs[index], hostnames)} has no point-in-time snapshot${when}`);
        }
      });
    }
    waves.push({ name: wave.name, serverCount: resolved.sourceServerIDs.length });
  }

  const activeJobs = recentJobs.filter(isActiveJob).length;
  if (activeJobs > 0) warnings.push(`${activeJobs} other DRS job(s) are active and share the account's job quotas`);
  if (problems.length > 0) throw new PreflightFailedError(problems);
  return { serverCount: waveOf.size, waves, warnings };
}

function checkServer(server: SourceServer, name: string, rpoMinutes: number): string[] {
  const replication = server.dataReplicationInfo;
  const state = replication?.dataReplicationState ?? 'UNKNOWN';
  if (state !== 'CONTINUOUS') {
    return [`source server ${name} is not replicating continuously (data replication state ${state}): fix replication first`];
  }
  const lag = replication?.lagDuration === undefined ? 0 : durationSeconds(replication.lagDuration);
  if (lag === undefined) return [`source server ${name} reports a lag DRS did not express as a duration: ${replication?.lagDuration}`];
  if (lag > rpoMinutes * 60) {
    return [`source server ${name} lags ${replication?.lagDuration} behind, beyond the RPO target of ${rpoMinutes} minutes`];
  }
  return [];
}
