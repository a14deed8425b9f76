// What the recovery logic needs from DRS, in its own words. The adapter implements it with the
// AWS SDK (paginated, batched to DRS's limits); unit tests pass plain fakes.
import type { Job, JobLog, LaunchAction, LaunchConfiguration, ParticipatingServer, RecoveryInstance, RecoverySnapshot, SourceNetwork, SourceServer, StagingSourceServer } from '@aws-sdk/client-drs';

/** LaunchConfiguration: a source server's launch settings (one set serves drills and recoveries). */
export type { Job, JobLog, LaunchAction, LaunchConfiguration, ParticipatingServer, RecoveryInstance, RecoverySnapshot, SourceNetwork, SourceServer, StagingSourceServer };

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
  getLaunchConfiguration(sourceServerID: string): Promise<LaunchConfiguration>;
}

export interface StartSourceNetworkRecoveryRequest {
  sourceNetworks: Array<{ sourceNetworkID: string; cfnStackName?: string }>;
  deployAsNew: boolean;
  tags: Record<string, string>;
}

/** Source network (VPC) recovery: kept apart from DrsPort so fakes of the wave logic stay small. */
export interface DrsNetworkPort {
  /** Those of the given source networks that exist in this account and Region (all pages); none asked, none listed. */
  listSourceNetworks(sourceNetworkIDs: readonly string[]): Promise<SourceNetwork[]>;
  startSourceNetworkRecovery(request: StartSourceNetworkRecoveryRequest): Promise<Job>;
}

/** Failback and re-protection operations. */
export interface DrsFailbackPort {
  /** StartFailbackLaunch of at most 200 recovery instances ready for it. */
  startFailbackLaunch(recoveryInstanceIDs: string[], tags: Record<string, string>): Promise<Job>;
  /** Returns the instance to FAILBACK_NOT_STARTED. */
  stopFailback(recoveryInstanceID: string): Promise<void>;
  /** Starts replication back to the origin (EC2 origins); answers the reversed source server's ARN. */
  reverseReplication(recoveryInstanceID: string): Promise<string>;
  /** Restarts a stopped source server's replication. */
  startReplication(sourceServerID: string): Promise<SourceServer>;
}

/** Multi-account: a target account's view of the staging accounts whose servers it may extend. */
export interface DrsStagingPort {
  /** Servers of a staging account not yet extended into this account, nor extensions themselves. */
  listExtensibleSourceServers(stagingAccountID: string): Promise<StagingSourceServer[]>;
  /** CreateExtendedSourceServer: the staging server, as a source server of this account. */
  createExtendedSourceServer(sourceServerArn: string, tags: Record<string, string>): Promise<SourceServer>;
}

/** Everything the adapter offers. */
export type FullDrsPort = DrsPort & DrsNetworkPort & DrsFailbackPort & DrsStagingPort;

/** DRS in a given Region of this account: an EC2-origin server fails back in its origin Region. */
export type RegionalDrs = (region: string) => FullDrsPort;
