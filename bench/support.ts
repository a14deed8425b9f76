// What the benchmarks share: the built handlers (built once per process), a generated scenario
// with a plan of N waves over it in a temp plans folder, one local run at speed 0 (simulated time
// moves only by the workflow's waits and the modelled latencies: exact, repeatable), how
// wall-clock figures are repeated and summarized (min / median / max), and a table printer.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildFunctions, recordFileOf, type BuiltFunction } from '#deploy/build.ts';
import { generateScenario, startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { runLocal, type Latencies, type RunLocalOptions, type RunResult } from '#local/runner/run-local.ts';

/**
 * How many times each wall-clock figure is taken (wall time, import time, requests per second):
 * BENCH_REPEATS, default 3. One sample of a noisy machine says little; the spread says how much.
 * Simulated figures are exact at speed 0 and are taken once.
 */
export const REPEATS = repeatsFromEnvironment();

function repeatsFromEnvironment(): number {
  const raw = process.env.BENCH_REPEATS;
  if (raw === undefined || raw === '') return 3;
  const repeats = Number(raw);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`BENCH_REPEATS must be a whole number ≥ 1 (default 3), not ${JSON.stringify(raw)}`);
  return repeats;
}

/** Runs `work` `times` times, one after another (round 0, 1, …), and returns every result. */
export async function repeat<T>(times: number, work: (round: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let round = 0; round < times; round++) results.push(await work(round));
  return results;
}

/**
 * Runs every variant once per round, round after round (A B C, A B C, …), so that the machine's
 * load in any moment falls on all of them alike: a comparison measured side by side.
 */
export async function interleave<K extends string, T>(rounds: number, variants: Readonly<Record<K, (round: number) => Promise<T>>>): Promise<Record<K, T[]>> {
  const names = Object.keys(variants) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) results[name].push(await variants[name](round));
  }
  return results;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  samples: number;
}

/** min / median / max of the samples (the median of an even count is the mean of the middle two). */
export function summarize(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)!, samples: sorted.length };
}

/**
 * `12.1 / 12.6 / 14.0 s`: min / median / max, each formatted, the unit once at the end; one
 * sample is shown alone.
 */
export function spread(samples: readonly number[], format: (value: number) => string, unit = ''): string {
  const { min, median, max } = summarize(samples);
  const text = samples.length === 1 ? format(median) : `${format(min)} / ${format(median)} / ${format(max)}`;
  // `12 ms`, `1.2×`: a space before a word, none before a sign.
  return /^[A-Za-z]/.test(unit) ? `${text} ${unit}` : `${text}${unit}`;
}

/** A number with `digits` decimals, for spread. */
export const fixed = (digits: number) => (value: number) => value.toFixed(digits);

/**
 * What AWS typically costs (order of magnitude, warm), added by the local runner in simulated
 * time (runLocal's `latencies`): a warm Lambda invocation through Step Functions 40 ms, a state
 * transition 25 ms, a DRS API call 80 ms, an EventBridge delivery 500 ms. At speed 0 the work
 * itself costs no simulated time, so without these a run measures only the workflow's waits.
 */
export const MODELLED_LATENCIES: Required<Latencies> = { lambdaInvokeMs: 40, stateTransitionMs: 25, drsApiMs: 80, eventDeliveryMs: 500 };

export interface LatencyProfile {
  name: 'zero' | 'modelled';
  latencies: Latencies;
}

/** The latency profiles each workflow case runs with, side by side: zero, and modelled. */
export const LATENCY_PROFILES: readonly LatencyProfile[] = [
  { name: 'zero', latencies: {} },
  { name: 'modelled', latencies: MODELLED_LATENCIES },
];

/** `Lambda 40 ms, transition 25 ms, DRS call 80 ms, event 500 ms`. */
export const describeLatencies = (latencies: Latencies) =>
  `Lambda ${latencies.lambdaInvokeMs ?? 0} ms, transition ${latencies.stateTransitionMs ?? 0} ms, DRS call ${latencies.drsApiMs ?? 0} ms, event ${latencies.eventDeliveryMs ?? 0} ms`;

/** The line a bench prints under a table measured with the latency profiles. */
export function latencyNote(): string {
  return `  Latencies in simulated time: zero (the workflow's waits only); modelled (${describeLatencies(MODELLED_LATENCIES)}).`;
}

let built: Promise<BuiltFunction[]> | undefined;

/**
 * The benches' own build of the handlers (the same esbuild call as `npm run build`), in a folder
 * of their own: other runs rebuilding .build/functions meanwhile cannot change what is measured.
 */
export const BENCH_BUILD_DIR = join(tmpdir(), `drs-bench-build-${process.pid}`);

/** Builds the handlers once per process: every bench measures the current code. */
export function ensureBuilt(): Promise<BuiltFunction[]> {
  if (built === undefined) {
    built = buildFunctions({ outDir: BENCH_BUILD_DIR });
    process.once('exit', () => {
      rmSync(BENCH_BUILD_DIR, { recursive: true, force: true });
      rmSync(recordFileOf(BENCH_BUILD_DIR), { force: true });
    });
  }
  return built;
}


/** `t01`, `t02`, …: one tier per wave, so wave i selects `{Tier: t0i}`. */
export function tierNames(waves: number): string[] {
  return Array.from({ length: waves }, (_, index) => `t${String(index + 1).padStart(2, '0')}`);
}

