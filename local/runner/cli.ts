// `npm start`, `npm run local -- --plan <file> --mode drill|recovery ...` and
// `npm run validate -- plans/*.yaml`: run a plan locally against the local DRS service, or check
// plan files. Exit codes: 0 success, 1 the run failed, 2 invalid plan, input or options.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { LOCAL_SERVICES_FILE_NAME } from './approvals.ts';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { lambdaErrorMessage } from '#shared/engine/state.ts';
import { InvalidInputError, InvalidPlanError, PlanNotFoundError } from '#shared/errors.ts';
import { InvalidFailbackInputError } from '#shared/failback/errors.ts';
import type { ReadinessReport } from '#shared/failback/readiness.ts';
import type { FailbackReport } from '#shared/failback/report.ts';
import { checkFailbackInput } from '#shared/failback/run.ts';
import { findPlanByName, loadPlanByName, readPlanFile } from '#shared/plan/load.ts';
import type { ExecutionInput } from '#shared/plan/input.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { staticBudgetWarnings } from '#shared/plan/settings.ts';
import type { SweepSettings } from '#shared/sweep/settings.ts';
import { sweepSummary } from '#shared/sweep/summary.ts';
import { readStageConfig } from '#shared/trigger/config.ts';
import { counted } from '#shared/words.ts';
import { parseExecutionInput, prepareRun } from '#shared/recovery/run.ts';
import { buildFunctions, listHandlerFiles, summarizeBuild } from '#deploy/build.ts';
import { startLocalDrs, type LocalDrs } from './local-drs.ts';
import { DEFAULT_LOCAL_TRIGGERS_FILE, localRunForEvent } from './trigger-event.ts';
import { sweepLocal } from './sweep.ts';
import { inspectLocal } from './dry-run.ts';
import { renderPlanView } from '#shared/narrator/plan-view.ts';
import { RunProgress, useColor } from './progress.ts';
import { accountsOfRun, DEFAULT_SPEED, functionKeysOfRuns, runLocal } from './run-local.ts';
import { missedTargets, readReportSummary, renderSummary, renderTable } from './summary.ts';
import { bucketSource, folderSource, formatMinutes, readHistory, rtoSparkline, rtoTrend } from '#local/run-history/run-history.ts';

export const EXIT = { succeeded: 0, failed: 1, invalid: 2 } as const;

/** A problem with what the user asked for: printed as is, exit 2, nothing started. */
class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunCommandOptions {
  /** Required unless `event` is given. */
  plan?: string;
  /** Required unless `event` is given. */
  mode?: 'drill' | 'recovery' | 'failback';
  /** After a successful recovery, fail it back on the same local DRS service. */
  /** After the run, on the same local services: fail the recovery back, or run the orphan sweeper. */
  then?: 'failback' | 'sweep';
  /** With `then: 'sweep'`: the sweep terminates nothing. */
  dryRun?: boolean;
  /** With --dry-run: JSON instead of the tree. */
  json?: boolean;
  /** Failback only: report readiness, change nothing. */
  check?: boolean;
  /** A schedule payload or alarm event: plan, mode and input come from the trigger's mapping. */
  event?: string;
  scenario?: string;
  speed: number;
  reportDir: string;
  waves?: string[];
  snapshotTime?: string;
  skipCleanup?: boolean;
  /** Exit 1 when the run succeeded but missed the plan's RTO or RPO target. */
  failOnMissedTarget?: boolean;
  holdMinutes?: number;
  input?: string;
  verbose?: boolean;
  /** Approve every approval gate this many simulated seconds after it asks. */
  approveAfter?: number;
}

const paint = (() => {
  const color = useColor();
  const code = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { green: code(32, 39), red: code(31, 39), yellow: code(33, 39), bold: code(1, 22), dim: code(2, 22) };
})();

function speedNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError('give a number of simulated seconds per real second, e.g. 600 (0: as fast as possible)');
  return number;
}

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('give a number of minutes, e.g. 30');
  return number;
}

