import { describe, expect, it } from 'vitest';
import {
  ConflictException,
  DescribeJobsCommand,
  InternalServerException,
  StartFailbackLaunchCommand,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  type DrsClient,
} from '@aws-sdk/client-drs';
import { parseScenario } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { rawCall, rejectionOf, serverIds, useTestDrs, waitForJob } from './helpers.ts';

const t = useTestDrs();

const singleAttempt = (): DrsClient => drsClientFor(t.drs, { maxAttempts: 1 });
const jobsOf = (type: string, initiatedBy?: string) => t.drs.state().jobs.filter((job) => job.type === type && (!initiatedBy || job.initiatedBy === initiatedBy));
const callsOf = (operation: string) => t.drs.calls().filter((call) => call.operation === operation).map(({ status, errorType, lostResponse }) => ({ status, errorType, lostResponse }));

async function launchedDrill(hostname: string): Promise<string> {
  const [id] = await serverIds(t.client, [hostname]);
  const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: id! }] }));
  return (await waitForJob(t, job!.jobID!)).participatingServers![0]!.recoveryInstanceID!;
}

describe.each(['serverError', 'reset'] as const)('a lost %s response', (how) => {
  it('of StartRecovery still created exactly one job, and the client without retries sees the failure once', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    t.drs.injectFault({ type: 'lostResponse', operations: ['StartRecovery'], count: 1, how });

    const error = await rejectionOf(singleAttempt().send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1! }] })));
    const { items: jobs = [] } = await t.client.send(new DescribeJobsCommand({}));

    if (how === 'serverError') expect(error).toBeInstanceOf(InternalServerException);
    else expect(error.code).toBe('ECONNRESET');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.participatingServers!.map((p) => p.sourceServerID)).toEqual([db1]);
    expect(callsOf('StartRecovery')).toEqual([{ status: 202, errorType: undefined, lostResponse: how }]);
  });

  it('of StartRecovery makes the SDK resend it, and DRS answers the resend with ConflictException', async () => {
    const [db2] = await serverIds(t.client, ['payments-db-2']);
    t.drs.injectFault({ type: 'lostResponse', operations: ['StartRecovery'], count: 1, how });

    const error = await rejectionOf(t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db2! }] })));

    // The hazard: the job exists, yet the caller only ever hears "already in an active job".
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.resourceId).toBe(db2);
    expect(error.$metadata.attempts).toBe(2);
    expect(jobsOf('LAUNCH')).toHaveLength(1);
    expect(callsOf('StartRecovery')).toEqual([
      { status: 202, errorType: undefined, lostResponse: how },
      { status: 409, errorType: 'ConflictException', lostResponse: undefined },
    ]);
  });

  it('of TerminateRecoveryInstances started exactly one TERMINATE job; its resend answers ConflictException', async () => {
    const instanceID = await launchedDrill('payments-app-1');
    t.drs.injectFault({ type: 'lostResponse', operations: ['TerminateRecoveryInstances'], count: 1, how });

    const retried = await rejectionOf(t.client.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: [instanceID] })));

    expect(retried).toBeInstanceOf(ConflictException);
    expect(retried.resourceId).toBe(instanceID);
    expect(jobsOf('TERMINATE')).toHaveLength(1);
    expect(t.drs.state().recoveryInstances.find((i) => i.recoveryInstanceID === instanceID)?.ec2InstanceState).toBe('SHUTTING-DOWN');
    expect(callsOf('TerminateRecoveryInstances').map((c) => c.lostResponse)).toEqual([how, undefined]);
  });

  it('of StartFailbackLaunch started exactly one FAILBACK job; without retries the client sees one failure', async () => {
    const [app2] = await serverIds(t.client, ['payments-app-2']);
    const { job } = await t.client.send(new StartRecoveryCommand({ isDrill: false, sourceServers: [{ sourceServerID: app2! }] }));
    const instanceID = (await waitForJob(t, job!.jobID!)).participatingServers![0]!.recoveryInstanceID!;
    t.drs.advanceBy(4 * 3600);
    t.drs.injectFault({ type: 'lostResponse', operations: ['StartFailbackLaunch'], count: 1, how });

    await rejectionOf(singleAttempt().send(new StartFailbackLaunchCommand({ recoveryInstanceIDs: [instanceID] })));
    const resent = await rejectionOf(t.client.send(new StartFailbackLaunchCommand({ recoveryInstanceIDs: [instanceID] })));

    expect(resent).toBeInstanceOf(ConflictException);
    expect(jobsOf('LAUNCH', 'FAILBACK')).toHaveLength(1);
    expect(callsOf('StartFailbackLaunch')).toEqual([
      { status: 200, errorType: undefined, lostResponse: how },
      { status: 409, errorType: 'ConflictException', lostResponse: undefined },
    ]);
  });
});

describe('lostResponse faults', () => {
  it('lose only the named operations, and only `count` responses', async () => {
    t.drs.injectFault({ type: 'lostResponse', operations: ['StartRecovery'], count: 1, how: 'serverError' });

    const described = await t.client.send(new DescribeJobsCommand({}));

    expect(described.$metadata.attempts).toBe(1);
    expect(t.drs.calls().filter((c) => c.lostResponse)).toEqual([]);
  });

  it('are injected over HTTP and declared in a scenario; a wrong `how` is refused naming the field', async () => {
    const injected = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'lostResponse', count: 1, how: 'reset' }));
    const refused = await rawCall(t.drs, 'POST', '/_local/faults', JSON.stringify({ type: 'lostResponse', count: 1, how: 'timeout' }));
    const scenario = parseScenario({ faults: [{ type: 'lostResponse', operations: ['StartRecovery'], count: 2, how: 'serverError' }] });

    expect(injected.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(refused.body?.message).toContain('how');
    expect(scenario.faults).toEqual([{ type: 'lostResponse', operations: ['StartRecovery'], count: 2, how: 'serverError' }]);
  });

  it('answer the 500 with the error-type and request-id headers', async () => {
    t.drs.injectFault({ type: 'lostResponse', count: 1, how: 'serverError' });

    const response = await rawCall(t.drs, 'POST', '/DescribeJobs', '{}');

    expect(response).toMatchObject({ status: 500, errorType: 'InternalServerException' });
    expect(response.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
