// A quota-limited wave: one wave of more servers than DRS lets one account run at once (jobs of
// ≤100 servers, ≤20 active jobs, ≤500 servers in active jobs), recovered through the real state
// machine and built handlers against the local DRS service at speed 0, no jitter. The wave must
// go in batches: the figures are the run against the ideal path that starts each batch the moment
// capacity frees, and per batch the delay from capacity freed (the first job of the batch before
// it completing) to the batch's StartRecovery. The ideal takes each round as long as DRS held the
// first round's jobs (the service's phase durations: job start, on-demand snapshot, conversion,
// launch, and its lag in marking a job COMPLETED), as multi-account.ts's quota-bound ideal does.
// Simulated time: exact, taken once per latency profile.
// Prints figures; asserts nothing. Run: npx tsx bench/quota.ts [--servers N]   (default 1,200)
import { pathToFileURL } from 'node:url';
import { quotas, type JobTimeline, type ParsedScenario } from '#local/drs/index.ts';
import { POLL } from '#shared/engine/polling.ts';
import { ROUND_SERVERS } from './multi-account.ts';
import { quotaUse } from './scale.ts';
import { LATENCY_PROFILES, latencyNote, met, printTable, runGeneratedPlan, type LatencyProfile } from './support.ts';

const SERVERS = 1200;

/** The StartRecovery calls made between two moments capacity freed (with latencies, a few ms apart): the jobs of one batch. */
export interface Batch {
  startedMs: number;
  jobs: number;
  servers: number;
  /** The first moment after the batch before it started that one of its jobs completed (none for the first batch). */
  capacityFreedMs?: number;
}

/**
 * The ideal path: rounds of ≤ ROUND_SERVERS servers, each started the instant the round before
 * completes. A round holds its capacity as long as DRS held the first round's jobs (created →
 * COMPLETED); the last counts until its last server launched. Jitter 0: every round alike.
 */
export interface QuotaIdeal {
  rounds: number;
  /** A round's jobs, created → COMPLETED (what frees the capacity). */
  roundSeconds: number;
  /** A round's jobs, created → their last server LAUNCHED. */
  launchedSeconds: number;
  /** The scenario's job start + on-demand snapshot + conversion + launch: the phases a round is made of. */
  phasesSeconds: number;
  waveSeconds: number;
}

export function quotaIdealOf(batches: readonly Batch[], launches: readonly JobTimeline[], servers: number, durations: ParsedScenario['durations']): QuotaIdeal {
  const secondBatchMs = batches[1]?.startedMs ?? Infinity;
  const firstRound = launches.filter((job) => Date.parse(job.created) < secondBatchMs);
  const since = (job: JobTimeline, iso: string | undefined) => (Date.parse(iso ?? '') - Date.parse(job.created)) / 1000;
  const roundSeconds = Math.max(...firstRound.map((job) => since(job, job.completed)));
  const launchedSeconds = Math.max(...firstRound.flatMap((job) => job.servers.map((server) => since(job, server.launchEnd))));
  const rounds = Math.ceil(servers / ROUND_SERVERS);
  const phase = (duration: ParsedScenario['durations']['launchSeconds']) => (typeof duration === 'number' ? duration : duration.seconds);
  const phasesSeconds = phase(durations.jobStartSeconds) + phase(durations.snapshotSeconds) + phase(durations.conversionSeconds) + phase(durations.launchSeconds);
  return { rounds, roundSeconds, launchedSeconds, phasesSeconds, waveSeconds: (rounds - 1) * roundSeconds + launchedSeconds };
}

export interface QuotaFigures {
  profile: LatencyProfile;
  servers: number;
  status: string;
  simulatedSeconds: number;
  /** Run start → the wave's first StartRecovery. */
  toFirstStartSeconds: number;
  /** The wave's first StartRecovery → its last server launched. */
  waveSeconds: number;
  ideal: QuotaIdeal;
  batches: Batch[];
  maxJobs: number;
  maxServers: number;
}

/** The launch jobs grouped in batches (a new one once a job completed since the batch before began), each with when capacity freed before it. */
export function batchesOf(timeline: readonly JobTimeline[]): Batch[] {
  const launches = timeline.filter((job) => job.type === 'LAUNCH').sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  const completions = launches.map((job) => (job.completed === undefined ? Infinity : Date.parse(job.completed))).sort((a, b) => a - b);
  const batches: Batch[] = [];
  for (const job of launches) {
    const createdMs = Date.parse(job.created);
    const current = batches.at(-1);
    // Capacity freed when the first job completed after the batch before started: that batch had
    // taken what was left, so nothing could start before.
    const freed = current === undefined ? undefined : completions.find((at) => at > current.startedMs && at <= createdMs);
    if (current === undefined || freed !== undefined) {
      batches.push({ startedMs: createdMs, jobs: 1, servers: job.servers.length, ...(freed !== undefined ? { capacityFreedMs: freed } : {}) });
    } else {
      current.jobs++;
      current.servers += job.servers.length;
    }
  }
  return batches;
}

