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
    expect(local.waits.WaitForLaunch).toEqual({ secondsPath: '$.wave.pollSeconds' });
    expect(local.definition.States.WaitForLaunch).toMatchObject({ Type: 'Task', ResultPath: null, Next: 'CheckLaunch' });
    expect(local.stateTypes.WaitForLaunch).toBe('Wait'); // history is counted as AWS would record it
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

describe('readPath', () => {
  it('reads the reference paths Wait states use', () => {
    const input = { wave: { pollSeconds: 30, jobs: ['j-1', 'j-2'] } };

    expect(readPath(input, '$.wave.pollSeconds')).toBe(30);
    expect(readPath(input, "$['wave'].jobs[1]")).toBe('j-2');
    expect(readPath(input, '$.cleanup.pollSeconds')).toBeUndefined();
    expect(readPath(input, '$')).toBe(input);
  });
});
