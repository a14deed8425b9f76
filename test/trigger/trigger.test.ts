// The trigger Lambda against a mocked Step Functions that keeps its executions like the service:
// names unique per state machine, RUNNING until a test ends them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TriggerResult } from '#shared/trigger/start.ts';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:drs-orchestrator-test-recovery';
const fixture = async (name: string): Promise<Record<string, any>> => JSON.parse(await readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const context = { functionName: 'trigger', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

const sfn = mockClient(SFNClient);
let executions: Map<string, { status: ExecutionStatus; input: string; executionArn: string }>;
let handler: (event: unknown, context: Context) => Promise<TriggerResult>;

/** Executions per ListExecutions page: small, so that a test can put a run on a later page. */
const PAGE_SIZE = 2;

/** Step Functions as the trigger sees it: ListExecutions (paged), DescribeExecution, StartExecution. */
function fakeStepFunctions(): void {
  executions = new Map();
  sfn.reset();
  sfn.on(ListExecutionsCommand).callsFake(({ statusFilter, nextToken }) => {
    const listed = [...executions.entries()]
      .filter(([, execution]) => statusFilter === undefined || execution.status === statusFilter)
      .map(([name, execution]) => ({ name, executionArn: execution.executionArn, status: execution.status, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() }));
    const start = nextToken === undefined ? 0 : Number(nextToken);
    const end = start + PAGE_SIZE;
    return { executions: listed.slice(start, end), ...(end < listed.length ? { nextToken: String(end) } : {}) };
  });
  sfn.on(DescribeExecutionCommand).callsFake(({ executionArn }) => {
    const found = [...executions.values()].find((execution) => execution.executionArn === executionArn);
    return { executionArn, input: found?.input, status: found?.status };
  });
  sfn.on(StartExecutionCommand).callsFake(({ name, input }) => {
    if (executions.has(name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: {} });
    const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    executions.set(name, { status: 'RUNNING', input, executionArn });
    return { executionArn, startDate: new Date() };
  });
}

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('STATE_MACHINE_ARN', STATE_MACHINE_ARN);
  vi.stubEnv('TRIGGERS_FILE', fileURLToPath(new URL('fixtures/stage.yaml', import.meta.url)));
  ({ handler } = await import('#functions/trigger.ts'));
});

beforeEach(fakeStepFunctions);

describe('the trigger', () => {
  it('starts one execution for repeated deliveries of one alarm event; a later delivery is a handled duplicate', async () => {
    const event = await fixture('alarm-event.json');

    const first = await handler(event, context);
    const whileRunning = await handler(event, context);
    executions.forEach((execution) => { execution.status = 'SUCCEEDED'; });
    const afterItEnded = await handler(event, context);

    expect(first).toMatchObject({ outcome: 'started', executionName: expect.stringMatching(/^payments-recovery-alarm-/) });
    expect(whileRunning).toMatchObject({ outcome: 'duplicate', executionName: first.executionName });
    expect(afterItEnded).toMatchObject({ outcome: 'duplicate', executionName: first.executionName, reason: expect.stringContaining('already exists') });
    expect(executions.size).toBe(1);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input ?? '');
    expect(input).toMatchObject({ plan: 'payments', mode: 'recovery', trigger: { source: 'alarm' } });
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('ignores the alarm going to %s and starts nothing', async (value) => {
    const event = await fixture('alarm-event.json');
    event.detail.previousState.value = 'ALARM';
    event.detail.state.value = value;

    const result = await handler(event, context);

    expect(result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(value) });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('fails with a clear error and starts nothing for an alarm that starts no plan', async () => {
    const event = await fixture('alarm-event.json');
    event.detail.alarmName = 'inventory-primary-site-down';

    await expect(handler(event, context)).rejects.toThrowError(
      expect.objectContaining({ name: 'UnknownAlarmError', message: expect.stringContaining('"inventory-primary-site-down" starts no plan') }),
    );
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('fails with a clear error and starts nothing for a schedule of a plan the stage does not deploy', async () => {
    const event = { ...(await fixture('scheduled-drill.json')), plan: 'inventory' };

    await expect(handler(event, context)).rejects.toThrowError(expect.objectContaining({ name: 'UnknownPlanError' }));
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts a drill of the plan for a schedule event', async () => {
    const result = await handler(await fixture('scheduled-drill.json'), context);

    expect(result).toMatchObject({ outcome: 'started', executionName: 'payments-drill-schedule-20260301T010000' });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'payments-drill-schedule-20260301T010000',
      input: expect.stringContaining('"mode":"drill"'),
    });
  });

  it('refuses to start while a run of the same plan is in progress, and says which', async () => {
    // Started by hand from the console: a name of its own, the plan only in the input.
    executions.set('3f0c9a4e-console-run', {
      status: 'RUNNING',
      input: JSON.stringify({ plan: 'payments', mode: 'drill' }),
      executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:3f0c9a4e-console-run`,
    });

    const result = await handler(await fixture('alarm-event.json'), context);

    expect(result).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('already has a run in progress (3f0c9a4e-console-run)') });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses to start while a run of the same plan is in progress on a later page of running executions', async () => {
    const arnOf = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    for (const name of ['inventory-drill-1', 'inventory-drill-2']) {
      executions.set(name, { status: 'RUNNING', input: JSON.stringify({ plan: 'inventory', mode: 'drill' }), executionArn: arnOf(name) });
    }
    executions.set('payments-drill-console', { status: 'RUNNING', input: JSON.stringify({ plan: 'payments', mode: 'drill' }), executionArn: arnOf('payments-drill-console') });

    const result = await handler(await fixture('alarm-event.json'), context);

    expect(result).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('already has a run in progress (payments-drill-console)') });
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('is not held back by a run of another plan', async () => {
    executions.set('inventory-drill-x', { status: 'RUNNING', input: JSON.stringify({ plan: 'inventory', mode: 'drill' }), executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:x:inventory-drill-x' });

    expect(await handler(await fixture('alarm-event.json'), context)).toMatchObject({ outcome: 'started' });
  });
});
