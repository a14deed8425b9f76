// The end-of-run summary: a table per wave from the report the workflow wrote
// (reports/<execution>.json), then the outcome, clean-up and what the run would cost on AWS.
// The report is read defensively: a run that failed early may have written little or nothing.
import { access, readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { formatDuration, type WaveTiming } from '#shared/narrator/live.ts';
import { HISTORY_EVENTS_QUOTA } from './history-events.ts';
import { lambdaErrorMessage } from '#shared/engine/state.ts';
import { counted, plural } from '#shared/words.ts';
import { STATE_PAYLOAD_LIMIT_BYTES } from './lambda.ts';
import type { RunResult } from './run-local.ts';

/** The parts of the report the summary shows. */
export interface ReportSummary {
  status?: string;
  plan?: string;
  /** A partial run: the plan's waves it left out. */
  skippedWaves?: string[];
  mode?: string;
  error?: string;
  cause?: string;
  waves: {
    name: string;
    status: string;
    startedAt?: string;
    servers: {
      sourceServerID: string;
      hostname?: string;
      launchStatus: string;
      rawError?: string;
      postLaunchActions: { name: string; status: string; optional: boolean; failureReason?: string }[];
    }[];
  }[];
  cleanup?: { skipped?: boolean; instancesLaunched?: number; instancesTerminated?: number; instancesLeft?: number; error?: string } | null;
  /** What became of the source networks' stacks: counted by outcome. */
  networkStacks?: { outcome: string }[];
  /** Report v2: achieved RTO and worst RPO against the plan's targets. */
  rto?: TargetSummary;
  rpo?: TargetSummary;
  /** Report v2: the self-contained HTML report beside the JSON, when it was written. */
  htmlPath?: string;
}

export interface TargetSummary {
  targetSeconds: number;
  achievedSeconds?: number;
  met: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Reads the report JSON, keeping only well-formed parts; undefined when there is none. */
export async function readReportSummary(path: string | undefined): Promise<ReportSummary | undefined> {
  if (path === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const waves = (Array.isArray(parsed.waves) ? parsed.waves : []).filter(isRecord).map((wave) => ({
    name: text(wave.name) ?? '?',
    status: text(wave.status) ?? '?',
    startedAt: text(wave.startedAt),
    servers: (Array.isArray(wave.servers) ? wave.servers : []).filter(isRecord).map((server) => ({
      sourceServerID: text(server.sourceServerID) ?? '?',
      hostname: text(server.hostname),
      launchStatus: text(server.launchStatus) ?? '?',
      rawError: text(server.rawError),
      postLaunchActions: (Array.isArray(server.postLaunchActions) ? server.postLaunchActions : []).filter(isRecord).map((action) => ({
        name: text(action.name) ?? '?',
        status: text(action.status) ?? '?',
        optional: action.optional === true,
        failureReason: text(action.failureReason),
      })),
    })),
  }));
  const cleanup = isRecord(parsed.cleanup)
    ? {
        skipped: parsed.cleanup.skipped === true,
        instancesLaunched: count(parsed.cleanup.instancesLaunched),
        instancesTerminated: count(parsed.cleanup.instancesTerminated),
        instancesLeft: count(parsed.cleanup.instancesLeft),
        error: text(parsed.cleanup.error),
      }
    : null;
  const target = (value: unknown): TargetSummary | undefined =>
    isRecord(value) && typeof value.targetSeconds === 'number'
      ? { targetSeconds: value.targetSeconds, achievedSeconds: count(value.achievedSeconds), met: value.met === true }
      : undefined;
  const htmlPath = path.replace(/\.json$/, '.html');
  const htmlWritten = htmlPath !== path && (await access(htmlPath).then(() => true, () => false));
  return {
    rto: target(parsed.rto),
    rpo: target(parsed.rpo),
    htmlPath: htmlWritten ? htmlPath : undefined,
    status: text(parsed.status),
    plan: text(parsed.plan),
    skippedWaves: isRecord(parsed.partial) && Array.isArray(parsed.partial.skippedWaves) ? parsed.partial.skippedWaves.filter((name): name is string => typeof name === 'string') : undefined,
    mode: text(parsed.mode),
    error: text(parsed.error),
    cause: text(parsed.cause),
    waves,
    cleanup,
    networkStacks: (Array.isArray(parsed.networkStacks) ? parsed.networkStacks : []).filter(isRecord).map((stack) => ({ outcome: text(stack.outcome) ?? '?' })),
  };
}

interface Column {
  title: string;
  align: 'left' | 'right';
}

/** A plain-text table; `paintRow` may colour a whole row after padding. */
export function renderTable(columns: Column[], rows: string[][], paintCell: (row: number, column: number, cell: string) => string = (_r, _c, cell) => cell): string[] {
  const widths = columns.map((column, index) => Math.max(column.title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const pad = (cell: string, index: number) => (columns[index].align === 'right' ? cell.padStart(widths[index]) : cell.padEnd(widths[index]));
  const header = columns.map((column, index) => pad(column.title, index)).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const body = rows.map((row, rowIndex) => row.map((cell, index) => paintCell(rowIndex, index, pad(cell, index))).join('  '));
  return [header, rule, ...body];
}

function actionsCell(servers: ReportSummary['waves'][number]['servers']): string {
  const actions = servers.flatMap((server) => server.postLaunchActions);
  if (actions.length === 0) return '–';
  const succeeded = actions.filter((action) => action.status === 'SUCCEEDED').length;
  const failedRequired = actions.filter((action) => action.status === 'FAILED' && !action.optional).length;
  const failedOptional = actions.filter((action) => action.status === 'FAILED' && action.optional).length;
  const pending = actions.length - succeeded - failedRequired - failedOptional;
  const parts = [`${succeeded}/${actions.length} succeeded`];
  if (failedRequired > 0) parts.push(`${failedRequired} failed`);
  if (failedOptional > 0) parts.push(`${failedOptional} optional failed`);
  if (pending > 0) parts.push(`${pending} unfinished`);
  return parts.join(', ');
}

function waveDuration(report: ReportSummary, index: number, timings: ReadonlyMap<string, WaveTiming>, runEnd: string): string {
  const wave = report.waves[index];
  const timing = timings.get(wave.name);
  const start = timing?.startedAt ?? wave.startedAt;
  if (start === undefined) return '–';
  // Without an end seen live, a wave lasted until the next one started (or the run ended).
  const end = timing?.endedAt ?? report.waves.slice(index + 1).find((next) => next.startedAt)?.startedAt ?? runEnd;
  return formatDuration((Date.parse(end) - Date.parse(start)) / 1000);
}

/** Each failed launch and each failed post-launch action, in DRS's words. */
function serverProblems(report: ReportSummary): ['failed' | 'warning', string][] {
  return report.waves.flatMap((wave) =>
    wave.servers.flatMap((server) => {
      const name = server.hostname === undefined ? server.sourceServerID : `${server.hostname} (${server.sourceServerID})`;
      const problems: ['failed' | 'warning', string][] = [];
      if (server.launchStatus === 'FAILED') problems.push(['failed', `✗ ${wave.name}: ${name}: launch failed${server.rawError ? `: ${server.rawError}` : ''}`]);
      for (const action of server.postLaunchActions.filter((candidate) => candidate.status === 'FAILED')) {
        const reason = action.failureReason ? `: ${action.failureReason}` : '';
        problems.push([
          action.optional ? 'warning' : 'failed',
          `${action.optional ? '!' : '✗'} ${wave.name}: ${name}: post-launch action ${action.name}${action.optional ? ' (optional)' : ''} failed${reason}`,
        ]);
      }
      return problems;
    }),
  );
}

/** A path as short as it can be shown: relative below the working folder, absolute elsewhere. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}

export interface SummaryInput {
  result: RunResult;
  report: ReportSummary | undefined;
  timings: ReadonlyMap<string, WaveTiming>;
  /** Simulated time the run ended. */
  endedAt: string;
  paint: { green(text: string): string; red(text: string): string; yellow(text: string): string; bold(text: string): string; dim(text: string): string };
}

/** The summary lines printed when a run ends. */
export function renderSummary({ result, report, timings, endedAt, paint }: SummaryInput): string[] {
  const lines: string[] = [''];
  if (report && report.waves.length > 0) {
    const rows = report.waves.map((wave, index) => {
      const launched = wave.servers.filter((server) => server.launchStatus === 'LAUNCHED' || server.launchStatus === 'TERMINATED').length;
      // A server fails by its launch or by a required post-launch action (as the wave's budget counts it).
      const failed = wave.servers.filter((server) => server.launchStatus === 'FAILED' || server.postLaunchActions.some((action) => action.status === 'FAILED' && !action.optional)).length;
      return [wave.name, wave.status, String(wave.servers.length), String(launched), String(failed), actionsCell(wave.servers), waveDuration(report, index, timings, endedAt)];
    });
    const columns: Column[] = [
      { title: 'Wave', align: 'left' },
      { title: 'Status', align: 'left' },
      { title: 'Servers', align: 'right' },
      { title: 'Launched', align: 'right' },
      { title: 'Failed', align: 'right' },
      { title: 'Post-launch actions', align: 'left' },
      { title: 'Duration', align: 'right' },
    ];
    const paintCell = (row: number, column: number, cell: string) => {
      if (column !== 1) return cell;
      const status = report.waves[row].status;
      if (status === 'SUCCEEDED') return paint.green(cell);
      if (status === 'FAILED') return paint.red(cell);
      return paint.yellow(cell);
    };
    lines.push(...renderTable(columns, rows, paintCell).map((line) => `  ${line}`), '');
    const problems = serverProblems(report);
    if (problems.length > 0) lines.push('  Servers that failed or warned:', ...problems.map(([severity, line]) => `    ${severity === 'failed' ? paint.red(line) : paint.yellow(line)}`), '');
  }

  const cleanup = report?.cleanup;
  if (cleanup) {
    if (cleanup.skipped) lines.push(paint.yellow(`  Clean-up skipped as asked: ${counted(cleanup.instancesLeft, 'drill instance')} left running; terminate ${plural(cleanup.instancesLeft, 'it', 'them')} yourself.`));
    else {
      const left = cleanup.instancesLeft ?? 0;
      const line = `  Clean-up: ${cleanup.instancesTerminated ?? '?'} of ${counted(cleanup.instancesLaunched, 'drill instance')} terminated, ${left} left (counted from DRS)`;
      lines.push(left > 0 || cleanup.error ? paint.red(line) : line);
      if (cleanup.error) lines.push(paint.red(`  Clean-up error: ${cleanup.error}`));
    }
  }
  const stacks = report?.networkStacks ?? [];
  if (stacks.length > 0) {
    const countOf = (outcome: string) => stacks.filter((stack) => stack.outcome === outcome).length;
    const line = `  Network stacks: ${countOf('removed')} removed, ${countOf('kept')} kept, ${countOf('failed')} not removed${countOf('notFound') > 0 ? `, ${countOf('notFound')} not found` : ''} (counted from CloudFormation; the report says why)`;
    lines.push(countOf('failed') > 0 ? paint.red(line) : line);
  }

  const targetLine = (label: string, result: TargetSummary | undefined, what: string): string | undefined => {
    if (result === undefined) return undefined;
    const target = formatDuration(result.targetSeconds);
    if (result.achievedSeconds === undefined) return paint.red(`  ${label}: not achieved (target ${target})`);
    const line = `  ${label}: ${formatDuration(result.achievedSeconds)} ${what} (target ${target}) ${result.met ? '✓ met' : '✗ missed'}`;
    return result.met ? line : paint.red(line);
  };
  for (const line of [targetLine('RTO', report?.rto, 'run start → last server ready'), targetLine('RPO', report?.rpo, 'worst server data age at the run start')]) {
    if (line !== undefined) lines.push(line);
  }
  if (report?.skippedWaves !== undefined) {
    lines.push(paint.yellow(`  Partial run: waves ${report.skippedWaves.join(', ')} not run, so this RTO is not the plan's; the RTO trend (npm run history) leaves it out`));
  }

  const subject = `${report?.mode === 'recovery' ? 'Recovery' : report?.mode === 'drill' ? 'Drill' : 'Run'} of plan ${report?.plan ?? '?'}`;
  const missed = missedTargets(report);
  if (result.status === 'SUCCEEDED' && missed.length > 0) {
    // The run did what it was asked, but the plan's objectives were not met: the verdict says so.
    lines.push(`  ${paint.yellow(paint.bold(`⚠ ${subject} SUCCEEDED`))} in ${formatDuration(result.simulatedSeconds)} of simulated time, ${paint.yellow(`but missed its ${missed.join(' and ')} target`)}`);
  } else if (result.status === 'SUCCEEDED') {
    lines.push(`  ${paint.green(paint.bold(`✓ ${subject} SUCCEEDED`))} in ${formatDuration(result.simulatedSeconds)} of simulated time`);
  } else {
    const cause = result.cause === undefined ? undefined : lambdaErrorMessage(result.cause);
    // Our own errors are told by their message: their class name says nothing to an operator.
    const ours = result.error !== undefined && /^[A-Z][A-Za-z]+Error$/.test(result.error) && cause;
    lines.push(`  ${paint.red(paint.bold(`✗ ${subject} ${result.status}`))}${ours ? '' : `: ${result.error ?? 'error'}`}`);
    if (cause) lines.push(...cause.split('\n').map((line) => paint.red(`    ${line}`)));
  }
  if (result.reportPath) {
    lines.push(`  Report: ${displayPath(result.reportPath)} (and .md)`);
    if (report?.htmlPath) lines.push(`  ${paint.bold(`Open the HTML report: ${displayPath(report.htmlPath)}`)}`);
  } else {
    lines.push(paint.yellow('  No report was written.'));
  }
  if (result.logPath) lines.push(paint.dim(`  Handler logs: ${displayPath(result.logPath)}`));
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  lines.push(
    paint.dim(
      `  ${formatDuration(result.simulatedSeconds)} simulated in ${(result.wallMs / 1000).toFixed(1)} s · ` +
        `${result.historyEvents.toLocaleString('en-US')} Step Functions history events (quota ${HISTORY_EVENTS_QUOTA.toLocaleString('en-US')}) · ` +
        `largest state ${kib(result.largestPayloadBytes)} (quota ${kib(STATE_PAYLOAD_LIMIT_BYTES)})`,
    ),
  );
  return lines;
}

/** The plan's objectives the run achieved and missed (RTO, RPO): not achieved at all counts as missed. */
export function missedTargets(report: { rto?: TargetSummary; rpo?: TargetSummary } | undefined): Array<'RTO' | 'RPO'> {
  const missed: Array<'RTO' | 'RPO'> = [];
  if (report?.rto !== undefined && !report.rto.met) missed.push('RTO');
  if (report?.rpo !== undefined && !report.rpo.met) missed.push('RPO');
  return missed;
}
