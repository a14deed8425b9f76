// What the recovery logic needs from DRS, in its own words. The adapter implements it with the
// AWS SDK (paginated, batched to DRS's limits); unit tests pass plain fakes.
import type { Job, JobLog, LaunchAction, RecoveryInstance, RecoverySnapshot, SourceServer } from '@aws-sdk/client-drs';

export type { Job, JobLog, LaunchAction, RecoveryInstance, RecoverySnapshot, SourceServer };

export interface StartRecoveryRequest {
  sourceServers: Array<{ sourceServerID: string; recoverySnapshotID?: string }>;
  isDrill: boolean;
  tags: Record<string, string>;
}

export interface DrsPort {
  /** Every source server, or those with the given IDs (all pages). */
  listSourceServers(filter?: { sourceServerIDs?: string[] }): Promise<SourceServer[]>;
  /** Jobs by ID, or created since a date (all pages, newest first). */
  listJobs(filter: { jobIDs?: string[]; fromDate?: string }): Promise<Job[]>;
  startRecovery(request: StartRecoveryRequest): Promise<Job>;
  /** The newest point-in-time snapshot of a server, optionally at or before a time. */
  newestSnapshot(sourceServerID: string, atOrBefore?: string): Promise<RecoverySnapshot | undefined>;
  listRecoveryInstances(filter: { recoveryInstanceIDs?: string[]; sourceServerIDs?: string[] }): Promise<RecoveryInstance[]>;
  terminateRecoveryInstances(recoveryInstanceIDs: string[]): Promise<Job>;
  listJobLogItems(jobID: string): Promise<JobLog[]>;
  /** The post-launch actions configured for a source server (all pages). */
  listLaunchActions(sourceServerID: string): Promise<LaunchAction[]>;
}
