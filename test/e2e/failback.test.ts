// The failback state machine end to end: a recovery of the example plan, then its failback,
// against the same local DRS service (its state carries over), through the real ASL and the
// built handlers. Payments has on-premises servers (Failback Client + failback launch) and two
// EC2 servers from us-west-2 (reverse replication + launch there).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startLocalDrs, type Fault } from '#local/drs/index.ts';
import type { FailbackReport } from '#shared/failback/report.ts';
import type { ReadinessReport } from '#shared/failback/readiness.ts';
import { causeOf, runPlan } from './harness.ts';

/** A recovery of the example plan, then the given failback input, on one local DRS service. */
async function recoverThenFailBack(failbackInput: Record<string, unknown> = {}, faults: Fault[] = []) {
  const drs = await startLocalDrs({ speed: 0 });
  for (const fault of faults) drs.injectFault(fault);
  const recovery = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, drs });
  expect(recovery.result.status).toBe('SUCCEEDED');
  const failback = await runPlan({ input: { plan: 'payments', mode: 'failback', ...failbackInput }, drs });
  return { drs, recovery, failback, report: failback.report as unknown as FailbackReport };
}

describe('failback of a recovery', () => {
  it('goes back wave by wave in reverse order: on-premises by failback launch, EC2 by reverse replication and a launch in us-west-2, then re-protects', async () => {
    const { drs, recovery, failback, report } = await recoverThenFailBack();

    expect(failback.result.status).toBe('SUCCEEDED');
    expect(report.status).toBe('SUCCEEDED');
    expect(report.recoveryExecution).toBe(recovery.result.executionName);
    expect(report.waves.map((wave) => [wave.name, wave.status, wave.servers.length])).toEqual([
      ['web', 'FAILED_BACK', 4],
      ['application', 'FAILED_BACK', 4],
      ['databases', 'FAILED_BACK', 3],
    ]);
    const servers = report.waves.flatMap((wave) => wave.servers);
    expect(servers.every((server) => server.status === 'FAILED_BACK')).toBe(true);
    const onPremises = servers.filter((server) => server.origin === 'ON_PREMISES');
    expect(onPremises).toHaveLength(9);
    for (const server of onPremises) {
      expect(server.path).toBe('failback-launch');
      expect(server.failbackState).toBe('FAILBACK_COMPLETED');
      expect(server.phases.map((phase) => phase.seconds)).toEqual([expect.any(Number), expect.any(Number)]);
    }
    const ec2 = servers.filter((server) => server.origin === 'AWS');
    expect(ec2.map((server) => server.hostname).sort()).toEqual(['payments-app-3', 'payments-app-4']);
    for (const server of ec2) {
      expect(server).toMatchObject({ path: 'reverse-replication', originRegion: 'us-west-2', reversedSourceServerID: expect.stringMatching(/^s-/), originInstanceID: expect.stringMatching(/^i-/) });
      expect(server.reprotection).toMatch(/replicating to this Region again/);
    }

    // Failback order: web's failback launch before application's, before databases'.
    const failbackJobs = drs.state().jobs.filter((job) => job.initiatedBy === 'FAILBACK').sort((a, b) => (a.creationDateTime ?? '').localeCompare(b.creationDateTime ?? ''));
    expect([...new Set(failbackJobs.map((job) => job.tags?.['drs-orchestrator:wave']))]).toEqual(['web', 'application', 'databases']);
    // Each instance failed back once, each EC2 instance reversed once (plus once to re-protect).
    expect(failbackJobs.flatMap((job) => job.participatingServers ?? [])).toHaveLength(9);
    const originLaunches = drs.state().jobs.filter((job) => job.initiatedBy === 'START_RECOVERY' && job.tags?.['drs-orchestrator:mode'] === 'failback');
    expect(originLaunches.flatMap((job) => job.participatingServers ?? [])).toHaveLength(2);
    expect(drs.countCalls('ReverseReplication')).toBe(4);
    expect(drs.countCalls('TerminateRecoveryInstances')).toBe(0);
    expect(failback.events.map((event) => event['detail-type'])).toEqual([
      'Run Started',
      'Wave Started', 'Wave Completed',
      'Wave Started', 'Wave Completed',
      'Wave Started', 'Wave Completed',
      'Run Succeeded',
    ]);
    // The HTML report beside the JSON: one bar per server in failback order, each path back named.
    const html = await readFile((failback.result.reportPath ?? '').replace(/\.json$/, '.html'), 'utf8');
    expect(html).toContain('<h1>Failback of plan payments <span class="badge ok status">SUCCEEDED</span></h1>');
    expect([...html.matchAll(/data-wave="([a-z]+)"/g)].map((match) => match[1])).toEqual([...Array(4).fill('web'), ...Array(4).fill('application'), ...Array(3).fill('databases')]);
    expect(html.match(/EC2: reverse replication to us-west-2 → i-/g)).toHaveLength(2);
    await drs.stop();
  });

  it('terminates the failed-back recovery instances only when the input asks and confirms it', async () => {
    const drs = await startLocalDrs({ speed: 0 });
    await runPlan({ input: { plan: 'payments', mode: 'recovery', waves: ['databases'] }, drs });
    const unconfirmed = await runPlan({ input: { plan: 'payments', mode: 'failback', terminateRecoveryInstances: true }, drs });
    expect(unconfirmed.result.status).toBe('FAILED');
    expect(unconfirmed.result.error).toBe('InvalidFailbackInputError');
    expect(causeOf(unconfirmed.result)).toContain('"confirmTermination": "payments"');

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'failback', terminateRecoveryInstances: true, confirmTermination: 'payments' }, drs });
    expect(result.status).toBe('SUCCEEDED');
    expect((report as unknown as FailbackReport).waves).toEqual([expect.objectContaining({ name: 'databases', status: 'FAILED_BACK', terminated: 3 })]);
    expect(drs.state().jobs.filter((job) => job.type === 'TERMINATE').flatMap((job) => job.participatingServers ?? [])).toHaveLength(3);
    await drs.stop();
  });
});

