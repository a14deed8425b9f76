import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { prepareForLocalRun, readPath, readStateMachine } from '#local/runner/definition.ts';
import { DEFAULT_STATE_MACHINE } from '#local/runner/run-local.ts';

describe('prepareForLocalRun on the recovery state machine', () => {
  it('maps every Task to its function key and every Wait to a local wait, in a definition the library accepts', async () => {
    const source = await readStateMachine(DEFAULT_STATE_MACHINE);

    const local = prepareForLocalRun(source, { region: 'eu-west-1', speed: 600 });

    expect(local.lambdaTasks.StartWave).toBe('startWave');
    expect(local.definition.States.StartWave.Resource).toBe('arn:aws:lambda:eu-west-1:000000000000:function:startWave');
    expect(local.waits.WaitForCleanUp).toEqual({ secondsPath: '$.cleanup.pollSeconds' });
    expect(local.definition.States.WaitForCleanUp).toMatchObject({ Type: 'Task', ResultPath: null, Next: 'CleanUpDrill' });
    expect(local.stateTypes.WaitForCleanUp).toBe('Wait'); // history is counted as AWS would record it
    // The wave's event-driven waits: callbacks whose timeout goes where their callback does.
    expect(local.callbackTasks.WaitForLaunch).toMatchObject({ functionKey: 'awaitLaunch', timeoutSecondsFromInput: true, waitCutShort: true });
    expect(local.callbackTasks.WaitForPostLaunchActions).toMatchObject({ functionKey: 'awaitLaunch', timeoutSecondsFromInput: true, waitCutShort: true });
    expect(local.stateTypes.WaitForPostLaunchActions).toBe('Task');
    expect(local.callbackTasks.RequestApproval?.waitCutShort).toBeUndefined();
    expect(() => new StateMachine(local.definition as never)).not.toThrow();
  });

  it('keeps retry backoff but divides its intervals by the speed', async () => {
    const local = prepareForLocalRun(await readStateMachine(DEFAULT_STATE_MACHINE), { region: 'eu-west-1', speed: 600 });

    const [lambdaRetrier] = local.definition.States.StartWave.Retry ?? [];

    expect(lambdaRetrier).toMatchObject({ IntervalSeconds: 2 / 600, MaxDelaySeconds: 60 / 600, BackoffRate: 2, JitterStrategy: 'FULL' });
  });

  it('reads the context start time from the simulated clock field', async () => {
    const local = prepareForLocalRun(await readStateMachine(DEFAULT_STATE_MACHINE), { region: 'eu-west-1', speed: 600 });

    expect(local.definition.States.ValidateInput.Parameters).toMatchObject({ 'startedAt.$': '$$.Execution.SimulatedStartTime' });
  });
});

describe('prepareForLocalRun on callback Tasks (.waitForTaskToken)', () => {
  const callback = (task: Record<string, unknown>, states: Record<string, unknown> = {}) =>
    ({ StartAt: 'AwaitApproval', States: { AwaitApproval: { Type: 'Task', End: true, ...task }, ...states } }) as never;

  it('runs them itself: the function key and simulated timeouts kept aside, a fake Lambda ARN and no real-time timeout left to the library', () => {
    const local = prepareForLocalRun(
      callback({
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: { 'Fn::GetAtt': ['requestApproval', 'Arn'] }, Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 3600,
        HeartbeatSeconds: 300,
      }),
      { region: 'eu-west-1', speed: 600 },
    );

    expect(local.callbackTasks.AwaitApproval).toEqual({
      resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      functionKey: 'requestApproval',
      timeoutSeconds: 3600,
      heartbeatSeconds: 300,
    });
    expect(local.lambdaTasks).toEqual({});
    expect(local.definition.States.AwaitApproval.Parameters).toEqual({
      FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:requestApproval',
      Payload: { 'token.$': '$$.Task.Token' },
    });
    expect(local.definition.States.AwaitApproval.HeartbeatSeconds).toBeUndefined();
    expect(() => new StateMachine(local.definition as never)).not.toThrow();
  });

  it('takes a callback Task of another service (SNS) with no handler to invoke', () => {
    const local = prepareForLocalRun(
      callback({ Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:111122223333:approvals', 'Message.$': '$$.Task.Token' } }),
      { region: 'eu-west-1', speed: 600 },
    );

    expect(local.callbackTasks.AwaitApproval).toEqual({ resource: 'arn:aws:states:::sns:publish.waitForTaskToken' });
  });

  it('refuses $$.Task.Token in a Task that is not a callback, and a HeartbeatSecondsPath it cannot count', () => {
    const plain = callback({ Resource: { 'Fn::GetAtt': ['requestApproval', 'Arn'] }, Parameters: { 'token.$': '$$.Task.Token' } });
    const byPath = callback({ Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', Parameters: { 'Message.$': '$$.Task.Token' }, HeartbeatSecondsPath: '$.heartbeat' });

    expect(() => prepareForLocalRun(plain, { region: 'eu-west-1', speed: 600 })).toThrow(/only given to a Task whose Resource ends with \.waitForTaskToken/);
    expect(() => prepareForLocalRun(byPath, { region: 'eu-west-1', speed: 600 })).toThrow(/HeartbeatSecondsPath is not supported/);
  });

  it("reads a callback Task's TimeoutSecondsPath from its input, as its Parameters are read (the approval gate's timeout)", () => {
    const byPath = callback({ Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', Parameters: { 'Message.$': '$$.Task.Token' }, TimeoutSecondsPath: '$.gate.timeoutSeconds' });

    const local = prepareForLocalRun(byPath, { region: 'eu-west-1', speed: 600 });

    expect(local.callbackTasks.AwaitApproval).toEqual({ resource: 'arn:aws:states:::sns:publish.waitForTaskToken', timeoutSecondsFromInput: true });
    expect(local.definition.States.AwaitApproval.Parameters).toEqual({ 'Message.$': '$$.Task.Token', 'localRunnerTimeoutSeconds.$': '$.gate.timeoutSeconds' });
    expect(local.definition.States.AwaitApproval.TimeoutSecondsPath).toBeUndefined();
  });
});

describe('readPath', () => {
  it('reads the reference paths Wait states use', () => {
    const input = { wave: { pollSeconds: 30, jobs: ['j-1', 'j-2'] } };

    expect(readPath(input, '$.wave.pollSeconds')).toBe(30);
    expect(readPath(input, "$['wave'].jobs[1]")).toBe('j-2');
    expect(readPath(input, '$.cleanup.pollSeconds')).toBeUndefined();
    expect(readPath(input, '$')).toBe(input);
  });
});
