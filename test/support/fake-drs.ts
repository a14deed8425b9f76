// A DRS port over plain data for unit tests of the domain: jobs are recorded and listed newest
// first (as DescribeJobs lists them), every call that changes something is recorded, nothing is
// simulated. Workflows end to end run against the local DRS service instead.
import type { FullDrsPort, Job, JobLog, LaunchAction, LaunchConfiguration, RecoveryInstance, SourceNetwork, SourceServer, StartRecoveryRequest } from '#shared/drs/port.ts';

export interface FakeDrsData {
  servers?: SourceServer[];
  /** Jobs DRS already has, newest first. */
  jobs?: Job[];
  /** Recovery instances DRS lists; without them, every instance asked for is listed. */
  instances?: RecoveryInstance[];
  jobLog?: JobLog[];
  /** Launch configurations by source server; a server without one has post-launch actions enabled. */
  launchConfigurations?: Record<string, LaunchConfiguration>;
  /** Source networks DRS has in the account and Region. */
  sourceNetworks?: SourceNetwork[];
}

export type FakeDrs = FullDrsPort & {
  /** Every call that changes something, in order: [operation, request]. */
  calls: Array<[string, unknown]>;
  /** DRS's jobs, newest first (tests change their status to move time on). */
  jobs: Job[];
  started: StartRecoveryRequest[];
  terminated: string[][];
};

const padded = (n: number) => String(n).padStart(17, '0');

export function fakeDrs({ servers = [], jobs = [], instances, jobLog = [], launchConfigurations = {}, sourceNetworks = [] }: FakeDrsData = {}): FakeDrs {
  let next = 0;
  const newJob = (fields: Partial<Job>): Job => {
    const job: Job = { jobID: `drsjob-${padded((next += 1))}`, status: 'PENDING', creationDateTime: '2026-01-01T00:01:00Z', ...fields };
    jobs.unshift(job);
    return job;
  };
  const fake: FakeDrs = {
    calls: [],
    jobs,
    started: [],
    terminated: [],
    async listSourceServers(filter) {
      return filter?.sourceServerIDs ? servers.filter((s) => filter.sourceServerIDs?.includes(s.sourceServerID ?? '')) : servers;
    },
    async listJobs(filter) {
      return filter.jobIDs ? jobs.filter((job) => filter.jobIDs?.includes(job.jobID ?? '')) : [...jobs];
    },
    async startRecovery(request) {
      fake.calls.push(['StartRecovery', request]);
      fake.started.push(request);
      return newJob({ type: 'LAUNCH', initiatedBy: 'START_RECOVERY', tags: request.tags, participatingServers: request.sourceServers.map((s) => ({ sourceServerID: s.sourceServerID, launchStatus: 'PENDING' })) });
    },
    async newestSnapshot() {
      return undefined;
    },
    async listRecoveryInstances(filter) {
      // As DRS: no filter lists every recovery instance.
      if (filter.recoveryInstanceIDs === undefined && filter.sourceServerIDs === undefined) return instances ?? [];
      const asked = filter.recoveryInstanceIDs ?? [];
      return instances === undefined ? asked.map((recoveryInstanceID) => ({ recoveryInstanceID })) : instances.filter((instance) => asked.includes(instance.recoveryInstanceID ?? ''));
    },
    async terminateRecoveryInstances(ids) {
      fake.calls.push(['TerminateRecoveryInstances', ids]);
      fake.terminated.push(ids);
      return newJob({ jobID: `drsjob-t${fake.terminated.length}`, type: 'TERMINATE', status: 'STARTED' });
    },
    async listJobLogItems() {
      return jobLog;
    },
    async listLaunchActions(): Promise<LaunchAction[]> {
      return [];
    },
    async getLaunchConfiguration(sourceServerID) {
      return launchConfigurations[sourceServerID] ?? { sourceServerID, postLaunchEnabled: true };
    },
    async listSourceNetworks(ids) {
      return sourceNetworks.filter((network) => ids.includes(network.sourceNetworkID ?? ''));
    },
    async startSourceNetworkRecovery(request) {
      fake.calls.push(['StartSourceNetworkRecovery', request]);
      return newJob({ type: 'LAUNCH', initiatedBy: 'CREATE_NETWORK_RECOVERY', tags: request.tags, participatingResources: request.sourceNetworks.map((n) => ({ participatingResourceID: { sourceNetworkID: n.sourceNetworkID }, launchStatus: 'PENDING' })) });
    },
    async startFailbackLaunch(ids, tags) {
      fake.calls.push(['StartFailbackLaunch', ids]);
      return newJob({ type: 'LAUNCH', initiatedBy: 'FAILBACK', tags, participatingServers: ids.map((id) => ({ recoveryInstanceID: id, sourceServerID: instances?.find((i) => i.recoveryInstanceID === id)?.sourceServerID, launchStatus: 'PENDING' })) });
    },
    async stopFailback(id) {
      fake.calls.push(['StopFailback', id]);
    },
    async reverseReplication(id) {
      fake.calls.push(['ReverseReplication', id]);
      return 'arn:aws:drs:us-west-2:111122223333:source-server/s-r0000000000000001';
    },
    async startReplication(id) {
      fake.calls.push(['StartReplication', id]);
      return { sourceServerID: id };
    },
    // Multi-account runs are tested end to end against the local DRS service (one account here).
    async listExtensibleSourceServers() {
      return [];
    },
    async createExtendedSourceServer(arn) {
      throw new Error(`fakeDrs has no staging accounts: cannot extend ${arn}`);
    },
  };
  return fake;
}