export async function measureQuotaWave(servers: number, profile: LatencyProfile): Promise<QuotaFigures> {
  const { result, drs } = await runGeneratedPlan({
    servers,
    waves: 1,
    // A recovery: nothing after the wave but its report, so the run is the wave.
    mode: 'recovery',
    launchActions: false,
    // No jitter: every job of a batch takes the same time, so the ideal is reachable.
    durations: { jitter: 0 },
    keepDrs: true,
    allowFailure: true,
    latencies: profile.latencies,
  });
  try {
    const timeline = drs.timeline();
    const launches = timeline.filter((job) => job.type === 'LAUNCH');
    const firstStartMs = Math.min(...launches.map((job) => Date.parse(job.created)));
    const lastLaunchedMs = Math.max(...launches.flatMap((job) => job.servers.map((server) => Date.parse(server.launchEnd ?? job.completed ?? ''))));
    const launched = launches.reduce((total, job) => total + job.servers.length, 0);
    const quota = quotaUse(timeline);
    const batches = batchesOf(timeline);
    const runStartMs = drs.now().getTime() - result.simulatedSeconds * 1000;
    return {
      profile,
      servers,
      status: result.status === 'SUCCEEDED' ? result.status : `${result.status} (${result.error})`,
      simulatedSeconds: result.simulatedSeconds,
      toFirstStartSeconds: (firstStartMs - runStartMs) / 1000,
      waveSeconds: (lastLaunchedMs - firstStartMs) / 1000,
      ideal: quotaIdealOf(batches, launches, launched, drs.scenario.durations),
      batches,
      maxJobs: quota.maxJobs,
      maxServers: quota.maxServers,
    };
  } finally {
    await drs.stop();
  }
}

const seconds = (value: number) => `${Math.round(value).toLocaleString('en-US')} s`;

export async function benchQuota(servers = SERVERS): Promise<QuotaFigures[]> {
  const figures: QuotaFigures[] = [];
  for (const profile of LATENCY_PROFILES) figures.push(await measureQuotaWave(servers, profile));
  const columns = figures.map((f) => `${f.profile.name} latency`);
  const row = (name: string, value: (f: QuotaFigures) => string | number, target = '') => [name, ...figures.map(value), target];
  const first = figures[0]!;
  printTable(
    `6. Quota-limited wave: recovery of ${servers.toLocaleString('en-US')} servers in one wave in one account (local run, speed 0, no jitter; DRS: jobs ≤ ${quotas.serversPerJob} servers, ≤ ${quotas.concurrentJobs} active jobs, ≤ ${quotas.serversInActiveJobs} servers in active jobs)`,
    ['figure', ...columns, 'target'],
    [
      row('outcome', (f) => f.status, 'SUCCEEDED'),
      row('run (simulated)', (f) => seconds(f.simulatedSeconds)),
      row('  wave: first StartRecovery → last server launched', (f) => seconds(f.waveSeconds)),
      row('ideal: a batch the moment capacity frees', (f) => `${seconds(f.ideal.waveSeconds)} (${f.ideal.rounds - 1} × ${seconds(f.ideal.roundSeconds)} + ${seconds(f.ideal.launchedSeconds)})`),
      row('run ÷ ideal', (f) => `${(f.simulatedSeconds / f.ideal.waveSeconds).toFixed(3)}×`),
      row('  wave ÷ ideal', (f) => `${(f.waveSeconds / f.ideal.waveSeconds).toFixed(3)}×`),
      row('batches (StartRecovery instants)', (f) => `${f.batches.length} (${f.batches.map((b) => `${b.jobs} jobs/${b.servers}`).join(', ')})`, `${first.ideal.rounds} rounds of ≤ ${ROUND_SERVERS}`),
      row('run start → first StartRecovery', (f) => seconds(f.toFirstStartSeconds)),
      ...first.batches.slice(1).map((_, index) =>
        row(`  batch ${index + 2}: capacity freed → StartRecovery`, (f) => {
          const batch = f.batches[index + 1];
          if (batch === undefined) return '—';
          return batch.capacityFreedMs === undefined ? 'no job completed before' : seconds((batch.startedMs - batch.capacityFreedMs) / 1000);
        }),
      ),
      row('most concurrent jobs', (f) => f.maxJobs, `≤ ${quotas.concurrentJobs} ${met(figures.every((f) => f.maxJobs <= quotas.concurrentJobs))}`),
      row('most servers in active jobs', (f) => f.maxServers, `≤ ${quotas.serversInActiveJobs} ${met(figures.every((f) => f.maxServers <= quotas.serversInActiveJobs))}`),
    ],
  );
  console.log(
    `  Ideal: ceil(servers / ${ROUND_SERVERS}) rounds, each started the instant the round before is COMPLETED in DRS; a round holds its capacity as long as` +
      `\n  DRS held the first round's jobs (${seconds(first.ideal.roundSeconds)}: the scenario's job start + on-demand snapshot + conversion + launch, ${seconds(first.ideal.phasesSeconds)},` +
      `\n  plus the service's stagger of server starts and lag in marking a job COMPLETED); the last round counts until its last server launched.` +
      `\n  Polls and hand-offs cost the ideal nothing. Default polling ${POLL.minSeconds} s ×${POLL.growth} → ${POLL.maxSeconds} s.`,
  );
  console.log(latencyNote());
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--servers');
  await benchQuota(at > 0 ? Number(process.argv[at + 1]) : SERVERS);
}
