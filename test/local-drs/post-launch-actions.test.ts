import { describe, expect, it } from 'vitest';
import {
  DeleteLaunchActionCommand,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  ListLaunchActionsCommand,
  PutLaunchActionCommand,
  ResourceNotFoundException,
  StartRecoveryCommand,
  ValidationException,
  type Job,
} from '@aws-sdk/client-drs';
import { rejectionOf, serverIds, useTestDrs, waitForJob } from './helpers.ts';

const t = useTestDrs();

const runsOf = (job: Job, index = 0) =>
  (job.participatingServers![index]!.launchActionsStatus?.runs ?? []).map((r) => ({ name: r.action!.name, optional: r.action!.optional, status: r.status, failureReason: r.failureReason }));

describe('post-launch actions', () => {
  it('runs every active action in order after launch and they succeed', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] }));

    const done = await waitForJob(t, job!.jobID!);

    expect(done.participatingServers![0]!.launchActionsStatus?.ssmAgentDiscoveryDatetime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(runsOf(done)).toEqual([
      { name: 'payments-verify-database', optional: false, status: 'SUCCEEDED', failureReason: undefined },
      { name: 'AWSMigration-VerifyMountedVolumes', optional: true, status: 'SUCCEEDED', failureReason: undefined },
    ]);
  });

  it('keeps the job STARTED while the launched servers still run their actions', async () => {
    const [web1] = await serverIds(t.client, ['payments-web-1']);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: web1 }] }));
    let launchedWithRunningAction: Job | undefined;

    for (let i = 0; i < 200 && !launchedWithRunningAction; i++) {
      const { items = [] } = await t.client.send(new DescribeJobsCommand({ filters: { jobIDs: [job!.jobID!] } }));
      const server = items[0]!.participatingServers![0]!;
      if (server.launchStatus === 'LAUNCHED' && server.launchActionsStatus?.runs?.[0]?.status === 'IN_PROGRESS') launchedWithRunningAction = items[0];
      t.drs.advanceBy(10);
    }

    expect(launchedWithRunningAction?.status).toBe('STARTED');
  });

  it('reports a failed required action with its reason while the server stays LAUNCHED and the job completes', async () => {
    t.drs.injectFault({ type: 'actionFailure', hostname: 'payments-db-1', actionName: 'payments-verify-database', failureReason: 'database did not answer on 5432' });
    const [db1] = await serverIds(t.client, ['payments-db-1']);

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] }));
    const done = await waitForJob(t, job!.jobID!);

    expect(done.status).toBe('COMPLETED');
    expect(done.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
    expect(runsOf(done)).toEqual([
      { name: 'payments-verify-database', optional: false, status: 'FAILED', failureReason: 'database did not answer on 5432' },
      { name: 'AWSMigration-VerifyMountedVolumes', optional: true, status: 'SUCCEEDED', failureReason: undefined },
    ]);
  });

  it('reports a failed optional action as optional so that it need not fail the launch', async () => {
    t.drs.injectFault({ type: 'actionFailure', hostname: 'payments-db-2', actionName: 'AWSMigration-VerifyMountedVolumes' });
    const [db2] = await serverIds(t.client, ['payments-db-2']);

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db2 }] }));
    const done = await waitForJob(t, job!.jobID!);

    expect(runsOf(done)).toEqual([
      { name: 'payments-verify-database', optional: false, status: 'SUCCEEDED', failureReason: undefined },
      { name: 'AWSMigration-VerifyMountedVolumes', optional: true, status: 'FAILED', failureReason: expect.any(String) },
    ]);
  });

  it('runs no actions on a server whose launch failed, and logs LAUNCH_FAILED with the raw error', async () => {
    t.drs.injectFault({ type: 'launchFailure', hostname: 'payments-web-3', rawError: 'InsufficientInstanceCapacity: t3.large', times: 1 });
    const ids = await serverIds(t.client, ['payments-web-3', 'payments-web-4']);

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));
    const done = await waitForJob(t, job!.jobID!);
    const { items: log = [] } = await t.client.send(new DescribeJobLogItemsCommand({ jobID: done.jobID! }));
    const retry = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: ids[0]! }] }));
    const retried = await waitForJob(t, retry.job!.jobID!);

    // A job is COMPLETED even when a server in it FAILED: DRS has no failed job status.
    expect(done.status).toBe('COMPLETED');
    expect(done.participatingServers!.map((p) => p.launchStatus)).toEqual(['FAILED', 'LAUNCHED']);
    expect(done.participatingServers![0]!.launchActionsStatus).toBeUndefined();
    expect(log.find((e) => e.event === 'LAUNCH_FAILED')?.eventData).toMatchObject({ sourceServerID: ids[0], rawError: 'InsufficientInstanceCapacity: t3.large' });
    expect(log.map((e) => e.event)).not.toContain('LAUNCH_END');
    expect(t.drs.timeline().find((j) => j.jobID === done.jobID)!.servers[0]!.launchStatus).toBe('FAILED');
    expect(retried.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
  });
});

