// Job lifecycles. Each job's whole timeline (per server: snapshot, conversion, launch, post-launch
// actions) is drawn at creation from the scenario durations with the job's seeded jitter, then
// scheduled as events; servers of one job run in parallel and the job completes when all of them,
// and their post-launch actions, are done.
import { createHash } from 'node:crypto';
import { isoTime } from './clock.ts';
import { SeededRandom } from './ids.ts';
import { snapshotAt, type DrsSimulator, type JobRecord, type ServerPhaseTimeline, type SourceServerRecord } from './simulator.ts';
import { scheduleFailbackReadiness } from './failback.ts';
import { actionRunEndEvent, launchResultEvent } from './service-events.ts';
import type { Job, LaunchAction, ParticipatingServer, RecoverySnapshot, SourceNetwork, Tags } from './wire.ts';

/** Seconds between the last server finishing and JOB_END. */
const JOB_END_DELAY_MS = 5_000;

interface ServerPlan {
  record: SourceServerRecord;
  participant: ParticipatingServer;
  timeline: ServerPhaseTimeline;
  /** 'onDemand' takes a snapshot now; a snapshot uses that point in time; 'none' skips (failback). */
  snapshot: 'onDemand' | RecoverySnapshot | 'none';
  targetInstanceID?: string;
  launchFails?: string;
  actions: LaunchAction[];
  /**
   * DRS discovers the instance's SSM agent (it installs it when post-launch actions are enabled,
   * whatever actions the server has): the discovery time shows, with a run per active action.
   */
  discoversSsmAgent?: boolean;
  onLaunched: (atMs: number, dataTimestampMs: number) => void;
  onFailed: (atMs: number) => void;
}

/** DRS's "Source Server Launch Result" event, for the launches of recoveries and drills (not failback). */
function sendLaunchResult(sim: DrsSimulator, job: JobRecord, record: SourceServerRecord, atMs: number, launched: boolean): void {
  const { initiatedBy, jobID } = job.job;
  if (initiatedBy !== 'START_RECOVERY' && initiatedBy !== 'START_DRILL') return;
  sim.world.emit(
    launchResultEvent({ accountId: sim.accountId, region: sim.region, sourceServerArn: record.server.arn ?? sim.arn('source-server', record.server.sourceServerID), jobID, isDrill: initiatedBy === 'START_DRILL', launched, atMs }),
    atMs,
  );
}

