// The narrator reads each Task's output by the state schemas, for the live display and the AWS
// follower alike (their words are pinned in test/runner/progress.test.ts and
// test/deploy/aws-cli.test.ts): here, that it reads what the state machines really write.
import { describe, expect, it } from 'vitest';
import { readStateMachine } from '#local/runner/definition.ts';
import { DEFAULT_STATE_MACHINE, FAILBACK_STATE_MACHINE } from '#local/runner/run-local.ts';
import { historyLine } from '#shared/narrator/history.ts';
import { TASK_RESULT_PATHS, taskExit } from '#shared/narrator/task-exit.ts';

describe('the narrator', () => {
  it('knows every Task of the recovery and failback state machines, and reads its result where the Task writes it', async () => {
    const written: Record<string, string> = {};
    for (const path of [DEFAULT_STATE_MACHINE, FAILBACK_STATE_MACHINE]) {
      for (const [name, state] of Object.entries((await readStateMachine(path)).States)) {
        // A Task whose result is discarded (ResultPath null: ReleasePlanLock) leaves nothing to narrate.
        if (state.Type !== 'Task' || state.ResultPath === null) continue;
        expect(written[name] ?? state.ResultPath, `${name} writes to one place in both workflows`).toBe(state.ResultPath);
        written[name] = String(state.ResultPath);
      }
    }

    expect(written).toEqual(TASK_RESULT_PATHS);
  });

  it('says "?" for what a state does not show, and counts no pending post-launch actions for a failback wave', () => {
    const failbackWave = { wave: { name: 'web', onPremises: 2, aws: 1, actionsSucceeded: 1, actionsFailed: 0 } };

    const lines = [taskExit('CheckPostLaunchActions', failbackWave), taskExit('StartWave', { wave: { name: 'web' } })].map((exit) => exit && historyLine(exit));

    expect(lines).toEqual(['wave web: post-launch actions 1 succeeded, 0 failed', 'wave web: ?/? servers in ? jobs']);
    expect(taskExit('ShouldWaitForPostLaunchActions', {})).toBeUndefined();
  });
});
