// The wave's servers as an action sees them (input.ts): before the wave, its resolved source
// servers; after it, the servers it launched with their recovery instances, EC2 IDs and private
// IPs, read back from DRS (the jobs, the recovery instances, the source servers), never from the
// state, which keeps IDs and counts only.
import { participantsOf } from '#shared/drs/jobs.ts';
import type { DrsPort, RecoveryInstance, SourceServer } from '#shared/drs/port.ts';
import { scopeOfPort } from '#shared/drs/fleet.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { chosenServerIDs, placedSelectors } from '#shared/recovery/servers.ts';
import type { Run, WaveState } from '#shared/recovery/state.ts';
import type { ActionServer } from './input.ts';

/** `arn:aws:drs:us-east-1:111122223333:source-server/s-…` → its account and Region. */
function placeOf(arn: string | undefined, fallbackRegion: string): { account: string; region: string } {
  const match = /^arn:[^:]+:drs:([^:]+):(\d{12}):/.exec(arn ?? '');
  return { account: match?.[2] ?? '', region: match?.[1] ?? fallbackRegion };
}

function baseOf(server: SourceServer, homeRegion: string): ActionServer {
  const hints = server.sourceProperties?.identificationHints;
  const hostname = hints?.fqdn ?? hints?.hostname;
  return {
    sourceServerId: server.sourceServerID ?? '',
    ...(hostname === undefined ? {} : { hostname }),
    ...placeOf(server.arn, homeRegion),
    tags: { ...(server.tags ?? {}) },
  };
}

/** The primary private IPv4 address DRS reports for a recovery instance. */
function privateIpOf(instance: RecoveryInstance): string | undefined {
  const interfaces = instance.recoveryInstanceProperties?.networkInterfaces ?? [];
  const primary = interfaces.find((candidate) => candidate.isPrimary) ?? interfaces[0];
  return primary?.ips?.find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}

/** The wave's servers before it launches: every source server its selectors resolve to. */
export async function serversBeforeWave(run: Run, plan: Plan, index: number, drs: DrsPort, homeRegion: string): Promise<ActionServer[]> {
  const servers = await drs.listSourceServers();
  const byID = new Map(servers.map((server) => [server.sourceServerID, server]));
  return chosenServerIDs(placedSelectors(run, plan, index), servers, scopeOfPort(drs)).flatMap((id) => {
    const server = byID.get(id);
    return server === undefined ? [] : [baseOf(server, homeRegion)];
  });
}

/** The wave's servers once it launched: those LAUNCHED, with their recovery instances. */
export async function serversAfterWave(wave: WaveState, drs: DrsPort, homeRegion: string): Promise<ActionServer[]> {
  const jobs = await drs.listJobs({ jobIDs: wave.jobIDs });
  const launched = participantsOf(jobs)
    .map(({ server }) => server)
    .filter((server) => server.launchStatus === 'LAUNCHED' && server.sourceServerID !== undefined);
  if (launched.length === 0) return [];
  const sourceServerIDs = launched.map((server) => server.sourceServerID!);
  const recoveryInstanceIDs = launched.flatMap((server) => (server.recoveryInstanceID === undefined ? [] : [server.recoveryInstanceID]));
  const [sources, instances] = await Promise.all([
    drs.listSourceServers({ sourceServerIDs }),
    recoveryInstanceIDs.length === 0 ? Promise.resolve([]) : drs.listRecoveryInstances({ recoveryInstanceIDs }),
  ]);
  const sourceByID = new Map(sources.map((server) => [server.sourceServerID, server]));
  const instanceByID = new Map(instances.map((instance) => [instance.recoveryInstanceID, instance]));
  return launched
    .map((participant) => {
      const source = sourceByID.get(participant.sourceServerID);
      const instance = participant.recoveryInstanceID === undefined ? undefined : instanceByID.get(participant.recoveryInstanceID);
      const base: ActionServer = source === undefined ? { sourceServerId: participant.sourceServerID!, ...placeOf(undefined, homeRegion), tags: {} } : baseOf(source, homeRegion);
      const ip = instance === undefined ? undefined : privateIpOf(instance);
      return {
        ...base,
        ...(instance?.arn === undefined ? {} : placeOf(instance.arn, homeRegion)),
        ...(participant.recoveryInstanceID === undefined ? {} : { recoveryInstanceId: participant.recoveryInstanceID }),
        ...(instance?.ec2InstanceID === undefined ? {} : { ec2InstanceId: instance.ec2InstanceID }),
        ...(ip === undefined ? {} : { privateIp: ip }),
      };
    })
    .sort((a, b) => a.sourceServerId.localeCompare(b.sourceServerId));
}
