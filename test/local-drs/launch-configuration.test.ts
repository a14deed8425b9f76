import { afterEach, describe, expect, it } from 'vitest';
import {
  DescribeRecoveryInstancesCommand,
  GetLaunchConfigurationCommand,
  ResourceNotFoundException,
  StartRecoveryCommand,
  UpdateLaunchConfigurationCommand,
  ValidationException,
  type Job,
  type UpdateLaunchConfigurationCommandInput,
} from '@aws-sdk/client-drs';
import { ScenarioError, generateScenario, parseScenario } from '#local/drs/index.ts';
import { TEST_START_TIME, defaultScenario, rawCall, rejectionOf, serverIds, startTestDrs, waitForJob, type TestDrs } from './helpers.ts';

let t: TestDrs;
afterEach(async () => {
  await t.drs.stop();
});

const UNKNOWN_SERVER = 's-00000000000000000';

async function drill(hostnames: string[]): Promise<Job> {
  const ids = await serverIds(t.client, hostnames);
  const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) }));
  return waitForJob(t, job!.jobID!);
}

async function instanceOf(job: Job, index = 0) {
  const { items = [] } = await t.client.send(new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [job.participatingServers![index]!.recoveryInstanceID!] } }));
  return items[0]!;
}

const runNames = (job: Job, index = 0) => (job.participatingServers![index]!.launchActionsStatus?.runs ?? []).map((r) => r.action!.name);

describe('GetLaunchConfiguration', () => {
  it('gives a newly added server DRS default launch settings, named after its hostname', async () => {
    t = await startTestDrs({ startTime: TEST_START_TIME, sourceServers: [{ hostname: 'web-a' }] });
    const [id] = await serverIds(t.client, ['web-a']);

    const { $metadata, ...configuration } = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: id! }));

    expect($metadata.httpStatusCode).toBe(200);
    expect(configuration).toEqual({
      sourceServerID: id,
      name: 'web-a',
      ec2LaunchTemplateID: expect.stringMatching(/^lt-[0-9a-f]{17}$/),
      launchDisposition: 'STARTED',
      targetInstanceTypeRightSizingMethod: 'BASIC',
      copyPrivateIp: false,
      copyTags: false,
      licensing: { osByol: false },
      postLaunchEnabled: true,
    });
  });

  it('applies the scenario default launch settings, then the server own block', async () => {
    t = await startTestDrs({
      startTime: TEST_START_TIME,
      defaultLaunchConfiguration: { copyTags: true, licensing: { osByol: true }, targetInstanceTypeRightSizingMethod: 'NONE' },
      sourceServers: [
        { hostname: 'db-a', launchConfiguration: { name: 'db-a-dr', postLaunchEnabled: false, copyTags: false, launchIntoInstanceProperties: { launchIntoEC2InstanceID: 'i-0123456789abcdef0' } } },
        { hostname: 'db-b' },
      ],
    });
    const [a, b] = await serverIds(t.client, ['db-a', 'db-b']);

    const first = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: a! }));
    const second = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: b! }));

    expect(first).toMatchObject({
      name: 'db-a-dr',
      copyTags: false,
      postLaunchEnabled: false,
      licensing: { osByol: true },
      targetInstanceTypeRightSizingMethod: 'NONE',
      launchIntoInstanceProperties: { launchIntoEC2InstanceID: 'i-0123456789abcdef0' },
    });
    expect(second).toMatchObject({ name: 'db-b', copyTags: true, postLaunchEnabled: true, licensing: { osByol: true } });
    expect(second.launchIntoInstanceProperties).toBeUndefined();
    expect(first.ec2LaunchTemplateID).not.toBe(second.ec2LaunchTemplateID);
  });

  it('answers ResourceNotFoundException for an unknown source server', async () => {
    t = await startTestDrs();

    const error = await rejectionOf(t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: UNKNOWN_SERVER })));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ resourceId: UNKNOWN_SERVER, resourceType: 'SOURCE_SERVER' });
  });
});

