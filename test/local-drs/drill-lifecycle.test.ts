import { describe, expect, it } from 'vitest';
import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DisconnectRecoveryInstanceCommand,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  ValidationException,
  paginateDescribeJobs,
  paginateDescribeJobLogItems,
  type Job,
} from '@aws-sdk/client-drs';
import { TEST_START_TIME, rejectionOf, serverIds, sourceServerByHostname, useTestDrs, waitForJob } from './helpers.ts';

const t = useTestDrs();

const DB = ['payments-db-1', 'payments-db-2', 'payments-db-3'];

describe('a drill from start to clean-up', () => {
  it('moves the job PENDING → STARTED → COMPLETED and launches every server', async () => {
    const ids = await serverIds(t.client, DB);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));
    const seen = new Set<string>();

    for (let i = 0; i < 80; i++) {
      const { items = [] } = await t.client.send(new DescribeJobsCommand({ filters: { jobIDs: [job!.jobID!] } }));
      seen.add(items[0]!.status!);
      if (items[0]!.status === 'COMPLETED') break;
      t.drs.advanceBy(30);
    }
    const done = await waitForJob(t, job!.jobID!);

    expect([...seen]).toEqual(['PENDING', 'STARTED', 'COMPLETED']);
    expect(done.endDateTime! > done.creationDateTime!).toBe(true);
    expect(done.participatingServers!.map((p) => p.launchStatus)).toEqual(['LAUNCHED', 'LAUNCHED', 'LAUNCHED']);
    expect(done.participatingServers!.every((p) => /^i-[0-9a-f]{17}$/.test(p.recoveryInstanceID!))).toBe(true);
  });

  it('writes the job log in DRS order, with no LAUNCH_END, and the data point in time', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] }));
    const done = await waitForJob(t, job!.jobID!);

    const events: { event?: string; eventData?: Record<string, any> }[] = [];
    for await (const page of paginateDescribeJobLogItems({ client: t.client, pageSize: 3 }, { jobID: job!.jobID! })) events.push(...(page.items ?? []));

    expect(events.map((e) => e.event)).toEqual(['JOB_START', 'SNAPSHOT_START', 'SNAPSHOT_END', 'CONVERSION_START', 'CONVERSION_END', 'LAUNCH_START', 'JOB_END']);
    const conversionEnd = events.find((e) => e.event === 'CONVERSION_END')!;
    const launchStart = events.find((e) => e.event === 'LAUNCH_START')!;
    expect(conversionEnd.eventData).toMatchObject({ sourceServerID: db1, conversionServerID: expect.stringMatching(/^i-/) });
    expect(launchStart.eventData?.targetInstanceID).toBe(done.participatingServers![0]!.recoveryInstanceID);
    // An on-demand snapshot: the data is as of the snapshot, taken after the job started.
    expect(conversionEnd.eventData!.conversionProperties.dataTimestamp >= done.creationDateTime!).toBe(true);
  });

  it('creates drill recovery instances and records the launch on the source servers', async () => {
    const ids = await serverIds(t.client, DB);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));
    const done = await waitForJob(t, job!.jobID!);

    const { items: instances = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: ids } }));
    const db1 = await sourceServerByHostname(t.client, 'payments-db-1');

    expect(instances).toHaveLength(3);
    for (const instance of instances) {
      expect(instance).toMatchObject({ isDrill: true, jobID: done.jobID, ec2InstanceState: 'RUNNING', originEnvironment: 'ON_PREMISES', failback: { state: 'FAILBACK_NOT_STARTED' } });
      expect(instance.recoveryInstanceID).toBe(instance.ec2InstanceID);
      expect(instance.pointInTimeSnapshotDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(instance.tags).toMatchObject({ Application: 'payments', Tier: 'db' });
    }
    expect(db1.lastLaunchResult).toBe('SUCCEEDED');
    expect(db1.recoveryInstanceId).toBe(instances.find((i) => i.sourceServerID === db1.sourceServerID)!.recoveryInstanceID);
    expect(db1.lifeCycle?.lastLaunch?.initiated).toMatchObject({ jobID: done.jobID, type: 'DRILL' });
  });

  it('terminates drill instances with a TERMINATE job, after which they are gone', async () => {
    const ids = await serverIds(t.client, DB);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));
    const launched = await waitForJob(t, job!.jobID!);
    const instanceIds = launched.participatingServers!.map((p) => p.recoveryInstanceID!);

    const { job: terminate } = await t.client.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: instanceIds }));
    const { items: shuttingDown = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({}));
    const terminated = await waitForJob(t, terminate!.jobID!);
    const { items: after = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({}));

    expect(terminate).toMatchObject({ type: 'TERMINATE', initiatedBy: 'TERMINATE_RECOVERY_INSTANCES' });
    expect(shuttingDown.map((i) => i.ec2InstanceState)).toEqual(['SHUTTING-DOWN', 'SHUTTING-DOWN', 'SHUTTING-DOWN']);
    expect(terminated.participatingServers!.map((p) => p.launchStatus)).toEqual(['TERMINATED', 'TERMINATED', 'TERMINATED']);
    expect(after).toEqual([]);
    expect((await sourceServerByHostname(t.client, 'payments-db-1')).recoveryInstanceId).toBeUndefined();
  });

  it('lists jobs newest first and pages them with the SDK paginator', async () => {
    const ids = await serverIds(t.client, ['payments-app-1', 'payments-app-2', 'payments-web-1']);
    const started: string[] = [];
    for (const sourceServerID of ids) {
      const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }));
      started.push(job!.jobID!);
      t.drs.advanceBy(1);
    }

    const jobs: Job[] = [];
    for await (const page of paginateDescribeJobs({ client: t.client, pageSize: 2 }, {})) jobs.push(...(page.items ?? []));

    expect(jobs.map((j) => j.jobID)).toEqual([...started].reverse());
  });

  it('removes a recovery instance record on DisconnectRecoveryInstance', async () => {
    const [app1] = await serverIds(t.client, ['payments-app-1']);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: app1 }] }));
    const done = await waitForJob(t, job!.jobID!);

    await t.client.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID: done.participatingServers![0]!.recoveryInstanceID! }));

    const { items = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({}));
    expect(items).toEqual([]);
  });
});

