// One handler per DRS operation: input already validated against the model, time already
// advanced. Unknown IDs answer ResourceNotFoundException where the model lists it for the
// operation, otherwise a ValidationException naming the member (StartRecovery, for one, models no
// ResourceNotFoundException).
import { isoTime } from './clock.ts';
import { accessDeniedError, conflictError, invalidField, resourceNotFoundError, type DrsError } from './errors.ts';
import { operationModelsError } from './model.ts';
import { paginate } from './pagination.ts';
import { reverseReplication, startReplication, stopFailback } from './failback.ts';
import { startFailbackJob, startNetworkRecoveryJob, startRecoveryJob, startTerminateJob } from './jobs.ts';
import { updatedLaunchConfiguration, type LaunchConfigurationUpdate } from './launch-configuration.ts';
import { sourceServerIdFor } from './ids.ts';
import type { DrsSimulator, SourceServerRecord } from './simulator.ts';
import type { LaunchAction, RecoverySnapshot, Tags } from './wire.ts';

type Input = Record<string, unknown>;
export type OperationHandler = (sim: DrsSimulator, input: Input, nowMs: number, operation: string) => unknown;

/** DRS caps a page at 1000 items whatever maxResults asks (the model leaves most unbounded). */
const MAX_PAGE = 1000;
const page = <T>(operation: string, items: T[], input: Input) =>
  paginate(operation, items, Math.min((input.maxResults as number | undefined) ?? MAX_PAGE, MAX_PAGE), input.nextToken as string | undefined);

function notFound(operation: string, member: string, id: string, resourceType: string): DrsError {
  return operationModelsError(operation, 'ResourceNotFoundException')
    ? resourceNotFoundError(`${resourceType} ${id} not found`, id, resourceType)
    : invalidField(member, `${resourceType} ${id} not found`);
}

function serverOrThrow(sim: DrsSimulator, operation: string, member: string, id: string): SourceServerRecord {
  const record = sim.sourceServers.get(id);
  if (!record) throw notFound(operation, member, id, 'SOURCE_SERVER');
  return record;
}

function instanceOrThrow(sim: DrsSimulator, operation: string, member: string, id: string) {
  const record = sim.recoveryInstances.get(id);
  if (!record) throw notFound(operation, member, id, 'RECOVERY_INSTANCE');
  return record;
}

function parseDate(value: unknown): number | undefined {
  return typeof value === 'string' ? Date.parse(value) : undefined;
}