/** Schedules one server's phases from `startMs`; returns when the server is done. */
function scheduleServer(sim: DrsSimulator, job: JobRecord, random: SeededRandom, plan: ServerPlan, startMs: number): number {
  const { participant: p, timeline: t, record } = plan;
  const sourceServerID = record.server.sourceServerID;
  let cursor = startMs;
  let dataTimestampMs = startMs;

  sim.schedule.at(cursor, () => {
    p.launchStatus = 'IN_PROGRESS';
    t.launchStatus = 'IN_PROGRESS';
  });
  if (plan.snapshot === 'onDemand') {
    const snapshotEnd = cursor + sim.duration('snapshotSeconds', random);
    // The on-demand snapshot holds the data as of its start: that is the recovery point.
    const takenAt = cursor;
    sim.schedule.at(cursor, (at) => {
      sim.log(job, at, 'SNAPSHOT_START', { sourceServerID });
      t.snapshotStart = isoTime(at);
    });
    sim.schedule.at(snapshotEnd, (at) => {
      sim.log(job, at, 'SNAPSHOT_END', { sourceServerID });
      t.snapshotEnd = isoTime(at);
      record.onDemandSnapshots.push(snapshotAt(sourceServerID, takenAt));
    });
    dataTimestampMs = takenAt;
    cursor = snapshotEnd;
  } else if (plan.snapshot !== 'none') {
    const snapshot = plan.snapshot;
    dataTimestampMs = Date.parse(snapshot.timestamp);
    sim.schedule.at(cursor, (at) => {
      sim.log(job, at, 'USING_PREVIOUS_SNAPSHOT', { sourceServerID });
      t.usedSnapshotID = snapshot.snapshotID;
    });
  }
  const dataTimestamp = isoTime(dataTimestampMs);
  const conversionServerID = sim.ids.ec2InstanceId();
  const conversionEnd = cursor + sim.duration('conversionSeconds', random);
  sim.schedule.at(cursor, (at) => {
    sim.log(job, at, 'CONVERSION_START', { sourceServerID, conversionServerID });
    t.conversionStart = isoTime(at);
  });
  sim.schedule.at(conversionEnd, (at) => {
    sim.log(job, at, 'CONVERSION_END', {
      sourceServerID,
      conversionServerID,
      conversionProperties: { dataTimestamp, rootVolumeName: '/dev/xvda', forceUefi: false, volumeToConversionMap: {} },
    });
    t.conversionEnd = isoTime(at);
    t.dataTimestamp = dataTimestamp;
  });
  cursor = conversionEnd;

  const launchEnd = cursor + sim.duration('launchSeconds', random);
  const targetInstanceID = plan.targetInstanceID;
  sim.schedule.at(cursor, (at) => {
    sim.log(job, at, 'LAUNCH_START', { sourceServerID, ...(targetInstanceID ? { targetInstanceID } : {}) });
    t.launchStart = isoTime(at);
  });
  // DRS logs no LAUNCH_END: a launched server shows only in participatingServers.
  sim.schedule.at(launchEnd, (at) => {
    t.launchEnd = isoTime(at);
    if (plan.launchFails) {
      sim.log(job, at, 'LAUNCH_FAILED', { sourceServerID, ...(targetInstanceID ? { targetInstanceID } : {}), rawError: plan.launchFails });
      p.launchStatus = 'FAILED';
      t.launchStatus = 'FAILED';
      plan.onFailed(at);
    } else {
      p.launchStatus = 'LAUNCHED';
      t.launchStatus = 'LAUNCHED';
      if (targetInstanceID) {
        p.recoveryInstanceID ??= targetInstanceID;
        t.recoveryInstanceID = p.recoveryInstanceID;
      }
      plan.onLaunched(at, dataTimestampMs);
    }
    sendLaunchResult(sim, job, record, at, !plan.launchFails);
  });
  cursor = launchEnd;
  if (plan.launchFails || plan.discoversSsmAgent !== true) return cursor;

  // Post-launch actions: once the SSM agent on the instance is discovered every active action
  // gets a run (IN_PROGRESS); they execute one after another in `order`. A server without an
  // active action shows the discovery time and no run.
  // A server without actions draws its discovery time from a stream of its own, so that the other
  // servers' phases come out as they did before DRS discovered agents of servers without actions.
  const agentRandom = plan.actions.length > 0 ? random : new SeededRandom(`${sim.scenario.seed}:${job.job.jobID}:${sourceServerID}:ssm-agent`);
  const discovery = cursor + sim.duration('ssmAgentDiscoverySeconds', agentRandom);
  const runs = plan.actions.map((action) => ({ action, runId: sim.ids.runId() }));
  sim.schedule.at(discovery, (at) => {
    p.launchActionsStatus = {
      ssmAgentDiscoveryDatetime: isoTime(at),
      runs: runs.map((r) => ({ action: { ...r.action }, runId: r.runId, status: 'IN_PROGRESS' as const })),
    };
    t.ssmAgentDiscovery = isoTime(at);
  });
  // Nothing to run: the job does not wait for the discovery (it ends as it did before).
  if (runs.length === 0) return cursor;
  cursor = discovery;
  runs.forEach((run, index) => {
    const behaviour = record.actionBehaviour.get(run.action.name);
    const failureReason = sim.actionFailureOf(record, run.action);
    const start = cursor;
    const end = start + sim.duration('actionSeconds', random, behaviour?.durationSeconds);
    const actionTimeline = { name: run.action.name, optional: run.action.optional };
    t.actions.push(actionTimeline);
    sim.schedule.at(start, (at) => Object.assign(actionTimeline, { start: isoTime(at), status: 'IN_PROGRESS' }));
    sim.schedule.at(end, (at) => {
      const wireRun = p.launchActionsStatus?.runs[index];
      if (!wireRun) return;
      wireRun.status = failureReason ? 'FAILED' : 'SUCCEEDED';
      if (failureReason) wireRun.failureReason = failureReason;
      Object.assign(actionTimeline, { end: isoTime(at), status: wireRun.status, ...(failureReason ? { failureReason } : {}) });
      // What SSM sends when the execution or command this run stands for ends.
      sim.world.emit(
        actionRunEndEvent({ accountId: sim.accountId, region: sim.region, runId: run.runId, type: run.action.type, documentName: run.action.actionCode, succeeded: !failureReason, atMs: at }),
        at,
      );
    });
    cursor = end;
  });
  return cursor;
}