describe('launch actions of a source server', () => {
  const action = {
    actionId: '0b2f3e4c-1a2b-4c3d-8e9f-0123456789ab',
    actionCode: 'AWS-RunShellScript',
    name: 'warm-cache',
    order: 300,
    optional: true,
    active: true,
    actionVersion: '$DEFAULT',
    category: 'CONFIGURATION' as const,
    description: 'Warm the application cache',
  };

  it('stores, lists in order and deletes a launch action', async () => {
    const [app1] = await serverIds(t.client, ['payments-app-1']);

    const put = await t.client.send(new PutLaunchActionCommand({ resourceId: app1, ...action }));
    const listed = await t.client.send(new ListLaunchActionsCommand({ resourceId: app1 }));
    const deleted = await t.client.send(new DeleteLaunchActionCommand({ resourceId: app1, actionId: action.actionId }));
    const afterDelete = await t.client.send(new ListLaunchActionsCommand({ resourceId: app1 }));

    expect(put).toMatchObject({ resourceId: app1, actionId: action.actionId, type: 'SSM_COMMAND', order: 300 });
    expect(listed.items!.map((a) => a.name)).toEqual(['warm-cache']);
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(afterDelete.items).toEqual([]);
  });

  it('lists the scenario actions of a database server by order', async () => {
    const [db3] = await serverIds(t.client, ['payments-db-3']);

    const { items = [] } = await t.client.send(new ListLaunchActionsCommand({ resourceId: db3 }));

    expect(items.map((a) => [a.name, a.order, a.optional])).toEqual([
      ['payments-verify-database', 100, false],
      ['AWSMigration-VerifyMountedVolumes', 401, true],
    ]);
  });

  it('runs an action added with PutLaunchAction on the next launch', async () => {
    const [app2] = await serverIds(t.client, ['payments-app-2']);
    await t.client.send(new PutLaunchActionCommand({ resourceId: app2, ...action }));

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: app2 }] }));
    const done = await waitForJob(t, job!.jobID!);

    expect(runsOf(done)).toEqual([{ name: 'warm-cache', optional: true, status: 'SUCCEEDED', failureReason: undefined }]);
  });

  it('rejects an order below the model minimum and an unknown action', async () => {
    const [app1] = await serverIds(t.client, ['payments-app-1']);

    const badOrder = await rejectionOf(t.client.send(new PutLaunchActionCommand({ resourceId: app1, ...action, order: 1 })));
    const unknown = await rejectionOf(t.client.send(new DeleteLaunchActionCommand({ resourceId: app1, actionId: action.actionId })));

    expect(badOrder).toBeInstanceOf(ValidationException);
    expect(badOrder.fieldList[0].name).toBe('order');
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.resourceId).toBe(action.actionId);
  });
});
