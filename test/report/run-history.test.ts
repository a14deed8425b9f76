// Run history from report files: per plan, oldest first, with the RTO trend; v1 reports and
// unrelated JSON files are tolerated.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { bucketSource, folderSource, readHistory, rtoSparkline, rtoTrend } from '#local/run-history/run-history.ts';

function report(plan: string, startedAt: string, rtoSeconds: number | undefined, status = 'SUCCEEDED', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    reportVersion: 2,
    plan,
    mode: 'drill',
    ...extra,
    execution: `${plan}-drill-${startedAt}`,
    startedAt,
    status,
    targets: { rtoMinutes: 60, rpoMinutes: 15 },
    rto: { targetSeconds: 3600, achievedSeconds: rtoSeconds, met: rtoSeconds !== undefined && rtoSeconds <= 3600 },
    rpo: { targetSeconds: 900, achievedSeconds: 0, met: true },
    waves: [{ servers: [{ launchStatus: 'LAUNCHED' }, { launchStatus: status === 'SUCCEEDED' ? 'LAUNCHED' : 'FAILED' }] }],
  });
}

describe('run history', () => {
  it('lists the runs of each plan oldest first, with status, RTO and failed servers, and says how the RTO moved', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'history-'));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'b.json'), report('payments', '2026-01-12T02:00:00Z', 1800));
    await writeFile(join(folder, 'a.json'), report('payments', '2026-01-05T02:00:00Z', 2100));
    await writeFile(join(folder, 'c.json'), report('payments', '2026-01-19T02:00:00Z', undefined, 'FAILED'));
    await writeFile(join(folder, 'd.json'), report('shop', '2026-01-05T03:00:00Z', 4000));
    await writeFile(join(folder, 'not-a-report.json'), '{"hello": 1}');
    await writeFile(join(folder, 'x.events.jsonl'), '{}');

    const history = await readHistory(folderSource(folder));

    const payments = history.get('payments drill') ?? [];
    expect(payments.map((run) => [run.startedAt, run.status, run.rtoSeconds, run.serversFailed])).toEqual([
      ['2026-01-05T02:00:00Z', 'SUCCEEDED', 2100, 0],
      ['2026-01-12T02:00:00Z', 'SUCCEEDED', 1800, 0],
      ['2026-01-19T02:00:00Z', 'FAILED', undefined, 1],
    ]);
    expect(rtoTrend(payments)).toBe('RTO down 5m 00s since the previous run');
    expect(rtoSparkline(payments)).toBe('▅▅·');
    expect(history.get('shop drill')?.[0]).toMatchObject({ rtoMet: false });
    expect(rtoSparkline(history.get('shop drill') ?? [])).toBe('█');
    expect([...(await readHistory(folderSource(folder), { plan: 'shop' })).keys()]).toEqual(['shop drill']);
    expect((await readHistory(folderSource(folder), { limit: 1 })).get('payments drill')).toHaveLength(1);
  });

  it("keeps drills apart from recoveries, and partial runs (some of the plan's waves) out of the RTO trend", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'history-'));
    await writeFile(join(folder, 'a.json'), report('payments', '2026-01-05T02:00:00Z', 2100));
    await writeFile(join(folder, 'b.json'), report('payments', '2026-01-06T02:00:00Z', 300, 'SUCCEEDED', { partial: { skippedWaves: ['databases', 'application'] } }));
    await writeFile(join(folder, 'c.json'), report('payments', '2026-01-12T02:00:00Z', 1800));
    await writeFile(join(folder, 'd.json'), report('payments', '2026-01-13T02:00:00Z', 2400, 'SUCCEEDED', { mode: 'recovery' }));

    const history = await readHistory(folderSource(folder));
    const drills = history.get('payments drill') ?? [];

    expect([...history.keys()]).toEqual(['payments drill', 'payments recovery']);
    expect(drills.map((run) => run.partial)).toEqual([false, true, false]);
    // The partial run's 5 minutes are not the plan's RTO: the trend compares 35 with 30 minutes.
    expect(rtoTrend(drills)).toBe('RTO down 5m 00s since the previous run');
    expect(rtoSparkline(drills)).toBe('▅▅');
    expect(history.get('payments recovery')?.map((run) => run.rtoSeconds)).toEqual([2400]);
  });

  it('reads the reports bucket page by page, only the plan\'s JSON reports under reports/', async () => {
    const objects: Record<string, string> = {
      'reports/payments-drill-a.json': report('payments', '2026-01-05T02:00:00Z', 2100),
      'reports/payments-drill-a.md': '# not JSON',
      'reports/payments-drill-b.json': report('payments', '2026-01-12T02:00:00Z', 1800),
    };
    const requests: Array<{ command: string; input: Record<string, unknown> }> = [];
    // S3's answers to the two commands the source sends: ListObjectsV2 in pages of two keys.
    const s3 = {
      async send(command: ListObjectsV2Command | GetObjectCommand) {
        requests.push({ command: command.constructor.name, input: { ...command.input } });
        if (command instanceof ListObjectsV2Command) {
          const keys = Object.keys(objects).filter((key) => key.startsWith(command.input.Prefix ?? ''));
          const start = Number(command.input.ContinuationToken ?? 0);
          const page = keys.slice(start, start + 2);
          const more = start + 2 < keys.length;
          return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, NextContinuationToken: more ? String(start + 2) : undefined };
        }
        const text = objects[command.input.Key ?? ''];
        return { Body: { transformToString: async () => text } };
      },
    } as unknown as S3Client;

    const history = await readHistory(bucketSource(s3, 'reports-bucket', 'payments'));

    expect(history.get('payments drill')?.map((run) => run.rtoSeconds)).toEqual([2100, 1800]);
    expect(requests.filter((request) => request.command === 'ListObjectsV2Command').map((request) => request.input)).toEqual([
      { Bucket: 'reports-bucket', Prefix: 'reports/payments-', ContinuationToken: undefined },
      { Bucket: 'reports-bucket', Prefix: 'reports/payments-', ContinuationToken: '2' },
    ]);
    expect(requests.filter((request) => request.command === 'GetObjectCommand').map((request) => request.input.Key)).toEqual([
      'reports/payments-drill-a.json',
      'reports/payments-drill-b.json',
    ]);
  });
});
