// DrsPort over the AWS SDK: the SDK's own paginators, and ID filters batched to DRS's limits.
import {
  CreateExtendedSourceServerCommand,
  DrsClient,
  GetLaunchConfigurationCommand,
  paginateDescribeJobLogItems,
  paginateDescribeJobs,
  paginateDescribeRecoveryInstances,
  paginateDescribeRecoverySnapshots,
  paginateDescribeSourceNetworks,
  paginateDescribeSourceServers,
  paginateListExtensibleSourceServers,
  paginateListLaunchActions,
  ReverseReplicationCommand,
  StartFailbackLaunchCommand,
  StartRecoveryCommand,
  StartReplicationCommand,
  StartSourceNetworkRecoveryCommand,
  StopFailbackCommand,
  TerminateRecoveryInstancesCommand,
} from '@aws-sdk/client-drs';
import { newestFirst } from './jobs.ts';
import { chunk, DRS_LIMITS } from './limits.ts';
import type { FullDrsPort, Job, JobLog, LaunchAction, RecoveryInstance, SourceNetwork, SourceServer } from './port.ts';

/** DRS answers 1000 items a page at most; fewer pages mean fewer throttling chances. */
const PAGE_SIZE = 1000;

/**
 * A COMPLETED job never changes: a warm container keeps up to this many of those it has read (a
 * wave of 3,000 servers has 30 jobs) and asks DRS only for the jobs it does not hold. A job of 100
 * servers with their post-launch action runs is tens of KiB of JSON: polling a wave re-read them
 * all at every poll (bench/linear.ts).
 */
const COMPLETED_JOBS_KEPT = 300;

async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/**
 * The port over two clients of one (account, Region): `reads` for the calls that change nothing,
 * with the SDK's retries; `writes` for the calls that change something, which must be configured
 * to send each request once. A StartRecovery that DRS processed but whose response was lost must
 * not be sent again blindly: the step fails, and Step Functions' Retry runs it again, which reads
 * the run's jobs back by their tags before it starts anything. Without a separate client, the
 * SDK resends it and DRS answers the resend with ConflictException (the server is in a job).
 */
