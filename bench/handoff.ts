// Wave hand-off: from the moment a wave's last server is ready in DRS (launched, or its last
// post-launch action ended when the wave waits for them) to the next wave's StartRecovery, in
// simulated time, with the services' latencies modelled on the frozen clock (Lambda invocation,
// state transition, DRS request, EventBridge delivery: bench/support.ts's MODELLED_LATENCIES). Each plan runs with DRS's
// launch results and SSM's ends of post-launch action runs delivered (the event-driven hand-off),
// with every one of them lost (only the fallback poll), and with every one repeated. Simulated figures are exact: one run each.
// Prints figures; asserts nothing. Run: npx tsx bench/handoff.ts
import { pathToFileURL } from 'node:url';
import type { JobTimeline } from '#local/drs/index.ts';
import { describeLatencies, MODELLED_LATENCIES, printTable, runGeneratedPlan } from './support.ts';

const PLANS = [
  { waves: 3, servers: 30, launchActions: false, gated: 'no' },
  { waves: 10, servers: 100, launchActions: false, gated: 'no' },
  // generateScenario gives the first wave's servers a required post-launch action.
  { waves: 3, servers: 30, launchActions: true, gated: 'first wave' },
] as const;

const DELIVERY = {
  'events delivered': undefined,
  'every event lost (poll only)': { dropRate: 1 },
  'every event twice': { duplicateRate: 1 },
} as const;

/** Per wave: its first StartRecovery and its last server ready. */
function waveTimes(timeline: readonly JobTimeline[], waveOfServer: ReadonlyMap<string, string>, waveNames: readonly string[]) {
  const times = new Map<string, { firstStartMs: number; lastReadyMs: number; gated: boolean }>();
  for (const job of timeline) {
    if (job.type !== 'LAUNCH') continue;
    for (const server of job.servers) {
      const name = waveOfServer.get(server.sourceServerID) ?? '?';
      const ends = server.actions.flatMap((action) => (action.end === undefined ? [] : [Date.parse(action.end)]));
      const ready = Math.max(Date.parse(server.launchEnd ?? ''), ...ends);
      const wave = times.get(name) ?? { firstStartMs: Infinity, lastReadyMs: 0, gated: false };
      wave.firstStartMs = Math.min(wave.firstStartMs, Date.parse(job.created));
      wave.lastReadyMs = Math.max(wave.lastReadyMs, ready);
      wave.gated ||= ends.length > 0;
      times.set(name, wave);
    }
  }
  return waveNames.map((name) => times.get(name)!);
}

const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);
const seconds = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(1)} s`);

export interface HandoffFigures {
  plan: string;
  delivery: string;
  plainSeconds: number[];
  gatedSeconds: number[];
  historyEvents: number;
  simulatedSeconds: number;
  resumeInvocations: number;
  drsCalls: number;
}

export async function measureHandoff(plan: (typeof PLANS)[number], delivery: keyof typeof DELIVERY): Promise<HandoffFigures> {
  const { result, drs, waveOfServer, waveNames } = await runGeneratedPlan({
    servers: plan.servers,
    waves: plan.waves,
    mode: 'recovery',
    launchActions: plan.launchActions,
    keepDrs: true,
    latencies: MODELLED_LATENCIES,
    ...(DELIVERY[delivery] === undefined ? {} : { events: DELIVERY[delivery] }),
  });
  try {
    const times = waveTimes(drs.timeline(), waveOfServer, waveNames);
    const handoffs = times.slice(1).map((wave, index) => ({ seconds: (wave.firstStartMs - times[index]!.lastReadyMs) / 1000, gated: times[index]!.gated }));
    return {
      plan: `${plan.waves} waves, ${plan.servers} servers, post-launch actions: ${plan.gated}`,
      delivery,
      plainSeconds: handoffs.filter((handoff) => !handoff.gated).map((handoff) => handoff.seconds),
      gatedSeconds: handoffs.filter((handoff) => handoff.gated).map((handoff) => handoff.seconds),
      historyEvents: result.historyEvents,
      simulatedSeconds: result.simulatedSeconds,
      // The launch results' rule and SSM's run ends' rules all invoke resumeWave.
      resumeInvocations: (result.lambdaInvocations.LaunchResultRule ?? 0) + (result.lambdaInvocations.ActionAutomationEndRule ?? 0) + (result.lambdaInvocations.ActionCommandEndRule ?? 0),
      drsCalls: drs.countCalls(),
    };
  } finally {
    await drs.stop();
  }
}

export async function benchHandoff(): Promise<HandoffFigures[]> {
  const figures: HandoffFigures[] = [];
  for (const plan of PLANS) {
    for (const delivery of Object.keys(DELIVERY) as Array<keyof typeof DELIVERY>) figures.push(await measureHandoff(plan, delivery));
  }
  const latencies = describeLatencies(MODELLED_LATENCIES);
  printTable(
    `Wave hand-off (recovery of a generated plan, simulated time, modelled latencies: ${latencies}; targets: mean ≤ 2 s, max ≤ 5 s without post-launch actions, mean ≤ 5 s gated on them)`,
    ['plan', 'events (launch results, run ends)', 'hand-off mean (no actions)', 'max (no actions)', 'hand-off after actions', 'history events', 'run', 'resumeWave invocations', 'DRS calls'],
    figures.map((f) => [
      f.plan,
      f.delivery,
      seconds(mean(f.plainSeconds)),
      seconds(f.plainSeconds.length === 0 ? Number.NaN : Math.max(...f.plainSeconds)),
      seconds(mean(f.gatedSeconds)),
      f.historyEvents,
      `${f.simulatedSeconds} s`,
      f.resumeInvocations,
      f.drsCalls,
    ]),
  );
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchHandoff();
}
