import { describe, expect, it } from 'vitest';
import {
  ConflictException,
  CreateExtendedSourceServerCommand,
  DescribeJobLogItemsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeSourceNetworksCommand,
  DescribeSourceServersCommand,
  ListExtensibleSourceServersCommand,
  ResourceNotFoundException,
  ReverseReplicationCommand,
  StartFailbackLaunchCommand,
  StartRecoveryCommand,
  StartReplicationCommand,
  StartSourceNetworkRecoveryCommand,
  StopFailbackCommand,
  StopReplicationCommand,
  ValidationException,
  type RecoveryInstance,
} from '@aws-sdk/client-drs';
import { drsClientFor } from '#local/drs/client.ts';
import { rejectionOf, serverIds, sourceServerByHostname, useTestDrs, waitForJob } from './helpers.ts';

const t = useTestDrs();

async function recover(hostname: string, isDrill = false): Promise<RecoveryInstance> {
  const [id] = await serverIds(t.client, [hostname]);
  const { job } = await t.client.send(new StartRecoveryCommand({ isDrill, sourceServers: [{ sourceServerID: id! }] }));
  const done = await waitForJob(t, job!.jobID!);
  const { items = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [done.participatingServers![0]!.recoveryInstanceID!] } }));
  return items[0]!;
}

async function instance(recoveryInstanceID: string): Promise<RecoveryInstance> {
  const { items = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [recoveryInstanceID] } }));
  return items[0]!;
}

describe('failback to on-premises', () => {
  it('moves a recovered instance to FAILBACK_READY_FOR_LAUNCH once the failback client has replicated', async () => {
    const recovered = await recover('payments-app-1');

    t.drs.advanceBy(600);
    const installing = await instance(recovered.recoveryInstanceID!);
    t.drs.advanceBy(3 * 3600);
    const ready = await instance(recovered.recoveryInstanceID!);

    expect(recovered.failback?.state).toBe('FAILBACK_NOT_STARTED');
    expect(installing.failback?.state).toBe('FAILBACK_IN_PROGRESS');
    expect(ready.failback?.state).toBe('FAILBACK_READY_FOR_LAUNCH');
  });

  it('refuses StartFailbackLaunch with ConflictException until the instance is ready', async () => {
    const recovered = await recover('payments-db-2');

    const error = await rejectionOf(t.client.send(new StartFailbackLaunchCommand({ recoveryInstanceIDs: [recovered.recoveryInstanceID!] })));

    expect(error).toBeInstanceOf(ConflictException);
    expect(error.resourceId).toBe(recovered.recoveryInstanceID);
  });

  it('launches failback with a FAILBACK job and marks the instance FAILBACK_COMPLETED', async () => {
    const recovered = await recover('payments-db-3');
    t.drs.advanceBy(4 * 3600);

    const { job } = await t.client.send(new StartFailbackLaunchCommand({ recoveryInstanceIDs: [recovered.recoveryInstanceID!], tags: { run: 'failback-1' } }));
    const done = await waitForJob(t, job!.jobID!);
    const after = await instance(recovered.recoveryInstanceID!);

    expect(job).toMatchObject({ type: 'LAUNCH', initiatedBy: 'FAILBACK', tags: { run: 'failback-1' } });
    expect(done.participatingServers![0]).toMatchObject({ launchStatus: 'LAUNCHED', recoveryInstanceID: recovered.recoveryInstanceID });
    expect(after.failback).toMatchObject({ state: 'FAILBACK_COMPLETED', failbackJobID: done.jobID });
  });

  it('returns to FAILBACK_NOT_STARTED on StopFailback', async () => {
    const recovered = await recover('payments-db-1');
    t.drs.advanceBy(4 * 3600);

    await t.client.send(new StopFailbackCommand({ recoveryInstanceID: recovered.recoveryInstanceID! }));
    t.drs.advanceBy(4 * 3600);

    expect((await instance(recovered.recoveryInstanceID!)).failback?.state).toBe('FAILBACK_NOT_STARTED');
  });

  it('shows FAILBACK_ERROR, or never gets ready, when a fault says so', async () => {
    t.drs.injectFault({ type: 'failbackError', hostname: 'payments-web-1' });
    t.drs.injectFault({ type: 'failbackNeverReady', hostname: 'payments-web-2' });
    const broken = await recover('payments-web-1');
    const stuck = await recover('payments-web-2');

    t.drs.advanceBy(6 * 3600);

    expect((await instance(broken.recoveryInstanceID!)).failback?.state).toBe('FAILBACK_ERROR');
    expect((await instance(stuck.recoveryInstanceID!)).failback?.state).toBe('FAILBACK_IN_PROGRESS');
  });

  it('does not start failback for drill instances', async () => {
    const drilled = await recover('payments-web-3', true);

    t.drs.advanceBy(6 * 3600);

    expect((await instance(drilled.recoveryInstanceID!)).failback?.state).toBe('FAILBACK_NOT_STARTED');
  });
});