describe('UpdateLaunchConfiguration', () => {
  it('changes the members given, keeps the others and answers the whole configuration', async () => {
    t = await startTestDrs();
    const [app1] = await serverIds(t.client, ['payments-app-1']);
    const before = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: app1! }));

    const updated = await t.client.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: app1!, launchDisposition: 'STOPPED', copyTags: false, licensing: { osByol: true }, name: 'app-1 recovery' }),
    );
    const read = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: app1! }));

    expect(updated).toMatchObject({
      sourceServerID: app1,
      name: 'app-1 recovery',
      launchDisposition: 'STOPPED',
      copyTags: false,
      licensing: { osByol: true },
      ec2LaunchTemplateID: before.ec2LaunchTemplateID,
      targetInstanceTypeRightSizingMethod: before.targetInstanceTypeRightSizingMethod,
      postLaunchEnabled: before.postLaunchEnabled,
    });
    expect({ ...read, $metadata: undefined }).toEqual({ ...updated, $metadata: undefined });
  });

  it('sets a launch-into instance and clears it with empty launchIntoInstanceProperties', async () => {
    t = await startTestDrs();
    const [app2] = await serverIds(t.client, ['payments-app-2']);

    const set = await t.client.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: app2!, copyTags: false, launchIntoInstanceProperties: { launchIntoEC2InstanceID: 'i-0a1b2c3d4e5f60718' } }),
    );
    const cleared = await t.client.send(new UpdateLaunchConfigurationCommand({ sourceServerID: app2!, launchIntoInstanceProperties: {} }));

    expect(set.launchIntoInstanceProperties).toEqual({ launchIntoEC2InstanceID: 'i-0a1b2c3d4e5f60718' });
    expect(cleared.launchIntoInstanceProperties).toBeUndefined();
  });

  it.each<[string, Partial<UpdateLaunchConfigurationCommandInput>, string]>([
    ['a launch disposition outside the enum', { launchDisposition: 'PAUSED' as never }, 'launchDisposition'],
    ['a right-sizing method outside the enum', { targetInstanceTypeRightSizingMethod: 'LARGE' as never }, 'targetInstanceTypeRightSizingMethod'],
    ['a name over 128 characters', { name: 'n'.repeat(129) }, 'name'],
    ['a launch-into ID that is no EC2 instance ID', { launchIntoInstanceProperties: { launchIntoEC2InstanceID: 'vol-0123456789' } }, 'launchIntoInstanceProperties.launchIntoEC2InstanceID'],
    ['a string where a boolean belongs', { copyPrivateIp: 'yes' as never }, 'copyPrivateIp'],
    ['a launch-into instance while copying tags', { copyTags: true, launchIntoInstanceProperties: { launchIntoEC2InstanceID: 'i-0a1b2c3d4e5f60718' } }, 'copyTags'],
  ])('refuses %s with ValidationException naming the member', async (_case, members, field) => {
    t = await startTestDrs();
    const [web1] = await serverIds(t.client, ['payments-web-1']);

    const error = await rejectionOf(t.client.send(new UpdateLaunchConfigurationCommand({ sourceServerID: web1!, ...members })));
    const unchanged = await t.client.send(new GetLaunchConfigurationCommand({ sourceServerID: web1! }));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.reason).toBe('fieldValidationFailed');
    expect(error.fieldList.map((f: { name: string }) => f.name)).toEqual([field]);
    expect(unchanged).toMatchObject({ launchDisposition: 'STARTED', copyPrivateIp: false, name: 'payments-web-1' });
    expect(unchanged.launchIntoInstanceProperties).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown source server and ignores members the model does not have', async () => {
    t = await startTestDrs();
    const [web2] = await serverIds(t.client, ['payments-web-2']);

    const unknown = await rejectionOf(t.client.send(new UpdateLaunchConfigurationCommand({ sourceServerID: UNKNOWN_SERVER, copyTags: true })));
    const raw = await rawCall(t.drs, 'POST', '/UpdateLaunchConfiguration', JSON.stringify({ sourceServerID: web2, ec2LaunchTemplateID: 'lt-forged', hostname: 'x' }));

    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.resourceId).toBe(UNKNOWN_SERVER);
    expect(raw.status).toBe(200);
    expect(raw.body!.ec2LaunchTemplateID).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(raw.body!.hostname).toBeUndefined();
  });
});

