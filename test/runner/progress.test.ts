import { describe, expect, it } from 'vitest';
import { formatDuration } from '#shared/narrator/live.ts';
import type { DrsJob, DrsStateView } from '#local/runner/local-drs.ts';
import { formatElapsed, RunProgress } from '#local/runner/progress.ts';
import type { ExecutionLogEvent, RunInfo } from '#local/runner/run-local.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { clockOnlyDrs } from './helpers.ts';

const EXECUTION = 'payments-drill-20260301T020000-ab12';
const EXECUTION_ARN = `arn:aws:states:eu-west-1:111122223333:execution:drs-orchestrator-local-recovery:${EXECUTION}`;

function launchJob(servers: DrsJob['participatingServers']): DrsJob {
  return { jobID: 'drsjob-1', type: 'LAUNCH', status: 'STARTED', participatingServers: servers, tags: { [TAG.execution]: EXECUTION, [TAG.wave]: 'databases' } };
}

/** A run whose DRS records the test changes between events. */
function watchedRun() {
  const drs = clockOnlyDrs(0);
  let view: DrsStateView = {
    sourceServers: [{ sourceServerID: 's-db1', sourceProperties: { identificationHints: { hostname: 'payments-db-1' } } }],
    jobs: [],
    recoveryInstances: [],
  };
  drs.state = () => view;
  const run: RunInfo = { executionName: EXECUTION, executionArn: EXECUTION_ARN, startTime: drs.now().toISOString(), drs, reportsDir: '/tmp', speed: 0, pollingCallbacks: new Set(['WaitForLaunch']) };
  const lines: string[] = [];
  const progress = new RunProgress({ write: (line) => lines.push(line), color: false, pollMs: 60_000 });
  const exited = (name: string, output: unknown) =>
    progress.onEvent({ type: 'StateExited', timestamp: 0, state: { name, type: 'Task', input: {}, output } } as ExecutionLogEvent, run);
  return { drs, lines, progress, exited, setDrs: (next: Partial<DrsStateView>) => (view = { ...view, ...next }) };
}

