// `npm run aws -- follow`: a run's history, as Step Functions returns it newest first, printed
// once per change, oldest first; recovery and failback steps in the users' words.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { cliExecutionName, describeHistoryEvent, failbackInput, follow, planOnAws, program, regionOfArn, setupHint, sweepOnAws } from '../../cli/aws.ts';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:drs-orchestrator-dev-recovery:payments-drill-cli-x';
const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 2, 0, second));
const wave = (fields: Record<string, unknown>) => JSON.stringify({ wave: { name: 'databases', serverCount: 2, notStarted: 0, jobIDs: ['drsjob-1'], launched: 0, failed: 0, ...fields } });
const exited = (id: number, name: string, output: string): HistoryEvent => ({ id, type: 'TaskStateExited', timestamp: at(id), stateExitedEventDetails: { name, output } });

describe('following a run', () => {
  it('with --json, the final status alone on stdout, the progress on stderr', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [{ id: 1, type: 'ExecutionFailed', timestamp: at(1), executionFailedEventDetails: { error: 'WaveFailedError', cause: 'wave web failed' } }] });
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await program.parseAsync(['node', 'aws', 'follow', ARN, '--json', '--region', 'eu-west-1']);

      expect(out.mock.calls.map((call) => JSON.parse(String(call[0])))).toEqual([{ executionArn: ARN, status: 'FAILED' }]);
      expect(err.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/run FAILED/);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = undefined;
      out.mockRestore();
      err.mockRestore();
      sfn.restore();
    }
  });

  it('prints wave progress as it changes and returns the final status', async () => {
    const history: HistoryEvent[] = [
      { id: 1, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: JSON.stringify({ plan: 'payments', mode: 'drill' }) } },
      exited(2, 'StartWave', wave({})),
      exited(3, 'CheckLaunch', wave({})),
      exited(4, 'CheckLaunch', wave({})),
      exited(5, 'CheckLaunch', wave({ launched: 2 })),
      { id: 6, type: 'ExecutionSucceeded', timestamp: at(6) },
    ];
    const sfn = mockClient(SFNClient);
    let visible = 3;
    sfn.on(DescribeExecutionCommand).callsFake(() => ({ status: visible >= history.length ? 'SUCCEEDED' : 'RUNNING' }));
    sfn.on(GetExecutionHistoryCommand).callsFake(() => {
      const events = history.slice(0, visible).reverse();
      visible = history.length;
      return { events };
    });
    const lines: string[] = [];

    const status = await follow(new SFNClient({ region: 'eu-west-1' }), ARN, (line) => lines.push(line), 1);

    expect(status).toBe('SUCCEEDED');
    expect(lines.map((line) => line.split('  ')[1])).toEqual([
      'run started: drill of plan payments',
      'wave databases: 2/2 servers in 1 job',
      'wave databases: 0 launched, 0 failed of 2',
      'wave databases: 2 launched, 0 failed of 2',
      'run SUCCEEDED',
    ]);
    sfn.restore();
  });

  it('prints a failback in the same words as its live progress: each wave, the counts that changed, re-protection', () => {
    const failbackWave = (fields: Record<string, unknown>) =>
      JSON.stringify({ wave: { name: 'web', onPremises: 3, aws: 1, waitingForReadiness: 0, replicatingBack: 0, launching: 0, failedBack: 0, ...fields } });
    const history: HistoryEvent[] = [
      exited(1, 'ValidateFailbackInput', JSON.stringify({ run: { check: false, recoveryExecution: 'payments-recovery-1', waves: [{ name: 'web' }, { name: 'db' }] } })),
      exited(2, 'StartFailbackWave', failbackWave({})),
      exited(3, 'CheckFailback', failbackWave({ waitingForReadiness: 3, replicatingBack: 1 })),
      exited(4, 'ReprotectWave', JSON.stringify({ completed: [{ name: 'web', failedBack: 4, reprotected: 4, terminated: 0 }] })),
    ];

    expect(history.map(describeHistoryEvent)).toEqual([
      'failback of recovery payments-recovery-1: waves web, db',
      'failback wave web: 3 on-premises, 1 EC2 origin',
      'failback wave web: waiting for readiness 3, replicating back 1, launching 0, failed back 0',
      'failback wave web done: 4 failed back, 4 re-protected, 0 terminated',
    ]);
  });

  it('a failback from the command line is checked before it starts: termination needs the plan name as confirmation', () => {
    expect(failbackInput({ plan: 'payments', check: true })).toMatchObject({ plan: 'payments', mode: 'failback', check: true, trigger: { source: 'cli' } });
    expect(failbackInput({ plan: 'payments', terminateRecoveryInstances: true, confirmTermination: 'payments' })).toMatchObject({ terminateRecoveryInstances: true });
    expect(() => failbackInput({ plan: 'payments', terminateRecoveryInstances: true })).toThrow(/confirm it with --confirm-termination payments/);
    expect(() => failbackInput({ plan: 'payments', terminateRecoveryInstances: true, confirmTermination: 'payment' })).toThrow(/--confirm-termination payments/);
  });

  it('names CLI executions validly and reads the Region from an ARN', () => {
    expect(cliExecutionName('payments', 'recovery', at(0), 'a1b2')).toBe('payments-recovery-cli-20260301T020000-a1b2');
    expect(regionOfArn(ARN)).toBe('eu-west-1');
  });
});