export function createDrsAdapter({ reads: client, writes }: { reads: DrsClient; writes: DrsClient }): FullDrsPort {
  const paging = { client, pageSize: PAGE_SIZE };
  const completedJobs = new Map<string, Job>();
  const keepCompleted = (jobs: Job[]): Job[] => {
    for (const job of jobs) {
      if (job.status !== 'COMPLETED' || job.jobID === undefined) continue;
      completedJobs.delete(job.jobID);
      completedJobs.set(job.jobID, job);
      if (completedJobs.size > COMPLETED_JOBS_KEPT) completedJobs.delete(completedJobs.keys().next().value!);
    }
    return jobs;
  };
  return {
    async listSourceServers(filter) {
      if (filter?.sourceServerIDs === undefined) {
        return collect(paginateDescribeSourceServers(paging, { filters: {} }), (page) => page.items);
      }
      const batches = chunk(filter.sourceServerIDs, DRS_LIMITS.sourceServerIdsPerDescribe);
      const results = await Promise.all(
        batches.map((sourceServerIDs) =>
          collect(paginateDescribeSourceServers(paging, { filters: { sourceServerIDs } }), (page) => page.items),
        ),
      );
      return results.flat() as SourceServer[];
    },

    async listJobs(filter) {
      if (filter.jobIDs !== undefined) {
        const kept = [...new Set(filter.jobIDs)].flatMap((jobID) => completedJobs.get(jobID) ?? []);
        const asked = filter.jobIDs.filter((jobID) => !completedJobs.has(jobID));
        const batches = chunk(asked, DRS_LIMITS.jobIdsPerDescribe);
        const results = await Promise.all(
          batches.map((jobIDs) => collect(paginateDescribeJobs(paging, { filters: { jobIDs } }), (page) => page.items)),
        );
        const read = keepCompleted(results.flat() as Job[]);
        return kept.length === 0 ? read : [...kept, ...read].sort(newestFirst);
      }
      return keepCompleted(await collect(paginateDescribeJobs(paging, { filters: { fromDate: filter.fromDate } }), (page) => page.items));
    },

    async startRecovery(request) {
      const response = await writes.send(new StartRecoveryCommand(request));
      if (response.job === undefined) throw new Error('DRS StartRecovery answered without a job');
      return response.job;
    },

    async newestSnapshot(sourceServerID, atOrBefore) {
      const pages = paginateDescribeRecoverySnapshots(
        { client, pageSize: 1 },
        { sourceServerID, order: 'DESC', filters: atOrBefore === undefined ? undefined : { toDateTime: atOrBefore } },
      );
      for await (const page of pages) return page.items?.[0];
      return undefined;
    },

    async listRecoveryInstances(filter) {
      const requests =
        filter.recoveryInstanceIDs !== undefined
          ? chunk(filter.recoveryInstanceIDs, DRS_LIMITS.recoveryInstanceIdsPerDescribe).map((recoveryInstanceIDs) => ({ recoveryInstanceIDs }))
          : [{ sourceServerIDs: filter.sourceServerIDs }];
      if (requests.length === 0) return [];
      const results = await Promise.all(
        requests.map((filters) => collect(paginateDescribeRecoveryInstances(paging, { filters }), (page) => page.items)),
      );
      return results.flat() as RecoveryInstance[];
    },

    async terminateRecoveryInstances(recoveryInstanceIDs) {
      const response = await writes.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs }));
      if (response.job === undefined) throw new Error('DRS TerminateRecoveryInstances answered without a job');
      return response.job;
    },

    async listJobLogItems(jobID) {
      return collect(paginateDescribeJobLogItems(paging, { jobID }), (page) => page.items) as Promise<JobLog[]>;
    },

    async listLaunchActions(resourceId) {
      return collect(paginateListLaunchActions(paging, { resourceId }), (page) => page.items) as Promise<LaunchAction[]>;
    },

    async getLaunchConfiguration(sourceServerID) {
      const { $metadata: _metadata, ...configuration } = await client.send(new GetLaunchConfigurationCommand({ sourceServerID }));
      return configuration;
    },

    async listSourceNetworks(sourceNetworkIDs) {
      // Only ever by ID: DescribeSourceNetworks reads an empty ID filter as "every network".
      const results = await Promise.all(
        chunk(sourceNetworkIDs, DRS_LIMITS.sourceNetworkIdsPerDescribe).map((ids) =>
          collect(paginateDescribeSourceNetworks(paging, { filters: { sourceNetworkIDs: ids } }), (page) => page.items),
        ),
      );
      return results.flat() as SourceNetwork[];
    },

    async startSourceNetworkRecovery(request) {
      const response = await writes.send(new StartSourceNetworkRecoveryCommand(request));
      if (response.job === undefined) throw new Error('DRS StartSourceNetworkRecovery answered without a job');
      return response.job;
    },

    async startFailbackLaunch(recoveryInstanceIDs, tags) {
      const response = await writes.send(new StartFailbackLaunchCommand({ recoveryInstanceIDs, tags }));
      if (response.job === undefined) throw new Error('DRS StartFailbackLaunch answered without a job');
      return response.job;
    },

    async stopFailback(recoveryInstanceID) {
      await writes.send(new StopFailbackCommand({ recoveryInstanceID }));
    },

    async reverseReplication(recoveryInstanceID) {
      const response = await writes.send(new ReverseReplicationCommand({ recoveryInstanceID }));
      if (response.reversedDirectionSourceServerArn === undefined) throw new Error('DRS ReverseReplication answered without the reversed source server');
      return response.reversedDirectionSourceServerArn;
    },

    async startReplication(sourceServerID) {
      const response = await writes.send(new StartReplicationCommand({ sourceServerID }));
      return response.sourceServer ?? { sourceServerID };
    },

    async listExtensibleSourceServers(stagingAccountID) {
      return collect(paginateListExtensibleSourceServers({ client, pageSize: 300 }, { stagingAccountID }), (page) => page.items);
    },

    async createExtendedSourceServer(sourceServerArn, tags) {
      const response = await writes.send(new CreateExtendedSourceServerCommand({ sourceServerArn, tags }));
      if (response.sourceServer === undefined) throw new Error('DRS CreateExtendedSourceServer answered without the source server');
      return response.sourceServer;
    },
  };
}
