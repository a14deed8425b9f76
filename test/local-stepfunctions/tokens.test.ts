// Callback Tasks at the local Step Functions service: a runner issues a task token, the unmodified
// SDK closes the task with SendTaskSuccess or SendTaskFailure (or keeps it alive with
// SendTaskHeartbeat), and every misuse of a token is answered with the model's error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { RECOVERY_STATE_MACHINE, mallory, operator, signedCall, startTestStepFunctions, type TestStepFunctions } from './helpers.ts';

let t: TestStepFunctions;
let clock: Date;
let executionArn: string;

beforeEach(async () => {
  // The service's clock as a local run has it: frozen, moved by the test.
  clock = new Date('2026-03-01T02:00:00Z');
  t = await startTestStepFunctions({ now: () => clock });
  executionArn = t.sfn.executions.start({ stateMachineArn: RECOVERY_STATE_MACHINE, name: 'run-1', input: '{}', startDate: clock }).executionArn;
});
afterEach(async () => {
  await t.sfn.stop();
});

const later = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

describe('SendTaskSuccess and SendTaskFailure close the task of a token', () => {
  it('gives the waiting runner the output of SendTaskSuccess', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });

    const answer = await t.clientWith(operator).send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{"approved":true}' }));

    expect(answer.$metadata.httpStatusCode).toBe(200);
    await expect(task.result).resolves.toEqual({ status: 'SUCCEEDED', output: '{"approved":true}' });
  });

  it("gives the waiting runner SendTaskFailure's error and cause", async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });

    await t.clientWith(operator).send(new SendTaskFailureCommand({ taskToken: task.token, error: 'ApprovalRejected', cause: 'not tonight' }));

    await expect(task.result).resolves.toEqual({ status: 'FAILED', error: 'ApprovalRejected', cause: 'not tonight' });
  });

  it('answers a token used a second time with TaskTimedOut (the task is closed), as AWS does', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });
    const client = t.clientWith(operator);
    await client.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' }));

    const again = await client.send(new SendTaskFailureCommand({ taskToken: task.token, error: 'Late' })).catch((e: unknown) => e);

    expect(again).toMatchObject({ name: 'TaskTimedOut', message: "Task Timed Out: 'Provided task does not exist anymore'", $metadata: { httpStatusCode: 400 } });
    await expect(task.result).resolves.toEqual({ status: 'SUCCEEDED', output: '{}' });
  });

  it('answers output that is not JSON with InvalidOutput, and leaves the task open', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });
    const client = t.clientWith(operator);

    const error = await client.send(new SendTaskSuccessCommand({ taskToken: task.token, output: 'approved' })).catch((e: unknown) => e);
    await client.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '"approved"' }));

    expect(error).toMatchObject({ name: 'InvalidOutput' });
    await expect(task.result).resolves.toEqual({ status: 'SUCCEEDED', output: '"approved"' });
  });

  it('answers a malformed token with InvalidToken, a well-formed one never issued with TaskDoesNotExist, as JSON 1.0 errors', async () => {
    const malformed = await signedCall(t.sfn, 'AWSStepFunctions.SendTaskHeartbeat', JSON.stringify({ taskToken: 'not-a-token' }), operator);
    const neverIssued = await t.clientWith(operator).send(new SendTaskHeartbeatCommand({ taskToken: `AQ${'A'.repeat(64)}` })).catch((e: unknown) => e);

    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({ __type: 'com.amazonaws.swf.service.v2.model#InvalidToken', message: "Invalid Token: 'Invalid token'" });
    expect(neverIssued).toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it("answers a caller of another account TaskDoesNotExist and leaves the task open", async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });

    const error = await t.clientWith(mallory).send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'TaskDoesNotExist' });
    expect(t.sfn.tokens.pending()).toEqual([{ token: task.token, executionArn, stateName: 'AwaitApproval' }]);
  });

  it('refuses a missing output and an error over 256 characters with a coral ValidationException', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });

    const noOutput = await signedCall(t.sfn, 'AWSStepFunctions.SendTaskSuccess', JSON.stringify({ taskToken: task.token }), operator);
    const longError = await signedCall(t.sfn, 'AWSStepFunctions.SendTaskFailure', JSON.stringify({ taskToken: task.token, error: 'E'.repeat(257) }), operator);

    expect(JSON.parse(noOutput.body)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value null at 'output' failed to satisfy constraint: Member must not be null",
    });
    expect(JSON.parse(longError.body)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
    });
  });
});

describe("a task's deadlines, on the service's clock", () => {
  it('times a task out at its TimeoutSeconds: the runner learns States.Timeout, a late callback TaskTimedOut', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval', timeoutSeconds: 300 });

    later(299);
    const early = t.sfn.tokens.expireDue();
    later(1);
    const late = await t.clientWith(operator).send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' })).catch((e: unknown) => e);

    expect(early).toBe(0);
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    await expect(task.result).resolves.toEqual({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('keeps a task alive while heartbeats come within HeartbeatSeconds, and times it out with States.HeartbeatTimeout when they stop', async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval', heartbeatSeconds: 60 });
    const client = t.clientWith(operator);

    later(50);
    await client.send(new SendTaskHeartbeatCommand({ taskToken: task.token }));
    later(50);
    const stillOpen = t.sfn.tokens.expireDue();
    later(10);
    t.sfn.tokens.expireDue();

    expect(stillOpen).toBe(0);
    expect(task.nextDeadline()).toEqual(new Date('2026-03-01T02:01:50Z'));
    await expect(task.result).resolves.toEqual({ status: 'TIMED_OUT', error: 'States.HeartbeatTimeout' });
  });

  it("closes an execution's tasks when StopExecution stops it: the runner learns CANCELLED, a callback TaskTimedOut", async () => {
    const task = t.sfn.tokens.issue({ executionArn, stateName: 'AwaitApproval' });

    t.sfn.executions.stop(executionArn, { error: 'OperatorStop' });
    const late = await t.clientWith(operator).send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' })).catch((e: unknown) => e);

    await expect(task.result).resolves.toEqual({ status: 'CANCELLED' });
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
  });
});