describe('RunProgress', () => {
  it('shows a wave and each of its servers launching, launched, running post-launch actions and cleaned up', () => {
    const { drs, lines, progress, exited, setDrs } = watchedRun();

    setDrs({ jobs: [launchJob([{ sourceServerID: 's-db1', launchStatus: 'PENDING' }])] });
    exited('StartWave', { wave: { name: 'databases', serverCount: 1, jobIDs: ['drsjob-1'], notStarted: 0 } });
    drs.advanceBy(300);
    setDrs({
      jobs: [
        launchJob([
          {
            sourceServerID: 's-db1',
            launchStatus: 'LAUNCHED',
            recoveryInstanceID: 'i-0123456789abcdef0',
            launchActionsStatus: { runs: [{ action: { name: 'verify-database', optional: false }, status: 'IN_PROGRESS' }] },
          },
        ]),
      ],
      recoveryInstances: [{ recoveryInstanceID: 'i-0123456789abcdef0', sourceServerID: 's-db1' }],
    });
    exited('CheckLaunch', { wave: { name: 'databases' } });
    drs.advanceBy(120);
    exited('CompleteWave', { completed: [{ name: 'databases', launched: 1, failed: 0, warnings: [] }] });
    exited('CleanUpDrill', { cleanup: { done: false, instancesLaunched: 1 } });
    setDrs({ recoveryInstances: [] });
    exited('CleanUpDrill', { cleanup: { done: true, instancesLaunched: 1, instancesTerminated: 1, instancesLeft: 0 } });
    progress.stop();

    expect(lines).toEqual([
      '  00:00  ▶ Wave databases: 1 server in 1 job',
      '  00:00    ◦ payments-db-1  launching',
      '  05:00    ✓ payments-db-1  launched i-0123456789abcdef0',
      '  05:00    ◦ payments-db-1  post-launch action verify-database running',
      '  07:00  ✓ Wave databases complete in 7m 00s: 1 launched, 0 failed',
      '  07:00  ▶ Drill clean-up: terminating 1 drill instance',
      '  07:00    ✓ payments-db-1  cleaned up (i-0123456789abcdef0 terminated)',
      '  07:00  ✓ Clean-up done: 1 terminated, 0 left',
    ]);
    expect(progress.waveTimings.get('databases')).toEqual({ startedAt: '2026-03-01T02:00:00.000Z', endedAt: '2026-03-01T02:07:00.000Z' });
  });

  it('never goes quiet: a heartbeat after two silent minutes of launching with what the servers are doing, and a pause said with its end and counted down', () => {
    const { drs, lines, progress, exited, setDrs } = watchedRun();
    const run: RunInfo = { executionName: EXECUTION, executionArn: EXECUTION_ARN, startTime: drs.now().toISOString(), drs, reportsDir: '/tmp', speed: 0, pollingCallbacks: new Set(['WaitForLaunch']) };

    setDrs({ jobs: [launchJob([{ sourceServerID: 's-db1', launchStatus: 'PENDING' }])] });
    // What DRS's job log says of the server: its conversion started.
    drs.timeline = () => [{ jobID: 'drsjob-1', servers: [{ sourceServerID: 's-db1', snapshotStart: drs.now().toISOString(), conversionStart: drs.now().toISOString() }] }];
    exited('StartWave', { wave: { name: 'databases', serverCount: 1, jobIDs: ['drsjob-1'], notStarted: 0 } });
    drs.advanceBy(150);
    exited('CheckLaunch', { wave: { name: 'databases' } });
    setDrs({ jobs: [launchJob([{ sourceServerID: 's-db1', launchStatus: 'LAUNCHED', recoveryInstanceID: 'i-0123456789abcdef0' }])] });
    exited('CheckLaunch', { wave: { name: 'databases' } });
    exited('CompleteWave', { completed: [{ name: 'databases', launched: 1, failed: 0, warnings: [] }] });
    progress.onEvent({ type: 'StateEntered', timestamp: 0, state: { name: 'PauseAfterWave', type: 'Wait', input: { wave: { name: 'databases', pauseAfterSeconds: 300 } } } } as ExecutionLogEvent, run);
    drs.advanceBy(150);
    progress.stop();

    expect(lines.slice(2)).toEqual([
      '  02:30  … wave databases: 1 of 1 server still launching (conversion 1) · 2m 30s since the wave started',
      '  02:30    ✓ payments-db-1  launched i-0123456789abcdef0',
      '  02:30  ✓ Wave databases complete in 2m 30s: 1 launched, 0 failed',
      '  02:30  ⏸ Pause after wave databases: 5m 00s, until 07:30',
      '  05:00  … pause after wave databases: 2m 30s left',
    ]);
  });

  it("shows a failed step in the users' words, with its message alone, then nothing of the caught step's exit (no ✓ after a ✗)", () => {
    const { lines, progress, drs } = watchedRun();
    const run: RunInfo = { executionName: EXECUTION, executionArn: EXECUTION_ARN, startTime: drs.now().toISOString(), drs, reportsDir: '/tmp', speed: 0, pollingCallbacks: new Set(['WaitForLaunch']) };
    const cause = JSON.stringify({ errorType: 'PreflightFailedError', errorMessage: 'preflight found 1 problem, nothing was launched:\n- wave "web": tag selector matches no source server', trace: [] });
    const preflight = { name: 'Preflight', type: 'Task', input: {} };

    progress.onEvent({ type: 'StateFailed', timestamp: 0, state: preflight, Error: 'PreflightFailedError', Cause: cause } as ExecutionLogEvent, run);
    progress.onEvent({ type: 'StateCaught', timestamp: 0, state: preflight, catch: { catcher: { ErrorEquals: ['States.ALL'], Next: 'IsDrillToCleanUp' } } } as ExecutionLogEvent, run);
    // The caught failure exits the state with the error where its result would be.
    progress.onEvent({ type: 'StateExited', timestamp: 0, state: { ...preflight, output: { error: { Error: 'PreflightFailedError' } } } } as ExecutionLogEvent, run);
    progress.stop();

    expect(lines).toEqual(['  00:00  ✗ Preflight failed: preflight found 1 problem, nothing was launched:\n         - wave "web": tag selector matches no source server']);
  });

  it('shows a failed step with the message of the Lambda error, not its JSON, and a launch wait ending at its fallback poll as no failure', () => {
    const { lines, progress, drs } = watchedRun();
    const run: RunInfo = { executionName: EXECUTION, executionArn: EXECUTION_ARN, startTime: drs.now().toISOString(), drs, reportsDir: '/tmp', speed: 0, pollingCallbacks: new Set(['WaitForLaunch']) };
    const cause = JSON.stringify({ errorType: 'WaveTimedOutError', errorMessage: 'wave "web" timed out after 90 minutes', trace: [] });

    progress.onEvent({ type: 'StateFailed', timestamp: 0, state: { name: 'CheckLaunch', type: 'Task', input: {} }, Error: 'WaveTimedOutError', Cause: cause } as ExecutionLogEvent, run);
    progress.onEvent({ type: 'StateCaught', timestamp: 0, state: { name: 'CheckLaunch', type: 'Task', input: {} }, catch: { catcher: { ErrorEquals: ['States.ALL'], Next: 'IsDrillToCleanUp' } } } as ExecutionLogEvent, run);
    // A launch wait whose fallback poll came before any launch result: no failure, it polls.
    const waitForLaunch = { name: 'WaitForLaunch', type: 'Task', input: {} };
    progress.onEvent({ type: 'StateFailed', timestamp: 0, state: waitForLaunch, Error: 'States.Timeout', Cause: '' } as ExecutionLogEvent, run);
    progress.onEvent({ type: 'StateCaught', timestamp: 0, state: waitForLaunch, catch: { catcher: { ErrorEquals: ['States.ALL'], Next: 'CheckLaunch' } } } as ExecutionLogEvent, run);
    progress.stop();

    expect(lines).toEqual(['  00:00  ✗ Launch of the wave failed: wave "web" timed out after 90 minutes']);
  });
});