function scheduleJob(sim: DrsSimulator, job: JobRecord, nowMs: number, plans: ServerPlan[]): void {
  const random = new SeededRandom(`${sim.scenario.seed}:${job.job.jobID}`);
  const startMs = nowMs + sim.duration('jobStartSeconds', random);
  sim.schedule.at(startMs, (at) => sim.startJob(job, at));
  let doneMs = startMs;
  for (const plan of plans) {
    const serverStart = startMs + Math.round(random.next() * 3) * 1000;
    doneMs = Math.max(doneMs, scheduleServer(sim, job, random, plan, serverStart));
  }
  sim.schedule.at(doneMs + JOB_END_DELAY_MS, (at) => sim.completeJob(job, at));
}

export interface RecoveryRequest {
  sourceServers: { record: SourceServerRecord; snapshot?: RecoverySnapshot }[];
  isDrill: boolean;
  tags: Tags;
}

/** StartRecovery: a LAUNCH job initiated by START_DRILL or START_RECOVERY. */
export function startRecoveryJob(sim: DrsSimulator, request: RecoveryRequest, nowMs: number): Job {
  const job = sim.createJob(
    {
      type: 'LAUNCH',
      initiatedBy: request.isDrill ? 'START_DRILL' : 'START_RECOVERY',
      participatingServers: request.sourceServers.map(({ record }) => ({ sourceServerID: record.server.sourceServerID, launchStatus: 'PENDING' })),
      tags: request.tags,
    },
    nowMs,
  );
  const plans = request.sourceServers.map(({ record, snapshot }, index): ServerPlan => {
    const server = record.server;
    const launchType = request.isDrill ? 'DRILL' : 'RECOVERY';
    server.lastLaunchResult = 'PENDING';
    server.lifeCycle.lastLaunch = { initiated: { apiCallDateTime: isoTime(nowMs), jobID: job.job.jobID, type: launchType }, status: 'PENDING' };
    const targetInstanceID = sim.ids.ec2InstanceId();
    const launchFails = sim.takeLaunchFailure(record);
    // Launch settings as they are when the job starts: later updates affect later launches.
    const { launchDisposition, postLaunchEnabled, copyTags } = record.launchConfiguration;
    const started = launchDisposition === 'STARTED';
    // Runs appear only once DRS discovers the SSM agent, which it installs for post-launch actions:
    // with them off it neither installs nor looks for it, so the server reports no
    // launchActionsStatus at all (no discovery time, no runs); a STOPPED instance runs no agent.
    const discoversSsmAgent = postLaunchEnabled && started && !sim.ssmAgentNeverDiscovered.has(server.sourceServerID);
    return {
      record,
      participant: job.job.participatingServers[index]!,
      timeline: job.timeline.servers[index]!,
      snapshot: snapshot ?? 'onDemand',
      targetInstanceID,
      ...(launchFails ? { launchFails } : {}),
      discoversSsmAgent,
      actions: discoversSsmAgent ? [...record.launchActions.values()].filter((a) => a.active).sort((a, b) => a.order - b.order) : [],
      onLaunched: (atMs, dataTimestampMs) => {
        sim.noteAdded(targetInstanceID);
        sim.recoveryInstances.set(targetInstanceID, {
          instance: {
            ec2InstanceID: targetInstanceID,
            ec2InstanceState: started ? 'RUNNING' : 'STOPPED',
            jobID: job.job.jobID,
            recoveryInstanceID: targetInstanceID,
            sourceServerID: server.sourceServerID,
            arn: sim.arn('recovery-instance', targetInstanceID),
            tags: copyTags ? { ...server.tags } : {},
            failback: { state: 'FAILBACK_NOT_STARTED' },
            recoveryInstanceProperties: {
              lastUpdatedDateTime: isoTime(atMs),
              identificationHints: { hostname: server.sourceProperties.identificationHints.hostname, awsInstanceID: targetInstanceID },
              networkInterfaces: [{ macAddress: macAddressOf(targetInstanceID), ips: [privateIpOf(targetInstanceID)], isPrimary: true }],
              cpus: server.sourceProperties.cpus,
              ramBytes: server.sourceProperties.ramBytes,
              os: server.sourceProperties.os,
            },
            pointInTimeSnapshotDateTime: isoTime(dataTimestampMs),
            isDrill: request.isDrill,
            originEnvironment: record.originEnvironment,
            ...(server.sourceCloudProperties?.originAvailabilityZone ? { originAvailabilityZone: server.sourceCloudProperties.originAvailabilityZone } : {}),
            agentVersion: server.agentVersion,
          },
          failbackGeneration: 0,
        });
        sim.tagsByArn.set(sim.arn('recovery-instance', targetInstanceID), sim.recoveryInstances.get(targetInstanceID)!.instance.tags);
        server.recoveryInstanceId = targetInstanceID;
        server.lastLaunchResult = 'SUCCEEDED';
        server.lifeCycle.lastLaunch!.status = 'LAUNCHED';
        // The failback client replicates from a running instance: a stopped one never gets ready.
        if (!request.isDrill && record.originEnvironment === 'ON_PREMISES' && started) scheduleFailbackReadiness(sim, targetInstanceID, atMs);
      },
      onFailed: () => {
        server.lastLaunchResult = 'FAILED';
        server.lifeCycle.lastLaunch!.status = 'FAILED';
      },
    };
  });
  scheduleJob(sim, job, nowMs, plans);
  return structuredClone(job.job);
}

