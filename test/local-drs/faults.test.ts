import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  DrsServiceException,
  InternalServerException,
  StartRecoveryCommand,
  ThrottlingException,
} from '@aws-sdk/client-drs';
import { defaultScenario, rawCall, rejectionOf, serverIds, startTestDrs, waitForJob, type TestDrs } from './helpers.ts';

let t: TestDrs;
afterEach(async () => {
  await t.drs.stop();
});

describe('request faults', () => {
  beforeEach(async () => {
    t = await startTestDrs();
  });

  it('absorbs a short throttling burst through the SDK retries', async () => {
    t.drs.injectFault({ type: 'throttle', operations: ['DescribeJobs'], count: 2 });

    const { items, $metadata } = await t.client.send(new DescribeJobsCommand({}));

    expect(items).toEqual([]);
    expect($metadata.attempts).toBe(3);
    expect(t.drs.countCalls('DescribeJobs')).toBe(3);
    expect(t.drs.calls().filter((c) => c.errorType === 'ThrottlingException')).toHaveLength(2);
  });

  it('surfaces ThrottlingException with Retry-After when a storm outlasts three attempts', async () => {
    t.drs.injectFault({ type: 'throttle', count: 10, retryAfterSeconds: 2 });

    const error = await rejectionOf(t.client.send(new DescribeSourceServersCommand({})));

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.$metadata.attempts).toBe(3);
    expect(error.retryAfterSeconds).toBe('2');
    expect(error.serviceCode).toBe('drs');
  });

  it('throttles only the named operations', async () => {
    t.drs.injectFault({ type: 'throttle', operations: ['StartRecovery'], count: 10 });

    const { items = [] } = await t.client.send(new DescribeSourceServersCommand({}));

    expect(items).toHaveLength(13);
  });

  it('absorbs one 500 and surfaces InternalServerException when errors persist', async () => {
    t.drs.injectFault({ type: 'serverError', count: 1, status: 500 });
    const absorbed = await t.client.send(new DescribeJobsCommand({}));
    t.drs.injectFault({ type: 'serverError', count: 5, status: 500 });

    const error = await rejectionOf(t.client.send(new DescribeJobsCommand({})));

    expect(absorbed.$metadata.attempts).toBe(2);
    expect(error).toBeInstanceOf(InternalServerException);
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(error.retryAfterSeconds).toBe(1);
  });

  it('answers 503 bursts as an unmodeled service error the SDK retries', async () => {
    t.drs.injectFault({ type: 'serverError', count: 3, status: 503 });

    const error = await rejectionOf(t.client.send(new DescribeJobsCommand({})));

    expect(error).toBeInstanceOf(DrsServiceException);
    expect(error.$metadata.httpStatusCode).toBe(503);
    expect(error.$metadata.attempts).toBe(3);
  });

  it('throttles requests beyond a rate limit per second', async () => {
    t.drs.injectFault({ type: 'rateLimit', operations: ['DescribeJobs'], perSecond: 2 });

    const statuses = await Promise.all(Array.from({ length: 6 }, () => rawCall(t.drs, 'POST', '/DescribeJobs', '{}').then((r) => r.status)));

    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('stops injecting after clearFaults', async () => {
    t.drs.injectFault({ type: 'throttle', count: 10 });
    t.drs.clearFaults();

    const { $metadata } = await t.client.send(new DescribeJobsCommand({}));

    expect($metadata.attempts).toBe(1);
  });
});

describe('the /_local/ inspection API', () => {
  beforeEach(async () => {
    t = await startTestDrs();
  });

  it('injects a fault, advances time and shows state and calls over HTTP', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    const injected = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'launchFailure', sourceServerID: db1, rawError: 'boom' }));
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] }));

    const advanced = await rawCall(t.drs, 'POST', '/_local/advance', JSON.stringify({ seconds: 7200 }));
    const state = await rawCall(t.drs, 'GET', '/_local/state');
    const calls = await rawCall(t.drs, 'GET', '/_local/calls');
    const timeline = await rawCall(t.drs, 'GET', '/_local/timeline');
    const cleared = await rawCall(t.drs, 'DELETE', '/_local/faults');

    expect(injected.status).toBe(201);
    expect(advanced.body?.now).toBe('2026-01-05T04:00:00.000Z');
    expect(state.body!.jobs[0]).toMatchObject({ jobID: job!.jobID, status: 'COMPLETED', participatingServers: [{ launchStatus: 'FAILED' }] });
    expect(state.body!.recoveryInstances).toEqual([]);
    expect(calls.body!.calls.map((c: { operation: string }) => c.operation)).toEqual(['DescribeSourceServers', 'StartRecovery']);
    expect(timeline.body!.jobs[0].servers[0]).toMatchObject({ sourceServerID: db1, launchStatus: 'FAILED' });
    expect(cleared.status).toBe(204);
  });

  it('rejects an invalid fault with a message naming the field', async () => {
    const response = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'throttle', count: 'many' }));

    expect(response.status).toBe(400);
    expect(response.body?.message).toContain('count');
  });
});

describe('faults declared in the scenario', () => {
  it('fails the launch of a server the scenario marks launchFails, and stalls replication', async () => {
    t = await startTestDrs(
      await defaultScenario((s) => {
        s.faults = [{ type: 'stallReplication', hostname: 'reporting-app-1' }];
        s.sourceServers = s.sourceServers!.map((server) => (server.hostname === 'payments-web-1' ? { ...server, launchFails: 'Subnet not found' } : server));
      }),
    );
    const [web1] = await serverIds(t.client, ['payments-web-1']);

    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: web1 }] }));
    const done = await waitForJob(t, job!.jobID!);
    const stalled = t.drs.state().sourceServers.find((s) => s.sourceProperties.identificationHints.hostname === 'reporting-app-1');

    expect(done.participatingServers![0]!.launchStatus).toBe('FAILED');
    expect(stalled?.dataReplicationInfo.dataReplicationState).toBe('STALLED');
  });
});
