// Callback Tasks (`.waitForTaskToken`) in a local run: the Lambda is given the task token in its
// payload, and the run goes on with what an approver answers through the unmodified SFNClient at
// the local Step Functions service — or with States.Timeout, in simulated time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { buildFunctions } from '#deploy/build.ts';
import { runLocal, type IssuedTaskToken, type RunLocalOptions } from '#local/runner/run-local.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '#local/stepfunctions/index.ts';
import { sfnClientFor } from '#local/stepfunctions/client.ts';
import { clockOnlyDrs, fixturesDir, tempDir } from './helpers.ts';

const callbackFixtures = join(fixturesDir, 'callback');
const approvalStateMachine = join(callbackFixtures, 'approval.asl.yaml');
const notifyStateMachine = join(callbackFixtures, 'notify.asl.yaml');

let buildDir: string;
let reportsDir: string;
let stepFunctions: LocalStepFunctions;

beforeAll(async () => {
  buildDir = await tempDir('callback-build');
  await buildFunctions({ functionsDir: join(callbackFixtures, 'functions'), outDir: buildDir });
});

beforeEach(async () => {
  reportsDir = await tempDir('callback-reports');
});

afterEach(async () => {
  await stepFunctions?.stop();
});

/** A run of the approval fixture on a frozen clock, with a Step Functions service that outlives it. */
async function approvalRun(executionName: string, overrides: Partial<RunLocalOptions> = {}) {
  const drs = clockOnlyDrs(0);
  stepFunctions = await startLocalStepFunctions({ now: () => drs.now() });
  const run = runLocal({
    input: { plan: 'payments' },
    plansDir: fixturesDir,
    reportsDir,
    stateMachinePath: approvalStateMachine,
    buildDir,
    drs: { ...drs, stepFunctions: { endpoint: stepFunctions.endpoint, executions: stepFunctions.executions } },
    executionName,
    ...overrides,
  });
  return { run, drs };
}

interface ApprovalRequest {
  token: string;
  executionId: string;
  plan: string;
  sfnEndpoint: string;
  region: string;
}

/** The approver's side: waits for the request the Lambda sent, and a client for where it says to call back. */
async function approvalRequest(executionName: string): Promise<{ request: ApprovalRequest; approver: SFNClient }> {
  const file = join(reportsDir, `approval-request-${executionName}.json`);
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    // The fixture writes the file as it goes: a partial document is read again.
    const request = text === undefined ? undefined : (JSON.parse(text.trim() === '' ? 'null' : text) as ApprovalRequest | null);
    if (request?.token !== undefined) {
      return { request, approver: sfnClientFor({ endpoint: request.sfnEndpoint, region: request.region }) };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no approval request in ${file}`);
}

describe('a callback Task in a local run', () => {
  it("gives the Lambda the token in its payload and goes on with SendTaskSuccess's output as the Task's result", async () => {
    const { run } = await approvalRun('approve-1');

    const { request, approver } = await approvalRequest('approve-1');
    await approver.send(new SendTaskSuccessCommand({ taskToken: request.token, output: JSON.stringify({ approvedBy: 'alice' }) }));
    const result = await run;

    expect(request).toMatchObject({ plan: 'payments', executionId: result.executionArn, token: expect.stringMatching(/^AQ/) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ plan: 'payments', approval: { approvedBy: 'alice' } });
    expect(result.lambdaInvocations).toEqual({ AwaitApproval: 1 });
  });

  it('fails the Task with the error SendTaskFailure names, which its Catch matches', async () => {
    const { run } = await approvalRun('reject-1');

    const { request, approver } = await approvalRequest('reject-1');
    await approver.send(new SendTaskFailureCommand({ taskToken: request.token, error: 'ApprovalRejected', cause: 'not tonight' }));
    const result = await run;

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ plan: 'payments', rejection: { Error: 'ApprovalRejected', Cause: 'not tonight' } });
  });

  it('answers a token used a second time with TaskTimedOut, as AWS answers for a closed task', async () => {
    const { run } = await approvalRun('twice-1');

    const { request, approver } = await approvalRequest('twice-1');
    await approver.send(new SendTaskSuccessCommand({ taskToken: request.token, output: '{"approvedBy":"alice"}' }));
    const again = await approver.send(new SendTaskSuccessCommand({ taskToken: request.token, output: '{"approvedBy":"bob"}' })).catch((e: unknown) => e);
    const result = await run;

    expect(again).toMatchObject({ name: 'TaskTimedOut' });
    expect(result.output).toEqual({ plan: 'payments', approval: { approvedBy: 'alice' } });
  });

  it('times the Task out after its TimeoutSeconds of simulated time with States.Timeout; a late answer is refused', async () => {
    // 3600 simulated seconds at 36,000x: a tenth of a real second.
    const { run } = await approvalRun('timeout-1', { speed: 36_000 });

    const result = await run;
    const { request, approver } = await approvalRequest('timeout-1');
    const late = await approver.send(new SendTaskSuccessCommand({ taskToken: request.token, output: '{}' })).catch((e: unknown) => e);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ plan: 'payments', timeout: { Error: 'States.Timeout' } });
    expect(result.simulatedSeconds).toBe(3600);
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
  });
});

describe('a callback Task of a service that is not run locally (SNS)', () => {
  it('tells onTaskToken the token, in the Parameters as evaluated, and goes on with the answer', async () => {
    let issued: IssuedTaskToken | undefined;
    const { run, drs } = await approvalRun('notify-1', {
      stateMachinePath: notifyStateMachine,
      onTaskToken: (task) => {
        issued = task;
        void sfnClientFor({ endpoint: stepFunctions.endpoint, region: drs.region }).send(new SendTaskSuccessCommand({ taskToken: task.token, output: '"approved"' }));
      },
    });

    const result = await run;

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'approved' });
    expect(issued).toMatchObject({ stateName: 'AwaitOperator', resource: 'arn:aws:states:::sns:publish.waitForTaskToken', executionArn: result.executionArn });
    expect(issued?.parameters).toEqual({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:approvals', Message: `Approve with ${issued?.token}` });
  });

  it('fails the Task with States.HeartbeatTimeout when no heartbeat comes within HeartbeatSeconds of simulated time', async () => {
    const { run } = await approvalRun('notify-2', { stateMachinePath: notifyStateMachine, speed: 36_000 });

    const result = await run;

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout', simulatedSeconds: 120 });
  });
});
