// Automation executions at the local SSM service, through the unmodified @aws-sdk/client-ssm: a
// run's statuses in the service's (simulated) clock, its outcome, outputs and failure message as
// the scenario declares them, and stopping one.
import { afterEach, describe, expect, it } from 'vitest';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { IdentityStore } from '#local/identity/index.ts';
import { startLocalSsm, type LocalSsm } from '#local/ssm/index.ts';
import { ssmClientFor } from '#local/ssm/client.ts';
import { RECOVERY, REGION, SMOKE_TEST, START, failureOf, startTestSsm, testIdentity, type TestSsm } from './helpers.ts';

let t: TestSsm | undefined;
afterEach(async () => {
  await t?.ssm.stop();
  t = undefined;
});

const statusOf = async (id: string) => (await t!.client().send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution!;

describe('an execution runs Pending, InProgress, then its outcome, in the service\'s clock', () => {
  it('goes Pending → InProgress → Success after durationSeconds, with its parameters and outputs', async () => {
    t = await startTestSsm();
    const client = t.client();

    const { AutomationExecutionId: id } = await client.send(
      new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'], Wave: ['1'] } }),
    );
    const pending = await statusOf(id!);
    t.clock.advanceSeconds(30);
    const inProgress = await statusOf(id!);
    t.clock.advanceSeconds(60);
    const done = await statusOf(id!);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(pending).toMatchObject({ AutomationExecutionId: id, AutomationExecutionStatus: 'Pending', ExecutionStartTime: new Date(START), Mode: 'Auto' });
    expect(pending.ExecutionEndTime).toBeUndefined();
    expect(pending.Outputs).toBeUndefined();
    expect(inProgress.AutomationExecutionStatus).toBe('InProgress');
    expect(done).toMatchObject({
      AutomationExecutionId: id,
      DocumentName: 'Payments-SmokeTest',
      DocumentVersion: '1',
      AutomationExecutionStatus: 'Success',
      ExecutionStartTime: new Date(START),
      ExecutionEndTime: new Date(START + 90_000),
      Parameters: { InstanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'], Wave: ['1'] },
      Outputs: { 'CheckHealth.Status': ['healthy'] },
      ExecutedBy: `arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/trigger`,
    });
    expect(done.FailureMessage).toBeUndefined();
  });

  it('ends Failed with the scenario\'s FailureMessage and Outputs', async () => {
    t = await startTestSsm({
      documents: [{ ...SMOKE_TEST, outcome: 'Failed', durationSeconds: 40, outputs: { 'CheckHealth.Status': ['unhealthy'] }, failureMessage: 'Step fails when it is Executing. Fail to execute step CheckHealth.' }],
    });

    const { AutomationExecutionId: id } = await t.client().send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    t.clock.advanceSeconds(40);
    const failed = await statusOf(id!);

    expect(failed).toMatchObject({
      AutomationExecutionStatus: 'Failed',
      ExecutionEndTime: new Date(START + 40_000),
      FailureMessage: 'Step fails when it is Executing. Fail to execute step CheckHealth.',
      Outputs: { 'CheckHealth.Status': ['unhealthy'] },
    });
  });

  it('ends TimedOut with a failure message even when the scenario gives none', async () => {
    t = await startTestSsm({ documents: [{ ...SMOKE_TEST, outcome: 'TimedOut', durationSeconds: 3600 }] });

    const { AutomationExecutionId: id } = await t.client().send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    t.clock.advanceSeconds(3599);
    const running = await statusOf(id!);
    t.clock.advanceSeconds(1);
    const timedOut = await statusOf(id!);

    expect(running.AutomationExecutionStatus).toBe('InProgress');
    expect(timedOut).toMatchObject({ AutomationExecutionStatus: 'TimedOut', FailureMessage: expect.stringContaining('timed out') });
  });

  it('takes successive executions\' outcomes from `outcomes` in order, then the document\'s own', async () => {
    t = await startTestSsm({
      documents: [{ ...SMOKE_TEST, outcomes: [{ outcome: 'Failed', durationSeconds: 10, failureMessage: 'first run fails' }, { outcome: 'Success', durationSeconds: 20 }], outcome: 'TimedOut' }],
    });
    const start = () => t!.client().send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));

    const ids = [(await start()).AutomationExecutionId!, (await start()).AutomationExecutionId!, (await start()).AutomationExecutionId!];
    t.clock.advanceSeconds(90);
    const statuses = await Promise.all(ids.map(statusOf));

    expect(statuses.map((execution) => [execution.AutomationExecutionStatus, execution.FailureMessage])).toEqual([
      ['Failed', 'first run fails'],
      ['Success', undefined],
      ['TimedOut', expect.any(String)],
    ]);
    expect(statuses[1].ExecutionEndTime).toEqual(new Date(START + 20_000));
  });

  it('shows the executions in state() and counts the calls by operation', async () => {
    t = await startTestSsm();
    await t.client().send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] }, Tags: [{ Key: 'drs:plan', Value: 'payments' }] }));
    t.clock.advanceSeconds(120);

    const state = t.ssm.state();

    expect(state.now).toBe(new Date(START + 120_000).toISOString());
    expect(state.executions).toMatchObject([
      { account: RECOVERY, region: REGION, document: 'Payments-SmokeTest', status: 'Success', parameters: { InstanceIds: ['i-1'] }, tags: [{ Key: 'drs:plan', Value: 'payments' }], startMs: START, endMs: START + 90_000 },
    ]);
    expect(t.ssm.countCalls('StartAutomationExecution')).toBe(1);
    expect(t.ssm.calls()).toMatchObject([{ operation: 'StartAutomationExecution', account: RECOVERY, region: REGION, status: 200 }]);
  });
});

