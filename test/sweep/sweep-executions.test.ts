// The sweeper's Step Functions adapter, through the unmodified SFNClient against the local Step
// Functions service: which runs still run, in any of the three workflows, and which asked to keep
// their drill instances.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executionArnOf, stepFunctionsExecutions } from '#shared/aws/sweep-executions.ts';
import { functionRole, RECOVERY_STATE_MACHINE, startTestStepFunctions, type TestStepFunctions } from '../local-stepfunctions/helpers.ts';

const machines = {
  recovery: RECOVERY_STATE_MACHINE,
  failback: `${RECOVERY_STATE_MACHINE}-failback`,
  stoppedRun: `${RECOVERY_STATE_MACHINE}-stopped-run`,
};
const STARTED = new Date('2026-03-01T02:00:00Z');
const ENDED = new Date('2026-03-01T02:40:00Z');

let t: TestStepFunctions;
beforeEach(async () => {
  t = await startTestStepFunctions();
  // Deployed with the stack: they exist before any of their executions.
  for (const machine of Object.values(machines)) t.sfn.executions.defineStateMachine(machine);
});
afterEach(async () => {
  await t.sfn.stop();
});

function execution(stateMachineArn: string, name: string, input: unknown) {
  return t.sfn.executions.start({ stateMachineArn, name, input: JSON.stringify(input), startDate: STARTED });
}

describe("the sweeper's view of Step Functions", () => {
  it('a run is running while its execution of the recovery or failback workflow is RUNNING, and ended once it is not', async () => {
    execution(machines.recovery, 'payments-drill-running', { plan: 'payments', mode: 'drill' });
    execution(machines.failback, 'payments-failback-running', { plan: 'payments', mode: 'failback' });
    execution(machines.recovery, 'payments-drill-failed', { plan: 'payments', mode: 'drill' }).end({ status: 'FAILED', stopDate: ENDED, error: 'CleanUpIncompleteError' });
    const status = stepFunctionsExecutions(t.clientWith(functionRole), machines);

    expect(await status.statusOf('payments-drill-running')).toEqual({ running: true, skipCleanup: false });
    expect(await status.statusOf('payments-failback-running')).toEqual({ running: true, skipCleanup: false });
    expect(await status.statusOf('payments-drill-failed')).toEqual({ running: false, skipCleanup: false });
    expect(await status.statusOf('payments-drill-never-started')).toEqual({ running: false, skipCleanup: false });
  });

  it('an aborted run still counts as running while the stopped-run workflow cleans up after it, whatever that execution is named', async () => {
    const aborted = execution(machines.recovery, 'payments-drill-aborted', { plan: 'payments', mode: 'drill' });
    aborted.end({ status: 'ABORTED', stopDate: ENDED });
    // EventBridge starts it under a name Step Functions generates; its input is the status-change event.
    const cleaningUp = execution(machines.stoppedRun, 'a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d', { 'detail-type': 'Step Functions Execution Status Change', detail: { name: 'payments-drill-aborted', status: 'ABORTED' } });

    expect(await stepFunctionsExecutions(t.clientWith(functionRole), machines).statusOf('payments-drill-aborted')).toEqual({ running: true, skipCleanup: false });
    cleaningUp.end({ status: 'FAILED', stopDate: ENDED, error: 'CleanUpIncompleteError' });
    expect(await stepFunctionsExecutions(t.clientWith(functionRole), machines).statusOf('payments-drill-aborted')).toEqual({ running: false, skipCleanup: false });
  });

  it("reads from the execution's input whether the run asked to keep its drill instances", async () => {
    execution(machines.recovery, 'payments-drill-kept', { plan: 'payments', mode: 'drill', skipCleanup: true }).end({ status: 'SUCCEEDED', stopDate: ENDED, output: '{}' });

    expect(await stepFunctionsExecutions(t.clientWith(functionRole), machines).statusOf('payments-drill-kept')).toEqual({ running: false, skipCleanup: true });
  });

  it('names an execution as Step Functions does: its state machine ARN with execution for stateMachine, then its name', () => {
    expect(executionArnOf(RECOVERY_STATE_MACHINE, 'payments-drill-1')).toBe(RECOVERY_STATE_MACHINE.replace(':stateMachine:', ':execution:') + ':payments-drill-1');
  });
});