/** StartFailbackLaunch: a LAUNCH job initiated by FAILBACK that reboots the failback targets. */
export function startFailbackJob(sim: DrsSimulator, recoveryInstanceIDs: string[], tags: Tags, nowMs: number): Job {
  const instances = recoveryInstanceIDs.map((id) => sim.recoveryInstances.get(id)!.instance);
  const job = sim.createJob(
    {
      type: 'LAUNCH',
      initiatedBy: 'FAILBACK',
      participatingServers: instances.map((i) => ({ sourceServerID: i.sourceServerID, recoveryInstanceID: i.recoveryInstanceID, launchStatus: 'PENDING' })),
      tags,
    },
    nowMs,
  );
  const plans = instances.map((instance, index): ServerPlan => {
    instance.failback.failbackJobID = job.job.jobID;
    instance.failback.failbackInitiationTime = isoTime(nowMs);
    instance.failback.failbackLaunchType = 'RECOVERY';
    return {
      record: sim.sourceServers.get(instance.sourceServerID)!,
      participant: job.job.participatingServers[index]!,
      timeline: job.timeline.servers[index]!,
      snapshot: 'none',
      actions: [],
      onLaunched: () => {
        instance.failback.state = 'FAILBACK_COMPLETED';
      },
      onFailed: () => undefined,
    };
  });
  scheduleJob(sim, job, nowMs, plans);
  return structuredClone(job.job);
}