describe('failback failures', () => {
  it('an instance that never becomes ready stops its wave at the timeout, naming the server and why', async () => {
    const { drs, failback, report } = await recoverThenFailBack({}, [{ type: 'failbackNeverReady', hostname: 'payments-web-3' }]);

    expect(failback.result.status).toBe('FAILED');
    expect(failback.result.error).toBe('FailbackTimedOutError');
    expect(causeOf(failback.result)).toMatch(/wave "web" timed out/);
    expect(causeOf(failback.result)).toMatch(/payments-web-3\): FAILBACK_IN_PROGRESS: the Failback Client is still replicating/);
    expect(report.waves.map((wave) => wave.status)).toEqual(['FAILED', 'NOT_STARTED', 'NOT_STARTED']);
    // The three ready web servers were launched back; the failed run stopped what had not completed.
    expect(drs.countCalls('StopFailback')).toBe(report.failbacksStopped);
    await drs.stop();
  });

  it('FAILBACK_ERROR stops the wave with a clear cause, and the failback launches the run started are stopped', async () => {
    const { drs, failback, report } = await recoverThenFailBack({}, [{ type: 'failbackError', hostname: 'payments-web-2' }]);

    expect(failback.result.status).toBe('FAILED');
    expect(failback.result.error).toBe('FailbackFailedError');
    expect(causeOf(failback.result)).toMatch(/failback of wave "web" failed .*payments-web-2\): failback replication failed \(FAILBACK_ERROR\)/);
    const web = report.waves[0];
    expect(web.servers.find((server) => server.hostname === 'payments-web-2')?.status).toBe('FAILED');
    expect(failback.events.map((event) => event['detail-type'])).toEqual(['Run Started', 'Wave Started', 'Wave Failed', 'Run Failed']);
    await drs.stop();
  });

  it('a failback stopped from outside mid-wave: the stopped-run workflow stops the failback launches it started, and its report says ABORTED', async () => {
    const drs = await startLocalDrs({ speed: 0 });
    expect((await runPlan({ input: { plan: 'payments', mode: 'recovery' }, drs })).result.status).toBe('SUCCEEDED');

    // Act: stopped from the console while the last failback launch of its first wave is in flight.
    const failback = await runPlan({ input: { plan: 'payments', mode: 'failback' }, drs, abortAt: { state: 'WaitForFailback', entry: 28 } });

    expect(failback.result.status).toBe('ABORTED');
    expect(failback.result.afterStop?.status).toBe('SUCCEEDED');
    expect(failback.result.afterStop?.lambdaInvocations.StopStartedFailbacks).toBe(1);
    // The one failback launch still in flight was stopped (counted from DRS); the three done stay done.
    expect(drs.countCalls('StopFailback')).toBe(1);
    const report = failback.report as unknown as FailbackReport;
    expect(report).toMatchObject({ status: 'ABORTED', error: 'ExecutionAborted', failbacksStopped: 1 });
    expect(report.cause).toContain('the failback launches it started were stopped after it');
    expect(report.waves.map((wave) => [wave.name, wave.status])).toEqual([['web', 'STOPPED'], ['application', 'NOT_STARTED'], ['databases', 'NOT_STARTED']]);
    expect(report.waves[0].servers.map((server) => server.status).sort()).toEqual(['FAILED_BACK', 'FAILED_BACK', 'FAILED_BACK', 'IN_PROGRESS']);
    await drs.stop();
  });

  it('without a recovery of the plan there is nothing to fail back, and nothing is started', async () => {
    const { result, drs } = await runPlan({ input: { plan: 'payments', mode: 'failback' } });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RecoveryExecutionNotFoundError');
    expect(drs.countCalls('StartFailbackLaunch') + drs.countCalls('ReverseReplication')).toBe(0);
    await drs.stop();
  });
});

describe('failback readiness', () => {
  it('"check": true reports which instances are ready and why, and changes nothing', async () => {
    const drs = await startLocalDrs({ speed: 0 });
    await runPlan({ input: { plan: 'payments', mode: 'recovery' }, drs });
    const calls = drs.countCalls();
    const { result } = await runPlan({ input: { plan: 'payments', mode: 'failback', check: true }, drs });

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { ready: number; notReady: number; json: string };
    const { readFile } = await import('node:fs/promises');
    const table = JSON.parse(await readFile(output.json, 'utf8')) as ReadinessReport;
    expect(table.servers).toHaveLength(11);
    expect(output.ready + output.notReady).toBe(11);
    // EC2 origins can start at once; on-premises ones wait for the Failback Client.
    const app3 = table.servers.find((row) => row.hostname === 'payments-app-3');
    expect(app3).toMatchObject({ origin: 'AWS', ready: true, reason: expect.stringContaining('us-west-2') });
    const db1 = table.servers.find((row) => row.hostname === 'payments-db-1');
    expect(db1?.origin).toBe('ON_PREMISES');
    expect(db1?.reason).toMatch(/^FAILBACK_/);
    const changing = drs.calls().slice(calls).filter((call) => /^(Start|Stop|Reverse|Terminate)/.test(call.operation));
    expect(changing).toEqual([]);
    await drs.stop();
  });
});
