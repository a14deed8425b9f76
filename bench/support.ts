// What the workflow benchmarks share: the built handlers (built once per process), a generated
// scenario with a plan of N waves over it in a temp plans folder, one local run at speed 0
// (simulated time moves only by the workflow's waits: exact, repeatable), and a table printer.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildFunctions, type BuiltFunction } from '#deploy/build.ts';
import { generateScenario, startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { runLocal, type RunLocalOptions, type RunResult } from '#local/runner/run-local.ts';

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
    process.once('exit', () => rmSync(BENCH_BUILD_DIR, { recursive: true, force: true }));
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
  /** Modelled service latencies (runLocal's `latencies`). */
  latencies?: RunLocalOptions['latencies'];
}

export interface GeneratedRun {
  result: RunResult;
  drs: LocalDrs;
  /** Wave name by source server ID. */
  waveOfServer: Map<string, string>;
  waveNames: string[];
  /** DescribeJobs calls each poll step (CheckLaunch, CheckPostLaunchActions) made, in order. */
  describeJobsPerPoll: number[];
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
        if (event.type === 'StateEntered') atPollEntry = drs.countCalls('DescribeJobs');
        else if (event.type === 'StateExited') describeJobsPerPoll.push(drs.countCalls('DescribeJobs') - atPollEntry);
      },
    });
    if (result.status !== 'SUCCEEDED' && !options.allowFailure) throw new Error(`bench run failed: ${result.error}: ${result.cause}`);
    const waveOfServer = new Map(
      drs.state().sourceServers.map((server) => [server.sourceServerID ?? '', `wave-${server.tags?.Tier ?? '?'}`]),
    );
    return { result, drs, waveOfServer, waveNames: plan.waves.map((wave) => wave.name), describeJobsPerPoll };
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
export const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
