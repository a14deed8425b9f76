// Multi-account scale: two drills of generated estates through the real path (runLocal, the built
// handlers, the local DRS and STS services, speed 0), nothing extended before the run, so every
// wave first extends its staging servers into its target account (ExtendSourceServers):
//   1. 3,000 servers replicating in 10 staging accounts (300 each, DRS's limit per account),
//      recovered into the home account, the one the orchestrator runs in: the usual layout when
//      one account recovers (no role to assume);
//   2. 6,000 servers into two target accounts, the home account and one reached with AssumeRole
//      and an external ID, each extending from its own 10 staging accounts; every wave's
//      selectors name both accounts, so their jobs run side by side, each within its own quotas.
// Figures: run duration over the quota-bound ideal (each round as long as DRS held its jobs), DRS
// and STS calls per server, largest state payload, history events, Lambda invocations per step,
// wall time, peak RSS. Asserts nothing.
// Run: npx tsx bench/multi-account.ts [--runs N] [--case 1|2]   (default: BENCH_REPEATS, 3, runs of each case)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import {
  generateScenario,
  generatedTargetAccountId,
  quotas,
  startLocalDrs,
  type JobTimeline,
  type LocalDrs,
  type ParsedScenario,
  type Scenario,
} from '#local/drs/index.ts';
import { DEFAULT_ACCOUNT_ID, type Identity } from '#local/identity/index.ts';
import { runLocal, type ExecutionLogEvent, type RunResult } from '#local/runner/run-local.ts';
import { startLocalSts } from '#local/sts/index.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { OPERATIONS } from './api-calls.ts';
import { quotaUse } from './scale.ts';
import { BENCH_BUILD_DIR, ensureBuilt, fixed, kib, met, mib, printTable, REPEATS, spread, tierNames, withPeakRss } from './support.ts';

const WAVES = 3;
const STAGING_PER_TARGET = 10;
const SERVERS_PER_STAGING = 300;
const EXTERNAL_ID = 'drs-bench-external-id';

export interface TargetAccount {
  alias: string;
  accountId: string;
  /** Reached with AssumeRole (and the external ID); the home account is reached with the functions' own role. */
  assumed: boolean;
}

export interface MultiAccountCase {
  label: string;
  servers: number;
  targets: TargetAccount[];
}

const HOME: TargetAccount = { alias: 'recovery', accountId: DEFAULT_ACCOUNT_ID, assumed: false };
// generateScenario's second target account: its own role, trusting the home account's function role.
const ROLE_TARGET: TargetAccount = { alias: 'target-2', accountId: generatedTargetAccountId(2), assumed: true };

export const CASES: readonly MultiAccountCase[] = [
  { label: 'into one target account (the home account, recovery)', servers: 1 * STAGING_PER_TARGET * SERVERS_PER_STAGING, targets: [HOME] },
  {
    label: `(${STAGING_PER_TARGET} per target) into two target accounts (recovery, the home account, and target-2 by AssumeRole)`,
    servers: 2 * STAGING_PER_TARGET * SERVERS_PER_STAGING,
    targets: [HOME, ROLE_TARGET],
  },
];

/**
 * The case's estate: servers in consecutive blocks per target account, 300 per staging account,
 * tiers t01..t03 spread evenly within every account (server i is in tier floor(i / 1,000) mod 3).
 * No jitter in the phase durations, so the ideal below is one a perfect orchestrator could reach.
 * generateScenario makes either the home account the only target or only role-reached targets:
 * for home + one by role it makes two role-reached ones, and the first becomes the home account.
 */
