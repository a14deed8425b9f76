// WriteReport's domain function over plain-data fakes: the files it stores, the log line the
// dashboard reads, the metrics and the progress events, without Lambda.
import { describe, expect, it } from 'vitest';
import type { DrsPort, Job } from '#shared/drs/port.ts';
import type { MetricsSink } from '#shared/report/metrics.ts';
import type { RunReport } from '#shared/report/report.ts';
import { writeRunReport } from '#shared/report/write.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { testRun } from '../support/runs.ts';
import { recordingOutputs } from './outputs.ts';

const run = testRun({ plan: 'payments', mode: 'recovery', execution: 'payments-recovery-1', waves: ['db', 'app'] });

/** DRS as the report reads it after the run: these jobs, no job log, servers by ID only. */
function drsWith(jobs: Job[]): DrsPort {
  const unused = async (): Promise<never> => {
    throw new Error('the report changes nothing in DRS');
  };
  return {
    listJobs: async () => jobs,
    listSourceServers: async (filter) => (filter?.sourceServerIDs ?? []).map((sourceServerID) => ({ sourceServerID })),
    listJobLogItems: async () => [],
    startRecovery: unused,
    newestSnapshot: unused,
    listRecoveryInstances: unused,
    terminateRecoveryInstances: unused,
    listLaunchActions: unused,
    getLaunchConfiguration: unused,
  };
}

function recordingMetrics(): MetricsSink & { points: Array<{ name: string; value: number }> } {
  const points: Array<{ name: string; value: number }> = [];
  return {
    points,
    addDimensions: () => undefined,
    addMetric: (name, _unit, value) => {
      points.push({ name, value });
    },
    publishStoredMetrics: () => undefined,
  };
}

describe('writing the report of a run', () => {
  it('a run whose first wave failed stores JSON, Markdown and HTML, logs the dashboard line, counts a failed run and announces the wave and the run as failed', async () => {
    const failedLaunch: Job = {
      jobID: 'drsjob-00000000000000001',
      type: 'LAUNCH',
      creationDateTime: '2026-01-01T00:01:00Z',
      tags: { [TAG.plan]: run.plan, [TAG.execution]: run.execution, [TAG.wave]: 'db', [TAG.mode]: run.mode },
      participatingServers: [
        { sourceServerID: 's-00000000000000001', launchStatus: 'FAILED' },
        { sourceServerID: 's-00000000000000002', launchStatus: 'LAUNCHED' },
      ],
    };
    const recorded = recordingOutputs();
    const metrics = recordingMetrics();
    const failure = { Error: 'WaveFailedError', Cause: 'wave db: 1 of 2 servers failed to launch' };

    // The first wave failed: preflight had passed (nothing starts before it does).
    const preflight = { serverCount: 2, waves: [{ name: 'db', serverCount: 2 }], warnings: [] };
    const written = await writeRunReport({ run, preflight, failure }, { drs: drsWith([failedLaunch]), metrics, ...recorded.outputs });

    const where = { json: 'memory://payments-recovery-1.json', markdown: 'memory://payments-recovery-1.md', html: 'memory://payments-recovery-1.html' };
    expect(written).toEqual({ status: 'FAILED', error: 'WaveFailedError', cause: failure.Cause, ...where });
    expect([...recorded.files].map(([name, file]) => [name, file.contentType])).toEqual([
      ['payments-recovery-1.json', 'application/json'],
      ['payments-recovery-1.md', 'text/markdown'],
      ['payments-recovery-1.html', 'text/html; charset=utf-8'],
    ]);
    const json = recorded.files.get('payments-recovery-1.json')!.body;
    expect(json.endsWith('}\n')).toBe(true);
    const report = JSON.parse(json) as RunReport;
    expect(report).toMatchObject({ status: 'FAILED', plan: 'payments', waves: [{ name: 'db', status: 'FAILED' }, { name: 'app', status: 'NOT_STARTED' }] });
    expect(recorded.logLines).toEqual([
      [
        'report written',
        { plan: 'payments', mode: 'recovery', execution: 'payments-recovery-1', status: 'FAILED', rtoSeconds: undefined, rtoMet: false, rpoSeconds: undefined, rpoMet: false, ...where },
      ],
    ]);
    expect(metrics.points).toContainEqual({ name: 'RunSucceeded', value: 0 });
    expect(metrics.points).toContainEqual({ name: 'ServersFailed', value: 1 });
    const detail = { plan: 'payments', mode: 'recovery', execution: 'payments-recovery-1' };
    expect(recorded.events).toEqual([
      ['Wave Failed', { ...detail, wave: 'db', servers: 2, failed: 1, cause: failure.Cause }],
      [
        'Run Failed',
        { ...detail, status: 'FAILED', error: 'WaveFailedError', cause: failure.Cause, report: where.json, summary: where.markdown, html: where.html, rtoSeconds: undefined, rtoMet: false, rpoSeconds: undefined, rpoMet: false },
      ],
    ]);
  });

  it('a run that completed every wave counts a succeeded run and announces only that', async () => {
    const completed = run.waves.map((name) => ({ name, status: 'SUCCEEDED' as const, serverCount: 0, launched: 0, failed: 0, jobIDs: [], startedAt: run.startedAt, warnings: [] }));
    const recorded = recordingOutputs();
    const metrics = recordingMetrics();

    const written = await writeRunReport({ run, completed }, { drs: drsWith([]), metrics, ...recorded.outputs });

    expect(written).toMatchObject({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(metrics.points).toContainEqual({ name: 'RunSucceeded', value: 1 });
    expect(recorded.events.map(([type]) => type)).toEqual(['Run Succeeded']);
    expect(recorded.events[0][1]).toMatchObject({ status: 'SUCCEEDED', report: written.json, summary: written.markdown, html: written.html });
  });
});