describe('point-in-time snapshots', () => {
  it('lists six snapshots ten minutes apart, ascending by default, descending on request, filtered by time', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);

    const asc = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: db1 }));
    const desc = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: db1, order: 'DESC', maxResults: 2 }));
    const recent = await t.client.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: db1, filters: { fromDateTime: new Date(Date.parse(TEST_START_TIME) - 25 * 60_000).toISOString().replace('.000', '') } }),
    );

    const times = asc.items!.map((s) => Date.parse(s.timestamp!));
    expect(times).toHaveLength(6);
    expect(times.slice(1).map((time, i) => time - times[i]!)).toEqual([600_000, 600_000, 600_000, 600_000, 600_000]);
    expect(desc.items!.map((s) => s.snapshotID)).toEqual([asc.items![5]!.snapshotID, asc.items![4]!.snapshotID]);
    expect(desc.nextToken).toEqual(expect.stringMatching(/.+/));
    expect(recent.items).toHaveLength(3);
  });

  it('recovers from a chosen snapshot: USING_PREVIOUS_SNAPSHOT and that point in time on the instance', async () => {
    const [db2] = await serverIds(t.client, ['payments-db-2']);
    const { items: snapshots = [] } = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: db2 }));
    const chosen = snapshots[2]!;

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db2, recoverySnapshotID: chosen.snapshotID }] }));
    await waitForJob(t, job!.jobID!);
    const { items: log = [] } = await t.client.send(new DescribeJobLogItemsCommand({ jobID: job!.jobID! }));
    const { items: instances = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [db2] } }));

    expect(log.map((e) => e.event)).toContain('USING_PREVIOUS_SNAPSHOT');
    expect(log.map((e) => e.event)).not.toContain('SNAPSHOT_START');
    expect(log.find((e) => e.event === 'CONVERSION_END')!.eventData!.conversionProperties!.dataTimestamp).toBe(chosen.timestamp);
    expect(instances[0]!.pointInTimeSnapshotDateTime).toBe(chosen.timestamp);
  });

  it("rejects a snapshot that belongs to another server", async () => {
    const [db1, db2] = await serverIds(t.client, ['payments-db-1', 'payments-db-2']);
    const { items: snapshots = [] } = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: db1 }));

    const error = await rejectionOf(t.client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: db2, recoverySnapshotID: snapshots[0]!.snapshotID }] })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.fieldList[0].name).toBe('sourceServers[0].recoverySnapshotID');
  });

  it('keeps taking snapshots as simulated time passes and adds the on-demand snapshot of a launch', async () => {
    const [web1] = await serverIds(t.client, ['payments-web-1']);
    const before = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: web1, order: 'DESC' }));

    t.drs.advanceBy(3600);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: web1 }] }));
    await waitForJob(t, job!.jobID!);
    const after = await t.client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: web1, order: 'DESC' }));

    expect(Date.parse(after.items![0]!.timestamp!)).toBeGreaterThan(Date.parse(before.items![0]!.timestamp!) + 3_000_000);
    expect(after.items).toHaveLength(7);
  });
});

describe('the source servers during a recovery', () => {
  it('marks the last launch PENDING while the job runs', async () => {
    const [web2] = await serverIds(t.client, ['payments-web-2']);

    await t.client.send(new StartRecoveryCommand({ isDrill: false, sourceServers: [{ sourceServerID: web2 }] }));
    const { items = [] } = await t.client.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [web2] } }));

    expect(items[0]!.lastLaunchResult).toBe('PENDING');
    expect(items[0]!.lifeCycle?.lastLaunch?.initiated?.type).toBe('RECOVERY');
  });
});