export const operationHandlers: Record<string, OperationHandler> = {
  DescribeSourceServers(sim, input, nowMs, op) {
    const filters = (input.filters ?? {}) as { sourceServerIDs?: string[]; hardwareId?: string; stagingAccountIDs?: string[] };
    const ids = filters.sourceServerIDs && filters.sourceServerIDs.length > 0 ? new Set(filters.sourceServerIDs) : undefined;
    const staging = filters.stagingAccountIDs && filters.stagingAccountIDs.length > 0 ? new Set(filters.stagingAccountIDs) : undefined;
    // By IDs (at most 200): a look-up each, not a scan of the account.
    const matching = (ids ? sim.byIDs(sim.sourceServers, ids) : [...sim.sourceServers.values()]).filter(
      (r) =>
        (!ids || ids.has(r.server.sourceServerID)) &&
        (!staging || (r.server.stagingArea.stagingAccountID !== undefined && staging.has(r.server.stagingArea.stagingAccountID))) &&
        (!filters.hardwareId || filters.hardwareId === r.server.sourceProperties.identificationHints.awsInstanceID || filters.hardwareId === r.hostname),
    );
    const result = page(op, matching, input);
    return { items: result.items.map((r) => sim.describeSourceServer(r, nowMs)), nextToken: result.nextToken };
  },

  StartRecovery(sim, input, nowMs) {
    const requested = input.sourceServers as { sourceServerID: string; recoverySnapshotID?: string }[];
    const servers = requested.map((entry, index) => {
      const record = sim.sourceServers.get(entry.sourceServerID);
      if (!record) throw invalidField(`sourceServers[${index}].sourceServerID`, `Source server ${entry.sourceServerID} not found`);
      let snapshot: RecoverySnapshot | undefined;
      if (entry.recoverySnapshotID) {
        snapshot = sim.snapshotsOf(record, nowMs).find((s) => s.snapshotID === entry.recoverySnapshotID);
        if (!snapshot) {
          throw invalidField(
            `sourceServers[${index}].recoverySnapshotID`,
            `Recovery snapshot ${entry.recoverySnapshotID} does not exist for source server ${entry.sourceServerID}`,
          );
        }
      }
      return { record, ...(snapshot ? { snapshot } : {}) };
    });
    const unique = new Set(requested.map((s) => s.sourceServerID));
    if (unique.size !== requested.length) throw invalidField('sourceServers', 'A source server appears more than once');
    for (const { record } of servers) {
      sim.checkServerIsFree(record.server.sourceServerID);
      const state = record.server.dataReplicationInfo.dataReplicationState;
      if (state === 'INITIATING' || state === 'INITIAL_SYNC') {
        throw conflictError(`Source server ${record.server.sourceServerID} has no replicated data yet (${state})`, record.server.sourceServerID, 'SOURCE_SERVER');
      }
    }
    sim.checkJobQuotas(servers.length);
    return { job: startRecoveryJob(sim, { sourceServers: servers, isDrill: input.isDrill === true, tags: (input.tags ?? {}) as Tags }, nowMs) };
  },

  DescribeJobs(sim, input, _nowMs, op) {
    const filters = (input.filters ?? {}) as { jobIDs?: string[]; fromDate?: string; toDate?: string };
    const ids = filters.jobIDs && filters.jobIDs.length > 0 ? new Set(filters.jobIDs) : undefined;
    const from = parseDate(filters.fromDate);
    const to = parseDate(filters.toDate);
    const matching = sim.jobOrder
      .filter((id) => !ids || ids.has(id))
      .map((id) => sim.jobs.get(id)!.job)
      .filter((job) => {
        const created = Date.parse(job.creationDateTime);
        return (from === undefined || created >= from) && (to === undefined || created <= to);
      });
    const result = page(op, matching, input);
    // The answer is serialised before the simulation moves on (server.ts): no copy needed.
    return { items: result.items, nextToken: result.nextToken };
  },

  DescribeJobLogItems(sim, input, _nowMs, op) {
    const record = sim.jobs.get(input.jobID as string);
    if (!record) throw notFound(op, 'jobID', input.jobID as string, 'JOB');
    const result = page(op, record.log, input);
    return { items: structuredClone(result.items), nextToken: result.nextToken };
  },

  DescribeRecoveryInstances(sim, input, _nowMs, op) {
    const filters = (input.filters ?? {}) as { recoveryInstanceIDs?: string[]; sourceServerIDs?: string[] };
    const ids = filters.recoveryInstanceIDs && filters.recoveryInstanceIDs.length > 0 ? new Set(filters.recoveryInstanceIDs) : undefined;
    const servers = filters.sourceServerIDs && filters.sourceServerIDs.length > 0 ? new Set(filters.sourceServerIDs) : undefined;
    const matching = (ids ? sim.byIDs(sim.recoveryInstances, ids) : [...sim.recoveryInstances.values()])
      .map((r) => r.instance)
      .filter((i) => (!ids || ids.has(i.recoveryInstanceID)) && (!servers || servers.has(i.sourceServerID)));
    const result = page(op, matching, input);
    return { items: result.items, nextToken: result.nextToken };
  },

  DescribeRecoverySnapshots(sim, input, nowMs, op) {
    const record = serverOrThrow(sim, op, 'sourceServerID', input.sourceServerID as string);
    const filters = (input.filters ?? {}) as { fromDateTime?: string; toDateTime?: string };
    const from = parseDate(filters.fromDateTime);
    const to = parseDate(filters.toDateTime);
    const snapshots = sim.snapshotsOf(record, nowMs).filter((s) => {
      const at = Date.parse(s.timestamp);
      return (from === undefined || at >= from) && (to === undefined || at <= to);
    });
    if (input.order === 'DESC') snapshots.reverse();
    return page(op, snapshots, input);
  },

  TerminateRecoveryInstances(sim, input, nowMs, op) {
    const ids = input.recoveryInstanceIDs as string[];
    ids.forEach((id, index) => {
      const record = instanceOrThrow(sim, op, `recoveryInstanceIDs[${index}]`, id);
      if (record.instance.ec2InstanceState === 'SHUTTING-DOWN') throw conflictError(`Recovery instance ${id} is already being terminated`, id, 'RECOVERY_INSTANCE');
      sim.checkServerIsFree(record.instance.sourceServerID);
    });
    sim.checkJobQuotas(new Set(ids).size);
    return { job: startTerminateJob(sim, [...new Set(ids)], nowMs) };
  },

  StartFailbackLaunch(sim, input, nowMs, op) {
    const ids = [...new Set(input.recoveryInstanceIDs as string[])];
    ids.forEach((id, index) => {
      const { instance } = instanceOrThrow(sim, op, `recoveryInstanceIDs[${index}]`, id);
      if (instance.failback.state !== 'FAILBACK_READY_FOR_LAUNCH') {
        throw conflictError(`Recovery instance ${id} is not ready for failback launch (${instance.failback.state})`, id, 'RECOVERY_INSTANCE');
      }
      sim.checkServerIsFree(instance.sourceServerID);
    });
    sim.checkJobQuotas(ids.length);
    return { job: startFailbackJob(sim, ids, (input.tags ?? {}) as Tags, nowMs) };
  },

  StopFailback(sim, input, _nowMs, op) {
    instanceOrThrow(sim, op, 'recoveryInstanceID', input.recoveryInstanceID as string);
    stopFailback(sim, input.recoveryInstanceID as string);
    return {};
  },

  ReverseReplication(sim, input, nowMs, op) {
    const { instance } = instanceOrThrow(sim, op, 'recoveryInstanceID', input.recoveryInstanceID as string);
    if (instance.originEnvironment !== 'AWS') {
      throw invalidField('recoveryInstanceID', 'Reverse replication needs a recovery instance whose origin is AWS (EC2); use failback for ON_PREMISES origins');
    }
    if (instance.ec2InstanceState !== 'RUNNING') throw conflictError(`Recovery instance ${instance.recoveryInstanceID} is ${instance.ec2InstanceState}`, instance.recoveryInstanceID, 'RECOVERY_INSTANCE');
    return { reversedDirectionSourceServerArn: reverseReplication(sim, instance.recoveryInstanceID, nowMs) };
  },

  StartReplication(sim, input, nowMs, op) {
    const record = serverOrThrow(sim, op, 'sourceServerID', input.sourceServerID as string);
    const state = record.server.dataReplicationInfo.dataReplicationState;
    if (state !== 'STOPPED') throw conflictError(`Replication of ${record.server.sourceServerID} is ${state}, not STOPPED`, record.server.sourceServerID, 'SOURCE_SERVER');
    startReplication(sim, record, nowMs);
    return { sourceServer: sim.describeSourceServer(record, nowMs) };
  },

  StopReplication(sim, input, nowMs, op) {
    const record = serverOrThrow(sim, op, 'sourceServerID', input.sourceServerID as string);
    if (record.server.dataReplicationInfo.dataReplicationState === 'STOPPED') {
      throw conflictError(`Replication of ${record.server.sourceServerID} is already STOPPED`, record.server.sourceServerID, 'SOURCE_SERVER');
    }
    sim.setReplicationState(record, 'STOPPED', nowMs);
    return { sourceServer: sim.describeSourceServer(record, nowMs) };
  },

  StartSourceNetworkRecovery(sim, input, nowMs) {
    const networks = input.sourceNetworks as { sourceNetworkID: string; cfnStackName?: string }[];
    networks.forEach((n, index) => {
      if (!sim.sourceNetworks.has(n.sourceNetworkID)) throw invalidField(`sourceNetworks[${index}].sourceNetworkID`, `Source network ${n.sourceNetworkID} not found`);
      const jobID = sim.activeJobOfNetwork.get(n.sourceNetworkID);
      if (jobID) throw conflictError(`Source network ${n.sourceNetworkID} is already in active job ${jobID}`, n.sourceNetworkID, 'SOURCE_NETWORK');
    });
    sim.checkJobQuotas(0);
    return { job: startNetworkRecoveryJob(sim, networks, input.deployAsNew === true, (input.tags ?? {}) as Tags, nowMs) };
  },

  DescribeSourceNetworks(sim, input, _nowMs, op) {
    const filters = (input.filters ?? {}) as { sourceNetworkIDs?: string[]; originAccountID?: string; originRegion?: string };
    const ids = filters.sourceNetworkIDs && filters.sourceNetworkIDs.length > 0 ? new Set(filters.sourceNetworkIDs) : undefined;
    const matching = [...sim.sourceNetworks.values()]
      .map((r) => r.network)
      .filter(
        (n) =>
          (!ids || ids.has(n.sourceNetworkID)) &&
          (!filters.originAccountID || n.sourceAccountID === filters.originAccountID) &&
          (!filters.originRegion || n.sourceRegion === filters.originRegion),
      );
    const result = page(op, matching, input);
    return { items: structuredClone(result.items), nextToken: result.nextToken };
  },

  GetLaunchConfiguration(sim, input, _nowMs, op) {
    return structuredClone(serverOrThrow(sim, op, 'sourceServerID', input.sourceServerID as string).launchConfiguration);
  },

  UpdateLaunchConfiguration(sim, input, _nowMs, op) {
    const record = serverOrThrow(sim, op, 'sourceServerID', input.sourceServerID as string);
    record.launchConfiguration = updatedLaunchConfiguration(record.launchConfiguration, input as LaunchConfigurationUpdate);
    return structuredClone(record.launchConfiguration);
  },

  ListLaunchActions(sim, input, _nowMs, op) {
    const record = serverOrThrow(sim, op, 'resourceId', input.resourceId as string);
    const filters = (input.filters ?? {}) as { actionIds?: string[] };
    const ids = filters.actionIds && filters.actionIds.length > 0 ? new Set(filters.actionIds) : undefined;
    const actions = [...record.launchActions.values()].filter((a) => !ids || ids.has(a.actionId)).sort((a, b) => a.order - b.order);
    const result = page(op, actions, input);
    return { items: structuredClone(result.items), nextToken: result.nextToken };
  },

  PutLaunchAction(sim, input, _nowMs, op) {
    const resourceId = input.resourceId as string;
    const record = serverOrThrow(sim, op, 'resourceId', resourceId);
    const actionId = input.actionId as string;
    const previous = record.launchActions.get(actionId);
    const action: LaunchAction = {
      actionId,
      actionCode: input.actionCode as string,
      // The type comes from the SSM document in DRS; the local service keeps the stored one, or
      // assumes an SSM command document for a new action.
      type: previous?.type ?? 'SSM_COMMAND',
      name: input.name as string,
      active: input.active as boolean,
      order: input.order as number,
      actionVersion: input.actionVersion as string,
      optional: input.optional as boolean,
      ...(input.parameters ? { parameters: input.parameters as LaunchAction['parameters'] } : {}),
      description: input.description as string,
      category: input.category as string,
    };
    record.launchActions.set(actionId, action);
    return { resourceId, ...structuredClone(action) };
  },

  DeleteLaunchAction(sim, input, _nowMs, op) {
    const record = serverOrThrow(sim, op, 'resourceId', input.resourceId as string);
    if (!record.launchActions.delete(input.actionId as string)) {
      throw resourceNotFoundError(`Launch action ${input.actionId as string} not found`, input.actionId as string, 'LAUNCH_ACTION');
    }
    return {};
  },

  // The staging accounts that have extended source servers into this account.
  // DRS's one-time set-up of an account in a Region (it creates the service's roles and templates
  // there); repeating it is harmless. 204, no body.
  InitializeService(sim) {
    sim.world.initialize(sim.accountId, sim.region);
    return undefined;
  },

  ListStagingAccounts(sim, input, _nowMs, op) {
    const accounts = new Set<string>();
    for (const record of sim.sourceServers.values()) if (record.server.stagingArea.stagingAccountID) accounts.add(record.server.stagingArea.stagingAccountID);
    const result = paginate(op, [...accounts].map((accountID) => ({ accountID })), (input.maxResults as number | undefined) ?? 50, input.nextToken as string | undefined);
    return { accounts: result.items, nextToken: result.nextToken };
  },

  // Servers of the staging account's DRS in this Region that are not extensions themselves and
  // not yet extended here.
  ListExtensibleSourceServers(sim, input, _nowMs, op) {
    const stagingAccountID = input.stagingAccountID as string;
    if (!sim.world.mayExtend(stagingAccountID, sim.accountId)) {
      throw accessDeniedError(`Account ${sim.accountId} may not extend source servers of account ${stagingAccountID}: it is not a staging account of this account`);
    }
    const candidates = [...sim.world.store(stagingAccountID, sim.region).sourceServers.values()]
      .filter((r) => r.server.stagingArea.status === 'NOT_EXTENDED' && r.server.replicationDirection === 'FAILOVER' && !sim.extensionOf.has(r.server.arn))
      .map((r) => ({ arn: r.server.arn, hostname: r.hostname, tags: { ...r.server.tags } }));
    const result = paginate(op, candidates, (input.maxResults as number | undefined) ?? 300, input.nextToken as string | undefined);
    return { items: result.items, nextToken: result.nextToken };
  },

  // The extended source server lives in this (the target) account; its data stays in the
  // staging account's staging area.
  CreateExtendedSourceServer(sim, input, nowMs) {
    const sourceServerArn = input.sourceServerArn as string;
    const [, , , region, stagingAccountID, resource] = sourceServerArn.split(':');
    const stagingID = resource?.startsWith('source-server/') ? resource.slice('source-server/'.length) : undefined;
    const staged =
      stagingAccountID && stagingID && region === sim.region && sim.world.mayExtend(stagingAccountID, sim.accountId)
        ? sim.world.store(stagingAccountID, region).sourceServers.get(stagingID)
        : undefined;
    if (!staged || staged.server.stagingArea.status !== 'NOT_EXTENDED') {
      throw resourceNotFoundError(`Source server ${sourceServerArn} not found in a staging account`, sourceServerArn, 'SOURCE_SERVER');
    }
    if (sim.extensionOf.has(sourceServerArn)) {
      throw invalidField('sourceServerArn', `Source server ${sourceServerArn} is already extended`);
    }
    const sourceServerID = sourceServerIdFor(`extended:${sim.accountId}:${sourceServerArn}`);
    const server = sim.newSourceServer(sourceServerID, sim.arn('source-server', sourceServerID), staged.hostname, { ...staged.server.tags, ...((input.tags ?? {}) as Tags) }, isoTime(nowMs));
    server.stagingArea = staged.extensionError
      ? { status: 'EXTENSION_ERROR', stagingAccountID, stagingSourceServerArn: sourceServerArn, errorMessage: staged.extensionError }
      : { status: 'EXTENDED', stagingAccountID, stagingSourceServerArn: sourceServerArn };
    const record: SourceServerRecord = {
      server,
      hostname: staged.hostname,
      originEnvironment: staged.originEnvironment,
      lagSeconds: staged.lagSeconds,
      snapshotPolicy: staged.snapshotPolicy,
      onDemandSnapshots: [],
      launchActions: new Map(),
      actionBehaviour: new Map(),
      launchConfiguration: sim.newLaunchConfiguration(sourceServerID, staged.hostname),
    };
    sim.addSourceServer(record);
    return { sourceServer: sim.describeSourceServer(record, nowMs) };
  },

  DisconnectRecoveryInstance(sim, input, _nowMs, op) {
    const { instance } = instanceOrThrow(sim, op, 'recoveryInstanceID', input.recoveryInstanceID as string);
    const jobID = sim.activeJobOfServer.get(instance.sourceServerID);
    if (jobID) throw conflictError(`Recovery instance ${instance.recoveryInstanceID} is in active job ${jobID}`, instance.recoveryInstanceID, 'RECOVERY_INSTANCE');
    sim.removeRecoveryInstance(instance.recoveryInstanceID);
    return {};
  },

  TagResource(sim, input) {
    const tags = taggable(sim, input.resourceArn as string);
    Object.assign(tags, input.tags as Tags);
    return {};
  },

  UntagResource(sim, input) {
    const tags = taggable(sim, input.resourceArn as string);
    for (const key of input.tagKeys as string[]) delete tags[key];
    return {};
  },

  ListTagsForResource(sim, input) {
    return { tags: { ...taggable(sim, input.resourceArn as string) } };
  },
};

function taggable(sim: DrsSimulator, arn: string): Tags {
  const tags = sim.tagsByArn.get(arn);
  if (!tags) throw resourceNotFoundError(`Resource ${arn} not found`, arn, 'RESOURCE');
  return tags;
}
