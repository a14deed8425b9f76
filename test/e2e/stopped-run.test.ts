// An execution stopped from outside (the console's "Stop execution", Ctrl-C locally) runs no Catch
// of its own: the stopped-run workflow, started by Step Functions' status-change event, cleans up
// after it and writes its report. Counted from the local DRS service's state, not the report.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startLocalDrs } from '#local/drs/index.ts';
import type { RunReport } from '#shared/report/report.ts';
import { instancesInDrs, runPlan } from './harness.ts';

describe('a drill stopped from outside', () => {
  it('aborted mid-wave: 0 drill instances left, launches in flight waited for, the report says ABORTED and what was cleaned', async () => {
    const drs = await startLocalDrs({ speed: 0 });

    // Act: stop it while its first wave is launching.
    const { result } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs, abortAt: { state: 'WaitForLaunch', entry: 1 } });

    expect(result.status).toBe('ABORTED');
    expect(result.afterStop?.status).toBe('SUCCEEDED');
    expect(result.afterStop?.lambdaInvocations.CleanUpDrill).toBeGreaterThan(0);
    const launched = drs.state().jobs.filter((job) => job.type === 'LAUNCH').flatMap((job) => job.participatingServers);
    expect(launched).toHaveLength(3);
    expect(instancesInDrs(drs, true)).toBe(0);
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8')) as RunReport;
    expect(report).toMatchObject({ status: 'ABORTED', error: 'ExecutionAborted', cleanup: { instancesLeft: 0, instancesTerminated: launched.length } });
    expect(report.cause).toContain('was aborted');
    await drs.stop();
  });

  it('past its TimeoutSeconds (simulated time): TIMED_OUT, 0 drill instances left, the report says TIMED_OUT', async () => {
    const drs = await startLocalDrs({ speed: 0 });

    // 10 minutes: the first wave launches, its post-launch actions are still running.
    const { result } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs, timeoutSeconds: 600 });

    expect(result.status).toBe('TIMED_OUT');
    expect(result.simulatedSeconds).toBeGreaterThanOrEqual(600);
    expect(drs.state().jobs.filter((job) => job.type === 'LAUNCH')).toHaveLength(1);
    expect(instancesInDrs(drs, true)).toBe(0);
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8')) as RunReport;
    expect(report).toMatchObject({ status: 'TIMED_OUT', error: 'ExecutionTimedOut', cleanup: { instancesLeft: 0, instancesTerminated: 3 } });
    await drs.stop();
  });

  it('a recovery stopped from outside keeps its instances and gets its report', async () => {
    const drs = await startLocalDrs({ speed: 0 });

    const { result } = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, drs, abortAt: { state: 'CompleteWave', entry: 1 } });

    expect(result.status).toBe('ABORTED');
    expect(result.afterStop?.lambdaInvocations.CleanUpDrill ?? 0).toBe(0);
    expect(instancesInDrs(drs, false)).toBeGreaterThan(0);
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8')) as RunReport;
    expect(report.status).toBe('ABORTED');
    expect(report.cleanup).toBeNull();
    await drs.stop();
  });
});