describe('sweeping by hand', () => {
  /** Lambda's Payload as the SDK hands it over: bytes that can also say themselves as text. */
  const payload = (value: unknown) => {
    const text = JSON.stringify(value);
    return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
  };

  it("the dry run invokes the stage's InspectPlan function with the run's input and prints the waves' servers, exiting 1 when preflight would refuse the run", async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({
        plan: 'payments',
        mode: 'drill',
        inspectedAt: '2026-03-01T02:00:00.000Z',
        targets: { rtoMinutes: 60, rpoMinutes: 15 },
        serverCount: 2,
        waves: [
          {
            name: 'databases',
            snapshot: 'latest',
            failureBudget: 0,
            servers: [
              { id: 's-00000000000000001', hostname: 'db-1', replication: 'CONTINUOUS', lagSeconds: 8 },
              { id: 's-00000000000000002', hostname: 'db-2', replication: 'STALLED', problem: 'not replicating continuously' },
            ],
          },
        ],
        problems: ['source server s-00000000000000002 (db-2) is not replicating continuously (data replication state STALLED): fix replication first'],
        warnings: [],
      }),
    });
    const lines: string[] = [];
    const input = { plan: 'payments', mode: 'drill' as const, trigger: { source: 'cli' as const } };

    const exitCode = await planOnAws(new LambdaClient({ region: 'eu-west-1' }), 'drs-orchestrator-dev-inspectPlan', input, false, (line) => lines.push(line));

    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('drs-orchestrator-dev-inspectPlan');
    expect(JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array))).toEqual({ input });
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      'Dry run of plan payments (drill) · 1 wave, 2 servers · as DRS shows them at 2026-03-01T02:00:00.000Z · nothing launched',
      '  Targets: RTO 1h 00m, RPO 15m 00s',
      '  ▶ databases · 2 servers in 1 job · on-demand snapshot (latest data) · failure budget 0',
      '    ├ ✓ db-1 s-00000000000000001 · CONTINUOUS · lag 8s · RPO ≈ 8s',
      '    └ ✗ db-2 s-00000000000000002 · STALLED · not replicating continuously',
      '  ✗ Not ready: preflight would refuse this run (1 problem):',
      '    - source server s-00000000000000002 (db-2) is not replicating continuously (data replication state STALLED): fix replication first',
    ]);
    lambda.restore();
  });

  it("invokes the stage's sweep function with the dry-run flag and prints what it found and would do", async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({
        dryRun: true,
        found: 1,
        terminated: 0,
        leftRunning: 0,
        unknownListed: 0,
        failed: 0,
        instances: [{ scope: 'account home in eu-west-1', recoveryInstanceID: 'i-0123456789abcdef0', execution: 'payments-drill-1', ageHours: 3, action: 'would terminate', reason: 'execution payments-drill-1 ended without terminating it' }],
        problems: [],
      }),
    });
    const lines: string[] = [];

    const exitCode = await sweepOnAws(new LambdaClient({ region: 'eu-west-1' }), 'drs-orchestrator-dev-sweep', true, (line) => lines.push(line));

    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('drs-orchestrator-dev-sweep');
    expect(JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array))).toEqual({ dryRun: true });
    expect(exitCode).toBe(0);
    expect(lines).toEqual([
      'Orphan sweep (dry run: nothing terminated): 1 found · 0 terminated · 0 left running · 0 unknown listed · 0 failed',
      '  would terminate i-0123456789abcdef0  account home in eu-west-1 · 3 h old: execution payments-drill-1 ended without terminating it',
    ]);
    lambda.restore();
  });

  it("prints the function's error and exits 1 when the sweep could not reach an account", async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'SweepIncompleteError', errorMessage: 'could not reach every account' }) });
    const lines: string[] = [];

    const exitCode = await sweepOnAws(new LambdaClient({ region: 'eu-west-1' }), 'drs-orchestrator-dev-sweep', false, (line) => lines.push(line));

    expect(exitCode).toBe(1);
    expect(lines).toEqual(['drs-orchestrator-dev-sweep failed: SweepIncompleteError: could not reach every account']);
    lambda.restore();
  });
});

describe('the help', () => {
  it('names the command a user types', () => {
    const start = program.commands.find((command) => command.name() === 'start')!;

    expect(program.helpInformation()).toMatch(/^Usage: npm run aws -- \[options\] \[command\]/);
    expect(start.helpInformation()).toMatch(/^Usage: npm run aws -- start \[options\]/);
  });

  it('tells how to give a missing Region or credentials, as the SDK reports them', async () => {
    // The SDK's own errors, raised for real: a client with no Region, and one with no credentials anywhere.
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    const noRegion = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: 'f' })).catch((error: unknown) => error);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const noCredentials = await new LambdaClient({
      region: 'eu-west-1',
      credentials: async () => {
        const { CredentialsProviderError } = await import('@smithy/property-provider');
        throw new CredentialsProviderError('Could not load credentials from any providers', false);
      },
    })
      .send(new InvokeCommand({ FunctionName: 'f' }))
      .catch((error: unknown) => error);

    expect(setupHint(noRegion)).toMatch(/^no AWS Region: give --region/);
    expect(setupHint(noCredentials)).toMatch(/^no AWS credentials: give --profile/);
    expect(setupHint(new Error('something else'))).toBeUndefined();
  });
});