export function scenarioOf(benchCase: MultiAccountCase): Scenario {
  const twoTargets = benchCase.targets.length === 2;
  const generated = generateScenario({
    servers: benchCase.servers,
    applications: benchCase.servers / WAVES / benchCase.targets.length,
    tiers: tierNames(WAVES),
    stagingAccounts: STAGING_PER_TARGET * benchCase.targets.length,
    extended: false,
    ...(twoTargets ? { targets: 2, externalId: EXTERNAL_ID } : {}),
    startTime: '2026-03-01T02:00:00Z',
  });
  const scenario: Scenario = { ...generated, durations: { jitter: 0 } };
  if (!twoTargets) return scenario;
  const first = generatedTargetAccountId(1);
  const identity = generated.identity as Identity;
  return {
    ...scenario,
    sourceServers: (generated.sourceServers ?? []).map(({ account, ...server }) => ({ ...server, ...(account === undefined || account === first ? {} : { account }) })),
    stagingAccounts: (generated.stagingAccounts ?? []).map((staging) =>
      typeof staging === 'object' && staging.targetAccount === first ? { ...staging, targetAccount: DEFAULT_ACCOUNT_ID } : staging,
    ),
    identity: { ...identity, accounts: identity.accounts.filter((account) => account.id !== first) },
  };
}

/** One wave per tier; each wave's selectors name every target account (the home one by default). */
export function planOf(benchCase: MultiAccountCase) {
  const selectors = (tier: string) => benchCase.targets.map((target) => ({ ...(target.assumed ? { account: target.alias } : {}), tags: { Tier: tier } }));
  return {
    name: 'bench-multi-account',
    targets: { rtoMinutes: 240, rpoMinutes: 15 },
    defaults: { snapshot: 'latest', waitForPostLaunchActions: true, failureBudget: 0, timeoutMinutes: 240 },
    waves: tierNames(WAVES).map((tier) => {
      const servers = selectors(tier);
      return { name: `wave-${tier}`, servers: servers.length === 1 ? servers[0]! : servers };
    }),
  };
}

const secondsOf = (duration: ParsedScenario['durations']['launchSeconds']) => (typeof duration === 'number' ? duration : duration.seconds);

/** Servers one round of jobs can hold in one account: 500 in active jobs (20 jobs × 100 would be 2,000). */
export const ROUND_SERVERS = Math.min(quotas.serversInActiveJobs, quotas.concurrentJobs * quotas.serversPerJob);

export interface Ideal {
  /** How long DRS held a launch job, created → COMPLETED: what a round of the wave costs, since its capacity frees only then. */
  launchSeconds: number;
  /** The scenario's phases of a launch job: job start + on-demand snapshot (`snapshot: latest`) + conversion + launch. */
  launchPhasesSeconds: number;
  /** How long DRS held a TERMINATE job, created → COMPLETED. */
  terminateSeconds: number;
  /** Per wave: the most rounds any account needs. */
  waveRounds: number[];
  cleanupRounds: number;
  wavesSeconds: number;
  cleanupSeconds: number;
  totalSeconds: number;
}

/**
 * The quota-bound ideal: each wave takes ceil(its servers in the account / 500) launch rounds,
 * accounts in parallel (the slowest account sets the wave's time), waves one after another, then
 * the drill's clean-up takes ceil(instances in the account / 500) terminate rounds. A round costs
 * as long as DRS held its jobs (created → COMPLETED, from the service's timeline: no jitter, so
 * every job alike): the next round, the next wave's first and the clean-up's first TERMINATE (DRS
 * refuses to terminate an instance whose server is still in a job) all wait for that capacity.
 * Nothing else costs time: no poll delay, no hand-off, extension and report instant (as in the
 * local service).
 */
export function idealOf(timeline: readonly JobTimeline[], serversByWaveAndAccount: readonly (readonly number[])[], durations: ParsedScenario['durations']): Ideal {
  const held = (type: JobTimeline['type']) => Math.max(0, ...timeline.filter((job) => job.type === type && job.completed !== undefined).map((job) => (Date.parse(job.completed!) - Date.parse(job.created)) / 1000));
  const launchSeconds = held('LAUNCH');
  const terminateSeconds = held('TERMINATE');
  const launchPhasesSeconds = secondsOf(durations.jobStartSeconds) + secondsOf(durations.snapshotSeconds) + secondsOf(durations.conversionSeconds) + secondsOf(durations.launchSeconds);
  const rounds = (servers: number) => Math.ceil(servers / ROUND_SERVERS);
  const waveRounds = serversByWaveAndAccount.map((accounts) => Math.max(0, ...accounts.map(rounds)));
  const accounts = serversByWaveAndAccount[0]?.length ?? 0;
  const instancesPerAccount = Array.from({ length: accounts }, (_, a) => serversByWaveAndAccount.reduce((total, wave) => total + (wave[a] ?? 0), 0));
  const cleanupRounds = Math.max(0, ...instancesPerAccount.map(rounds));
  const wavesSeconds = waveRounds.reduce((total, r) => total + r * launchSeconds, 0);
  const cleanupSeconds = cleanupRounds * terminateSeconds;
  return { launchSeconds, launchPhasesSeconds, terminateSeconds, waveRounds, cleanupRounds, wavesSeconds, cleanupSeconds, totalSeconds: wavesSeconds + cleanupSeconds };
}