/** TerminateRecoveryInstances: a TERMINATE job; the instances disappear when it completes. */
export function startTerminateJob(sim: DrsSimulator, recoveryInstanceIDs: string[], nowMs: number): Job {
  const instances = recoveryInstanceIDs.map((id) => sim.recoveryInstances.get(id)!.instance);
  const job = sim.createJob(
    {
      type: 'TERMINATE',
      initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
      participatingServers: instances.map((i) => ({ sourceServerID: i.sourceServerID, recoveryInstanceID: i.recoveryInstanceID, launchStatus: 'PENDING' })),
      tags: {},
    },
    nowMs,
  );
  for (const instance of instances) instance.ec2InstanceState = 'SHUTTING-DOWN';
  const random = new SeededRandom(`${sim.scenario.seed}:${job.job.jobID}`);
  const startMs = nowMs + sim.duration('jobStartSeconds', random);
  sim.schedule.at(startMs, (at) => sim.startJob(job, at));
  let doneMs = startMs;
  job.job.participatingServers.forEach((participant, index) => {
    const end = startMs + sim.duration('terminateSeconds', random);
    sim.schedule.at(startMs, () => {
      participant.launchStatus = 'IN_PROGRESS';
    });
    sim.schedule.at(end, (at) => {
      participant.launchStatus = 'TERMINATED';
      job.timeline.servers[index]!.launchStatus = 'TERMINATED';
      job.timeline.servers[index]!.terminated = isoTime(at);
      job.timeline.servers[index]!.recoveryInstanceID = participant.recoveryInstanceID;
    });
    doneMs = Math.max(doneMs, end);
  });
  sim.schedule.at(doneMs + JOB_END_DELAY_MS, (at) => {
    for (const instance of instances) sim.removeRecoveryInstance(instance.recoveryInstanceID);
    sim.completeJob(job, at);
  });
  return structuredClone(job.job);
}

/**
 * How a network's recovery deploys its stack: create a new one or update the one deployed before,
 * under which name. DRS documents only `cfnStackName` ("CloudFormation stack name to be used for
 * recovering the network") and `deployAsNew` ("don't update existing CloudFormation stack, recover
 * the network using a new stack"). *Unconfirmed*, modelled so: without a name DRS reuses the stack
 * it deployed before (DescribeSourceNetworks' `cfnStackName`) and names a first one itself
 * (`drs-network-<sn-id>`, a local invention: DRS's naming is undocumented); `deployAsNew` without a
 * name gets a fresh name; a stack that is not there (never deployed, or deleted since) is created.
 */
function stackPlanOf(sim: DrsSimulator, network: SourceNetwork, requestedName: string | undefined, deployAsNew: boolean, atMs: number): { stackName: string; creates: boolean } {
  const host = sim.world.networkStacks;
  if (deployAsNew) return { stackName: requestedName ?? `drs-network-${network.sourceNetworkID}-${isoTime(atMs).replace(/[-:]/g, '').slice(0, 15)}`, creates: true };
  const stackName = requestedName ?? network.cfnStackName ?? `drs-network-${network.sourceNetworkID}`;
  // Without a CloudFormation to ask, DRS's own record says whether it deployed the network before.
  const exists = host === undefined ? network.launchedVpcID !== undefined : host.stackNamed(sim.place, stackName, atMs) !== undefined;
  return { stackName, creates: !exists };
}

/**
 * StartSourceNetworkRecovery: a job with participatingResources deploying each VPC's stack. With a
 * local CloudFormation connected (world.networkStacks) the stack is created or updated there when
 * the job starts and completes (or rolls back) when the network is LAUNCHED (or FAILED); the job
 * log says which: DEPLOY_NETWORK_CONFIGURATION_* for a new stack, UPDATE_NETWORK_CONFIGURATION_*
 * for an update, each with sourceNetworkData.stackName.
 */
