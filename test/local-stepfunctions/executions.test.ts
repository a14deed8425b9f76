// The local Step Functions service answers the unmodified SFNClient about the executions registered
// with it, over HTTP: DescribeExecution, ListExecutions (pages, status filter), StopExecution (the
// registrant is told to stop), each in the caller's own account and Region only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, ListExecutionsCommand, paginateListExecutions, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { OUTSIDER, RECOVERY, RECOVERY_STATE_MACHINE, REGION, functionRole, mallory, operator, startTestStepFunctions, type TestStepFunctions } from './helpers.ts';

let t: TestStepFunctions;
beforeEach(async () => {
  t = await startTestStepFunctions();
});
afterEach(async () => {
  await t.sfn.stop();
});

const STARTED = new Date('2026-03-01T02:00:00.250Z');
const minutesAfterStart = (minutes: number) => new Date(STARTED.getTime() + minutes * 60_000);

/** Registers a running execution of the recovery state machine, as the local runner does. */
function startExecution(name: string, options: { startDate?: Date; input?: string; stop?: (error?: string, cause?: string) => void } = {}) {
  return t.sfn.executions.start({
    stateMachineArn: RECOVERY_STATE_MACHINE,
    name,
    input: options.input ?? JSON.stringify({ plan: 'payments', mode: 'drill' }),
    startDate: options.startDate ?? STARTED,
    ...(options.stop === undefined ? {} : { stop: options.stop }),
  });
}

describe('DescribeExecution', () => {
  it('tells a running execution by its ARN in the state machine\'s account and Region: RUNNING, its input, its start date and no stop date', async () => {
    const execution = startExecution('payments-drill-20260301T020000-ab12');

    const described = await t.clientWith(operator).send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));

    expect(execution.executionArn).toBe(`arn:aws:states:${REGION}:${RECOVERY}:execution:drs-orchestrator-local-recovery:payments-drill-20260301T020000-ab12`);
    expect(described).toMatchObject({
      executionArn: execution.executionArn,
      stateMachineArn: RECOVERY_STATE_MACHINE,
      name: 'payments-drill-20260301T020000-ab12',
      status: 'RUNNING',
      startDate: STARTED,
      input: '{"plan":"payments","mode":"drill"}',
      inputDetails: { included: true },
    });
    expect(described.stopDate).toBeUndefined();
    expect(described.output).toBeUndefined();
  });

  it('tells an execution that ended its outcome: SUCCEEDED with stop date and output, FAILED with error and cause and no output', async () => {
    const succeeded = startExecution('succeeded');
    const failed = startExecution('failed');
    succeeded.end({ status: 'SUCCEEDED', stopDate: minutesAfterStart(31), output: '{"report":"ok"}' });
    failed.end({ status: 'FAILED', stopDate: minutesAfterStart(3), error: 'PreflightFailedError', cause: 'server s-1 is not replicating' });
    const client = t.clientWith(functionRole);

    const ok = await client.send(new DescribeExecutionCommand({ executionArn: succeeded.executionArn }));
    const ko = await client.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));

    expect(ok).toMatchObject({ status: 'SUCCEEDED', startDate: STARTED, stopDate: minutesAfterStart(31), output: '{"report":"ok"}', outputDetails: { included: true } });
    expect(ko).toMatchObject({ status: 'FAILED', stopDate: minutesAfterStart(3), error: 'PreflightFailedError', cause: 'server s-1 is not replicating' });
    expect(ko.output).toBeUndefined();
  });

  it('answers an ARN no execution has with ExecutionDoesNotExist, and one that is no execution\'s ARN with InvalidArn', async () => {
    const client = t.clientWith(operator);
    const unknown = `arn:aws:states:${REGION}:${RECOVERY}:execution:drs-orchestrator-local-recovery:never-started`;

    const missing = await client.send(new DescribeExecutionCommand({ executionArn: unknown })).catch((e: unknown) => e);
    const notAnArn = await client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })).catch((e: unknown) => e);
    const stateMachine = await client.send(new DescribeExecutionCommand({ executionArn: RECOVERY_STATE_MACHINE })).catch((e: unknown) => e);

    expect(missing).toMatchObject({ name: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${unknown}'`, $metadata: { httpStatusCode: 400 } });
    expect(notAnArn).toMatchObject({ name: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'" });
    expect(stateMachine).toMatchObject({ name: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'" });
  });
});

describe('ListExecutions', () => {
  it('lists a state machine\'s executions newest first, page by page with nextToken, and only those of a status when filtered', async () => {
    for (let minute = 0; minute < 5; minute += 1) startExecution(`run-${minute}`, { startDate: minutesAfterStart(minute) });
    const ended = startExecution('run-5', { startDate: minutesAfterStart(5) });
    ended.end({ status: 'SUCCEEDED', stopDate: minutesAfterStart(40) });
    const client = t.clientWith(functionRole);

    const first = await client.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE, maxResults: 4 }));
    const second = await client.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE, maxResults: 4, nextToken: first.nextToken }));
    const running: string[] = [];
    for await (const page of paginateListExecutions({ client, pageSize: 2 }, { stateMachineArn: RECOVERY_STATE_MACHINE, statusFilter: 'RUNNING' })) {
      running.push(...(page.executions ?? []).map((execution) => execution.name ?? ''));
    }

    expect(first.executions?.map((execution) => execution.name)).toEqual(['run-5', 'run-4', 'run-3', 'run-2']);
    expect(first.executions?.[0]).toMatchObject({ stateMachineArn: RECOVERY_STATE_MACHINE, status: 'SUCCEEDED', startDate: minutesAfterStart(5), stopDate: minutesAfterStart(40) });
    expect(second.executions?.map((execution) => execution.name)).toEqual(['run-1', 'run-0']);
    expect(second.nextToken).toBeUndefined();
    expect(running).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
  });

  it('refuses a state machine nobody registered (StateMachineDoesNotExist), a page above 1,000 (ValidationException) and a token it never gave (InvalidToken)', async () => {
    startExecution('run-0');
    const client = t.clientWith(operator);
    const otherMachine = RECOVERY_STATE_MACHINE.replace('-recovery', '-recovery-failback');

    const unknown = await client.send(new ListExecutionsCommand({ stateMachineArn: otherMachine })).catch((e: unknown) => e);
    const tooLarge = await client.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE, maxResults: 1001 })).catch((e: unknown) => e);
    const forged = await client.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE, nextToken: 'not-a-token-it-gave' })).catch((e: unknown) => e);

    expect(unknown).toMatchObject({ name: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${otherMachine}'` });
    expect(tooLarge).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
    expect(forged).toMatchObject({ name: 'InvalidToken' });
  });

  it('lists a state machine defined before any execution as having none', async () => {
    t.sfn.executions.defineStateMachine(RECOVERY_STATE_MACHINE);

    const listed = await t.clientWith(operator).send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE }));

    expect(listed.executions).toEqual([]);
    expect(listed.nextToken).toBeUndefined();
  });
});

