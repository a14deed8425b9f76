// Scale: a drill of 3,000 servers in 10 waves, within DRS's quotas (jobs of ≤100 servers, ≤20
// concurrent jobs, ≤500 servers in active jobs): the largest state payload any step passes, the
// Step Functions history events, wall time and peak memory of the local run. And two simulated
// 24-hour recoveries, against the 25,000-event history quota: three 8-hour waves (progress
// now and then), and one wave that never launches and waits out a 24-hour timeout (no progress
// at all: the poll interval backs off to its maximum). Prints figures; asserts nothing.
// Run: npx tsx bench/scale.ts
import { pathToFileURL } from 'node:url';
import type { JobTimeline } from '#local/drs/index.ts';
import { POLL } from '#shared/engine/polling.ts';
import { apiCallFigures, type ApiCallFigures } from './api-calls.ts';
import { kib, met, mib, printTable, runGeneratedPlan, withPeakRss } from './support.ts';

const SERVERS = 3000;
const WAVES = 10;
const DAY_SECONDS = 24 * 60 * 60;

export interface ScaleFigures {
  servers: number;
  waves: number;
  largestPayloadBytes: number;
  historyEvents: number;
  wallMs: number;
  simulatedSeconds: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  jobs: number;
  maxConcurrentJobs: number;
  maxServersInActiveJobs: number;
  apiCalls: ApiCallFigures;
}

/** How far the run went into DRS's job quotas: the most concurrent jobs and servers in them. */
export function quotaUse(timeline: readonly JobTimeline[]) {
  const edges = timeline.flatMap((job) => [
    { at: Date.parse(job.created), jobs: 1, servers: job.servers.length },
    { at: Date.parse(job.completed ?? '9999-12-31T00:00:00Z'), jobs: -1, servers: -job.servers.length },
  ]);
  // Ends before starts at the same instant: a job that completed frees its slot.
  edges.sort((a, b) => a.at - b.at || a.jobs - b.jobs);
  let jobs = 0;
  let servers = 0;
  let maxJobs = 0;
  let maxServers = 0;
  for (const edge of edges) {
    jobs += edge.jobs;
    servers += edge.servers;
    maxJobs = Math.max(maxJobs, jobs);
    maxServers = Math.max(maxServers, servers);
  }
  return { jobs: timeline.length, maxJobs, maxServers };
}

export async function measureScale(): Promise<ScaleFigures> {
  global.gc?.();
  const rssBeforeBytes = process.memoryUsage.rss();
  const { value: run, peakRss } = await withPeakRss(() => runGeneratedPlan({ servers: SERVERS, waves: WAVES, mode: 'drill', keepDrs: true }));
  try {
    const quota = quotaUse(run.drs.timeline());
    return {
      servers: SERVERS,
      waves: WAVES,
      largestPayloadBytes: run.result.largestPayloadBytes,
      historyEvents: run.result.historyEvents,
      wallMs: run.result.wallMs,
      simulatedSeconds: run.result.simulatedSeconds,
      rssBeforeBytes,
      peakRssBytes: peakRss,
      jobs: quota.jobs,
      maxConcurrentJobs: quota.maxJobs,
      maxServersInActiveJobs: quota.maxServers,
      apiCalls: apiCallFigures(run, SERVERS, WAVES),
    };
  } finally {
    await run.drs.stop();
  }
}

export interface DayLongFigures {
  label: string;
  status: string;
  simulatedSeconds: number;
  historyEvents: number;
  polls: number;
  wallMs: number;
}

/** A recovery of about 24 simulated hours: history events are what it costs. */
export async function measureDayLong(): Promise<DayLongFigures[]> {
  const figures: DayLongFigures[] = [];
  const progressing = await runGeneratedPlan({
    servers: 30,
    waves: 3,
    mode: 'recovery',
    // Eight hours a wave, less the other phases; little jitter, so the three add up to a day.
    durations: { conversionSeconds: { seconds: DAY_SECONDS / 3 - 900, jitter: 0.02 } },
    planDefaults: { timeoutMinutes: 24 * 60 },
  });
  figures.push({
    label: '3 waves of 8 h (30 servers)',
    status: progressing.result.status,
    simulatedSeconds: progressing.result.simulatedSeconds,
    historyEvents: progressing.result.historyEvents,
    polls: (progressing.result.lambdaInvocations.CheckLaunch ?? 0) + (progressing.result.lambdaInvocations.CheckPostLaunchActions ?? 0),
    wallMs: progressing.result.wallMs,
  });
  const stuck = await runGeneratedPlan({
    servers: 10,
    waves: 1,
    mode: 'recovery',
    launchActions: false,
    durations: { conversionSeconds: 2 * DAY_SECONDS },
    planDefaults: { timeoutMinutes: 24 * 60 },
    allowFailure: true,
  });
  figures.push({
    label: '1 wave stuck, 24 h timeout',
    status: `${stuck.result.status} (${stuck.result.error})`,
    simulatedSeconds: stuck.result.simulatedSeconds,
    historyEvents: stuck.result.historyEvents,
    polls: stuck.result.lambdaInvocations.CheckLaunch ?? 0,
    wallMs: stuck.result.wallMs,
  });
  return figures;
}

export function printScale(scale: ScaleFigures, dayLong: readonly DayLongFigures[]): void {
  printTable(
    `3. Scale: drill of ${scale.servers.toLocaleString('en-US')} servers in ${scale.waves} waves (local run, speed 0)`,
    ['figure', 'value', 'target', ''],
    [
      ['largest state payload', kib(scale.largestPayloadBytes), '< 64 KiB', met(scale.largestPayloadBytes < 64 * 1024)],
      ['history events', scale.historyEvents, '< 25,000 (quota)', met(scale.historyEvents < 25_000)],
      // One sample of a noisy machine: no verdict (bench/linear.ts repeats it, min / median / max).
      ['wall time (one sample)', `${(scale.wallMs / 1000).toFixed(1)} s`, '', ''],
      ['peak RSS during the run', mib(scale.peakRssBytes), '', `(${mib(scale.rssBeforeBytes)} before)`],
      ['simulated time', `${(scale.simulatedSeconds / 3600).toFixed(2)} h`, '', ''],
      ['DRS jobs (launch + terminate)', scale.jobs, '', ''],
      ['most concurrent jobs', scale.maxConcurrentJobs, '≤ 20 (quota)', met(scale.maxConcurrentJobs <= 20)],
      ['most servers in active jobs', scale.maxServersInActiveJobs, '≤ 500 (quota)', met(scale.maxServersInActiveJobs <= 500)],
    ],
  );
  printTable(
    `   Simulated 24-hour recoveries (polling ${POLL.minSeconds} s ×${POLL.growth} → ${POLL.maxSeconds} s)`,
    ['recovery', 'outcome', 'simulated', 'polls', 'history events', 'target < 10,000', 'wall (one sample)'],
    dayLong.map((f) => [
      f.label,
      f.status,
      `${(f.simulatedSeconds / 3600).toFixed(1)} h`,
      f.polls,
      f.historyEvents,
      met(f.historyEvents < 10_000),
      `${(f.wallMs / 1000).toFixed(1)} s`,
    ]),
  );
}

export async function benchScale(): Promise<{ scale: ScaleFigures; dayLong: DayLongFigures[] }> {
  const scale = await measureScale();
  const dayLong = await measureDayLong();
  printScale(scale, dayLong);
  return { scale, dayLong };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchScale();
}
