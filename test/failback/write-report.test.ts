// WriteFailbackReport's domain function over plain-data fakes: the files it stores, its log line
// and the progress events, without Lambda.
import { describe, expect, it } from 'vitest';
import type { DrsPort } from '#shared/drs/port.ts';
import type { FailbackRun, FailbackWave } from '#shared/failback/state.ts';
import { writeFailbackReport } from '#shared/failback/write-report.ts';
import { recordingOutputs } from '../report/outputs.ts';

const run: FailbackRun = {
  plan: 'shop',
  mode: 'failback',
  execution: 'shop-failback-1',
  startedAt: '2026-01-02T00:00:00Z',
  recoveryExecution: 'shop-recovery-1',
  waves: [
    { name: 'web', recoveryJobIDs: [] },
    { name: 'db', recoveryJobIDs: [] },
  ],
  check: false,
  terminateRecoveryInstances: false,
};

/** DRS with nothing left of the recovery: no jobs, no instances, no servers. */
const emptyDrs: DrsPort = {
  listJobs: async () => [],
  listRecoveryInstances: async () => [],
  listSourceServers: async () => [],
  listJobLogItems: async () => [],
  listLaunchActions: async () => [],
  newestSnapshot: async () => undefined,
  startRecovery: async () => {
    throw new Error('the report starts nothing');
  },
  terminateRecoveryInstances: async () => {
    throw new Error('the report terminates nothing');
  },
  getLaunchConfiguration: async () => {
    throw new Error('the report reads no launch configuration');
  },
};

const noOriginRegion = () => {
  throw new Error('no EC2-origin server: no origin Region to read');
};

describe('writing the report of a failback', () => {
  it('a failback that failed in its first wave stores JSON, Markdown and HTML, logs where, and announces the wave and the run as failed', async () => {
    const wave = { index: 0, name: 'web', startedAt: '2026-01-02T00:01:00Z', failbackJobIDs: [], originJobs: [] } as unknown as FailbackWave;
    const failure = { Error: 'FailbackTimedOutError', Cause: 'wave web: 2 recovery instances not failed back within 3600 s' };
    const recorded = recordingOutputs();

    const written = await writeFailbackReport({ run, wave, failure }, { drs: emptyDrs, regionalDrs: noOriginRegion, ...recorded.outputs });

    const where = { json: 'memory://shop-failback-1.json', markdown: 'memory://shop-failback-1.md', html: 'memory://shop-failback-1.html' };
    expect(written).toEqual({ status: 'FAILED', error: 'FailbackTimedOutError', cause: failure.Cause, ...where });
    expect([...recorded.files].map(([name, file]) => [name, file.contentType])).toEqual([
      ['shop-failback-1.json', 'application/json'],
      ['shop-failback-1.md', 'text/markdown'],
      ['shop-failback-1.html', 'text/html; charset=utf-8'],
    ]);
    expect(JSON.parse(recorded.files.get('shop-failback-1.json')!.body)).toMatchObject({ kind: 'failback', status: 'FAILED', waves: [{ name: 'web', status: 'FAILED' }, { name: 'db', status: 'NOT_STARTED' }] });
    expect(recorded.logLines).toEqual([['failback report written', { status: 'FAILED', ...where }]]);
    const detail = { plan: 'shop', mode: 'failback', execution: 'shop-failback-1', recoveryExecution: 'shop-recovery-1' };
    expect(recorded.events).toEqual([
      ['Wave Failed', { ...detail, wave: 'web', servers: 0, cause: failure.Cause }],
      ['Run Failed', { ...detail, status: 'FAILED', error: 'FailbackTimedOutError', cause: failure.Cause, report: where.json, summary: where.markdown }],
    ]);
  });
});
