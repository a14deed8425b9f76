// `npm run history`: past runs from their JSON reports (the local reports folder, or the reports
// bucket on AWS), per plan, oldest first, with their status and the RTO trend against the target.
// Reports are read defensively: v1 reports (no RTO) and other JSON files in the folder are fine.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';

/** What the history shows of one run. */
export interface RunRecord {
  plan: string;
  mode: string;
  execution: string;
  startedAt: string;
  status: string;
  rtoSeconds?: number;
  rtoTargetSeconds?: number;
  rtoMet?: boolean;
  rpoSeconds?: number;
  rpoTargetSeconds?: number;
  serversFailed: number;
  servers: number;
  /** A partial run (some of the plan's waves): its RTO is not the plan's, so it stays out of the trend. */
  partial: boolean;
}

export interface ReportSource {
  /** Where the reports come from, for the heading. */
  describe(): string;
  /** Every run report's JSON text. */
  reports(): AsyncIterable<string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** A run record from a report's JSON text; undefined when it is not a run report. */
export function parseRunRecord(text: string): RunRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.reportVersion !== 'number' || typeof parsed.plan !== 'string' || typeof parsed.startedAt !== 'string') return undefined;
  const rto = isRecord(parsed.rto) ? parsed.rto : {};
  const rpo = isRecord(parsed.rpo) ? parsed.rpo : {};
  const servers = (Array.isArray(parsed.waves) ? parsed.waves : []).filter(isRecord).flatMap((wave) => (Array.isArray(wave.servers) ? wave.servers.filter(isRecord) : []));
  return {
    plan: parsed.plan,
    mode: typeof parsed.mode === 'string' ? parsed.mode : '?',
    execution: typeof parsed.execution === 'string' ? parsed.execution : '?',
    startedAt: parsed.startedAt,
    status: typeof parsed.status === 'string' ? parsed.status : '?',
    rtoSeconds: number(rto.achievedSeconds),
    rtoTargetSeconds: number(rto.targetSeconds) ?? (isRecord(parsed.targets) && typeof parsed.targets.rtoMinutes === 'number' ? parsed.targets.rtoMinutes * 60 : undefined),
    rtoMet: typeof rto.met === 'boolean' ? rto.met : undefined,
    rpoSeconds: number(rpo.achievedSeconds),
    rpoTargetSeconds: number(rpo.targetSeconds),
    servers: servers.length,
    // A server fails by its launch or by a required post-launch action (as its wave's budget counts it).
    serversFailed: servers.filter(
      (server) => server.launchStatus === 'FAILED' || (Array.isArray(server.postLaunchActions) && server.postLaunchActions.some((action) => isRecord(action) && action.status === 'FAILED' && action.optional !== true)),
    ).length,
    partial: isRecord(parsed.partial),
  };
}

export function folderSource(folder: string): ReportSource {
  return {
    describe: () => folder,
    async *reports() {
      const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      for (const name of names.filter((candidate) => candidate.endsWith('.json')).sort()) yield await readFile(join(folder, name), 'utf8');
    },
  };
}

/**
 * The reports bucket (WriteReport puts `reports/<execution>.json`): ListObjectsV2 pages, then one
 * GetObject per report. Execution names start with the plan, so `plan` narrows the listing.
 */
export function bucketSource(client: S3Client, bucket: string, plan?: string, prefix = 'reports/'): ReportSource {
  return {
    describe: () => `s3://${bucket}/${prefix}${plan ? `${plan}-*` : ''}`,
    async *reports() {
      // Loaded here: only `history --bucket` reads S3, and the client costs every local start time.
      const { GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${plan ? `${plan}-` : ''}`, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (!object.Key?.endsWith('.json')) continue;
          const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
          yield (await body.Body?.transformToString('utf8')) ?? '';
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    },
  };
}

/**
 * Every run found, by plan and mode (`payments drill`, `payments recovery`: a drill's RTO and a
 * recovery's are not one trend), oldest first; at most `limit` latest runs per plan and mode.
 */
export async function readHistory(source: ReportSource, options: { plan?: string; limit?: number } = {}): Promise<Map<string, RunRecord[]>> {
  const byPlan = new Map<string, RunRecord[]>();
  for await (const text of source.reports()) {
    const record = parseRunRecord(text);
    if (record === undefined || (options.plan !== undefined && record.plan !== options.plan)) continue;
    const key = `${record.plan} ${record.mode}`;
    byPlan.set(key, [...(byPlan.get(key) ?? []), record]);
  }
  for (const [plan, records] of byPlan) {
    records.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    byPlan.set(plan, options.limit === undefined ? records : records.slice(-options.limit));
  }
  return new Map([...byPlan].sort(([a], [b]) => a.localeCompare(b)));
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The RTO trend as a sparkline scaled to the target (a full block = the target or more); `·` = not
 * achieved. Partial runs are left out: their RTO is not the plan's.
 */
export function rtoSparkline(records: readonly RunRecord[]): string {
  return records
    .filter((record) => !record.partial)
    .map((record) => {
      if (record.rtoSeconds === undefined || record.rtoTargetSeconds === undefined || record.rtoTargetSeconds <= 0) return '·';
      const share = Math.min(1, record.rtoSeconds / record.rtoTargetSeconds);
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(share * (BLOCKS.length - 1) + 0.5))];
    })
    .join('');
}

export function formatMinutes(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** The trend in words: the last achieved RTO against the one before. */
export function rtoTrend(records: readonly RunRecord[]): string {
  const achieved = records.filter((record) => record.rtoSeconds !== undefined && !record.partial);
  if (achieved.length < 2) return achieved.length === 1 ? 'one run with an RTO' : 'no run reached its RTO';
  const [previous, last] = achieved.slice(-2).map((record) => record.rtoSeconds as number);
  const change = last - previous;
  if (Math.abs(change) < 1) return 'RTO unchanged since the previous run';
  return `RTO ${change > 0 ? 'up' : 'down'} ${formatMinutes(Math.abs(change))} since the previous run`;
}