describe('failback to an EC2 origin: reverse replication', () => {
  it('creates a FAILBACK-direction source server in the origin Region that reaches CONTINUOUS', async () => {
    const recovered = await recover('payments-app-3');

    const { reversedDirectionSourceServerArn: arn } = await t.client.send(new ReverseReplicationCommand({ recoveryInstanceID: recovered.recoveryInstanceID! }));
    const reversedID = arn!.split('/')[1]!;
    const originRegion = drsClientFor(t.drs, { region: 'us-west-2' });
    const describe = async () => (await originRegion.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [reversedID] } }))).items![0]!;
    const inRecoveryRegion = (await t.client.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [reversedID] } }))).items!;
    const initiating = await describe();
    t.drs.advanceBy(3600);
    const continuous = await describe();
    const again = await t.client.send(new ReverseReplicationCommand({ recoveryInstanceID: recovered.recoveryInstanceID! }));

    expect(recovered.originEnvironment).toBe('AWS');
    expect(arn).toMatch(/^arn:aws:drs:us-west-2:111122223333:source-server\/s-[0-9a-zA-Z]{17}$/);
    expect(inRecoveryRegion).toEqual([]); // DRS of the origin Region holds it
    expect(initiating).toMatchObject({ replicationDirection: 'FAILBACK', dataReplicationInfo: { dataReplicationState: 'INITIATING' } });
    expect(initiating.sourceProperties?.identificationHints?.awsInstanceID).toBe(recovered.recoveryInstanceID);
    expect(continuous.dataReplicationInfo?.dataReplicationState).toBe('CONTINUOUS');
    expect(again.reversedDirectionSourceServerArn).toBe(arn);
    expect((await sourceServerByHostname(t.client, 'payments-app-3')).reversedDirectionSourceServerArn).toBe(arn);
  });

  it('refuses reverse replication of an on-premises origin with ValidationException', async () => {
    const recovered = await recover('payments-app-2');

    const error = await rejectionOf(t.client.send(new ReverseReplicationCommand({ recoveryInstanceID: recovered.recoveryInstanceID! })));

    expect(error).toBeInstanceOf(ValidationException);
  });

  it('answers an unknown recovery instance with ResourceNotFoundException', async () => {
    const error = await rejectionOf(t.client.send(new ReverseReplicationCommand({ recoveryInstanceID: 'i-0123456789abcdef0' })));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.resourceId).toBe('i-0123456789abcdef0');
  });
});

describe('replication state', () => {
  it('stops and restarts replication', async () => {
    const [web4] = await serverIds(t.client, ['payments-web-4']);

    const stopped = await t.client.send(new StopReplicationCommand({ sourceServerID: web4 }));
    const stopAgain = await rejectionOf(t.client.send(new StopReplicationCommand({ sourceServerID: web4 })));
    const restarted = await t.client.send(new StartReplicationCommand({ sourceServerID: web4 }));
    t.drs.advanceBy(3600);
    const later = await sourceServerByHostname(t.client, 'payments-web-4');

    expect(stopped.sourceServer?.dataReplicationInfo?.dataReplicationState).toBe('STOPPED');
    expect(stopAgain).toBeInstanceOf(ConflictException);
    expect(restarted.sourceServer?.dataReplicationInfo?.dataReplicationState).toBe('INITIATING');
    expect(later.dataReplicationInfo?.dataReplicationState).toBe('CONTINUOUS');
  });

  it('shows STALLED replication with a growing lag when a fault stalls it', async () => {
    t.drs.injectFault({ type: 'stallReplication', hostname: 'reporting-db-1' });

    t.drs.advanceBy(1800);
    const stalled = await sourceServerByHostname(t.client, 'reporting-db-1');

    expect(stalled.dataReplicationInfo?.dataReplicationState).toBe('STALLED');
    expect(stalled.dataReplicationInfo?.lagDuration).toBe('PT30M18S');
  });
});