export interface GeneratedRunOptions {
  servers: number;
  waves: number;
  mode: 'drill' | 'recovery';
  /** Servers of the first wave get a required post-launch action (default true). */
  launchActions?: boolean;
  /** Scenario phase durations to override (seconds). */
  durations?: Scenario['durations'];
  /** Plan defaults to set (e.g. timeoutMinutes). */
  planDefaults?: Record<string, unknown>;
  /** Keep the local DRS service running after the run (the caller stops it). */
  keepDrs?: boolean;
  /** A failed run is a figure too (e.g. a wave timing out), not an error of the bench. */
  allowFailure?: boolean;
  /** How DRS's events reach the workflow (runLocal's `events`: lost, repeated, delayed, none). */
  events?: RunLocalOptions['events'];
  /** Latencies the runner adds in simulated time (none by default). */
  latencies?: Latencies;
}

export interface GeneratedRun {
  result: RunResult;
  drs: LocalDrs;
  /** Wave name by source server ID. */
  waveOfServer: Map<string, string>;
  waveNames: string[];
  /** DescribeJobs calls each poll step (CheckLaunch, CheckPostLaunchActions) made, in order. */
  describeJobsPerPoll: number[];
  /** When each poll step was entered, in simulated epoch milliseconds, in order. */
  pollEnteredMs: number[];
}

/** The poll steps of a wave: the only steps that describe its jobs while it runs. */
export const POLL_STEPS = new Set(['CheckLaunch', 'CheckPostLaunchActions']);

/**
 * A generated scenario of `servers` servers spread over `waves` tiers, a plan of one wave per
 * tier (selected by tag), run once through the real state machine and built handlers.
 */
export async function runGeneratedPlan(options: GeneratedRunOptions): Promise<GeneratedRun> {
  await ensureBuilt();
  const tiers = tierNames(options.waves);
  // generateScenario gives server i the tier floor(i / applications): with servers/waves
  // applications, each tier (wave) holds servers/waves servers.
  const applications = Math.max(1, Math.ceil(options.servers / options.waves));
  const scenario: Scenario = {
    ...generateScenario({ servers: options.servers, applications, tiers, launchActions: options.launchActions ?? true, startTime: '2026-03-01T02:00:00Z' }),
    ...(options.durations ? { durations: options.durations } : {}),
  };
  const plan = {
    name: 'bench',
    targets: { rtoMinutes: 240, rpoMinutes: 15 },
    defaults: { snapshot: 'latest', waitForPostLaunchActions: true, failureBudget: 0, timeoutMinutes: 240, ...options.planDefaults },
    waves: tiers.map((tier) => ({ name: `wave-${tier}`, servers: { tags: { Tier: tier } } })),
  };
  const folder = await mkdtemp(join(tmpdir(), 'drs-bench-'));
  const plansDir = join(folder, 'plans');
  await mkdir(plansDir);
  await writeFile(join(plansDir, 'bench.yaml'), stringify(plan));
  const drs = await startLocalDrs({ scenario, speed: 0 });
  try {
    // States run one at a time and a poll's handler calls DRS between its Entered and Exited
    // events: the DescribeJobs count's difference across them is that poll's calls.
    const describeJobsPerPoll: number[] = [];
    const pollEnteredMs: number[] = [];
    let atPollEntry = 0;
    const result = await runLocal({
      input: { plan: 'bench', mode: options.mode },
      plansDir,
      reportsDir: join(folder, 'reports'),
      drs,
      buildDir: BENCH_BUILD_DIR,
      ...(options.events === undefined ? {} : { events: options.events }),
      ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
      onEvent: (event) => {
        if (!('state' in event) || !POLL_STEPS.has(event.state.name)) return;
        if (event.type === 'StateEntered') {
          atPollEntry = drs.countCalls('DescribeJobs');
          pollEnteredMs.push(drs.now().getTime());
        }
        else if (event.type === 'StateExited') describeJobsPerPoll.push(drs.countCalls('DescribeJobs') - atPollEntry);
      },
    });
    if (result.status !== 'SUCCEEDED' && !options.allowFailure) throw new Error(`bench run failed: ${result.error}: ${result.cause}`);
    const waveOfServer = new Map(
      drs.state().sourceServers.map((server) => [server.sourceServerID ?? '', `wave-${server.tags?.Tier ?? '?'}`]),
    );
    return { result, drs, waveOfServer, waveNames: plan.waves.map((wave) => wave.name), describeJobsPerPoll, pollEnteredMs };
  } finally {
    if (!options.keepDrs) await drs.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Samples the process's RSS while `work` runs: the peak of the run, not of the process's life. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await work();
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { value, peakRss };
  } finally {
    clearInterval(sampler);
  }
}

export type Cell = string | number;

/** Prints a titled table, columns aligned (numbers right, text left). */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)));
  const widths = header.map((name, column) => Math.max(name.length, ...text.map((row) => row[column]?.length ?? 0)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number' || /^[\d.,×%<≤-]+( ?[a-zA-Z%]+)?$/.test(String(row[column]))));
  const line = (cells: readonly string[]) =>
    '  ' + cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(line(widths.map((width) => '─'.repeat(width))));
  for (const row of text) console.log(line(row));
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const pct = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;
/** A target's verdict: for exact figures only (simulated, counted), never for a wall-clock sample. */
export const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
