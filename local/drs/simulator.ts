// One simulated DRS account in one Region: source servers, jobs, recovery instances, snapshots,
// networks, tags, quotas. DRS keeps all of these per account and Region; the world (world.ts)
// holds one store per pair and the clock and schedule they share. Time only moves forward through
// `advance()`, called before every operation: all scheduled events due by the simulated "now" are
// applied in order, so state is a pure function of the scenario, the requests and the clock.
import { isoDuration, isoTime, type SimulatedClock } from './clock.ts';
import type { EventSchedule } from './events.ts';
import { faultSchema, type Fault, type RequestFaults } from './faults.ts';
import { IdFactory, SeededRandom, hashToInt, ec2InstanceIdFor, launchActionIdFor, snapshotIdFor, sourceNetworkIdFor, sourceServerIdFor } from './ids.ts';
import { conflictError, quotaCodes, serviceQuotaExceededError } from './errors.ts';
import { newLaunchConfiguration } from './launch-configuration.ts';
import type { DrsWorld } from './world.ts';
import type { ParsedScenario, PhaseDuration, ScenarioLaunchConfiguration, ScenarioSourceServer } from './scenario.ts';
import type {
  DataReplicationState, Job, JobLog, LaunchAction, LaunchConfiguration, RecoveryInstance, RecoverySnapshot, SourceNetwork,
  SourceServer, Tags,
} from './wire.ts';

/** DRS service quotas (third-party audit of the quota page, Jan 2026). */
export const quotas = { serversPerJob: 100, concurrentJobs: 20, serversInActiveJobs: 500 } as const;

export interface SourceServerRecord {
  server: SourceServer;
  hostname: string;
  originEnvironment: 'ON_PREMISES' | 'AWS';
  lagSeconds: number;
  snapshotPolicy: { everyMs: number; count: number } | { timesMs: number[] };
  onDemandSnapshots: RecoverySnapshot[];
  /** Replication stalled or stopped at this time: no newer point-in-time snapshots. */
  replicationHaltedAtMs?: number;
  launchActions: Map<string, LaunchAction>;
  /** Scenario behaviour of launch actions, by action name. */
  actionBehaviour: Map<string, { durationSeconds?: number; fails?: string }>;
  launchFails?: string;
  /** A staging account's server: extending it into a target account ends in EXTENSION_ERROR with this message. */
  extensionError?: string;
  /** GetLaunchConfiguration: read by each launch when its job is created. */
  launchConfiguration: LaunchConfiguration;
}

export interface ServerPhaseTimeline {
  sourceServerID: string;
  recoveryInstanceID?: string;
  launchStatus: string;
  snapshotStart?: string;
  snapshotEnd?: string;
  usedSnapshotID?: string;
  dataTimestamp?: string;
  conversionStart?: string;
  conversionEnd?: string;
  launchStart?: string;
  launchEnd?: string;
  ssmAgentDiscovery?: string;
  actions: { name: string; optional: boolean; start?: string; end?: string; status?: string; failureReason?: string }[];
  terminated?: string;
}

export interface JobTimeline {
  jobID: string;
  type: string;
  initiatedBy: string;
  created: string;
  started?: string;
  completed?: string;
  servers: ServerPhaseTimeline[];
  resources: { sourceNetworkID: string; start?: string; end?: string; launchStatus: string }[];
}

export interface JobRecord {
  job: Job;
  log: JobLog[];
  timeline: JobTimeline;
}

export interface InstanceRecord {
  instance: RecoveryInstance;
  /** Bumped by StopFailback so that pending failback transitions are dropped. */
  failbackGeneration: number;
}

export interface NetworkRecord {
  network: SourceNetwork;
  fails?: string;
}

export type DurationName = Exclude<keyof ParsedScenario['durations'], 'jitter'>;

export class DrsSimulator {
  readonly scenario: ParsedScenario;
  readonly clock: SimulatedClock;
  readonly schedule: EventSchedule;
  readonly ids: IdFactory;
  readonly startMs: number;

  readonly sourceServers = new Map<string, SourceServerRecord>();
  readonly jobs = new Map<string, JobRecord>();
  /** Job IDs newest first (DescribeJobs order). */
  readonly jobOrder: string[] = [];
  readonly recoveryInstances = new Map<string, InstanceRecord>();
  /**
   * Indexes, so that a request costs what it asks for rather than a scan of the account: the
   * order in which each source server and recovery instance was added (listings by ID answer in
   * that order, as a scan would), and the extension of each staging server extended here.
   */
  private readonly added = new Map<string, number>();
  readonly extensionOf = new Map<string, string>();
  readonly sourceNetworks = new Map<string, NetworkRecord>();
  /** Tags by ARN, shared with the records' own `tags` objects. */
  readonly tagsByArn = new Map<string, Tags>();

