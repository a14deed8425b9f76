// A local run is an execution at the local Step Functions service, as a run on AWS is one of Step
// Functions: an operator's SFNClient sees it RUNNING with its input while it runs and with its
// outcome after, and StopExecution stops it as the console's "Stop execution" does — the
// stopped-run workflow then cleans up the drill, started by the status-change event of its ARN.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StopExecutionCommand, type DescribeExecutionCommandOutput, type StopExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { defaultCredentials } from '#local/identity/index.ts';
import { startLocalDrs, type LocalDrs } from '#local/runner/local-drs.ts';
import { runLocal, type ExecutionLogEvent, type RunInfo } from '#local/runner/run-local.ts';

const DRILL = { plan: 'payments', mode: 'drill' };
const RECOVERY_STATE_MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:drs-orchestrator-local-recovery';

let drs: LocalDrs;
let operator: SFNClient;
let plansDir: string;
let reportsDir: string;

beforeEach(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'drs-sfn-run-'));
  plansDir = join(folder, 'plans');
  reportsDir = join(folder, 'reports');
  await mkdir(plansDir);
  await writeFile(join(plansDir, 'plan.yaml'), await readFile('plans/example.yaml', 'utf8'));
  // The runner's DRS service: with a local STS and a local Step Functions service over its identity store.
  drs = await startLocalDrs({ speed: 0 });
  // An operator of the scenario's account at a terminal, pointed at the local Step Functions service.
  operator = new SFNClient({ endpoint: drs.stepFunctions!.endpoint, region: drs.region, credentials: drs.credentials ?? defaultCredentials });
});

afterEach(async () => {
  await drs.stop();
});

/** Calls `act` once, when the execution first enters `state`; the run goes on meanwhile, as on AWS. */
function whenEntering<T>(state: string, act: (run: RunInfo) => Promise<T>) {
  let called: Promise<T> | undefined;
  return {
    onEvent: (event: ExecutionLogEvent, run: RunInfo) => {
      if (called === undefined && event.type === 'StateEntered' && event.state?.name === state) called = act(run);
    },
    result: () => called ?? Promise.reject(new Error(`the execution never entered ${state}`)),
  };
}

/** Drill instances DRS still lists. */
const drillInstancesLeft = () => drs.state().recoveryInstances.filter((instance) => instance.isDrill === true).length;

describe('a local run at the local Step Functions service', () => {
  it('is RUNNING with its input while it runs, and SUCCEEDED with its stop date (simulated) and output once it ended', async () => {
    // The first wave's launch: many states still to come when the answer is read.
    const describeWhileRunning = whenEntering('WaitForLaunch', (run) => operator.send(new DescribeExecutionCommand({ executionArn: run.executionArn })));

    const result = await runLocal({ input: DRILL, plansDir, reportsDir, drs, onEvent: describeWhileRunning.onEvent });
    const whileRunning: DescribeExecutionCommandOutput = await describeWhileRunning.result();
    const ended = await operator.send(new DescribeExecutionCommand({ executionArn: result.executionArn }));
    const listed = await operator.send(new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.executionArn).toBe(`arn:aws:states:us-east-1:111122223333:execution:drs-orchestrator-local-recovery:${result.executionName}`);
    expect(whileRunning).toMatchObject({ executionArn: result.executionArn, stateMachineArn: RECOVERY_STATE_MACHINE, name: result.executionName, status: 'RUNNING', input: JSON.stringify(DRILL) });
    expect(whileRunning.stopDate).toBeUndefined();
    expect(ended).toMatchObject({ status: 'SUCCEEDED', startDate: whileRunning.startDate, stopDate: drs.now() });
    expect((ended.stopDate!.getTime() - ended.startDate!.getTime()) / 1000).toBeCloseTo(result.simulatedSeconds, 0);
    expect(JSON.parse(ended.output ?? 'null')).toEqual(result.output);
    expect(listed.executions?.map((execution) => [execution.name, execution.status])).toEqual([[result.executionName, 'SUCCEEDED']]);
  });

  it('stopped with StopExecution mid-run: ends ABORTED with the operator\'s error and cause, and the stopped-run workflow, started with its ARN, leaves 0 drill instances', async () => {
    const stopWhileLaunching = whenEntering('WaitForLaunch', (run) =>
      operator.send(new StopExecutionCommand({ executionArn: run.executionArn, error: 'OperatorStop', cause: 'drill called off' })),
    );

    const result = await runLocal({ input: DRILL, plansDir, reportsDir, drs, onEvent: stopWhileLaunching.onEvent });
    const stop: StopExecutionCommandOutput = await stopWhileLaunching.result();
    const stopped = await operator.send(new DescribeExecutionCommand({ executionArn: result.executionArn }));
    const cleanUp = await operator.send(new DescribeExecutionCommand({ executionArn: result.afterStop!.executionArn }));

    expect(result.status).toBe('ABORTED');
    expect(stopped).toMatchObject({ status: 'ABORTED', stopDate: stop.stopDate, error: 'OperatorStop', cause: 'drill called off' });
    expect(result.afterStop).toMatchObject({ status: 'SUCCEEDED', executionName: `${result.executionName}-stopped` });
    expect(result.afterStop!.lambdaInvocations.CleanUpDrill).toBeGreaterThan(0);
    expect(drillInstancesLeft()).toBe(0);
    // The stopped-run workflow is an execution of its own state machine, started with Step
    // Functions' status-change event of the stopped execution's real ARN.
    expect(cleanUp).toMatchObject({ stateMachineArn: `${RECOVERY_STATE_MACHINE}-stopped-run`, status: 'SUCCEEDED' });
    expect(JSON.parse(cleanUp.input ?? '{}')).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      account: '111122223333',
      resources: [result.executionArn],
      detail: {
        executionArn: result.executionArn,
        stateMachineArn: RECOVERY_STATE_MACHINE,
        name: result.executionName,
        status: 'ABORTED',
        startDate: stopped.startDate!.getTime(),
        stopDate: stop.stopDate!.getTime(),
        input: JSON.stringify(DRILL),
        error: 'OperatorStop',
        cause: 'drill called off',
      },
    });
  });
});