export function startNetworkRecoveryJob(
  sim: DrsSimulator,
  networks: { sourceNetworkID: string; cfnStackName?: string }[],
  deployAsNew: boolean,
  tags: Tags,
  nowMs: number,
): Job {
  const records = networks.map((n) => sim.sourceNetworks.get(n.sourceNetworkID)!);
  const plans = records.map((record, index) => stackPlanOf(sim, record.network, networks[index]!.cfnStackName, deployAsNew, nowMs));
  const job = sim.createJob(
    {
      type: 'LAUNCH',
      initiatedBy: plans.some((plan) => plan.creates) ? 'CREATE_NETWORK_RECOVERY' : 'UPDATE_NETWORK_RECOVERY',
      participatingServers: [],
      participatingResources: records.map((r) => ({ participatingResourceID: { sourceNetworkID: r.network.sourceNetworkID }, launchStatus: 'PENDING' })),
      tags,
    },
    nowMs,
  );
  const random = new SeededRandom(`${sim.scenario.seed}:${job.job.jobID}`);
  const startMs = nowMs + sim.duration('jobStartSeconds', random);
  sim.schedule.at(startMs, (at) => sim.startJob(job, at));
  let doneMs = startMs;
  records.forEach((record, index) => {
    const network = record.network;
    const resource = job.job.participatingResources![index]!;
    const timeline = job.timeline.resources[index]!;
    const { stackName, creates } = plans[index]!;
    const phase = creates ? 'DEPLOY' : 'UPDATE';
    network.cfnStackName = stackName;
    network.lastRecovery = { apiCallDateTime: isoTime(nowMs), jobID: job.job.jobID, lastRecoveryResult: 'IN_PROGRESS' };
    const injected = sim.networkFailures.get(network.sourceNetworkID) ?? record.fails;
    const targetVpc = creates || !network.launchedVpcID ? sim.ids.vpcId() : network.launchedVpcID;
    const end = startMs + sim.duration('networkSeconds', random);
    const sourceNetworkData = { sourceNetworkID: network.sourceNetworkID, sourceVpc: network.sourceVpcID, stackName };
    let stackId: string | undefined;
    // CloudFormation refusing the create or update (a name taken, a stack that cannot be updated) fails the network.
    let refused: string | undefined;
    sim.schedule.at(startMs, (at) => {
      resource.launchStatus = 'IN_PROGRESS';
      Object.assign(timeline, { start: isoTime(at), launchStatus: 'IN_PROGRESS' });
      sim.log(job, at, `${phase}_NETWORK_CONFIGURATION_START`, { eventResourceData: { sourceNetworkData } });
      const host = sim.world.networkStacks;
      if (host === undefined) return;
      try {
        stackId = (creates ? host.createStack(sim.place, { stackName }, at) : host.updateStack(sim.place, stackName, at)).stackId;
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
      }
    });
    sim.schedule.at(end, (at) => {
      const rawError = refused ?? injected;
      if (stackId !== undefined) sim.world.networkStacks?.finishStackOperation(stackId, at, rawError === undefined ? {} : { failure: rawError });
      if (rawError) {
        resource.launchStatus = 'FAILED';
        network.lastRecovery!.lastRecoveryResult = 'FAIL';
        sim.log(job, at, `${phase}_NETWORK_CONFIGURATION_FAILED`, { rawError, eventResourceData: { sourceNetworkData } });
      } else {
        resource.launchStatus = 'LAUNCHED';
        network.launchedVpcID = targetVpc;
        network.lastRecovery!.lastRecoveryResult = 'SUCCESS';
        sim.log(job, at, `${phase}_NETWORK_CONFIGURATION_END`, { eventResourceData: { sourceNetworkData: { ...sourceNetworkData, targetVpc } } });
      }
      Object.assign(timeline, { end: isoTime(at), launchStatus: resource.launchStatus });
    });
    doneMs = Math.max(doneMs, end);
  });
  sim.schedule.at(doneMs + JOB_END_DELAY_MS, (at) => sim.completeJob(job, at));
  return structuredClone(job.job);
}

/**
 * The recovery instance's private IPv4 address: in 10.128.0.0/9, derived from its instance ID so a
 * scenario's runs are reproducible (DRS reports the address EC2 gave the instance).
 */
export function privateIpOf(ec2InstanceID: string): string {
  const hash = createHash('sha256').update(ec2InstanceID).digest();
  return `10.${128 + (hash[0]! & 0x7f)}.${hash[1]}.${1 + (hash[2]! % 254)}`;
}

function macAddressOf(ec2InstanceID: string): string {
  const hash = createHash('sha256').update(`mac:${ec2InstanceID}`).digest();
  return ['02', ...[...hash.subarray(0, 5)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}