describe('time formats', () => {
  it('shows the source networks recovered before the first wave, one line per change', () => {
    const { drs, lines, progress, exited } = watchedRun();
    const networks = (launched: number, done: boolean) => ({ networks: { networkCount: 2, jobIDs: ['drsjob-n'], launched, failed: 0, done } });

    exited('RecoverSourceNetworks', networks(0, false));
    drs.advanceBy(60);
    exited('CheckSourceNetworks', networks(0, false));
    drs.advanceBy(60);
    exited('CheckSourceNetworks', networks(1, false));
    drs.advanceBy(90);
    exited('CheckSourceNetworks', networks(2, true));
    progress.stop();

    expect(lines).toEqual([
      '  00:00  ▶ Source networks: recovering 2 networks before the first wave',
      '  02:00    source networks: 1 of 2 recovered',
      '  03:30  ✓ Source networks recovered: 2 of 2',
    ]);
  });

  it('shows a failback wave: its servers failing back, the counts of each poll that changed, and re-protection', () => {
    const { drs, lines, progress, exited, setDrs } = watchedRun();
    const failbackJob = (launchStatus: string): DrsJob => ({
      ...launchJob([{ sourceServerID: 's-db1', launchStatus, recoveryInstanceID: 'i-0123456789abcdef0' }]),
      initiatedBy: 'FAILBACK',
    });
    const wave = (waiting: number, launching: number, failedBack: number) => ({
      wave: { name: 'databases', onPremises: 1, aws: 0, waitingForReadiness: waiting, replicatingBack: 0, launching, failedBack },
    });

    exited('ValidateFailbackInput', { run: { plan: 'payments', recoveryExecution: 'payments-recovery-1', check: false, waves: [{ name: 'databases' }] } });
    exited('StartFailbackWave', wave(1, 0, 0));
    drs.advanceBy(60);
    exited('CheckFailback', wave(1, 0, 0));
    exited('CheckFailback', wave(1, 0, 0));
    drs.advanceBy(60);
    setDrs({ jobs: [failbackJob('PENDING')] });
    exited('CheckFailback', wave(0, 1, 0));
    drs.advanceBy(300);
    setDrs({ jobs: [failbackJob('LAUNCHED')] });
    exited('CheckFailback', wave(0, 0, 1));
    exited('ReprotectWave', { completed: [{ name: 'databases', failedBack: 1, reprotected: 1, terminated: 0 }] });
    progress.stop();

    expect(lines).toEqual([
      '  00:00  ✓ Failback of plan payments (recovery payments-recovery-1): 1 wave: databases',
      '  00:00  ▶ Failback wave databases: 1 on-premises (failback launch), 0 EC2 origin (reverse replication)',
      '  01:00    waiting for readiness 1 · replicating back 0 · launching 0 · failed back 0',
      '  02:00    ◦ payments-db-1  failback launch running',
      '  02:00    waiting for readiness 0 · replicating back 0 · launching 1 · failed back 0',
      '  07:00    ✓ payments-db-1  failed back (from i-0123456789abcdef0)',
      '  07:00    waiting for readiness 0 · replicating back 0 · launching 0 · failed back 1',
      '  07:00  ✓ Wave databases failed back in 7m 00s: 1 failed back, 1 re-protected',
    ]);
  });

  it('shows elapsed simulated time and durations the way people read them', () => {
    expect(formatElapsed(75)).toBe('01:15');
    expect(formatElapsed(3 * 3600 + 62)).toBe('3:01:02');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(605)).toBe('10m 05s');
    expect(formatDuration(2 * 3600 + 300)).toBe('2h 05m');
  });
});
