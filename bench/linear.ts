// Cost against servers, across accounts: drills of 1,000, 3,000 and 10,000 servers replicating in
// staging accounts (DRS replicates at most 300 servers per account, so 10,000 need 34) and
// recovered into the home account, in 3 waves (tiers, as bench/multi-account.ts), through the real path (runLocal, the
// built handlers, the local DRS service, speed 0). The servers are extended into the target
// account before the run (an estate in steady state: extension is measured by
// bench/multi-account.ts); the first tier's servers each have a required post-launch action.
// Each size runs `--runs` times (default 3): wall time min / median / max, CPU time (the whole
// process: runner, handlers' worker thread, local services), peak RSS, DRS calls by operation
// (exact: the local service counts them), history events, largest state payload, Lambda
// invocations, and the growth exponent between sizes (log cost ratio ÷ log size ratio: 1 is
// linear). Prints figures; asserts nothing.
// Run: npx tsx --expose-gc bench/linear.ts [--runs N] [--sizes 1000,3000,10000]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { generateScenario, MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION, startLocalDrs } from '#local/drs/index.ts';
import { runLocal } from '#local/runner/run-local.ts';
import { counted } from '#shared/words.ts';
import { OPERATIONS } from './api-calls.ts';
import { BENCH_BUILD_DIR, ensureBuilt, kib, mib, printTable, tierNames, withPeakRss } from './support.ts';

export const LINEAR_SIZES = [1000, 3000, 10_000] as const;
const WAVES = 3;
const RUNS = 3;

export interface LinearRun {
  servers: number;
  stagingAccounts: number;
  status: string;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  drsCalls: Record<string, number>;
  historyEvents: number;
  largestPayloadBytes: number;
  lambdaInvocations: Record<string, number>;
  simulatedSeconds: number;
}