describe('launch settings in the simulation', () => {
  it('runs post-launch actions only while they are enabled: an update takes effect on the next launch', async () => {
    t = await startTestDrs();
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    const enabled = await drill(['payments-db-1']);
    await t.client.send(new UpdateLaunchConfigurationCommand({ sourceServerID: db1!, postLaunchEnabled: false }));

    const disabled = await drill(['payments-db-1']);

    expect(runNames(enabled)).toEqual(['payments-verify-database', 'AWSMigration-VerifyMountedVolumes']);
    expect(disabled.status).toBe('COMPLETED');
    expect(disabled.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
    // DRS installs and looks for the SSM agent only for post-launch actions: nothing to report.
    expect(disabled.participatingServers![0]!.launchActionsStatus).toBeUndefined();
  });

  it('launches a server whose SSM agent is never discovered without a discovery time or runs, beside one that runs its actions', async () => {
    t = await startTestDrs(await defaultScenario((s) => {
      s.faults = [{ type: 'ssmAgentNeverDiscovered', hostname: 'payments-db-2' }];
    }));

    const done = await drill(['payments-db-2', 'payments-db-3']);
    const silent = done.participatingServers![0]!;

    expect(done.status).toBe('COMPLETED');
    expect(silent.launchStatus).toBe('LAUNCHED');
    expect(silent.launchActionsStatus?.ssmAgentDiscoveryDatetime).toBeUndefined();
    expect(silent.launchActionsStatus?.runs ?? []).toEqual([]);
    expect((await instanceOf(done, 0)).ec2InstanceState).toBe('RUNNING');
    expect(done.participatingServers![1]!.launchActionsStatus?.ssmAgentDiscoveryDatetime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(runNames(done, 1)).toHaveLength(2);
  });

  it('takes ssmAgentNeverDiscovered by source server ID over HTTP, and clears it with the other faults', async () => {
    t = await startTestDrs();
    const [web3] = await serverIds(t.client, ['payments-web-3']);
    const injected = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'ssmAgentNeverDiscovered', sourceServerID: web3 }));
    const missingServer = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'ssmAgentNeverDiscovered' }));

    const silent = await drill(['payments-web-3']);
    t.drs.clearFaults();
    const discovered = await drill(['payments-web-3']);

    expect(injected.status).toBe(201);
    expect(missingServer.status).toBe(400);
    expect(runNames(silent)).toEqual([]);
    expect(runNames(discovered)).toEqual(['payments-web-healthcheck']);
  });

  it('leaves a STOPPED-disposition instance stopped after launch, with no SSM agent and no runs', async () => {
    t = await startTestDrs(await defaultScenario((s) => {
      s.sourceServers = s.sourceServers!.map((server) => (server.hostname === 'payments-web-4' ? { ...server, launchConfiguration: { launchDisposition: 'STOPPED' } } : server));
    }));

    const done = await drill(['payments-web-4']);
    const instance = await instanceOf(done);

    expect(done.participatingServers![0]!.launchStatus).toBe('LAUNCHED');
    expect(instance.ec2InstanceState).toBe('STOPPED');
    expect(done.participatingServers![0]!.launchActionsStatus).toBeUndefined();
  });

  it('copies the source server tags to the instance only with copyTags', async () => {
    t = await startTestDrs();
    const [app3] = await serverIds(t.client, ['payments-app-3']);
    const copied = await instanceOf(await drill(['payments-app-3']));
    await t.client.send(new UpdateLaunchConfigurationCommand({ sourceServerID: app3!, copyTags: false }));

    const uncopied = await instanceOf(await drill(['payments-app-4', 'payments-app-3']), 1);

    expect(copied.tags).toMatchObject({ Application: 'payments', Tier: 'app' });
    expect(uncopied.tags).toEqual({});
  });
});

describe('launch configuration in scenarios', () => {
  it('names an unknown key of a server launchConfiguration and of the default launch settings', () => {
    const attempt = () =>
      parseScenario(
        {
          defaultLaunchConfiguration: { name: 'everyone' },
          sourceServers: [{ hostname: 'a', launchConfiguration: { launchDisposiion: 'STOPPED', postLaunchEnabled: 'no' } }],
        },
        'typo.yaml',
      );

    expect(attempt).toThrow(ScenarioError);
    expect(attempt).toThrow(/sourceServers\.0\.launchConfiguration: unknown key launchDisposiion \(did you mean launchDisposition\?\): a launch configuration takes launchDisposition/);
    expect(attempt).toThrow(/sourceServers\.0\.launchConfiguration\.postLaunchEnabled/);
    expect(attempt).toThrow(/defaultLaunchConfiguration: unknown key name/);
  });

  it('lets the generator set launch configurations per server', () => {
    const scenario = parseScenario(
      generateScenario({ servers: 6, applications: 2, launchConfiguration: ({ tier }) => (tier === 'web' ? { launchDisposition: 'STOPPED' } : undefined) }),
    );

    const stopped = scenario.sourceServers.filter((s) => s.launchConfiguration?.launchDisposition === 'STOPPED').map((s) => s.tags.Tier);
    expect(stopped).toEqual(['web', 'web']);
    expect(scenario.sourceServers.filter((s) => s.launchConfiguration === undefined)).toHaveLength(4);
  });
});
