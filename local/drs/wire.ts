// DRS records as they travel on the wire (the model's output shapes, datetimes as ISO strings).
// Only the members the local service fills are declared.

export type Tags = Record<string, string>;
export type LaunchStatus = 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';
export type FailbackState =
  | 'FAILBACK_NOT_STARTED'
  | 'FAILBACK_IN_PROGRESS'
  | 'FAILBACK_READY_FOR_LAUNCH'
  | 'FAILBACK_COMPLETED'
  | 'FAILBACK_ERROR'
  | 'FAILBACK_NOT_READY_FOR_LAUNCH'
  | 'FAILBACK_LAUNCH_STATE_NOT_AVAILABLE';
export type DataReplicationState =
  | 'STOPPED' | 'INITIATING' | 'INITIAL_SYNC' | 'BACKLOG' | 'CREATING_SNAPSHOT' | 'CONTINUOUS'
  | 'PAUSED' | 'RESCAN' | 'STALLED' | 'DISCONNECTED';

export interface LaunchAction {
  actionId: string;
  actionCode: string;
  type: 'SSM_AUTOMATION' | 'SSM_COMMAND';
  name: string;
  active: boolean;
  order: number;
  actionVersion: string;
  optional: boolean;
  parameters?: Record<string, { type: string; value: string }[]>;
  description: string;
  category: string;
}

export interface LaunchActionRun {
  action: LaunchAction;
  runId: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
}

export interface ParticipatingServer {
  sourceServerID: string;
  recoveryInstanceID?: string;
  launchStatus: LaunchStatus;
  launchActionsStatus?: { ssmAgentDiscoveryDatetime?: string; runs: LaunchActionRun[] };
}

export interface ParticipatingResource {
  participatingResourceID: { sourceNetworkID: string };
  launchStatus: LaunchStatus;
}

export interface Job {
  jobID: string;
  arn: string;
  type: 'LAUNCH' | 'TERMINATE' | 'CREATE_CONVERTED_SNAPSHOT';
  initiatedBy: string;
  creationDateTime: string;
  endDateTime?: string;
  status: 'PENDING' | 'STARTED' | 'COMPLETED';
  participatingServers: ParticipatingServer[];
  participatingResources?: ParticipatingResource[];
  tags: Tags;
}

export interface JobLog {
  logDateTime: string;
  event: string;
  eventData?: {
    sourceServerID?: string;
    conversionServerID?: string;
    targetInstanceID?: string;
    rawError?: string;
    conversionProperties?: { dataTimestamp?: string; rootVolumeName?: string; forceUefi?: boolean; volumeToConversionMap?: Record<string, Record<string, string>> };
    eventResourceData?: { sourceNetworkData?: { sourceNetworkID?: string; sourceVpc?: string; targetVpc?: string; stackName?: string } };
  };
}

export interface SourceServer {
  sourceServerID: string;
  arn: string;
  tags: Tags;
  recoveryInstanceId?: string;
  lastLaunchResult: 'NOT_STARTED' | 'PENDING' | 'SUCCEEDED' | 'FAILED';
  dataReplicationInfo: {
    lagDuration?: string;
    dataReplicationState: DataReplicationState;
    replicatedDisks: { deviceName: string; totalStorageBytes: number; replicatedStorageBytes: number; rescannedStorageBytes: number; backloggedStorageBytes: number }[];
    stagingAvailabilityZone?: string;
    dataReplicationError?: { error: string; rawError?: string };
    etaDateTime?: string;
  };
  lifeCycle: {
    addedToServiceDateTime: string;
    firstByteDateTime?: string;
    elapsedReplicationDuration?: string;
    lastSeenByServiceDateTime?: string;
    lastLaunch?: { initiated: { apiCallDateTime: string; jobID: string; type: 'RECOVERY' | 'DRILL' }; status: LaunchStatus };
  };
  sourceProperties: {
    lastUpdatedDateTime: string;
    recommendedInstanceType: string;
    identificationHints: { hostname: string; fqdn?: string; awsInstanceID?: string };
    networkInterfaces: { macAddress: string; ips: string[]; isPrimary: boolean }[];
    disks: { deviceName: string; bytes: number }[];
    cpus: { cores: number; modelName: string }[];
    ramBytes: number;
    os: { fullString: string };
    supportsNitroInstances: boolean;
  };
  stagingArea: { status: 'EXTENDED' | 'EXTENSION_ERROR' | 'NOT_EXTENDED'; stagingAccountID?: string; stagingSourceServerArn?: string; errorMessage?: string };
  sourceCloudProperties?: { originAccountID?: string; originRegion?: string; originAvailabilityZone?: string };
  replicationDirection: 'FAILOVER' | 'FAILBACK';
  reversedDirectionSourceServerArn?: string;
  sourceNetworkID?: string;
  agentVersion: string;
}

export interface RecoveryInstance {
  ec2InstanceID: string;
  ec2InstanceState: 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SHUTTING-DOWN' | 'TERMINATED' | 'NOT_FOUND';
  jobID: string;
  recoveryInstanceID: string;
  sourceServerID: string;
  arn: string;
  tags: Tags;
  failback: {
    state: FailbackState;
    failbackJobID?: string;
    failbackInitiationTime?: string;
    failbackClientID?: string;
    failbackClientLastSeenByServiceDateTime?: string;
    failbackToOriginalServer?: boolean;
    failbackLaunchType?: 'RECOVERY' | 'DRILL';
  };
  dataReplicationInfo?: { dataReplicationState: string; lagDuration?: string };
  recoveryInstanceProperties: {
    lastUpdatedDateTime: string;
    identificationHints: { hostname: string; awsInstanceID: string };
    networkInterfaces: { macAddress: string; ips: string[]; isPrimary: boolean }[];
    cpus: { cores: number; modelName: string }[];
    ramBytes: number;
    os: { fullString: string };
  };
  pointInTimeSnapshotDateTime?: string;
  isDrill: boolean;
  originEnvironment: 'ON_PREMISES' | 'AWS';
  originAvailabilityZone?: string;
  agentVersion: string;
}

export type LaunchDisposition = 'STOPPED' | 'STARTED';

/** GetLaunchConfiguration / UpdateLaunchConfiguration: a source server's general launch settings. */
export interface LaunchConfiguration {
  sourceServerID: string;
  name: string;
  ec2LaunchTemplateID: string;
  launchDisposition: LaunchDisposition;
  targetInstanceTypeRightSizingMethod: 'NONE' | 'BASIC' | 'IN_AWS';
  copyPrivateIp: boolean;
  copyTags: boolean;
  licensing: { osByol: boolean };
  postLaunchEnabled: boolean;
  launchIntoInstanceProperties?: { launchIntoEC2InstanceID?: string };
  recoveryMode?: 'FAST' | 'OPTIMAL';
}

export interface RecoverySnapshot {
  snapshotID: string;
  sourceServerID: string;
  expectedTimestamp: string;
  timestamp: string;
  ebsSnapshots: string[];
}

export interface SourceNetwork {
  sourceNetworkID: string;
  sourceVpcID: string;
  arn: string;
  tags: Tags;
  replicationStatus: 'STOPPED' | 'IN_PROGRESS' | 'PROTECTED' | 'ERROR';
  cfnStackName?: string;
  sourceRegion: string;
  sourceAccountID: string;
  lastRecovery?: { apiCallDateTime: string; jobID: string; lastRecoveryResult: string };
  launchedVpcID?: string;
}

export interface StagingSourceServer {
  hostname: string;
  arn: string;
  tags: Tags;
}
