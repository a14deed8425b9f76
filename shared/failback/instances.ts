// What failback works on: a wave's recovery instances (from the recovery's jobs, never drill
// instances) and, for EC2 origins, where their reversed source servers are.
import type { DrsPort, RecoveryInstance, SourceServer } from '#shared/drs/port.ts';
import { hostnameOf } from '#shared/drs/servers.ts';

/** `arn:aws:drs:us-west-2:111122223333:source-server/s-…` → region and source server ID. */
export function parseSourceServerArn(arn: string): { region: string; sourceServerID: string } {
  const match = /^arn:[^:]+:drs:([^:]+):\d+:source-server\/(s-[0-9a-zA-Z]{17})$/.exec(arn);
  if (match === null) throw new Error(`not a DRS source server ARN: ${arn}`);
  return { region: match[1], sourceServerID: match[2] };
}

/** A recovery instance of the wave with its source server (the server it recovered). */
export interface WaveInstance {
  instance: RecoveryInstance;
  recoveryInstanceID: string;
  sourceServerID: string;
  origin: 'ON_PREMISES' | 'AWS';
  sourceServer?: SourceServer;
  /** EC2 origins: the reversed-direction source server in the origin Region, once it exists. */
  reversed?: { region: string; sourceServerID: string };
}

/**
 * The wave's recovery instances that DRS still lists, launched by its recovery jobs; drill
 * instances are left out whatever job they came from.
 */
export async function waveInstances(recoveryJobIDs: readonly string[], drs: DrsPort): Promise<WaveInstance[]> {
  const jobs = await drs.listJobs({ jobIDs: [...recoveryJobIDs] });
  const launched = jobs.flatMap((job) => (job.participatingServers ?? []).filter((server) => server.launchStatus === 'LAUNCHED' && server.recoveryInstanceID !== undefined));
  const ids = launched.map((server) => server.recoveryInstanceID ?? '');
  if (ids.length === 0) return [];
  const instances = (await drs.listRecoveryInstances({ recoveryInstanceIDs: ids })).filter((instance) => instance.isDrill !== true);
  const servers = await drs.listSourceServers({ sourceServerIDs: [...new Set(instances.map((instance) => instance.sourceServerID ?? ''))] });
  const byID = new Map(servers.map((server) => [server.sourceServerID ?? '', server]));
  return instances
    .map((instance): WaveInstance => {
      const sourceServer = byID.get(instance.sourceServerID ?? '');
      const arn = sourceServer?.reversedDirectionSourceServerArn;
      return {
        instance,
        recoveryInstanceID: instance.recoveryInstanceID ?? '',
        sourceServerID: instance.sourceServerID ?? '',
        origin: instance.originEnvironment === 'AWS' ? 'AWS' : 'ON_PREMISES',
        sourceServer,
        reversed: arn === undefined ? undefined : parseSourceServerArn(arn),
      };
    })
    .sort((a, b) => a.sourceServerID.localeCompare(b.sourceServerID));
}

/** `s-… (payments-db-1)` for messages. */
export function nameOf(entry: Pick<WaveInstance, 'sourceServerID' | 'sourceServer'>): string {
  const hostname = hostnameOf(entry.sourceServer);
  return hostname === undefined ? entry.sourceServerID : `${entry.sourceServerID} (${hostname})`;
}

/** Why an on-premises instance is not ready yet, in the operator's words. */
export const FAILBACK_STATE_REASONS: Record<string, string> = {
  FAILBACK_NOT_STARTED: 'the Failback Client has not connected: boot the origin machine from the Failback Client ISO',
  FAILBACK_IN_PROGRESS: 'the Failback Client is still replicating the data back',
  FAILBACK_NOT_READY_FOR_LAUNCH: 'DRS reports it not ready for launch yet',
  FAILBACK_LAUNCH_STATE_NOT_AVAILABLE: 'DRS cannot tell its launch state: check the Failback Client',
  FAILBACK_ERROR: 'failback replication failed (FAILBACK_ERROR): check the Failback Client, then restart the failback',
  FAILBACK_COMPLETED: 'already failed back',
};