export interface MultiAccountRun {
  status: RunResult['status'];
  failure?: string;
  simulatedSeconds: number;
  /** Run start → the clean-up's first TERMINATE job; the clean-up from there to the end. */
  wavesSeconds: number;
  cleanupSeconds: number;
  ideal: Ideal;
  /** DRS calls by operation: in all accounts, and per target account (by ID). */
  drsCalls: Record<string, number>;
  drsCallsByAccount: Record<string, Record<string, number>>;
  /** Calls placed in the staging accounts (the orchestrator has no role there: expected none). */
  drsCallsInStaging: number;
  stsCalls: Record<string, number>;
  largestPayloadBytes: number;
  historyEvents: number;
  lambdaInvocations: Record<string, number>;
  wallMs: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  /** Per target account: the most concurrent jobs and servers in active jobs. */
  quota: Record<string, { jobs: number; maxJobs: number; maxServers: number }>;
  /** Per target account: drill instances DRS still lists after the run. */
  drillInstancesLeft: Record<string, number>;
  /** Step attempts that failed and were retried by the state machine: `StartWave: TimeoutError: socket hang up`. */
  retried: string[];
}

/** The message of a failed Task attempt: Step Functions' Cause is the Lambda runtime's JSON error. */
function failureMessageOf(event: Extract<ExecutionLogEvent, { type: 'StateFailed' }>): string {
  const cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
  try {
    return (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? event.Error;
  } catch {
    return cause || event.Error;
  }
}

function countsByOperation(drs: LocalDrs, accountId?: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const operation of OPERATIONS) {
    const count = drs.countCalls(operation, accountId);
    if (count > 0) counts[operation] = count;
  }
  return counts;
}