  /** Conflict bookkeeping: which active job holds a server / network. */
  readonly activeJobOfServer = new Map<string, string>();
  readonly activeJobOfNetwork = new Map<string, string>();
  readonly activeJobs = new Map<string, number>();

  readonly requestFaults: RequestFaults;
  launchFailures: { sourceServerID: string; rawError: string; remaining?: number }[] = [];
  actionFailures: { sourceServerID: string; actionName: string; failureReason: string }[] = [];
  failbackErrors = new Set<string>();
  failbackNeverReady = new Set<string>();
  ssmAgentNeverDiscovered = new Set<string>();
  networkFailures = new Map<string, string>();

  /** A store of `world` for `accountId` in `region`; the scenario's home store also holds its source networks. */
  constructor(readonly world: DrsWorld, readonly accountId: string, readonly region: string) {
    const scenario = world.scenario;
    this.scenario = scenario;
    this.clock = world.clock;
    this.schedule = world.schedule;
    this.requestFaults = world.requestFaults;
    this.startMs = world.startMs;
    const home = accountId === scenario.accountId && region === scenario.region;
    // The home store keeps the scenario's seed, so its job and instance IDs are as before.
    this.ids = new IdFactory(home ? scenario.seed : hashToInt(`${scenario.seed}:${accountId}:${region}`));
    if (!home) return;
    for (const network of scenario.sourceNetworks) {
      const sourceNetworkID = network.id ?? sourceNetworkIdFor(network.vpcId);
      const record: NetworkRecord = {
        network: {
          sourceNetworkID,
          sourceVpcID: network.vpcId,
          arn: this.arn('source-network', sourceNetworkID),
          tags: { ...(network.name ? { Name: network.name } : {}), ...network.tags },
          replicationStatus: 'PROTECTED',
          ...(network.cfnStackName ? { cfnStackName: network.cfnStackName } : {}),
          sourceRegion: network.originRegion ?? this.region,
          sourceAccountID: this.accountId,
        },
        ...(network.fails ? { fails: network.fails === true ? 'CloudFormation stack creation failed: CREATE_FAILED' : network.fails } : {}),
      };
      this.sourceNetworks.set(sourceNetworkID, record);
      this.tagsByArn.set(record.network.arn, record.network.tags);
    }
  }

  /** This store's account and Region: where its networks' stacks are deployed. */
  get place(): { account: string; region: string } {
    return { account: this.accountId, region: this.region };
  }

  arn(kind: string, id: string, region = this.region, accountId = this.accountId): string {
    return `arn:aws:drs:${region}:${accountId}:${kind}/${id}`;
  }

  nowMs(): number {
    return Math.floor(this.clock.nowMs());
  }

  /** Applies everything scheduled up to the simulated now. */
  advance(): number {
    return this.world.advance();
  }

  /** A phase duration in ms: scenario seconds with jitter from the job's seeded PRNG. */
  duration(name: DurationName, random: SeededRandom, override?: number): number {
    const configured: PhaseDuration = this.scenario.durations[name];
    const seconds = override ?? (typeof configured === 'number' ? configured : configured.seconds);
    const jitter = typeof configured === 'number' ? this.scenario.durations.jitter : (configured.jitter ?? this.scenario.durations.jitter);
    return Math.round(random.jittered(seconds, jitter)) * 1000;
  }