describe('StopExecution', () => {
  it('tells the registrant to stop with the caller\'s error and cause, then DescribeExecution reports ABORTED with them and the stop date', async () => {
    const stops: Array<[string | undefined, string | undefined]> = [];
    const execution = startExecution('to-stop', { stop: (error, cause) => stops.push([error, cause]) });
    const client = t.clientWith(operator);

    const { stopDate } = await client.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'OperatorStop', cause: 'wrong plan' }));
    const described = await client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));

    expect(stops).toEqual([['OperatorStop', 'wrong plan']]);
    expect(described).toMatchObject({ status: 'ABORTED', stopDate, error: 'OperatorStop', cause: 'wrong plan' });
    // The stop is the status that stands: the registrant's own end afterwards changes nothing.
    expect(execution.end({ status: 'SUCCEEDED', stopDate: minutesAfterStart(30) })).toBe(false);
    expect(execution.describe()).toMatchObject({ status: 'ABORTED', stopDate });
  });

  it('without an error or cause, leaves them out of DescribeExecution', async () => {
    const execution = startExecution('to-stop');
    const client = t.clientWith(operator);

    await client.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
    const described = await client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));

    expect(described.status).toBe('ABORTED');
    expect(described).not.toHaveProperty('error');
    expect(described).not.toHaveProperty('cause');
  });

  it('succeeds on an execution that already ended and changes nothing: the registrant is not called, the outcome and stop date stay', async () => {
    const stops: string[] = [];
    const execution = startExecution('done', { stop: () => stops.push('stopped') });
    execution.end({ status: 'SUCCEEDED', stopDate: minutesAfterStart(31), output: '{}' });
    const client = t.clientWith(operator);

    const { stopDate } = await client.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'Late' }));
    const described = await client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));

    expect(stops).toEqual([]);
    expect(stopDate).toEqual(minutesAfterStart(31));
    expect(described).toMatchObject({ status: 'SUCCEEDED', stopDate: minutesAfterStart(31), output: '{}' });
    expect(described.error).toBeUndefined();
  });

  it('answers an unknown execution with ExecutionDoesNotExist', async () => {
    const unknown = `arn:aws:states:${REGION}:${RECOVERY}:execution:drs-orchestrator-local-recovery:never-started`;

    const error = await t.clientWith(operator).send(new StopExecutionCommand({ executionArn: unknown })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${unknown}'` });
  });
});

describe('an execution belongs to the account and Region of its ARN', () => {
  it('is invisible to a caller of another account: not described, not stopped, its state machine not listed, and it keeps running', async () => {
    const stops: string[] = [];
    const execution = startExecution('private', { stop: () => stops.push('stopped') });
    const outsider = t.clientWith(mallory);

    const described = await outsider.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })).catch((e: unknown) => e);
    const stopped = await outsider.send(new StopExecutionCommand({ executionArn: execution.executionArn })).catch((e: unknown) => e);
    const listed = await outsider.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE })).catch((e: unknown) => e);

    expect(described).toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(stopped).toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(listed).toMatchObject({ name: 'StateMachineDoesNotExist' });
    expect(stops).toEqual([]);
    expect(execution.describe().status).toBe('RUNNING');
    expect(t.sfn.calls().filter((call) => call.account === OUTSIDER).map((call) => call.errorCode)).toEqual(['ExecutionDoesNotExist', 'ExecutionDoesNotExist', 'StateMachineDoesNotExist']);
  });

  it('is invisible to its own account signing for another Region', async () => {
    const execution = startExecution('regional');

    const error = await t.clientWith(operator, { region: 'us-east-1' }).send(new DescribeExecutionCommand({ executionArn: execution.executionArn })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

describe('registering executions', () => {
  it('refuses a second execution of the same name of a state machine with ExecutionAlreadyExists, and a name StartExecution would refuse with InvalidName', () => {
    const first = startExecution('payments-drill-1');

    expect(() => startExecution('payments-drill-1')).toThrow(expect.objectContaining({ code: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${first.executionArn}'` }));
    expect(() => startExecution('has space')).toThrow(expect.objectContaining({ code: 'InvalidName' }));
    expect(() => startExecution('x'.repeat(81))).toThrow(expect.objectContaining({ code: 'InvalidName' }));
  });
});