describe('StopAutomationExecution', () => {
  it('turns a running execution Cancelling, then Cancelled after cancelSeconds, without outputs', async () => {
    t = await startTestSsm({ documents: [SMOKE_TEST], cancelSeconds: 5 });
    const client = t.client();
    const { AutomationExecutionId: id } = await client.send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    t.clock.advanceSeconds(30);

    await client.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }));
    const cancelling = await statusOf(id!);
    t.clock.advanceSeconds(5);
    const cancelled = await statusOf(id!);
    t.clock.advanceSeconds(600);
    const later = await statusOf(id!);

    expect(cancelling.AutomationExecutionStatus).toBe('Cancelling');
    expect(cancelling.ExecutionEndTime).toBeUndefined();
    expect(cancelled).toMatchObject({ AutomationExecutionStatus: 'Cancelled', ExecutionEndTime: new Date(START + 35_000) });
    expect(cancelled.Outputs).toBeUndefined();
    // The stop stands: the document's outcome never comes.
    expect(later.AutomationExecutionStatus).toBe('Cancelled');
  });

  it('refuses to stop an execution that already ended with InvalidAutomationStatusUpdateException', async () => {
    t = await startTestSsm();
    const client = t.client();
    const { AutomationExecutionId: id } = await client.send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    t.clock.advanceSeconds(90);

    const error = await failureOf(client.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id })));

    expect(error).toMatchObject({ name: 'InvalidAutomationStatusUpdateException', message: expect.stringContaining('Success'), $metadata: { httpStatusCode: 400 } });
    expect((await statusOf(id!)).AutomationExecutionStatus).toBe('Success');
  });

  it('answers AutomationExecutionNotFoundException for an ID it never gave, to Get and Stop', async () => {
    t = await startTestSsm();
    const unknown = '6f1d2c3b-0000-4000-8000-000000000000';

    const get = await failureOf(t.client().send(new GetAutomationExecutionCommand({ AutomationExecutionId: unknown })));
    const stop = await failureOf(t.client().send(new StopAutomationExecutionCommand({ AutomationExecutionId: unknown })));

    expect(get).toMatchObject({ name: 'AutomationExecutionNotFoundException', message: expect.stringContaining(unknown), $metadata: { httpStatusCode: 400 } });
    expect(stop).toMatchObject({ name: 'AutomationExecutionNotFoundException' });
  });
});

describe('the clock a local run passes', () => {
  let local: LocalSsm | undefined;
  afterEach(async () => {
    await local?.stop();
    local = undefined;
  });

  it('lets the other simulation apply what it has due (advance) before each request, then reads the time', async () => {
    let now = START;
    const advanced: number[] = [];
    // The other simulation moves its time when asked: each request sees 30 simulated seconds more.
    const clock = { nowMs: () => now, advance: () => advanced.push((now += 30_000)) };
    local = await startLocalSsm({ identity: new IdentityStore(testIdentity), clock, scenario: { documents: [SMOKE_TEST] }, home: { account: RECOVERY, region: REGION } });
    const client = ssmClientFor(local, { region: REGION, credentials: { accessKeyId: 'AKIAOPERATOR00000001', secretAccessKey: 'operator-secret' } });

    const { AutomationExecutionId: id } = await client.send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    const statuses: string[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await client.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution!.AutomationExecutionStatus!);

    // Started at START + 30 s; read at + 30, + 60, + 90 s of its 90.
    expect(statuses).toEqual(['InProgress', 'InProgress', 'Success']);
    expect(advanced).toHaveLength(4);
  });
});