  addScenarioServer(spec: ScenarioSourceServer): void {
    const sourceServerID = spec.id ?? sourceServerIdFor(spec.hostname);
    if (this.sourceServers.has(sourceServerID)) throw new Error(`duplicate source server ${sourceServerID} (${spec.hostname})`);
    const added = isoTime(this.startMs - 30 * 86_400_000);
    const server = this.newSourceServer(sourceServerID, this.arn('source-server', sourceServerID), spec.hostname, spec.tags, added);
    server.dataReplicationInfo.dataReplicationState = spec.replication.state;
    server.sourceProperties.os.fullString = spec.os;
    server.sourceProperties.recommendedInstanceType = spec.recommendedInstanceType;
    if (spec.fqdn) server.sourceProperties.identificationHints.fqdn = spec.fqdn;
    if (spec.originEnvironment === 'AWS') {
      server.sourceProperties.identificationHints.awsInstanceID = spec.ec2InstanceID ?? ec2InstanceIdFor(spec.hostname);
      server.sourceCloudProperties = {
        originAccountID: spec.originAccountId ?? this.accountId,
        originRegion: spec.originRegion!,
        originAvailabilityZone: `${spec.originRegion}a`,
      };
    }
    if (spec.stagingAccountId) {
      server.stagingArea = {
        status: 'EXTENDED',
        stagingAccountID: spec.stagingAccountId,
        stagingSourceServerArn: `arn:aws:drs:${this.region}:${spec.stagingAccountId}:source-server/${sourceServerID}`,
      };
    }
    const record: SourceServerRecord = {
      server,
      hostname: spec.hostname,
      originEnvironment: spec.originEnvironment,
      lagSeconds: spec.replication.lagSeconds,
      snapshotPolicy:
        'pointInTime' in spec.snapshots
          ? { everyMs: spec.snapshots.pointInTime.everyMinutes * 60_000, count: spec.snapshots.pointInTime.count }
          : { timesMs: spec.snapshots.times.map((t) => Date.parse(t)).sort((a, b) => a - b) },
      onDemandSnapshots: [],
      ...(spec.replication.state === 'STALLED' || spec.replication.state === 'STOPPED' ? { replicationHaltedAtMs: this.startMs } : {}),
      launchActions: new Map(),
      actionBehaviour: new Map(),
      ...(spec.launchFails ? { launchFails: spec.launchFails } : {}),
      ...(spec.extensionError ? { extensionError: spec.extensionError } : {}),
      launchConfiguration: this.newLaunchConfiguration(sourceServerID, spec.hostname, spec.launchConfiguration),
    };
    for (const action of spec.launchActions) {
      const actionId = launchActionIdFor(`${sourceServerID}:${action.name}`);
      record.launchActions.set(actionId, {
        actionId,
        actionCode: action.actionCode ?? action.name,
        type: action.type,
        name: action.name,
        active: action.active,
        order: action.order,
        actionVersion: action.actionVersion,
        optional: action.optional,
        ...(action.parameters ? { parameters: action.parameters } : {}),
        description: action.description,
        category: action.category,
      });
      record.actionBehaviour.set(action.name, {
        ...(action.durationSeconds !== undefined ? { durationSeconds: action.durationSeconds } : {}),
        ...(action.fails ? { fails: action.fails === true ? 'Step failed: the SSM document returned a non-zero exit code' : action.fails } : {}),
      });
    }
    this.addSourceServer(record);
  }

  /** A newly added server's launch settings: DRS's defaults, the account's, then its own. */
  newLaunchConfiguration(sourceServerID: string, hostname: string, own?: ScenarioLaunchConfiguration): LaunchConfiguration {
    return newLaunchConfiguration(sourceServerID, hostname, this.scenario.defaultLaunchConfiguration, own);
  }

  addSourceServer(record: SourceServerRecord): void {
    this.sourceServers.set(record.server.sourceServerID, record);
    this.noteAdded(record.server.sourceServerID);
    const stagingArn = record.server.stagingArea.stagingSourceServerArn;
    if (stagingArn !== undefined) this.extensionOf.set(stagingArn, record.server.sourceServerID);
    this.tagsByArn.set(record.server.arn, record.server.tags);
  }