describe('source network recovery', () => {
  it('deploys the payments VPC with a job of participatingResources', async () => {
    const { items: networks = [] } = await t.client.send(new DescribeSourceNetworksCommand({}));
    const payments = networks[0]!;

    const { job, $metadata } = await t.client.send(new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: payments.sourceNetworkID! }] }));
    const done = await waitForJob(t, job!.jobID!);
    const { items: after = [] } = await t.client.send(new DescribeSourceNetworksCommand({ filters: { sourceNetworkIDs: [payments.sourceNetworkID!] } }));
    const { items: log = [] } = await t.client.send(new DescribeJobLogItemsCommand({ jobID: done.jobID! }));

    expect($metadata.httpStatusCode).toBe(202);
    expect(payments).toMatchObject({ sourceVpcID: 'vpc-0a1b2c3d4e5f60718', cfnStackName: 'payments-vpc-recovery', tags: { Name: 'payments-vpc' } });
    expect(job!.participatingResources).toEqual([{ participatingResourceID: { sourceNetworkID: payments.sourceNetworkID }, launchStatus: 'PENDING' }]);
    expect(done.participatingResources![0]!.launchStatus).toBe('LAUNCHED');
    expect(after[0]!.launchedVpcID).toMatch(/^vpc-/);
    expect(after[0]!.lastRecovery).toMatchObject({ jobID: done.jobID, lastRecoveryResult: 'SUCCESS' });
    expect(after[0]!.lastRecovery!.apiCallDateTime).toBeInstanceOf(Date);
    expect(log.map((e) => e.event)).toEqual(['JOB_START', 'DEPLOY_NETWORK_CONFIGURATION_START', 'DEPLOY_NETWORK_CONFIGURATION_END', 'JOB_END']);
  });

  it('fails the network resource when a fault says so', async () => {
    const { items: networks = [] } = await t.client.send(new DescribeSourceNetworksCommand({}));
    t.drs.injectFault({ type: 'networkFailure', sourceNetworkID: networks[0]!.sourceNetworkID! });

    const { job } = await t.client.send(new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: networks[0]!.sourceNetworkID! }] }));
    const done = await waitForJob(t, job!.jobID!);

    expect(done.participatingResources![0]!.launchStatus).toBe('FAILED');
  });
});

describe('multi-account: staging accounts and extended source servers', () => {
  it('extends a source server of a staging account, which then leaves the extensible list', async () => {
    const { items: extensible = [] } = await t.client.send(new ListExtensibleSourceServersCommand({ stagingAccountID: '444455556666' }));

    const created = await t.client.send(new CreateExtendedSourceServerCommand({ sourceServerArn: extensible[0]!.arn!, tags: { Owner: 'batch-team' } }));
    const { items: remaining = [] } = await t.client.send(new ListExtensibleSourceServersCommand({ stagingAccountID: '444455556666' }));
    const { items: extended = [] } = await t.client.send(new DescribeSourceServersCommand({ filters: { stagingAccountIDs: ['444455556666'] } }));

    expect(extensible.map((s) => s.hostname)).toEqual(['payments-batch-1']);
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.sourceServer).toMatchObject({ stagingArea: { status: 'EXTENDED', stagingAccountID: '444455556666', stagingSourceServerArn: extensible[0]!.arn }, tags: { Owner: 'batch-team', Tier: 'batch' } });
    expect(remaining).toEqual([]);
    expect(extended.map((s) => s.sourceServerID)).toEqual([created.sourceServer!.sourceServerID]);
  });

  it('answers an unknown staging source server with ResourceNotFoundException', async () => {
    const error = await rejectionOf(
      t.client.send(new CreateExtendedSourceServerCommand({ sourceServerArn: 'arn:aws:drs:us-east-1:444455556666:source-server/s-00000000000000000' })),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
