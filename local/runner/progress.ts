// Live progress of a local run, as lines on a plain terminal: the workflow's steps from the
// execution's event log (its state is compact by design: wave names and counts), and each
// server's launch, post-launch actions and clean-up from the local DRS service's own records.
import { TAG } from '#shared/drs/run-ref.ts';
import { lambdaErrorMessage } from './lambda.ts';
import type { DrsJob, DrsStateView } from './local-drs.ts';
import type { ExecutionLogEvent, RunInfo } from './run-local.ts';

export interface ProgressOptions {
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /** ANSI colours (default: when stdout is a terminal and NO_COLOR is not set). */
  color?: boolean;
  /** How often the local DRS service's records are read, in real milliseconds. */
  pollMs?: number;
}

/** A wave's start and end in simulated time, as the progress saw them. */
export interface WaveTiming {
  startedAt: string;
  endedAt?: string;
}

type Paint = (text: string) => string;

function palette(color: boolean) {
  const code = (open: number, close: number): Paint => (color ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text);
  return { green: code(32, 39), red: code(31, 39), yellow: code(33, 39), cyan: code(36, 39), dim: code(2, 22), bold: code(1, 22) };
}

export function useColor(): boolean {
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}

/** `1:02:03` / `12:30`: simulated time since the run started. */
export function formatElapsed(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${String(minutes).padStart(2, '0')}:${rest}`;
}

/** `12m 05s`, `1h 02m`, `45s`: a duration people read. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const numberAt = (record: Record<string, unknown>, key: string): number | undefined =>
  typeof record[key] === 'number' ? (record[key] as number) : undefined;
const stringAt = (record: Record<string, unknown>, key: string): string | undefined =>
  typeof record[key] === 'string' ? (record[key] as string) : undefined;

/** What the display last said about one server, so it only prints changes. */
interface ServerSeen {
  wave: string;
  launch?: string;
  recoveryInstanceID?: string;
  actions: Map<string, string>;
  terminated?: boolean;
}

export class RunProgress {
  private readonly write: (line: string) => void;
  private readonly paint: ReturnType<typeof palette>;
  private readonly pollMs: number;
  private run?: RunInfo;
  private poller?: NodeJS.Timeout;
  private readonly servers = new Map<string, ServerSeen>();
  private readonly hostnames = new Map<string, string>();
  private readonly timings = new Map<string, WaveTiming>();
  private currentWave?: string;
  private cleanUpStarted = false;
  /** Launched/failed/done of the source networks as last printed: a line only when it changes. */
  private networkSignature?: string;
  /** The failback wave's counts as last printed. */
  private failbackSignature?: string;
  private lastFailure?: { state: string; error: string; cause?: string };

  constructor(options: ProgressOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.paint = palette(options.color ?? useColor());
    this.pollMs = options.pollMs ?? 250;
  }

  /** Wave start and end times seen during the run (simulated time). */
  get waveTimings(): ReadonlyMap<string, WaveTiming> {
    return this.timings;
  }

  /** Pass to runLocal's onEvent. */
  readonly onEvent = (event: ExecutionLogEvent, run: RunInfo): void => {
    if (this.run === undefined) this.begin(run);
    switch (event.type) {
      case 'StateExited':
        this.stepDone(event.state.name, event.state.output);
        return;
      case 'StateFailed':
        if (event.state.type === 'Task') this.lastFailure = { state: event.state.name, error: event.Error, cause: String(event.Cause ?? '') };
        return;
      case 'StateRetried':
        this.line(this.paint.dim(`↻ ${event.state.name} retried after ${this.lastFailure?.error ?? 'an error'} (attempt ${event.retry.attempt + 1})`));
        return;
      case 'StateCaught': {
        this.pollDrs(); // what DRS shows at the failure comes before it
        const failure = this.lastFailure;
        const message = lambdaErrorMessage(failure?.cause) ?? '';
        this.line(this.paint.red(`✗ ${event.state.name} failed: ${failure?.error ?? 'error'}${message ? `: ${message}` : ''}`));
        return;
      }
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
        this.stop();
        return;
      default:
        return;
    }
  };

  /** Stops reading the local DRS service, after one last look. */
  stop(): void {
    if (this.poller === undefined) return;
    clearInterval(this.poller);
    this.poller = undefined;
    this.pollDrs();
  }

  private begin(run: RunInfo): void {
    this.run = run;
    this.poller = setInterval(() => this.pollDrs(), this.pollMs);
    this.poller.unref();
  }

  private elapsedSeconds(): number {
    if (!this.run) return 0;
    return (this.run.drs.now().getTime() - Date.parse(this.run.startTime)) / 1000;
  }

  private line(text: string, indent = 0): void {
    this.write(`${this.paint.dim(formatElapsed(this.elapsedSeconds()).padStart(7))}  ${'  '.repeat(indent)}${text}`);
  }

  // ---- the workflow's steps, from the state each Task leaves ----------------------------------

  private stepDone(stateName: string, output: unknown): void {
    if (!isRecord(output)) return;
    const now = this.run?.drs.now().toISOString() ?? '';
    switch (stateName) {
      case 'ValidateInput': {
        const run = isRecord(output.run) ? output.run : {};
        const waves = Array.isArray(run.waves) ? run.waves.map(String) : [];
        this.line(`${this.paint.green('✓')} Input and plan ${this.paint.bold(stringAt(run, 'plan') ?? '?')} valid: ${waves.length} wave(s): ${waves.join(' → ')}`);
        return;
      }
      case 'Preflight': {
        const preflight = isRecord(output.preflight) ? output.preflight : {};
        this.line(`${this.paint.green('✓')} Preflight: ${numberAt(preflight, 'serverCount') ?? '?'} source server(s) replicating and ready`);
        const warnings = Array.isArray(preflight.warnings) ? preflight.warnings : [];
        for (const warning of warnings) this.line(this.paint.yellow(`! ${String(warning)}`), 1);
        return;
      }
      case 'RecoverSourceNetworks':
      case 'CheckSourceNetworks': {
        const networks = isRecord(output.networks) ? output.networks : {};
        const count = numberAt(networks, 'networkCount') ?? 0;
        const launched = numberAt(networks, 'launched') ?? 0;
        const failed = numberAt(networks, 'failed') ?? 0;
        const signature = `${launched}/${failed}/${networks.done === true}`;
        if (stateName === 'RecoverSourceNetworks') this.line(this.paint.cyan(`▶ Source networks: recovering ${count} network(s) before the first wave`));
        if (signature === this.networkSignature) return;
        this.networkSignature = signature;
        if (failed > 0) this.line(this.paint.red(`✗ Source networks: ${failed} of ${count} failed`));
        else if (networks.done === true) this.line(`${this.paint.green('✓')} Source networks recovered: ${launched} of ${count}`);
        else if (launched > 0) this.line(`source networks: ${launched} of ${count} recovered`, 1);
        return;
      }
      case 'StartWave': {
        const wave = isRecord(output.wave) ? output.wave : {};
        const name = stringAt(wave, 'name') ?? '?';
        const jobs = Array.isArray(wave.jobIDs) ? wave.jobIDs.length : 0;
        const notStarted = numberAt(wave, 'notStarted') ?? 0;
        if (this.currentWave !== name) {
          this.currentWave = name;
          this.timings.set(name, { startedAt: now });
          this.line(this.paint.cyan(`▶ Wave ${this.paint.bold(name)}: ${numberAt(wave, 'serverCount') ?? '?'} server(s) in ${jobs} job(s)`));
          this.pollDrs(); // its servers, now that the wave is announced
        } else {
          this.line(`  more of wave ${name} started: ${jobs} job(s) in all`);
        }
        if (notStarted > 0) this.line(this.paint.yellow(`${notStarted} server(s) wait for room in DRS's job quotas`), 1);
        return;
      }
      case 'CheckLaunch':
      case 'CheckPostLaunchActions':
        // Per-server lines come from DRS; bring them up to date before the workflow moves on.
        this.pollDrs();
        return;
      case 'CompleteWave': {
        const wave = this.lastCompletedWave(output);
        if (!wave) return;
        const name = stringAt(wave, 'name') ?? '?';
        const took = this.endWave(name, now);
        const failed = numberAt(wave, 'failed') ?? 0;
        const mark = failed > 0 ? this.paint.yellow('✓') : this.paint.green('✓');
        this.line(`${mark} Wave ${this.paint.bold(name)} complete${took}: ${numberAt(wave, 'launched') ?? '?'} launched, ${failed} failed`);
        const warnings = Array.isArray(wave.warnings) ? wave.warnings : [];
        for (const warning of warnings) this.line(this.paint.yellow(`! ${String(warning)}`), 1);
        return;
      }
      case 'CleanUpDrill': {
        const cleanup = isRecord(output.cleanup) ? output.cleanup : {};
        if (!this.cleanUpStarted) {
          this.cleanUpStarted = true;
          this.closeOpenWave(now);
          this.line(this.paint.cyan(`▶ Drill clean-up: terminating ${numberAt(cleanup, 'instancesLaunched') ?? '?'} drill instance(s)`));
        }
        if (cleanup.done === true) {
          this.pollDrs(); // the instances it terminated, before the total
          const left = numberAt(cleanup, 'instancesLeft') ?? 0;
          const text = `Clean-up done: ${numberAt(cleanup, 'instancesTerminated') ?? '?'} terminated, ${left} left`;
          this.line(left > 0 ? this.paint.red(`✗ ${text}`) : `${this.paint.green('✓')} ${text}`);
        }
        return;
      }
      // ---- the failback workflow ----
      case 'ValidateFailbackInput': {
        const run = isRecord(output.run) ? output.run : {};
        const waves = Array.isArray(run.waves) ? run.waves.filter(isRecord).map((wave) => stringAt(wave, 'name') ?? '?') : [];
        const what = run.check === true ? 'Readiness check' : 'Failback';
        this.line(`${this.paint.green('✓')} ${what} of plan ${this.paint.bold(stringAt(run, 'plan') ?? '?')} (recovery ${stringAt(run, 'recoveryExecution') ?? '?'}): ${waves.length} wave(s): ${waves.join(' → ')}`);
        return;
      }
      case 'CheckFailbackReadiness': {
        const readiness = isRecord(output.readiness) ? output.readiness : {};
        const notReady = numberAt(readiness, 'notReady') ?? 0;
        this.line(`${notReady > 0 ? this.paint.yellow('!') : this.paint.green('✓')} Readiness: ${numberAt(readiness, 'ready') ?? '?'} ready to fail back, ${notReady} not ready`);
        return;
      }
      case 'StartFailbackWave': {
        const wave = isRecord(output.wave) ? output.wave : {};
        const name = stringAt(wave, 'name') ?? '?';
        this.currentWave = name;
        this.failbackSignature = undefined;
        this.timings.set(name, { startedAt: now });
        const onPremises = numberAt(wave, 'onPremises') ?? 0;
        const aws = numberAt(wave, 'aws') ?? 0;
        this.line(this.paint.cyan(`▶ Failback wave ${this.paint.bold(name)}: ${onPremises} on-premises (failback launch), ${aws} EC2 origin (reverse replication)`));
        return;
      }
      case 'CheckFailback': {
        this.pollDrs(); // per-server lines first, as for CheckLaunch
        const wave = isRecord(output.wave) ? output.wave : {};
        const counts = ['waitingForReadiness', 'replicatingBack', 'launching', 'failedBack'].map((key) => numberAt(wave, key) ?? 0);
        const signature = counts.join('/');
        if (signature === this.failbackSignature) return;
        this.failbackSignature = signature;
        const [waiting, replicating, launching, failedBack] = counts;
        this.line(`waiting for readiness ${waiting} · replicating back ${replicating} · launching ${launching} · failed back ${failedBack}`, 1);
        return;
      }
      case 'ReprotectWave': {
        this.pollDrs();
        const wave = this.lastCompletedWave(output);
        if (!wave) return;
        const name = stringAt(wave, 'name') ?? '?';
        const took = this.endWave(name, now);
        const terminated = numberAt(wave, 'terminated') ?? 0;
        this.line(
          `${this.paint.green('✓')} Wave ${this.paint.bold(name)} failed back${took}: ${numberAt(wave, 'failedBack') ?? '?'} failed back, ${numberAt(wave, 'reprotected') ?? '?'} re-protected${terminated > 0 ? `, ${terminated} recovery instance(s) terminated` : ''}`,
        );
        return;
      }
      case 'StopStartedFailbacks': {
        const stopped = isRecord(output.stopped) ? numberAt(output.stopped, 'stopped') : undefined;
        this.line(this.paint.yellow(`! Stopped ${stopped ?? '?'} failback launch(es) this run had started`));
        return;
      }
      case 'WriteReport': {
        this.closeOpenWave(now);
        const report = isRecord(output.report) ? output.report : {};
        this.line(`${this.paint.green('✓')} Report written (${stringAt(report, 'status') ?? '?'})`);
        return;
      }
      default:
        return;
    }
  }

  /** The wave a CompleteWave or ReprotectWave step just appended to `completed`. */
  private lastCompletedWave(output: Record<string, unknown>): Record<string, unknown> | undefined {
    return Array.isArray(output.completed) ? output.completed.filter(isRecord).at(-1) : undefined;
  }

  /** Ends the wave's timing; ` in 12m 05s`, or nothing when its start was not seen. */
  private endWave(name: string, now: string): string {
    const timing = this.timings.get(name);
    if (!timing) return '';
    timing.endedAt = now;
    return ` in ${formatDuration((Date.parse(now) - Date.parse(timing.startedAt)) / 1000)}`;
  }

  /** A wave that failed has no CompleteWave: its time ends when the run moves on. */
  private closeOpenWave(now: string): void {
    for (const timing of this.timings.values()) timing.endedAt ??= now;
  }

  // ---- each server, from the local DRS service's records ---------------------------------------

  private pollDrs(): void {
    if (!this.run) return;
    let state: DrsStateView;
    try {
      state = this.run.drs.state();
    } catch {
      return; // the service is stopping; the next look will do
    }
    for (const server of state.sourceServers) {
      const hostname = server.sourceProperties?.identificationHints?.hostname ?? server.sourceProperties?.identificationHints?.fqdn;
      if (hostname) this.hostnames.set(server.sourceServerID, hostname);
    }
    // A wave's servers are shown once the workflow announced the wave (DRS may list its job first).
    const ownJobs = state.jobs.filter(
      (job) => job.type === 'LAUNCH' && job.tags?.[TAG.execution] === this.run?.executionName && this.timings.has(job.tags?.[TAG.wave] ?? ''),
    );
    for (const job of ownJobs) this.serverLines(job);
    if (this.cleanUpStarted) this.terminationLines(state);
  }

  private nameOf(sourceServerID: string): string {
    const width = Math.max(0, ...[...this.hostnames.values()].map((name) => name.length));
    const hostname = this.hostnames.get(sourceServerID);
    return hostname === undefined ? sourceServerID : hostname.padEnd(width);
  }

  private serverLines(job: DrsJob): void {
    const wave = job.tags?.[TAG.wave] ?? '?';
    for (const server of job.participatingServers) {
      const seen = this.servers.get(server.sourceServerID) ?? { wave, actions: new Map<string, string>() };
      this.servers.set(server.sourceServerID, seen);
      const name = this.nameOf(server.sourceServerID);
      if (seen.launch !== server.launchStatus) {
        const first = seen.launch === undefined;
        seen.launch = server.launchStatus;
        seen.recoveryInstanceID = server.recoveryInstanceID ?? seen.recoveryInstanceID;
        // A failback launch (back to the on-premises origin) names the recovery instance it
        // came from; any other launch names the instance it launched.
        const failback = job.initiatedBy === 'FAILBACK';
        if (server.launchStatus === 'LAUNCHED') {
          const text = failback ? `failed back ${this.paint.dim(`(from ${server.recoveryInstanceID ?? '?'})`)}` : `launched ${this.paint.dim(server.recoveryInstanceID ?? '')}`;
          this.line(`${this.paint.green('✓')} ${name}  ${text}`, 1);
        } else if (server.launchStatus === 'FAILED') {
          // DRS's reason is in the job log; the summary lists it from the report.
          this.line(this.paint.red(`✗ ${name}  ${failback ? 'failback launch' : 'launch'} failed`), 1);
        } else if (first) {
          this.line(`◦ ${name}  ${failback ? 'failback launch running' : 'launching'}`, 1);
        }
      }
      for (const actionRun of server.launchActionsStatus?.runs ?? []) {
        const action = actionRun.action.name;
        if (seen.actions.get(action) === actionRun.status) continue;
        seen.actions.set(action, actionRun.status);
        const optional = actionRun.action.optional ? ' (optional)' : '';
        const label = `post-launch action ${action}${optional}`;
        if (actionRun.status === 'SUCCEEDED') this.line(`${this.paint.green('✓')} ${name}  ${label} succeeded`, 1);
        else if (actionRun.status === 'FAILED') {
          const reason = actionRun.failureReason ? `: ${actionRun.failureReason}` : '';
          const paint = actionRun.action.optional ? this.paint.yellow : this.paint.red;
          this.line(paint(`${actionRun.action.optional ? '!' : '✗'} ${name}  ${label} failed${reason}`), 1);
        } else this.line(`◦ ${name}  ${label} running`, 1);
      }
    }
  }

  private terminationLines(state: DrsStateView): void {
    const remaining = new Set(
      state.recoveryInstances.filter((instance) => instance.ec2InstanceState !== 'TERMINATED').map((instance) => instance.recoveryInstanceID),
    );
    for (const [sourceServerID, seen] of this.servers) {
      if (seen.terminated || seen.recoveryInstanceID === undefined || remaining.has(seen.recoveryInstanceID)) continue;
      seen.terminated = true;
      this.line(`${this.paint.green('✓')} ${this.nameOf(sourceServerID)}  cleaned up ${this.paint.dim(`(${seen.recoveryInstanceID} terminated)`)}`, 1);
    }
  }
}
