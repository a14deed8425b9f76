// Orchestration overhead: how much simulated time the workflow adds to what DRS itself takes.
// For plans of 3 and 10 waves (a recovery: no clean-up after the last wave), per wave hand-off
// the delay between the moment the wave's last server is ready in DRS (launched, or its last
// post-launch action done when the wave waits for them) and the next wave's StartRecovery; and
// the run's duration over its ideal critical path (the sum of each wave's own DRS time: its
// first StartRecovery → its last server ready). Each plan runs with zero latencies and with the
// modelled ones (bench/support.ts), side by side. Simulated time: exact, so each case runs once.
// Prints figures; asserts nothing.
// Run: npx tsx bench/overhead.ts
import { pathToFileURL } from 'node:url';
import type { JobTimeline } from '#local/drs/index.ts';
import { POLL } from '#shared/engine/polling.ts';
import { LATENCY_PROFILES, latencyNote, met, pct, printTable, runGeneratedPlan, type LatencyProfile } from './support.ts';

const PLANS = [
  { waves: 3, servers: 30 },
  { waves: 10, servers: 100 },
] as const;

const ms = (iso: string) => Date.parse(iso);

interface WaveTimes {
  name: string;
  firstStartMs: number;
  lastReadyMs: number;
}

/** Each wave's first StartRecovery (its first job's creation) and its last server ready. */
function waveTimes(timeline: readonly JobTimeline[], waveOfServer: ReadonlyMap<string, string>, waveNames: readonly string[]): WaveTimes[] {
  const times = new Map<string, WaveTimes>();
  for (const job of timeline) {
    if (job.type !== 'LAUNCH') continue;
    for (const server of job.servers) {
      const name = waveOfServer.get(server.sourceServerID) ?? '?';
      const ends = server.actions.map((action) => action.end);
      const readyIso = ends.length > 0 ? ends.reduce((a, b) => ((a ?? '') > (b ?? '') ? a : b)) : server.launchEnd;
      if (readyIso === undefined) throw new Error(`server ${server.sourceServerID} never became ready`);
      const wave = times.get(name) ?? { name, firstStartMs: Infinity, lastReadyMs: 0 };
      wave.firstStartMs = Math.min(wave.firstStartMs, ms(job.created));
      wave.lastReadyMs = Math.max(wave.lastReadyMs, ms(readyIso));
      times.set(name, wave);
    }
  }
  return waveNames.map((name) => times.get(name)!);
}

export interface OverheadFigures {
  profile: LatencyProfile;
  waves: number;
  servers: number;
  simulatedSeconds: number;
  criticalPathSeconds: number;
  overheadRatio: number;
  handoffsSeconds: number[];
  /** Per hand-off: whether the next wave started at the first poll after the wave was ready (before the second). */
  handoffAtFirstPoll: boolean[];
  /** Per hand-off: the poll interval in force then (seconds since the poll before). */
  handoffPollIntervalSeconds: number[];
  lastWaveDetectionSeconds: number;
  runStartToFirstStartSeconds: number;
}

export async function measureOverhead(waves: number, servers: number, profile: LatencyProfile = LATENCY_PROFILES[0]!): Promise<OverheadFigures> {
  const { result, drs, waveOfServer, waveNames, pollEnteredMs } = await runGeneratedPlan({ servers, waves, mode: 'recovery', keepDrs: true, latencies: profile.latencies });
  try {
    const times = waveTimes(drs.timeline(), waveOfServer, waveNames);
    const criticalMs = times.reduce((total, wave) => total + (wave.lastReadyMs - wave.firstStartMs), 0);
    const handoffs = times.slice(1).map((wave, index) => (wave.firstStartMs - times[index]!.lastReadyMs) / 1000);
    // The polls: when a CheckLaunch or CheckPostLaunchActions step was entered (with latencies,
    // its DescribeJobs calls come some milliseconds later, one after another).
    const pollInstants = [...new Set(pollEnteredMs)].sort((a, b) => a - b);
    const firstPollAfter = times.slice(0, -1).map((wave) => pollInstants.findIndex((at) => at >= wave.lastReadyMs));
    const runEndMs = drs.now().getTime();
    const runStartMs = runEndMs - result.simulatedSeconds * 1000;
    return {
      profile,
      waves,
      servers,
      simulatedSeconds: result.simulatedSeconds,
      criticalPathSeconds: criticalMs / 1000,
      overheadRatio: (result.simulatedSeconds * 1000) / criticalMs - 1,
      handoffsSeconds: handoffs,
      // With latencies the StartRecovery comes a little after the poll that saw the wave ready.
      handoffAtFirstPoll: firstPollAfter.map((index, wave) => index >= 0 && times[wave + 1]!.firstStartMs < (pollInstants[index + 1] ?? Infinity)),
      handoffPollIntervalSeconds: firstPollAfter.map((index) => (pollInstants[index]! - (pollInstants[index - 1] ?? 0)) / 1000),
      lastWaveDetectionSeconds: (runEndMs - times.at(-1)!.lastReadyMs) / 1000,
      runStartToFirstStartSeconds: (times[0]!.firstStartMs - runStartMs) / 1000,
    };
  } finally {
    await drs.stop();
  }
}

export async function benchOverhead(): Promise<OverheadFigures[]> {
  const figures: OverheadFigures[] = [];
  for (const plan of PLANS) {
    for (const profile of LATENCY_PROFILES) figures.push(await measureOverhead(plan.waves, plan.servers, profile));
  }
  printTable(
    `1. Orchestration overhead (recovery of a generated plan, simulated time, default polling ${POLL.minSeconds} s ×${POLL.growth} → ${POLL.maxSeconds} s)`,
    ['plan', 'latency', 'run', 'critical path', 'run / critical path', 'overhead (≤ 2%)', 'hand-off mean', 'hand-off max', 'its poll interval', 'at the first poll after ready', 'last wave seen after'],
    figures.map((f) => {
      const mean = f.handoffsSeconds.reduce((a, b) => a + b, 0) / f.handoffsSeconds.length;
      const max = Math.max(...f.handoffsSeconds);
      const slowest = f.handoffsSeconds.indexOf(max);
      const atFirstPoll = f.handoffAtFirstPoll.filter(Boolean).length;
      return [
        `${f.waves} waves, ${f.servers} servers`,
        f.profile.name,
        `${f.simulatedSeconds.toFixed(Number.isInteger(f.simulatedSeconds) ? 0 : 1)} s`,
        `${f.criticalPathSeconds.toFixed(0)} s`,
        `${(1 + f.overheadRatio).toFixed(4)}×`,
        `${pct(f.overheadRatio)} ${met(f.overheadRatio <= 0.02)}`,
        `${mean.toFixed(1)} s`,
        `${max.toFixed(0)} s`,
        `${f.handoffPollIntervalSeconds[slowest]!.toFixed(0)} s`,
        `${atFirstPoll}/${f.handoffAtFirstPoll.length} ${met(atFirstPoll === f.handoffAtFirstPoll.length)}`,
        `${f.lastWaveDetectionSeconds.toFixed(0)} s`,
      ];
    }),
  );
  console.log(latencyNote());
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchOverhead();
}
