// Failback and replication direction. On-premises origins fail back through the DRS Failback
// Client (simulated install + replication: FAILBACK_IN_PROGRESS, then FAILBACK_READY_FOR_LAUNCH);
// EC2 origins fail back by reverse replication to a FAILBACK-direction source server in the origin
// Region.
import { isoTime } from './clock.ts';
import { SeededRandom, sourceServerIdFor } from './ids.ts';
import type { DrsSimulator, SourceServerRecord } from './simulator.ts';

/** The failback client is installed a tenth of the way in; the instance is ready at the end. */
export function scheduleFailbackReadiness(sim: DrsSimulator, recoveryInstanceID: string, launchedMs: number): void {
  const record = sim.recoveryInstances.get(recoveryInstanceID);
  if (!record) return;
  const generation = record.failbackGeneration;
  const random = new SeededRandom(`${sim.scenario.seed}:failback:${recoveryInstanceID}:${generation}`);
  const readyMs = launchedMs + sim.duration('failbackReadySeconds', random);
  const installedMs = launchedMs + Math.round((readyMs - launchedMs) / 10);
  const current = () => {
    const now = sim.recoveryInstances.get(recoveryInstanceID);
    return now && now.failbackGeneration === generation ? now : undefined;
  };
  record.instance.dataReplicationInfo = { dataReplicationState: 'NOT_STARTED' };
  sim.schedule.at(installedMs, (at) => {
    const instance = current()?.instance;
    if (!instance || instance.failback.state !== 'FAILBACK_NOT_STARTED') return;
    instance.failback.state = 'FAILBACK_IN_PROGRESS';
    instance.failback.failbackClientID = `fbc-${recoveryInstanceID.slice(2)}`;
    instance.failback.failbackClientLastSeenByServiceDateTime = isoTime(at);
    instance.failback.failbackToOriginalServer = true;
    instance.dataReplicationInfo = { dataReplicationState: 'INITIAL_SYNC' };
  });
  sim.schedule.at(readyMs, (at) => {
    const instance = current()?.instance;
    if (!instance || instance.failback.state !== 'FAILBACK_IN_PROGRESS') return;
    if (sim.failbackNeverReady.has(instance.sourceServerID)) return;
    if (sim.failbackErrors.has(instance.sourceServerID)) {
      instance.failback.state = 'FAILBACK_ERROR';
      return;
    }
    instance.failback.state = 'FAILBACK_READY_FOR_LAUNCH';
    instance.failback.failbackClientLastSeenByServiceDateTime = isoTime(at);
    instance.dataReplicationInfo = { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT5S' };
  });
}

/** StopFailback: back to FAILBACK_NOT_STARTED; pending transitions are dropped. */
export function stopFailback(sim: DrsSimulator, recoveryInstanceID: string): void {
  const record = sim.recoveryInstances.get(recoveryInstanceID)!;
  record.failbackGeneration++;
  record.instance.failback = { state: 'FAILBACK_NOT_STARTED' };
  delete record.instance.dataReplicationInfo;
}

/**
 * ReverseReplication of a recovery instance whose origin is EC2: a source server in the origin
 * Region with replicationDirection FAILBACK that replicates the instance back
 * (INITIATING → INITIAL_SYNC → CONTINUOUS). Repeating the call returns the same server.
 */
export function reverseReplication(sim: DrsSimulator, recoveryInstanceID: string, nowMs: number): string {
  const instance = sim.recoveryInstances.get(recoveryInstanceID)!.instance;
  const origin = sim.sourceServers.get(instance.sourceServerID)!;
  const originRegion = origin.server.sourceCloudProperties?.originRegion ?? sim.region;
  // DRS in the origin Region, of this account, holds the reversed server and launches it there.
  const originStore = sim.world.store(sim.accountId, originRegion);
  const reversedID = sourceServerIdFor(`reverse:${recoveryInstanceID}`);
  const existing = originStore.sourceServers.get(reversedID);
  if (existing) return existing.server.arn;

  const arn = originStore.arn('source-server', reversedID);
  const hostname = origin.server.sourceProperties.identificationHints.hostname;
  const server = originStore.newSourceServer(reversedID, arn, hostname, origin.server.tags, isoTime(nowMs));
  server.replicationDirection = 'FAILBACK';
  server.reversedDirectionSourceServerArn = origin.server.arn;
  server.dataReplicationInfo.dataReplicationState = 'INITIATING';
  server.dataReplicationInfo.stagingAvailabilityZone = `${originRegion}a`;
  delete server.lifeCycle.firstByteDateTime;
  // Its source machine is the recovery instance, in this (the recovery) Region.
  server.sourceProperties.identificationHints.awsInstanceID = recoveryInstanceID;
  server.sourceCloudProperties = { originAccountID: sim.accountId, originRegion: sim.region, originAvailabilityZone: `${sim.region}a` };
  server.sourceProperties.os = { ...origin.server.sourceProperties.os };
  const record: SourceServerRecord = {
    server,
    hostname,
    originEnvironment: 'AWS',
    lagSeconds: origin.lagSeconds,
    snapshotPolicy: origin.snapshotPolicy,
    onDemandSnapshots: [],
    launchActions: new Map(),
    actionBehaviour: new Map(),
    launchConfiguration: originStore.newLaunchConfiguration(reversedID, hostname),
  };
  originStore.addSourceServer(record);
  origin.server.reversedDirectionSourceServerArn = arn;

  const random = new SeededRandom(`${sim.scenario.seed}:reverse:${recoveryInstanceID}`);
  const continuousMs = nowMs + sim.duration('reverseReplicationSeconds', random);
  const initialSyncMs = nowMs + Math.round((continuousMs - nowMs) / 5);
  sim.schedule.at(initialSyncMs, (at) => {
    originStore.setReplicationState(record, 'INITIAL_SYNC', at);
    server.lifeCycle.firstByteDateTime = isoTime(at);
  });
  sim.schedule.at(continuousMs, (at) => originStore.setReplicationState(record, 'CONTINUOUS', at));
  return arn;
}

/** StartReplication of a stopped server: it re-initiates and is CONTINUOUS again after a resync. */
export function startReplication(sim: DrsSimulator, record: SourceServerRecord, nowMs: number): void {
  sim.setReplicationState(record, 'INITIATING', nowMs);
  const random = new SeededRandom(`${sim.scenario.seed}:restart:${record.server.sourceServerID}:${nowMs}`);
  const continuousMs = nowMs + Math.round(sim.duration('reverseReplicationSeconds', random) / 4);
  sim.schedule.at(continuousMs, (at) => {
    if (record.server.dataReplicationInfo.dataReplicationState === 'INITIATING') sim.setReplicationState(record, 'CONTINUOUS', at);
  });
}
