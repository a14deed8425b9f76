// DRS API calls per run, by operation: a drill of a generated plan at 12, 300 and 3,000 servers,
// counted by the local DRS service; and the DescribeJobs calls each poll of a wave makes (the
// polls are CheckLaunch and CheckPostLaunchActions, the only steps that describe jobs by ID).
// Prints figures; asserts nothing. Run: npx tsx bench/api-calls.ts
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { RecordedCall } from '#local/drs/index.ts';
import { met, printTable, runGeneratedPlan, type GeneratedRun } from './support.ts';

export const SIZES = [
  { servers: 12, waves: 3 },
  { servers: 300, waves: 3 },
  { servers: 3000, waves: 10 },
] as const;

/** Every DRS operation the service model names, so that counting misses none. */
export const OPERATIONS = Object.keys(
  (JSON.parse(readFileSync(new URL('../local/drs/model/drs-service-2.json', import.meta.url), 'utf8')) as { operations: Record<string, unknown> }).operations,
);

export interface ApiCallFigures {
  servers: number;
  waves: number;
  byOperation: Record<string, number>;
  total: number;
  /** CheckLaunch + CheckPostLaunchActions invocations. */
  polls: number;
  /** DescribeJobs calls by job ID (the polls', WaitForLaunch's and clean-up's; from the service's call log, which keeps the latest 10,000+). */
  pollDescribeJobs: number;
  /** The most DescribeJobs calls one poll of one wave made. */
  maxDescribeJobsPerPoll: number;
  /** Poll steps observed (from the execution's events). */
  pollsObserved: number;
  /** DescribeJobs calls counted between the polls' Entered and Exited events. */
  attributedToPolls: number;
}

function isPollDescribe(call: RecordedCall): boolean {
  const filters = (call.input as { filters?: { jobIDs?: unknown } } | undefined)?.filters;
  return call.operation === 'DescribeJobs' && Array.isArray(filters?.jobIDs);
}

/** The figures of a finished generated run (its local DRS service still running). */
export function apiCallFigures({ result, drs, describeJobsPerPoll }: GeneratedRun, servers: number, waves: number): ApiCallFigures {
  const byOperation: Record<string, number> = {};
  for (const operation of OPERATIONS) {
    const count = drs.countCalls(operation);
    if (count > 0) byOperation[operation] = count;
  }
  const calls = drs.calls();
  const polls = (result.lambdaInvocations.CheckLaunch ?? 0) + (result.lambdaInvocations.CheckPostLaunchActions ?? 0);
  return {
    servers,
    waves,
    byOperation,
    total: drs.countCalls(),
    polls,
    pollDescribeJobs: calls.filter(isPollDescribe).length,
    maxDescribeJobsPerPoll: Math.max(0, ...describeJobsPerPoll),
    pollsObserved: describeJobsPerPoll.length,
    attributedToPolls: describeJobsPerPoll.reduce((a, b) => a + b, 0),
  };
}

export async function measureApiCalls(servers: number, waves: number): Promise<ApiCallFigures> {
  const run = await runGeneratedPlan({ servers, waves, mode: 'drill', keepDrs: true });
  try {
    return apiCallFigures(run, servers, waves);
  } finally {
    await run.drs.stop();
  }
}

export function printApiCalls(figures: readonly ApiCallFigures[]): void {
  const operations = [...new Set(figures.flatMap((f) => Object.keys(f.byOperation)))].sort();
  printTable(
    '2. DRS API calls per run, by operation (drill of a generated plan, clean-up and report included)',
    ['operation', ...figures.map((f) => `${f.servers.toLocaleString('en-US')} servers, ${f.waves} waves`)],
    [
      ...operations.map((operation) => [operation, ...figures.map((f) => f.byOperation[operation] ?? 0)]),
      ['total', ...figures.map((f) => f.total)],
      ['calls per server', ...figures.map((f) => (f.total / f.servers).toFixed(2))],
    ],
  );
  printTable(
    '   DescribeJobs per wave per poll (target ≤ 1)',
    // DescribeJobs by job ID outside the polls: WaitForLaunch's function reads the wave's jobs once
    // to register its wait (the event-driven hand-off), clean-up reads its TERMINATE jobs.
    ['servers', 'polls (CheckLaunch + CheckPostLaunchActions)', 'their DescribeJobs', 'per poll', 'max at one poll', 'by job ID outside polls', 'target'],
    figures.map((f) => [
      f.servers,
      f.polls,
      f.attributedToPolls,
      (f.attributedToPolls / f.polls).toFixed(2),
      f.maxDescribeJobsPerPoll,
      f.pollDescribeJobs - f.attributedToPolls,
      met(f.maxDescribeJobsPerPoll <= 1 && f.pollsObserved === f.polls),
    ]),
  );
}

export async function benchApiCalls(reuse: Partial<Record<number, ApiCallFigures>> = {}): Promise<ApiCallFigures[]> {
  const figures: ApiCallFigures[] = [];
  for (const size of SIZES) figures.push(reuse[size.servers] ?? (await measureApiCalls(size.servers, size.waves)));
  printApiCalls(figures);
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchApiCalls();
}