function waveList(value: string): string[] {
  return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** `--input` file contents: a JSON object, the same document the console or an alarm would send. */
async function readInputFile(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--input ${path}: ${error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--input ${path}: the execution input is a JSON object like {"plan": "payments", "mode": "drill"}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The execution input of a local run: the --input file, overlaid with the options given on the
 * command line; `plan` is the name inside the plan file.
 */
export async function executionInputFor(options: RunCommandOptions, plan: Plan): Promise<Record<string, unknown>> {
  const fromFile = options.input === undefined ? {} : await readInputFile(options.input);
  if (fromFile.plan !== undefined && fromFile.plan !== plan.name) {
    throw new UsageError(`--input names plan "${String(fromFile.plan)}" but ${options.plan} defines plan "${plan.name}": make them agree or drop "plan" from the input`);
  }
  const input: Record<string, unknown> = { trigger: { source: 'local' }, ...fromFile, plan: plan.name, mode: options.mode };
  if (options.waves !== undefined) input.waves = options.waves;
  if (options.snapshotTime !== undefined) input.snapshotTime = options.snapshotTime;
  if (options.skipCleanup) input.skipCleanup = true;
  if (options.holdMinutes !== undefined) input.holdMinutes = options.holdMinutes;
  if (options.check && options.mode === 'failback') input.check = true;
  return input;
}

/** The failback that follows a recovery (`--then failback`), on the same local DRS state. */
export function failbackInputAfter(options: RunCommandOptions, plan: Plan, recoveryExecution: string): Record<string, unknown> {
  return { trigger: { source: 'local' }, plan: plan.name, mode: 'failback', recoveryExecution, ...(options.check ? { check: true } : {}) };
}

/**
 * `--dry-run`: the built InspectPlan handler resolves every wave against the local DRS service as
 * preflight would, and the plan's waves → servers tree is printed (or its JSON). Exit 0 when
 * preflight would let the run start, 1 when it would refuse it.
 */
async function dryRun(input: Record<string, unknown>, plan: Plan, planFile: string, drs: LocalDrs, options: RunCommandOptions): Promise<number> {
  const view = await inspectLocal({ drs, input, plansDir: dirname(planFile), reportsDir: options.reportDir, scenarioFile: options.scenario, verbose: options.verbose });
  // The last complete run of this plan and mode, from the reports folder.
  const history = await readHistory(folderSource(options.reportDir), { plan: plan.name });
  const last = (history.get(`${plan.name} ${view.mode}`) ?? []).filter((record) => !record.partial).at(-1);
  const lastRun = last === undefined ? undefined : { execution: last.execution, startedAt: last.startedAt, rtoSeconds: last.rtoSeconds, status: last.status };
  if (options.json) process.stdout.write(`${JSON.stringify({ ...view, ...(lastRun === undefined ? {} : { lastRun }) }, null, 2)}\n`);
  else process.stdout.write(`${renderPlanView(view, paint, lastRun).join('\n')}\n`);
  return view.problems.length === 0 ? EXIT.succeeded : EXIT.failed;
}

/** A scenario file checked before the build, so that its typo is told at once (exit 2), not after it. */
async function checkScenario(path: string): Promise<void> {
  const { loadScenario, ScenarioError } = await import('#local/drs/index.ts');
  try {
    await loadScenario(resolve(path));
  } catch (error) {
    if (error instanceof ScenarioError) throw new UsageError(error.message);
    throw error;
  }
}

/** Checks the input exactly as the workflow's ValidateInput will, so a bad one never starts DRS. */
function checkInput(input: Record<string, unknown>, plan: Plan, flags: Partial<RunCommandOptions> = {}): ExecutionInput {
  try {
    const parsed = parseExecutionInput(input);
    if (parsed.mode === 'failback') checkFailbackInput(parsed, plan);
    else prepareRun(parsed, plan, 'local-validation', new Date().toISOString());
    return parsed;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    // A field the user gave as an option is named as the option they typed.
    let message = error.message;
    for (const [field, flag] of Object.entries(FLAG_OF_FIELD)) {
      if (flags[flag.option] !== undefined) message = message.replaceAll(`invalid execution input: ${field}:`, `${flag.name}:`).replaceAll(`input: ${field}:`, `${flag.name}:`);
    }
    throw new InvalidInputError(message);
  }
}

/** The execution input's fields the run command's options set, and the options' names. */
const FLAG_OF_FIELD: Readonly<Record<string, { option: keyof RunCommandOptions; name: string }>> = {
  snapshotTime: { option: 'snapshotTime', name: '--snapshot-time' },
  waves: { option: 'waves', name: '--waves' },
  holdMinutes: { option: 'holdMinutes', name: '--hold-minutes' },
};

/** The end of a failback run: per wave and server, the path back and each phase's duration. */
async function renderFailbackSummary(reportPath: string | undefined): Promise<string[]> {
  if (reportPath === undefined) return [];
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as FailbackReport | ReadinessReport;
  const minutes = (seconds?: number) => (seconds === undefined ? '–' : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`);
  const lines = [''];
  if (report.kind === 'failback-readiness') {
    lines.push(`Failback readiness of ${report.plan} (recovery ${report.recoveryExecution}): ${report.ready} ready, ${report.notReady} not ready`, '');
    for (const row of report.servers) {
      lines.push(`  ${row.ready ? paint.green('✓ ready    ') : paint.yellow('… not ready')}  ${row.wave.padEnd(12)} ${(row.hostname ?? row.sourceServerID).padEnd(16)} ${row.origin.padEnd(11)} ${row.reason}`);
    }
    return lines;
  }
  lines.push(`Failback of ${report.plan} (recovery ${report.recoveryExecution}): ${report.status === 'SUCCEEDED' ? paint.green(report.status) : paint.red(report.status)}`);
  if (report.cause !== undefined) lines.push(paint.red(`  ${report.error}: ${report.cause}`));
  for (const wave of report.waves) {
    lines.push('', `  ${paint.bold(wave.name)}  ${wave.status}${wave.reprotected === undefined ? '' : `  re-protected ${wave.reprotected}, terminated ${wave.terminated ?? 0}`}`);
    for (const server of wave.servers) {
      const path = server.path === 'failback-launch' ? 'failback launch' : `reverse replication → ${server.originRegion ?? '?'}`;
      const phases = server.phases.map((phase) => minutes(phase.seconds)).join(' + ');
      lines.push(`    ${(server.hostname ?? server.sourceServerID).padEnd(16)} ${server.status.padEnd(12)} ${path.padEnd(34)} ${phases}`);
    }
  }
  return lines;
}

function printError(message: string): void {
  process.stderr.write(`${paint.red('error')}: ${message}\n`);
}

/** `run`: build, validate, start the local DRS service, execute, show progress and the summary. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const fromEvent = options.event === undefined ? undefined : await localRunForEvent(options.event);
  if (fromEvent?.action === 'ignored') {
    process.stdout.write(`${fromEvent.reason}: nothing to run\n`);
    return EXIT.succeeded;
  }
  // `--input` alone: the file names the plan (found by its name in plans/, as the deployed
  // functions find it) and the mode, as the console's input does.
  const fromInput = fromEvent === undefined && options.input !== undefined ? await readInputFile(options.input) : undefined;
  const inputMode = typeof fromInput?.mode === 'string' ? fromInput.mode : undefined;
  if (fromInput !== undefined && options.mode === undefined && inputMode !== undefined) options = { ...options, mode: inputMode as RunCommandOptions['mode'] };
  const planPath = fromEvent?.planFile ?? options.plan ?? (typeof fromInput?.plan === 'string' ? (await findPlanByName(resolve('plans'), fromInput.plan)).path : undefined);
  if (planPath === undefined || (fromEvent === undefined && options.mode === undefined)) {
    throw new UsageError('give --plan <file> and --mode drill|recovery|failback, an --input file naming "plan" and "mode", or --event <file>');
  }
  if (options.plan === undefined && fromEvent === undefined) options = { ...options, plan: planPath };
  const planFile = resolve(planPath);
  // Everything the user gave is checked before anything starts.
  const plan = await readPlanFile(planFile);
  // The run finds its plan by name in the file's folder (as the deployed functions do): another
  // file there with the same name would fail the run at ValidateInput, after the build.
  await loadPlanByName(dirname(planFile), plan.name);
  const input = fromEvent?.input ?? (await executionInputFor(options, plan));
  checkInput(input, plan, fromEvent === undefined ? options : {});
  if (options.scenario !== undefined) await checkScenario(options.scenario);
  if (options.then === 'failback' && input.mode !== 'recovery') throw new UsageError('--then failback follows a recovery: use it with --mode recovery');
  // --dry-run alone is the plan's: resolved against DRS, nothing launched (with --then sweep, the sweep's).
  const planDryRun = options.dryRun === true && options.then === undefined;
  if (options.dryRun && !planDryRun && options.then !== 'sweep') throw new UsageError('--dry-run is the plan\'s alone, or the sweep\'s with --then sweep');
  if (options.json && (options.then !== undefined || options.mode === 'failback')) throw new UsageError('--json prints one run (a drill or a recovery) or the dry run: not with --then or a failback');
  // The stage's sweep settings, as the deployed sweep function gets them (and --event maps with them).
  const sweepSettings = options.then === 'sweep' ? (await readStageConfig(resolve(process.env.TRIGGERS_FILE ?? DEFAULT_LOCAL_TRIGGERS_FILE))).sweep : undefined;
  if (options.check && options.mode !== 'failback' && options.then !== 'failback') throw new UsageError('--check is a failback readiness check: use it with --mode failback or --then failback');

  const buildStarted = Date.now();
  // The local DRS service starts while the build is checked (or made): neither needs the other.
  // Frozen clock: the run's waits move it, paced at --speed (see runLocal's `speed`).
  // Only the handlers this command can invoke: a drill's cold start builds 22 bundles, not 31.
  const only = planDryRun
    ? ['inspectPlan']
    : [...(await functionKeysOfRuns([input, ...(options.then === 'failback' ? [{ mode: 'failback' }] : [])])), ...(options.then === 'sweep' ? ['sweep'] : [])];
  const [building, starting] = await Promise.allSettled([buildFunctions({ only }), startLocalDrs({ scenario: options.scenario, speed: 0 })]);
  if (building.status === 'rejected') {
    if (starting.status === 'fulfilled') await starting.value.stop();
    throw building.reason;
  }
  const built = building.value;
  const handlers = (await listHandlerFiles()).length;
  const how = built.every((bundle) => bundle.reused) ? `${summarizeBuild(built, { handlers })}, checked` : summarizeBuild(built, { handlers });
  // With --json, stdout holds the JSON alone.
  (options.json ? process.stderr : process.stdout).write(paint.dim(`${how} in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s\n`));
  if (starting.status === 'rejected') {
    throw new UsageError(`the local DRS service did not start${options.scenario ? ` with scenario ${options.scenario}` : ''}: ${(starting.reason as Error).message}`);
  }
  const drs: LocalDrs = starting.value;
  try {
    if (planDryRun) return await dryRun(input, plan, planFile, drs, options);
    const first = await executeOne(input, plan, planFile, drs, options, fromEvent?.executionName);
    const exitOf = (status: string) => (status === 'SUCCEEDED' ? EXIT.succeeded : EXIT.failed);
    // Whatever the run's outcome: what a failed clean-up left is what the sweeper is for.
    if (sweepSettings !== undefined) return Math.max(exitOf(first.status), await sweepAfter(drs, options, sweepSettings));
    if (first.status !== 'SUCCEEDED' || options.then !== 'failback') return exitOf(first.status);
    process.stdout.write(`\n${paint.bold('Then failback')} of the recovery ${first.executionName}, on the same local DRS state\n`);
    const second = await executeOne(failbackInputAfter(options, plan, first.executionName), plan, planFile, drs, options, undefined);
    return second.status === 'SUCCEEDED' ? EXIT.succeeded : EXIT.failed;
  } finally {
    await drs.stop();
  }
}

/** `--then sweep`: the built sweep handler on the run's services; exit 1 when it failed or an orphan it should have terminated is left. */
async function sweepAfter(drs: LocalDrs, options: RunCommandOptions, settings: SweepSettings): Promise<number> {
  const { stepFunctions } = drs;
  if (stepFunctions === undefined) throw new Error('the local DRS service was started without its Step Functions service: the sweep has no executions to ask');
  process.stdout.write(`\n${paint.bold('Then the orphan sweeper')} on the same local services (olderThanHours ${settings.olderThanHours}, terminateUnknown ${settings.terminateUnknown})\n`);
  try {
    const { result, logPath } = await sweepLocal({ drs: { ...drs, stepFunctions }, reportsDir: options.reportDir, dryRun: options.dryRun, settings, verbose: options.verbose });
    process.stdout.write(`${sweepSummary(result).join('\n')}\n${logPath === undefined ? '' : paint.dim(`Sweep log: ${logPath}\n`)}`);
    return result.failed > 0 ? EXIT.failed : EXIT.succeeded;
  } catch (error) {
    printError(`the sweep failed: ${lambdaErrorMessage(error instanceof Error ? error.message : String(error))}`);
    return EXIT.failed;
  }
}

/** One execution on the running local DRS service, with its progress and summary. */
async function executeOne(
  input: Record<string, unknown>,
  plan: Plan,
  planFile: string,
  drs: LocalDrs,
  options: RunCommandOptions,
  executionName: string | undefined,
): Promise<{ status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'MISSED_TARGET'; executionName: string }> {
  {
    // --json: the run's JSON alone on stdout, for scripts; what people read goes to stderr.
    const out = options.json ? process.stderr : process.stdout;
    const mode = input.mode === 'drill' ? 'Drill' : input.mode === 'failback' ? (input.check === true ? 'Failback readiness check' : 'Failback') : 'Recovery';
    out.write(
      `${paint.bold(`${mode} of plan ${plan.name}`)} ${paint.dim(`(${relative(process.cwd(), planFile)})`)} · ${counted(plan.waves.length, 'wave')} · ` +
        `local DRS ${drs.endpoint} ${options.speed > 0 ? `at ${options.speed}× speed` : 'as fast as the handlers run'}\n`,
    );
    const accounts = accountsOfRun(drs);
    if (accounts !== undefined) {
      const described = accounts.map((account) => {
        const staging = accounts.some((other) => other.stagingAccounts?.includes(account.alias));
        const role = account.home ? 'home' : account.roleArn !== undefined ? `role ${account.roleArn.split(':role/')[1]}` : staging ? 'staging' : 'no role';
        return `${account.alias} ${account.accountId ?? ''} (${role})`;
      });
      out.write(paint.dim(`Accounts: ${described.join(' · ')} · local STS ${drs.sts?.endpoint ?? 'per run'}\n`));
    }
    const progress = new RunProgress({ write: (line) => out.write(`${line}\n`) });
    // Ctrl-C stops the execution as "Stop execution" does on AWS; the stopped-run workflow then
    // cleans up the drill and writes the report, as EventBridge has it do there.
    const stop = new AbortController();
    const onInterrupt = () => {
      out.write(paint.yellow('\nStopping the execution (Ctrl-C): its drill instances are cleaned up next…\n'));
      stop.abort();
    };
    process.once('SIGINT', onInterrupt);
    // Where an operator can describe or stop it (`aws stepfunctions stop-execution --endpoint-url …`).
    const stepFunctions = drs.stepFunctions === undefined ? '' : ` · local Step Functions ${drs.stepFunctions.endpoint}`;
    const result = await runLocal({
      stop: stop.signal,
      input,
      plansDir: dirname(planFile),
      reportsDir: options.reportDir,
      drs,
      speed: options.speed,
      executionName,
      verbose: options.verbose,
      ...(options.approveAfter === undefined ? {} : { approveAfterSeconds: options.approveAfter }),
      onTaskToken: (task) => {
        if (task.stateName !== 'RequestApproval') return;
        const payload = (task.parameters as { Payload?: { next?: { name?: string; approval?: { reasons?: string[]; timeoutSeconds?: number } } } }).Payload;
        const next = payload?.next;
        const name = task.executionArn.split(':').at(-1) ?? '';
        const local = options.reportDir === 'reports' ? '--local' : `--local ${join(options.reportDir, LOCAL_SERVICES_FILE_NAME)}`;
        const lines = [
          paint.yellow(`⏸ Waiting for approval before wave ${next?.name ?? '?'} (${next?.approval?.reasons?.join('; ') ?? ''}); it times out after ${Math.round((next?.approval?.timeoutSeconds ?? 0) / 60)} simulated min`),
          options.approveAfter === undefined
            ? `  approve: npm run aws -- approve --execution ${name} ${local} --comment "<why>"\n  reject:  npm run aws -- reject --execution ${name} ${local} --comment "<why>"`
            : paint.dim(`  approving automatically after ${options.approveAfter} simulated s (--approve-after)`),
        ];
        out.write(`${lines.join('\n')}\n`);
      },
      onEvent: (event, run) => {
        if (event.type === 'ExecutionStarted') out.write(paint.dim(`Execution ${run.executionName}, started ${run.startTime} (simulated)${stepFunctions}\n`));
        progress.onEvent(event, run);
      },
    });
    progress.stop();
    process.off('SIGINT', onInterrupt);
    if (input.mode === 'failback') {
      const lines = await renderFailbackSummary(result.reportPath);
      if (result.status === 'FAILED' && result.reportPath === undefined) lines.push(paint.red(`✗ ${result.error}: ${lambdaErrorMessage(result.cause ?? '')}`));
      lines.push(paint.dim(`${Math.round(result.simulatedSeconds / 60)} min simulated · ${result.historyEvents} Step Functions history events · report ${result.reportPath ?? 'not written'}`));
      const html = result.reportPath?.replace(/\.json$/, '.html');
      if (html !== undefined && existsSync(html)) lines.push(paint.bold(`Open the HTML report: ${relative(process.cwd(), html)}`));
      out.write(`${lines.join('\n')}\n`);
      return { status: result.status, executionName: result.executionName };
    }
    const report = await readReportSummary(result.reportPath);
    const summary = renderSummary({ result, report, timings: progress.waveTimings, endedAt: drs.now().toISOString(), paint });
    out.write(`${summary.join('\n')}\n`);
    if (options.json) {
      const written = result.reportPath === undefined ? undefined : (JSON.parse(await readFile(result.reportPath, 'utf8')) as unknown);
      const { status, error, cause, executionName: execution, reportPath, simulatedSeconds, historyEvents } = result;
      process.stdout.write(`${JSON.stringify({ execution, status, error, cause, simulatedSeconds, historyEvents, reportPath, htmlPath: report?.htmlPath, missedTargets: missedTargets(report), report: written }, null, 2)}\n`);
    }
    // --fail-on-missed-target: a run that succeeded but missed the plan's RTO or RPO exits 1, for CI and schedulers.
    if (result.status === 'SUCCEEDED' && options.failOnMissedTarget && missedTargets(report).length > 0) return { status: 'MISSED_TARGET', executionName: result.executionName };
    return { status: result.status, executionName: result.executionName };
  }
}


/** `validate`: every plan file checked; problems name the file, the line, the field and the fix. */
export async function validateCommand(files: string[], options: { json?: boolean } = {}): Promise<number> {
  let invalid = 0;
  // --json: one entry per file, for editors' tasks and CI annotations.
  const results: Array<Record<string, unknown>> = [];
  const fail = (message: string, file: string, problems?: InvalidPlanError['problems']) => {
    invalid += 1;
    if (options.json) results.push({ file, valid: false, problems: problems ?? [{ message }] });
    else process.stderr.write(`${paint.red('✗')} ${message.split('\n').join(`\n  `)}\n`);
  };
  // Plans are found by name when a run starts: two files with one name would be a coin toss.
  const fileOfName = new Map<string, string>();
  for (const file of files) {
    try {
      const plan = await readPlanFile(file);
      const other = fileOfName.get(plan.name);
      if (other !== undefined) {
        const message = `plan "${plan.name}" is already defined by ${other}: give each plan its own name`;
        fail(`${file}: name: ${message}`, file, [{ field: 'name', message }]);
        continue;
      }
      fileOfName.set(plan.name, file);
      const warnings = staticBudgetWarnings(plan);
      if (options.json) {
        results.push({ file, valid: true, plan: plan.name, waves: plan.waves.map((wave) => wave.name), warnings });
        continue;
      }
      const servers = plan.waves.map((wave) => wave.name).join(' → ');
      process.stdout.write(`${paint.green('✓')} ${file}: plan ${paint.bold(plan.name)}, ${counted(plan.waves.length, 'wave')}: ${servers}\n`);
      // Valid, but worth a look (exit code unchanged); waves selected by tags or hostnames are counted at preflight.
      for (const warning of warnings) process.stdout.write(`  ${paint.yellow(`! ${warning}`)}\n`);
    } catch (error) {
      if (error instanceof InvalidPlanError) fail(error.message, file, error.problems);
      else fail(`${file}: ${(error as Error).message}`, file);
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ valid: files.length - invalid, files: results }, null, 2)}\n`);
  else if (files.length > 1) process.stdout.write(`${files.length - invalid} of ${counted(files.length, 'plan file')} valid\n`);
  return invalid === 0 ? EXIT.succeeded : EXIT.invalid;
}

export interface HistoryCommandOptions {
  reportDir: string;
  json?: boolean;
  bucket?: string;
  plan?: string;
  limit?: number;
}

/** `history`: past runs per plan from their reports, with status and the RTO trend. */
export async function historyCommand(options: HistoryCommandOptions): Promise<number> {
  // On AWS: the reports bucket, with the SDK's usual credentials and region (AWS_REGION / profile).
  // The S3 client loads only for a bucket: every other command starts without it.
  const source = options.bucket === undefined ? folderSource(options.reportDir) : bucketSource(new (await import('@aws-sdk/client-s3')).S3Client({}), options.bucket, options.plan);
  const history = await readHistory(source, { plan: options.plan, limit: options.limit });
  if (options.json) {
    // For scripts and dashboards: one entry per plan and mode, its runs oldest first and the trend.
    const entries = [...history].map(([key, records]) => ({
      plan: records[0]?.plan ?? key,
      mode: records[0]?.mode ?? '?',
      rtoTrend: rtoTrend(records),
      runs: records,
    }));
    process.stdout.write(`${JSON.stringify({ source: source.describe(), history: entries }, null, 2)}\n`);
    return EXIT.succeeded;
  }
  if (history.size === 0) {
    process.stdout.write(`No run reports${options.plan ? ` of plan ${options.plan}` : ''} in ${source.describe()}\n`);
    return EXIT.succeeded;
  }
  for (const records of history.values()) {
    const target = records.at(-1)?.rtoTargetSeconds;
    const partial = records.filter((record) => record.partial).length;
    process.stdout.write(
      `${paint.bold(`Plan ${records[0]?.plan ?? '?'}, ${records[0]?.mode === 'recovery' ? 'recoveries' : `${records[0]?.mode ?? '?'}s`}`)} · ${counted(records.length, 'run')} in ${source.describe()} · RTO target ${formatMinutes(target)} · trend ${rtoSparkline(records)} (${rtoTrend(records)}${partial > 0 ? `; ${counted(partial, 'partial run')} left out` : ''})\n`,
    );
    const rows = records.map((record) => [
      record.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
      record.partial ? `${record.mode} (partial)` : record.mode,
      record.status,
      formatMinutes(record.rtoSeconds),
      record.rtoMet === undefined ? '–' : record.rtoMet ? 'met' : 'missed',
      formatMinutes(record.rpoSeconds),
      `${record.serversFailed}/${record.servers}`,
      record.execution,
    ]);
    const columns = [
      { title: 'Started (UTC)', align: 'left' as const },
      { title: 'Mode', align: 'left' as const },
      { title: 'Status', align: 'left' as const },
      { title: 'RTO', align: 'right' as const },
      { title: 'vs target', align: 'left' as const },
      { title: 'RPO', align: 'right' as const },
      { title: 'Failed', align: 'right' as const },
      { title: 'Execution', align: 'left' as const },
    ];
    const paintCell = (row: number, column: number, cell: string) => {
      if (column === 2) return records[row].status === 'SUCCEEDED' ? paint.green(cell) : paint.red(cell);
      if (column === 4 && records[row].rtoMet === false) return paint.red(cell);
      return cell;
    };
    process.stdout.write(`${renderTable(columns, rows, paintCell).map((line) => `  ${line}`).join('\n')}\n\n`);
  }
  return EXIT.succeeded;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('give a whole number of runs, e.g. 10');
  return number;
}

/** The npm script that runs each command (package.json). */
const NPM_SCRIPTS: Readonly<Record<string, string>> = { run: 'npm run local --', validate: 'npm run validate --', history: 'npm run history --' };

export function buildProgram(): Command {
  const program = new Command('drs-local')
    .description('Run DRS recovery plans locally against the local DRS service, or validate plan files.')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${paint.red('error')}: ${text.replace(/^error: /, '')}`) })
    // Help names the command a user types (package.json's scripts), not this file's program name.
    .configureHelp({ commandUsage: (command) => `${NPM_SCRIPTS[command.name()] ?? 'npm run local|validate|history --'} ${command.usage()}` });

  program
    .command('run')
    .description('Run a plan as a drill or a recovery through the recovery state machine, against the local DRS service.')
    .option('--plan <file>', 'plan file (YAML); required unless --event')
    .addOption(
      new Option('--mode <mode>', 'drill: launch and clean up; recovery: launch and keep; failback: return the latest recovery to its origin; required unless --event').choices([
        'drill',
        'recovery',
        'failback',
      ]),
    )
    .addOption(
      new Option('--then <what>', 'failback: after a successful --mode recovery, fail it back on the same local DRS state; sweep: after the run, run the orphan sweeper on it').choices(['failback', 'sweep']),
    )
    .option('--dry-run', "resolve every wave against DRS as preflight would and print the plan's waves and servers, launching nothing (exit 1: preflight would refuse the run); with --then sweep: the sweep terminates nothing and says what it would")
    .option('--json', 'print the result as JSON on stdout (the run: its outcome and report; with --dry-run: what it found); the progress goes to stderr')
    .option('--check', 'failback only: report which recovery instances are ready to fail back, change nothing')
    .option('--event <file>', 'a drill schedule payload or CloudWatch alarm event (JSON): run what the trigger maps it to (deploy/stages/dev.yaml, or TRIGGERS_FILE)')
    .option('--scenario <file>', 'local DRS scenario (YAML); default scenarios/default.yaml')
    .option('--speed <n>', 'simulated seconds per real second; 0: time moves only through the workflow\'s waits, as fast as the handlers run', speedNumber, DEFAULT_SPEED)
    .option('--report-dir <dir>', 'where reports go', 'reports')
    .option('--waves <names>', 'run only these waves, comma-separated', waveList)
    .option('--snapshot-time <iso>', 'recover from the newest point-in-time snapshot at or before this time')
    .option('--skip-cleanup', 'drill only: keep the drill instances')
    .option('--fail-on-missed-target', "exit 1 when the run succeeded but missed the plan's RTO or RPO target (for CI and schedulers)")
    .option('--hold-minutes <n>', 'drill only: keep the drill instances up this long before clean-up', nonNegativeNumber)
    .option('--input <file>', 'execution input JSON; the options above override its fields')
    .option('--verbose', "print the handlers' logs instead of writing them to reports/<execution>.log")
    .option('--approve-after <seconds>', 'approve every approval gate this many simulated seconds after it asks (demos, tests); without it a gate waits for `npm run aws -- approve|reject --execution <name> --local`', nonNegativeNumber)
    .action(async (options: RunCommandOptions) => {
      process.exitCode = await runCommand(options);
    });

  program
    .command('history')
    .description('List past runs per plan and mode (drills apart from recoveries) from their reports, with status and the RTO trend.')
    .option('--report-dir <dir>', 'the local reports folder', 'reports')
    .option('--bucket <name>', 'read the reports bucket on AWS instead (objects reports/<execution>.json)')
    .option('--plan <name>', 'only this plan')
    .option('--limit <n>', 'the latest n runs per plan and mode', positiveInteger)
    .option('--json', 'print the history as JSON (per plan and mode: its runs and the RTO trend)')
    .action(async (options: HistoryCommandOptions) => {
      process.exitCode = await historyCommand(options);
    });

  program
    .command('validate')
    .description('Check plan files: exit 0 when all are valid, 2 otherwise.')
    .argument('<files...>', 'plan files (YAML)')
    .option('--json', 'print the result as JSON: per file, valid or its problems (line, field, message)')
    .action(async (files: string[], options: { json?: boolean }) => {
      process.exitCode = await validateCommand(files, options);
    });

  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.succeeded;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.succeeded : EXIT.invalid;
    }
    if (error instanceof InvalidPlanError || error instanceof PlanNotFoundError || error instanceof InvalidInputError || error instanceof InvalidFailbackInputError || error instanceof UsageError) {
      printError(error.message);
      return EXIT.invalid;
    }
    if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      printError(`no such file: ${(error as NodeJS.ErrnoException).path ?? error.message}`);
      return EXIT.invalid;
    }
    printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.failed;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv);
}
