import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions } from '#deploy/build.ts';
import { runLocal, type RunLocalOptions } from '#local/runner/run-local.ts';
import { clockOnlyDrs, countdownStateMachine, fixtureFunctionsDir, fixturesDir, tempDir } from './helpers.ts';

let buildDir: string;
let reportsDir: string;

beforeAll(async () => {
  buildDir = await tempDir('run-build');
  reportsDir = await tempDir('run-reports');
  await buildFunctions({ functionsDir: fixtureFunctionsDir, outDir: buildDir });
});

function countdown(input: Record<string, unknown>, overrides: Partial<RunLocalOptions> = {}) {
  return runLocal({
    input,
    plansDir: fixturesDir,
    reportsDir,
    stateMachinePath: countdownStateMachine,
    buildDir,
    drs: clockOnlyDrs(600),
    ...overrides,
  });
}

describe('runLocal on a fixture workflow', () => {
  it('runs Tasks through the built handlers, loops through Wait and Choice, and counts AWS history events', async () => {
    const drs = clockOnlyDrs(0); // frozen clock: each Wait moves it by exactly its seconds

    const result = await countdown({ count: 2, pollSeconds: 60 }, { drs, executionName: 'countdown-1' });

    expect(result).toMatchObject({ status: 'SUCCEEDED', executionName: 'countdown-1' });
    expect(result.output).toMatchObject({
      remaining: 0,
      handlerRuns: 2,
      execution: 'countdown-1',
      startedAt: '2026-03-01T02:00:00.000Z', // simulated, from the DRS clock
      region: 'eu-west-1', // set by the runner before the handler module loaded
      drsEndpoint: drs.endpoint,
    });
    expect(result.lambdaInvocations).toEqual({ BeginCountdown: 1, Tick: 2 });
    expect(result.simulatedSeconds).toBe(120);
    // Started 1 + BeginCountdown 5 + 2 × (WaitForTick 2 + Tick 5 + IsDone 2) + Done 2 + Finished 2 + Succeeded 1
    expect(result.historyEvents).toBe(29);
    expect(result.largestPayloadBytes).toBe(JSON.stringify(result.output).length);
    expect(drs.stopped).toBe(false); // a service passed in is left running
  });

  it('gives the execution its ARN at the local Step Functions service as $$.Execution.Id, and the handlers SFN_ENDPOINT', async () => {
    const result = await countdown({ count: 1, pollSeconds: 60 }, { drs: clockOnlyDrs(0), executionName: 'countdown-arn' });

    // The fixture is named after its file; the account is the one the handlers' credentials belong to.
    const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:countdown:countdown-arn';
    expect(result).toMatchObject({ status: 'SUCCEEDED', executionArn });
    expect(result.output).toMatchObject({
      executionId: executionArn,
      stateMachineId: 'arn:aws:states:eu-west-1:111122223333:stateMachine:countdown',
      sfnEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
  });

  it('scales SecondsPath waits by the speed: an hour of polling takes a fraction of a second at 36000x', async () => {
    const result = await countdown({ count: 3, pollSeconds: 1200 }, { drs: clockOnlyDrs(36_000) });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.simulatedSeconds).toBeGreaterThanOrEqual(3600);
  });

  it('retries a Task that throws a retryable error, with the retry counted as 3 more history events', async () => {
    const result = await countdown({ count: 1, throttleOnce: true });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.Tick).toBe(2);
    expect(result.historyEvents).toBe(1 + 5 + (2 + 5 + 3 + 2) + 2 + 2 + 1);
  });

  it('catches a domain error into the Fail state with the Lambda error document as cause', async () => {
    const result = await countdown({ count: 0 });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInputError');
    expect(JSON.parse(result.cause ?? '')).toMatchObject({
      errorType: 'InvalidInputError',
      errorMessage: 'count must be a positive integer, got 0',
    });
    // Started 1 + BeginCountdown (entered, 3 for the failed attempt, exited) 5 + Rejected 1 + Failed 1
    expect(result.historyEvents).toBe(8);
  });

  it('failAfterInvocation runs the handler, loses its response, and the state retries it', async () => {
    const result = await countdown({ count: 1 }, { lambdaFaults: { Tick: { failAfterInvocation: 1 } } });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.Tick).toBe(2);
    expect(result.output).toMatchObject({ remaining: 0, handlerRuns: 2 }); // the handler ran twice
  });

  it('failBeforeInvocation fails the attempt without running the handler', async () => {
    const result = await countdown({ count: 1 }, { lambdaFaults: { BeginCountdown: { failBeforeInvocation: 1 } } });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.BeginCountdown).toBe(1);
  });

  it('gives each run fresh handler modules', async () => {
    const first = await countdown({ count: 1 });
    const second = await countdown({ count: 1 });

    expect(first.output).toMatchObject({ handlerRuns: 1 });
    expect(second.output).toMatchObject({ handlerRuns: 1 });
  });

  it('reports every state event to onEvent, in order', async () => {
    const seen: string[] = [];

    await countdown({ count: 1 }, { onEvent: (event) => seen.push(`${event.type}${'state' in event ? ` ${event.state.name}` : ''}`) });

    expect(seen.slice(0, 4)).toEqual(['ExecutionStarted', 'StateEntered BeginCountdown', 'StateExited BeginCountdown', 'StateEntered WaitForTick']);
    expect(seen.at(-1)).toBe('ExecutionSucceeded');
  });

  it("writes the handlers' output to the run's log, not to this process's output or environment", async () => {
    const endpointBefore = process.env.DRS_ENDPOINT;

    const result = await countdown({ count: 1 });

    const log = await readFile(result.logPath ?? '', 'utf8');
    expect(log).toMatch(/^START countDown RequestId: [0-9a-f-]{36}$/m);
    expect(log).toContain('tick: 0 to go');
    expect(process.env.DRS_ENDPOINT).toBe(endpointBefore);
  });

  it("refuses an invalid definition with the library's error in every run, not only the first", async () => {
    const invalidPath = join(reportsDir, 'invalid.asl.yaml');
    const countdownText = await readFile(countdownStateMachine, 'utf8');
    await writeFile(invalidPath, countdownText.replace('StartAt: BeginCountdown', 'StartAt: NoSuchState'));

    const runs = [await countdown({ count: 1 }, { stateMachinePath: invalidPath }).catch((error: unknown) => error)];
    runs.push(await countdown({ count: 1 }, { stateMachinePath: invalidPath }).catch((error: unknown) => error));

    for (const run of runs) expect(String(run)).toContain('State machine definition is invalid');
  });
});