/** One drill of the case, on a fresh local DRS service and a local STS service of our own (to count its calls). */
export async function measureCase(benchCase: MultiAccountCase): Promise<MultiAccountRun> {
  await ensureBuilt();
  const folder = await mkdtemp(join(tmpdir(), 'drs-bench-multi-'));
  const plansDir = join(folder, 'plans');
  await mkdir(plansDir);
  const plan = planOf(benchCase);
  await writeFile(join(plansDir, 'bench.yaml'), stringify(plan));
  const drs = await startLocalDrs({ scenario: scenarioOf(benchCase), speed: 0 });
  // runLocal uses the STS service a DRS service comes with, and only starts its own otherwise.
  const sts = await startLocalSts({ identity: drs.identity });
  try {
    global.gc?.();
    const rssBeforeBytes = process.memoryUsage.rss();
    const startMs = drs.now().getTime();
    const retried: string[] = [];
    let lastFailure = '';
    const { value: result, peakRss } = await withPeakRss(() =>
      runLocal({
        input: { plan: plan.name, mode: 'drill' },
        plansDir,
        reportsDir: join(folder, 'reports'),
        drs: { ...drs, sts: { endpoint: sts.endpoint } },
        buildDir: BENCH_BUILD_DIR,
        onEvent: (event) => {
          if (event.type === 'StateFailed') lastFailure = failureMessageOf(event);
          else if (event.type === 'StateRetried') retried.push(`${event.state.name}: ${lastFailure}`);
        },
      }),
    );
    const endMs = drs.now().getTime();
    const timelines = benchCase.targets.map((target) => drs.timeline({ accountId: target.accountId }));
    const cleanupStartMs = Math.min(endMs, ...timelines.flat().filter((job) => job.type === 'TERMINATE').map((job) => Date.parse(job.created)));
    const serversByWaveAndAccount = plan.waves.map((wave) =>
      benchCase.targets.map((target) =>
        drs
          .state({ accountId: target.accountId })
          .jobs.filter((job) => job.type === 'LAUNCH' && job.tags?.[TAG.wave] === wave.name)
          .reduce((total, job) => total + (job.participatingServers?.length ?? 0), 0),
      ),
    );
    const stsCalls: Record<string, number> = {};
    for (const call of sts.calls()) stsCalls[call.action] = (stsCalls[call.action] ?? 0) + 1;
    const staging = (drs.scenario.stagingAccounts ?? []).map((account) => account.accountId);
    return {
      status: result.status,
      ...(result.status === 'SUCCEEDED' ? {} : { failure: `${result.error}: ${result.cause}` }),
      simulatedSeconds: result.simulatedSeconds,
      wavesSeconds: (cleanupStartMs - startMs) / 1000,
      cleanupSeconds: (endMs - cleanupStartMs) / 1000,
      ideal: idealOf(timelines.flat(), serversByWaveAndAccount, drs.scenario.durations),
      drsCalls: countsByOperation(drs),
      drsCallsByAccount: Object.fromEntries(benchCase.targets.map((target) => [target.accountId, countsByOperation(drs, target.accountId)])),
      drsCallsInStaging: staging.reduce((total, accountId) => total + drs.countCalls(undefined, accountId), 0),
      stsCalls,
      largestPayloadBytes: result.largestPayloadBytes,
      historyEvents: result.historyEvents,
      lambdaInvocations: result.lambdaInvocations,
      wallMs: result.wallMs,
      rssBeforeBytes,
      peakRssBytes: peakRss,
      quota: Object.fromEntries(benchCase.targets.map((target, index) => [target.accountId, quotaUse(timelines[index]!)])),
      retried,
      drillInstancesLeft: Object.fromEntries(
        benchCase.targets.map((target) => [target.accountId, drs.state({ accountId: target.accountId }).recoveryInstances.filter((instance) => instance.isDrill).length]),
      ),
    };
  } finally {
    await sts.stop();
    await drs.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

export interface CaseFigures {
  benchCase: MultiAccountCase;
  runs: MultiAccountRun[];
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const seconds = (value: number) => `${Math.round(value).toLocaleString('en-US')} s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

/**
 * The figures a run at speed 0 repeats exactly (seeded, simulated time), unless a step attempt
 * failed on something real (a socket, the machine's load) and the state machine retried it.
 */
const REPEATED_FIGURES: Record<string, (run: MultiAccountRun) => unknown> = {
  outcome: (run) => run.status,
  'simulated time': (run) => run.simulatedSeconds,
  'DRS calls': (run) => run.drsCalls,
  'STS calls': (run) => run.stsCalls,
  'history events': (run) => run.historyEvents,
  'state payload': (run) => run.largestPayloadBytes,
  'Lambda invocations': (run) => run.lambdaInvocations,
};

/** The repeated figures that differ between the runs, by name. */
function differing(runs: readonly MultiAccountRun[]): string[] {
  return Object.entries(REPEATED_FIGURES)
    .filter(([, figure]) => runs.some((run) => JSON.stringify(figure(run)) !== JSON.stringify(figure(runs[0]!))))
    .map(([name]) => name);
}

/** The run whose figures the tables show: the first that needed no retry, else the first. */
const shownRun = (runs: readonly MultiAccountRun[]) => runs.find((run) => run.retried.length === 0) ?? runs[0]!;

function printCase(number: number, { benchCase, runs }: CaseFigures): void {
  const run = shownRun(runs);
  const differ = differing(runs);
  const { ideal } = run;
  const drsTotal = sum(run.drsCalls);
  const stsTotal = sum(run.stsCalls);
  const stagingAccounts = STAGING_PER_TARGET * benchCase.targets.length;
  const perAccount = (format: (target: TargetAccount) => string) => benchCase.targets.map((target) => `${target.alias} ${format(target)}`).join(', ');
  const rounds = ideal.waveRounds.every((r) => r === ideal.waveRounds[0]) ? `${ideal.waveRounds.length} × ${ideal.waveRounds[0]}` : ideal.waveRounds.join(' + ');
  printTable(
    `${number === 1 ? '5. Multi-account scale, case 1' : `   Case ${number}`}: drill of ${benchCase.servers.toLocaleString('en-US')} servers from ${stagingAccounts} staging accounts ${benchCase.label}, ${WAVES} waves, nothing extended before (local run, speed 0, ${runs.length} run${runs.length === 1 ? '' : 's'})`,
    ['figure', 'value', 'target', ''],
    [
      ['outcome', run.status, 'SUCCEEDED', run.failure ?? ''],
      ['run (simulated)', `${seconds(run.simulatedSeconds)} (${(run.simulatedSeconds / 60).toFixed(1)} min)`, '', ''],
      ['quota-bound ideal', seconds(ideal.totalSeconds), '', `waves ${rounds} rounds × ${seconds(ideal.launchSeconds)} + clean-up ${ideal.cleanupRounds} × ${seconds(ideal.terminateSeconds)}`],
      ['run ÷ ideal', ratio(run.simulatedSeconds / ideal.totalSeconds), '', ''],
      ['  waves (run start → clean-up)', `${seconds(run.wavesSeconds)} ÷ ${seconds(ideal.wavesSeconds)}`, '', ratio(run.wavesSeconds / ideal.wavesSeconds)],
      ['  drill clean-up', `${seconds(run.cleanupSeconds)} ÷ ${seconds(ideal.cleanupSeconds)}`, '', ratio(run.cleanupSeconds / ideal.cleanupSeconds)],
      ['DRS calls', drsTotal, '', `${(drsTotal / benchCase.servers).toFixed(2)} per server`],
      ['  in staging accounts', run.drsCallsInStaging, '', 'all go to the target accounts'],
      [
        'STS calls',
        stsTotal,
        '',
        stsTotal === 0
          ? 'no role to assume in the home account'
          : `${(stsTotal / benchCase.servers).toFixed(4)} per server (${Object.entries(run.stsCalls).map(([action, n]) => `${action} ${n}`).join(', ')})`,
      ],
      ['largest state payload', kib(run.largestPayloadBytes), '< 64 KiB', met(run.largestPayloadBytes < 64 * 1024)],
      ['history events', run.historyEvents, '< 25,000 (quota)', met(run.historyEvents < 25_000)],
      ['drill instances left', perAccount((t) => String(run.drillInstancesLeft[t.accountId])), '0 in every account', met(Object.values(run.drillInstancesLeft).every((n) => n === 0))],
      ['most concurrent jobs', perAccount((t) => String(run.quota[t.accountId]!.maxJobs)), `≤ ${quotas.concurrentJobs} per account`, met(Object.values(run.quota).every((q) => q.maxJobs <= quotas.concurrentJobs))],
      ['most servers in active jobs', perAccount((t) => String(run.quota[t.accountId]!.maxServers)), `≤ ${quotas.serversInActiveJobs} per account`, met(Object.values(run.quota).every((q) => q.maxServers <= quotas.serversInActiveJobs))],
      ['wall time (min / median / max)', spread(runs.map((r) => r.wallMs / 1000), fixed(1), 's'), '', ''],
      ['peak RSS during the run', spread(runs.map((r) => r.peakRssBytes / 1024 / 1024), fixed(0), 'MiB'), '', `(${mib(runs[0]!.rssBeforeBytes)} before the first)`],
      ['steps retried, per run', runs.map((r) => r.retried.length).join(' / '), '', [...new Set(runs.flatMap((r) => r.retried))].join('; ')],
      [
        'repeated figures in every run',
        differ.length === 0 ? 'identical' : `differ: ${differ.join(', ')}`,
        '',
        runs.length > 1 && differ.length > 0 ? `shown: run ${runs.indexOf(run) + 1}${run.retried.length === 0 ? ', no retry' : ''}` : '',
      ],
    ],
  );
}

const caseColumn = (benchCase: MultiAccountCase) => `${CASES.indexOf(benchCase) + 1}. ${benchCase.servers.toLocaleString('en-US')} servers`;

function printCalls(figures: readonly CaseFigures[]): void {
  const operations = [...new Set(figures.flatMap(({ runs }) => Object.keys(shownRun(runs).drsCalls)))].sort();
  const columns = figures.flatMap(({ benchCase }) => [
    caseColumn(benchCase),
    'per server',
    ...(benchCase.targets.length > 1 ? benchCase.targets.map((target) => target.alias) : []),
  ]);
  const row = (name: string, count: (run: MultiAccountRun, accountId?: string) => number) => [
    name,
    ...figures.flatMap(({ benchCase, runs }) => {
      const run = shownRun(runs);
      return [
        count(run),
        (count(run) / benchCase.servers).toFixed(3),
        ...(benchCase.targets.length > 1 ? benchCase.targets.map((target) => count(run, target.accountId)) : []),
      ];
    }),
  ];
  printTable(
    '   Multi-account: DRS and STS calls by operation (all accounts; per target account for two)',
    ['operation', ...columns],
    [
      ...operations.map((operation) =>
        row(operation, (run, accountId) => (accountId === undefined ? run.drsCalls : run.drsCallsByAccount[accountId]!)[operation] ?? 0),
      ),
      row('DRS total', (run, accountId) => sum(accountId === undefined ? run.drsCalls : run.drsCallsByAccount[accountId]!)),
      // Every AssumeRole is for the role-reached account.
      row('STS AssumeRole', (run, accountId) => (accountId === undefined || accountId === ROLE_TARGET.accountId ? (run.stsCalls.AssumeRole ?? 0) : 0)),
    ],
  );
}

function printInvocations(figures: readonly CaseFigures[]): void {
  const steps = [...new Set(figures.flatMap(({ runs }) => Object.keys(shownRun(runs).lambdaInvocations)))];
  printTable(
    '   Multi-account: Lambda invocations per step',
    ['step', ...figures.map(({ benchCase }) => caseColumn(benchCase))],
    [
      ...steps.map((step) => [step, ...figures.map(({ runs }) => shownRun(runs).lambdaInvocations[step] ?? 0)]),
      ['total', ...figures.map(({ runs }) => sum(shownRun(runs).lambdaInvocations))],
    ],
  );
}

export async function benchMultiAccount(runs = REPEATS, cases: readonly MultiAccountCase[] = CASES): Promise<CaseFigures[]> {
  // Round by round (case 1, case 2, case 1, …): the machine's load falls on both cases alike.
  const figures: CaseFigures[] = cases.map((benchCase) => ({ benchCase, runs: [] }));
  for (let run = 0; run < runs; run++) {
    for (const caseFigures of figures) caseFigures.runs.push(await measureCase(caseFigures.benchCase));
  }
  figures.forEach((caseFigures) => printCase(CASES.indexOf(caseFigures.benchCase) + 1, caseFigures));
  printCalls(figures);
  printInvocations(figures);
  const { ideal } = shownRun(figures[0]!.runs);
  console.log(
    `\n  Ideal: per wave, ceil(servers in the account / ${ROUND_SERVERS}) launch rounds (DRS allows ${quotas.serversInActiveJobs} servers in active jobs per account, ${quotas.concurrentJobs} jobs of ≤ ${quotas.serversPerJob}),` +
      `\n  each as long as DRS held a launch job, created → COMPLETED (${seconds(ideal.launchSeconds)}: the scenario's job start + on-demand snapshot + conversion + launch, ${seconds(ideal.launchPhasesSeconds)},` +
      `\n  plus the service's stagger of server starts and its lag in marking a job COMPLETED; capacity frees only then), accounts in parallel, waves in turn;` +
      `\n  then the drill's clean-up: ceil(instances in the account / ${ROUND_SERVERS}) rounds as long as DRS held a TERMINATE job. Polls, hand-offs and extension cost the ideal nothing.`,
  );
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : undefined;
  };
  const only = option('--case');
  await benchMultiAccount(option('--runs') ?? REPEATS, only === undefined ? CASES : [CASES[only - 1]!]);
}