/** One drill of `servers` servers from ceil(servers / 300) staging accounts into the home account. */
export async function measureLinear(servers: number): Promise<LinearRun> {
  await ensureBuilt();
  const tiers = tierNames(WAVES);
  const stagingAccounts = Math.ceil(servers / MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION);
  const scenario = generateScenario({
    servers,
    applications: Math.ceil(servers / WAVES),
    tiers,
    stagingAccounts,
    launchActions: true,
    startTime: '2026-03-01T02:00:00Z',
  });
  const plan = {
    name: 'bench-linear',
    targets: { rtoMinutes: 240, rpoMinutes: 15 },
    defaults: { snapshot: 'latest', waitForPostLaunchActions: true, failureBudget: 0, timeoutMinutes: 240 },
    waves: tiers.map((tier) => ({ name: `wave-${tier}`, servers: { tags: { Tier: tier } } })),
  };
  const folder = await mkdtemp(join(tmpdir(), 'drs-bench-linear-'));
  const plansDir = join(folder, 'plans');
  await mkdir(plansDir);
  await writeFile(join(plansDir, 'bench.yaml'), stringify(plan));
  global.gc?.();
  const drs = await startLocalDrs({ scenario, speed: 0 });
  try {
    const cpuBefore = process.cpuUsage();
    const { value: result, peakRss } = await withPeakRss(() =>
      runLocal({ input: { plan: plan.name, mode: 'drill' }, plansDir, reportsDir: join(folder, 'reports'), drs, buildDir: BENCH_BUILD_DIR }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const drsCalls: Record<string, number> = {};
    for (const operation of OPERATIONS) {
      const count = drs.countCalls(operation);
      if (count > 0) drsCalls[operation] = count;
    }
    return {
      servers,
      stagingAccounts,
      status: result.status === 'SUCCEEDED' ? result.status : `${result.status}: ${result.error}: ${result.cause}`,
      wallMs: result.wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssBytes: peakRss,
      drsCalls,
      historyEvents: result.historyEvents,
      largestPayloadBytes: result.largestPayloadBytes,
      lambdaInvocations: result.lambdaInvocations,
      simulatedSeconds: result.simulatedSeconds,
    };
  } finally {
    await drs.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const median = (values: readonly number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const spread = (values: readonly number[], format: (value: number) => string) => {
  const s = sorted(values);
  return s.length === 1 ? format(s[0]!) : `${format(s[0]!)} / ${format(median(s))} / ${format(s.at(-1)!)}`;
};
/** The growth exponent from size a to size b: 1 is linear, 2 quadratic. */
const exponent = (costA: number, costB: number, sizeA: number, sizeB: number) => (Math.log(costB / costA) / Math.log(sizeB / sizeA)).toFixed(2);

export function printLinear(bySize: readonly LinearRun[][]): void {
  const shown = bySize.map((runs) => runs[0]!);
  const header = ['figure', ...shown.map((run) => `${run.servers.toLocaleString('en-US')} servers (${run.stagingAccounts} staging)`)];
  const growth = (pick: (runs: readonly LinearRun[]) => number) =>
    bySize.slice(1).map((runs, i) => `n^${exponent(pick(bySize[i]!), pick(runs), bySize[i]![0]!.servers, runs[0]!.servers)}`);
  printTable(
    `Cost against servers: drills from staging accounts into one account, ${WAVES} waves, ${counted(bySize[0]?.length ?? 0, 'run')} each (local run, speed 0)`,
    header,
    [
      ['outcome', ...shown.map((run) => run.status)],
      ['wall time min / median / max', ...bySize.map((runs) => spread(runs.map((run) => run.wallMs), seconds))],
      ['CPU time min / median / max', ...bySize.map((runs) => spread(runs.map((run) => run.cpuMs), seconds))],
      ['peak RSS min / median / max', ...bySize.map((runs) => spread(runs.map((run) => run.peakRssBytes), mib))],
      ['DRS calls', ...shown.map((run) => sum(run.drsCalls))],
      ['DRS calls per server', ...shown.map((run) => (sum(run.drsCalls) / run.servers).toFixed(3))],
      ['history events', ...shown.map((run) => run.historyEvents)],
      ['largest state payload', ...shown.map((run) => kib(run.largestPayloadBytes))],
      ['Lambda invocations', ...shown.map((run) => sum(run.lambdaInvocations))],
      ['simulated time', ...shown.map((run) => `${(run.simulatedSeconds / 3600).toFixed(2)} h`)],
    ],
  );
  if (bySize.length > 1) {
    printTable(
      '   Growth between sizes (median; n^1.00 is linear)',
      ['figure', ...bySize.slice(1).map((runs, i) => `${bySize[i]![0]!.servers.toLocaleString('en-US')} → ${runs[0]!.servers.toLocaleString('en-US')}`)],
      [
        ['wall time', ...growth((runs) => median(runs.map((run) => run.wallMs)))],
        ['CPU time', ...growth((runs) => median(runs.map((run) => run.cpuMs)))],
        ['peak RSS', ...growth((runs) => median(runs.map((run) => run.peakRssBytes)))],
        ['DRS calls', ...growth((runs) => sum(runs[0]!.drsCalls))],
        ['history events', ...growth((runs) => runs[0]!.historyEvents)],
      ],
    );
  }
  const operations = [...new Set(shown.flatMap((run) => Object.keys(run.drsCalls)))].sort();
  printTable(
    '   DRS calls by operation (exact; per server in brackets)',
    header,
    operations.map((operation) => [
      operation,
      ...shown.map((run) => `${(run.drsCalls[operation] ?? 0).toLocaleString('en-US')} (${((run.drsCalls[operation] ?? 0) / run.servers).toFixed(3)})`),
    ]),
  );
  const steps = [...new Set(shown.flatMap((run) => Object.keys(run.lambdaInvocations)))].sort();
  printTable('   Lambda invocations by step', header, steps.map((step) => [step, ...shown.map((run) => run.lambdaInvocations[step] ?? 0)]));
}

export async function benchLinear(runs = RUNS, sizes: readonly number[] = LINEAR_SIZES): Promise<LinearRun[][]> {
  const bySize: LinearRun[][] = [];
  for (const servers of sizes) {
    const sizeRuns: LinearRun[] = [];
    for (let run = 0; run < runs; run++) sizeRuns.push(await measureLinear(servers));
    bySize.push(sizeRuns);
  }
  printLinear(bySize);
  return bySize;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const sizes = option('--sizes')?.split(',').map(Number) ?? LINEAR_SIZES;
  await benchLinear(Number(option('--runs') ?? RUNS), sizes);
}