  newSourceServer(sourceServerID: string, arn: string, hostname: string, tags: Tags, addedToServiceDateTime: string): SourceServer {
    const diskBytes = 50 * 1024 ** 3;
    return {
      sourceServerID,
      arn,
      tags: { ...tags },
      lastLaunchResult: 'NOT_STARTED',
      dataReplicationInfo: {
        dataReplicationState: 'CONTINUOUS',
        replicatedDisks: [{ deviceName: '/dev/xvda', totalStorageBytes: diskBytes, replicatedStorageBytes: diskBytes, rescannedStorageBytes: 0, backloggedStorageBytes: 0 }],
        stagingAvailabilityZone: `${this.region}a`,
      },
      lifeCycle: {
        addedToServiceDateTime,
        firstByteDateTime: isoTime(Date.parse(addedToServiceDateTime) + 3_600_000),
      },
      sourceProperties: {
        lastUpdatedDateTime: addedToServiceDateTime,
        recommendedInstanceType: 'm5.large',
        identificationHints: { hostname },
        networkInterfaces: [{ macAddress: '02:00:00:00:00:01', ips: ['10.0.0.10'], isPrimary: true }],
        disks: [{ deviceName: '/dev/xvda', bytes: diskBytes }],
        cpus: [{ cores: 2, modelName: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz' }],
        ramBytes: 8 * 1024 ** 3,
        os: { fullString: 'Linux - Amazon Linux 2023' },
        supportsNitroInstances: true,
      },
      stagingArea: { status: 'NOT_EXTENDED' },
      replicationDirection: 'FAILOVER',
      agentVersion: '4.7.0',
    };
  }

  // ---- faults -------------------------------------------------------------------------------

  /** Resolves a fault's server by ID or hostname; throws when the scenario has no such server. */
  serverOfFault(fault: { sourceServerID?: string; hostname?: string }): string {
    if (fault.sourceServerID) return fault.sourceServerID;
    for (const record of this.sourceServers.values()) if (record.hostname === fault.hostname) return record.server.sourceServerID;
    throw new Error(`fault names hostname ${fault.hostname}, which is not a source server of the scenario`);
  }

  injectFault(input: Fault): void {
    const fault = faultSchema.parse(input);
    if (this.requestFaults.add(fault)) return;
    switch (fault.type) {
      case 'launchFailure':
        this.launchFailures.push({ sourceServerID: this.serverOfFault(fault), rawError: fault.rawError, ...(fault.times ? { remaining: fault.times } : {}) });
        return;
      case 'actionFailure':
        this.actionFailures.push({ sourceServerID: this.serverOfFault(fault), actionName: fault.actionName, failureReason: fault.failureReason });
        return;
      case 'stallReplication': {
        const record = this.sourceServers.get(this.serverOfFault(fault));
        if (!record) throw new Error(`stallReplication: no source server ${fault.sourceServerID}`);
        this.setReplicationState(record, 'STALLED', this.nowMs());
        return;
      }
      case 'failbackError':
        this.failbackErrors.add(this.serverOfFault(fault));
        return;
      case 'failbackNeverReady':
        this.failbackNeverReady.add(this.serverOfFault(fault));
        return;
      case 'ssmAgentNeverDiscovered':
        this.ssmAgentNeverDiscovered.add(this.serverOfFault(fault));
        return;
      case 'networkFailure':
        this.networkFailures.set(fault.sourceNetworkID, fault.rawError ?? 'CloudFormation stack creation failed: CREATE_FAILED');
        return;
    }
  }

  clearFaults(): void {
    this.requestFaults.clear();
    this.launchFailures = [];
    this.actionFailures = [];
    this.failbackErrors.clear();
    this.failbackNeverReady.clear();
    this.ssmAgentNeverDiscovered.clear();
    this.networkFailures.clear();
  }

  /** The raw error a launch of this server fails with, consuming a counted fault. */
  takeLaunchFailure(record: SourceServerRecord): string | undefined {
    const fault = this.launchFailures.find((f) => f.sourceServerID === record.server.sourceServerID && (f.remaining ?? 1) > 0);
    if (fault) {
      if (fault.remaining !== undefined) fault.remaining--;
      return fault.rawError;
    }
    return record.launchFails;
  }

  actionFailureOf(record: SourceServerRecord, action: LaunchAction): string | undefined {
    return (
      this.actionFailures.find((f) => f.sourceServerID === record.server.sourceServerID && f.actionName === action.name)?.failureReason ??
      record.actionBehaviour.get(action.name)?.fails
    );
  }

  // ---- replication and snapshots -------------------------------------------------------------

  setReplicationState(record: SourceServerRecord, state: DataReplicationState, atMs: number): void {
    const info = record.server.dataReplicationInfo;
    info.dataReplicationState = state;
    if (state === 'STALLED' || state === 'STOPPED') {
      record.replicationHaltedAtMs ??= atMs;
      if (state === 'STALLED') info.dataReplicationError = { error: 'UNSTABLE_NETWORK', rawError: 'Replication agent lost connectivity to the replication server' };
    } else {
      delete info.dataReplicationError;
      if (state === 'CONTINUOUS') delete record.replicationHaltedAtMs;
    }
  }

  /** Point-in-time snapshots available now, oldest first. */
  snapshotsOf(record: SourceServerRecord, nowMs: number): RecoverySnapshot[] {
    const id = record.server.sourceServerID;
    const state = record.server.dataReplicationInfo.dataReplicationState;
    const times: number[] = [];
    if (state !== 'INITIATING' && state !== 'INITIAL_SYNC') {
      const capMs = Math.min(nowMs, record.replicationHaltedAtMs ?? nowMs);
      if ('everyMs' in record.snapshotPolicy) {
        const { everyMs, count } = record.snapshotPolicy;
        // DRS keeps the most recent snapshots of its PIT policy (every 10 minutes for an hour).
        const latest = this.startMs + Math.floor((capMs - this.startMs) / everyMs) * everyMs;
        for (let i = count - 1; i >= 0; i--) times.push(latest - i * everyMs);
      } else {
        times.push(...record.snapshotPolicy.timesMs.filter((t) => t <= capMs));
      }
    }
    const scheduled = times.map((t) => snapshotAt(id, t));
    return [...scheduled, ...record.onDemandSnapshots.filter((s) => Date.parse(s.timestamp) <= nowMs)].sort(
      (a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp),
    );
  }

  /** The source server as DescribeSourceServers returns it now (lag and last-seen are live). */
  describeSourceServer(record: SourceServerRecord, nowMs: number): SourceServer {
    const server = record.server;
    const state = server.dataReplicationInfo.dataReplicationState;
    const lagSeconds =
      state === 'CONTINUOUS'
        ? record.lagSeconds
        : record.replicationHaltedAtMs !== undefined && state === 'STALLED'
          ? record.lagSeconds + (nowMs - record.replicationHaltedAtMs) / 1000
          : undefined;
    const lastSeenMs = state === 'STALLED' && record.replicationHaltedAtMs !== undefined ? record.replicationHaltedAtMs : nowMs - 5_000;
    const firstByte = server.lifeCycle.firstByteDateTime ? Date.parse(server.lifeCycle.firstByteDateTime) : undefined;
    return {
      ...server,
      tags: { ...server.tags },
      dataReplicationInfo: { ...server.dataReplicationInfo, ...(lagSeconds !== undefined ? { lagDuration: isoDuration(lagSeconds) } : {}) },
      lifeCycle: {
        ...server.lifeCycle,
        lastSeenByServiceDateTime: isoTime(lastSeenMs),
        ...(firstByte !== undefined && firstByte <= nowMs ? { elapsedReplicationDuration: isoDuration((nowMs - firstByte) / 1000) } : {}),
      },
    };
  }

  // ---- jobs: bookkeeping shared by every kind ------------------------------------------------

  /** Throws the ServiceQuotaExceededException DRS answers when a new job would exceed a quota. */
  checkJobQuotas(newServerCount: number): void {
    if (newServerCount > quotas.serversPerJob) {
      throw serviceQuotaExceededError(
        `A job can contain at most ${quotas.serversPerJob} source servers; ${newServerCount} were requested`,
        quotaCodes.serversPerJob,
      );
    }
    if (this.activeJobs.size >= quotas.concurrentJobs) {
      throw serviceQuotaExceededError(`At most ${quotas.concurrentJobs} jobs can run concurrently`, quotaCodes.concurrentJobs);
    }
    let serversInActiveJobs = 0;
    for (const count of this.activeJobs.values()) serversInActiveJobs += count;
    if (serversInActiveJobs + newServerCount > quotas.serversInActiveJobs) {
      throw serviceQuotaExceededError(
        `At most ${quotas.serversInActiveJobs} source servers can be in active jobs; ${serversInActiveJobs} are and ${newServerCount} more were requested`,
        quotaCodes.serversInActiveJobs,
      );
    }
  }

  /** DRS runs one job per source server at a time (*unconfirmed* that it answers Conflict). */
  checkServerIsFree(sourceServerID: string): void {
    const jobID = this.activeJobOfServer.get(sourceServerID);
    if (jobID) throw conflictError(`Source server ${sourceServerID} is already in active job ${jobID}`, sourceServerID, 'SOURCE_SERVER');
  }

  createJob(fields: Pick<Job, 'type' | 'initiatedBy' | 'participatingServers' | 'tags'> & { participatingResources?: Job['participatingResources'] }, nowMs: number): JobRecord {
    const jobID = this.ids.jobId();
    const job: Job = {
      jobID,
      arn: this.arn('job', jobID),
      type: fields.type,
      initiatedBy: fields.initiatedBy,
      creationDateTime: isoTime(nowMs),
      status: 'PENDING',
      participatingServers: fields.participatingServers,
      ...(fields.participatingResources ? { participatingResources: fields.participatingResources } : {}),
      tags: { ...fields.tags },
    };
    const record: JobRecord = {
      job,
      log: [],
      timeline: {
        jobID,
        type: job.type,
        initiatedBy: job.initiatedBy,
        created: job.creationDateTime,
        servers: job.participatingServers.map((p) => ({ sourceServerID: p.sourceServerID, launchStatus: p.launchStatus, actions: [] })),
        resources: (job.participatingResources ?? []).map((r) => ({ sourceNetworkID: r.participatingResourceID.sourceNetworkID, launchStatus: r.launchStatus })),
      },
    };
    this.jobs.set(jobID, record);
    this.jobOrder.unshift(jobID);
    this.tagsByArn.set(job.arn, job.tags);
    this.activeJobs.set(jobID, job.participatingServers.length);
    for (const p of job.participatingServers) this.activeJobOfServer.set(p.sourceServerID, jobID);
    for (const r of job.participatingResources ?? []) this.activeJobOfNetwork.set(r.participatingResourceID.sourceNetworkID, jobID);
    return record;
  }

  log(record: JobRecord, atMs: number, event: string, eventData?: JobLog['eventData']): void {
    record.log.push({ logDateTime: isoTime(atMs), event, ...(eventData ? { eventData } : {}) });
  }

  startJob(record: JobRecord, atMs: number): void {
    record.job.status = 'STARTED';
    record.timeline.started = isoTime(atMs);
    this.log(record, atMs, 'JOB_START');
  }

  completeJob(record: JobRecord, atMs: number): void {
    const job = record.job;
    job.status = 'COMPLETED';
    job.endDateTime = isoTime(atMs);
    record.timeline.completed = job.endDateTime;
    this.log(record, atMs, 'JOB_END');
    this.activeJobs.delete(job.jobID);
    for (const p of job.participatingServers) if (this.activeJobOfServer.get(p.sourceServerID) === job.jobID) this.activeJobOfServer.delete(p.sourceServerID);
    for (const r of job.participatingResources ?? []) {
      const id = r.participatingResourceID.sourceNetworkID;
      if (this.activeJobOfNetwork.get(id) === job.jobID) this.activeJobOfNetwork.delete(id);
    }
  }

  /** Records when an ID (source server or recovery instance) was added. */
  noteAdded(id: string): void {
    if (!this.added.has(id)) this.added.set(id, this.added.size);
  }

  /** The records of these IDs that exist, in the order they were added (a scan's order). */
  byIDs<T>(records: ReadonlyMap<string, T>, ids: ReadonlySet<string>): T[] {
    const found = [...ids].filter((id) => records.has(id));
    found.sort((a, b) => (this.added.get(a) ?? 0) - (this.added.get(b) ?? 0));
    return found.map((id) => records.get(id)!);
  }

  removeRecoveryInstance(recoveryInstanceID: string): void {
    const record = this.recoveryInstances.get(recoveryInstanceID);
    if (!record) return;
    this.recoveryInstances.delete(recoveryInstanceID);
    this.tagsByArn.delete(record.instance.arn);
    const server = this.sourceServers.get(record.instance.sourceServerID)?.server;
    if (server?.recoveryInstanceId === recoveryInstanceID) delete server.recoveryInstanceId;
  }

  // ---- inspection ----------------------------------------------------------------------------

  state() {
    const now = this.advance();
    return structuredClone({
      now: isoTime(now),
      sourceServers: [...this.sourceServers.values()].map((r) => this.describeSourceServer(r, now)),
      jobs: this.jobOrder.map((id) => this.jobs.get(id)!.job),
      recoveryInstances: [...this.recoveryInstances.values()].map((r) => r.instance),
      sourceNetworks: [...this.sourceNetworks.values()].map((r) => r.network),
    });
  }

  timeline(): JobTimeline[] {
    this.advance();
    return structuredClone([...this.jobOrder].reverse().map((id) => this.jobs.get(id)!.timeline));
  }
}

function snapshotAt(sourceServerID: string, atMs: number): RecoverySnapshot {
  const snapshotID = snapshotIdFor(sourceServerID, atMs);
  return {
    snapshotID,
    sourceServerID,
    expectedTimestamp: isoTime(atMs),
    timestamp: isoTime(atMs),
    ebsSnapshots: [`snap-${snapshotID.slice(4)}`],
  };
}

export { snapshotAt };
