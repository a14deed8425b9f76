// Live progress of a local run, as lines on a plain terminal: the workflow's steps from the
// execution's event log, in the shared narrator's words (its state is compact by design: wave
// names and counts), and each server's launch, post-launch actions and clean-up from the local DRS
// service's own records, where the narration leaves room for them.
import { LiveNarrator, type Palette, type WaveTiming, formatDuration } from '#shared/narrator/live.ts';
import { taskExit } from '#shared/narrator/task-exit.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { lambdaErrorMessage } from '#shared/engine/state.ts';
import { counted } from '#shared/words.ts';
import type { DrsJob, DrsStateView, LocalDrs } from './local-drs.ts';
import type { ExecutionLogEvent, RunInfo } from './run-local.ts';

export interface ProgressOptions {
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /** ANSI colours (default: when stdout is a terminal and NO_COLOR is not set). */
  color?: boolean;
  /** How often the local DRS service's records are read, in real milliseconds. */
  pollMs?: number;
}

function palette(color: boolean): Palette {
  const code = (open: number, close: number) => (color ? (text: string) => `\u001b[${open}m${text}\u001b[${close}m` : (text: string) => text);
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

/** The workflows' steps in the words of the live view (`%wave`: the wave it belongs to). */
const STEP_WORDS: Readonly<Record<string, string>> = {
  ValidateInput: 'Input check',
  TakePlanLock: "Taking the plan's lock",
  Preflight: 'Preflight',
  RecoverSourceNetworks: 'Source network recovery',
  CheckSourceNetworks: 'Source network recovery',
  ExtendSourceServers: 'Extending staging servers',
  PrepareWave: 'Preparing %wave',
  RequestApproval: 'Approval of %wave',
  RunWaveActions: 'An action of %wave',
  StartWave: 'Starting %wave',
  WaitForLaunch: 'Waiting for the launch of %wave',
  CheckLaunch: 'Launch of %wave',
  WaitForPostLaunchActions: 'Waiting for the post-launch actions of %wave',
  CheckPostLaunchActions: 'Post-launch actions of %wave',
  CompleteWave: '%wave',
  CleanUpDrill: 'Drill clean-up',
  RemoveDrillNetworks: 'Removing the drill networks',
  WriteReport: 'Writing the report',
  ValidateFailbackInput: 'Failback input check',
  CheckFailbackReadiness: 'Failback readiness check',
  StartFailbackWave: 'Starting the failback of %wave',
  CheckFailback: 'Failback of %wave',
  ReprotectWave: 'Re-protection of %wave',
  StopStartedFailbacks: 'Stopping the failbacks started',
};

/**
 * A failure as users read it: our own errors by their message alone (their class name says
 * nothing to an operator), Step Functions' and Lambda's (`States.Timeout`, …) by name too.
 */
export function failureText(error: string | undefined, message: string): string {
  const ours = error !== undefined && /^[A-Z][A-Za-z]+Error$/.test(error);
  if (ours && message !== '') return message;
  return `${error ?? 'error'}${message === '' ? '' : `: ${message}`}`;
}

/** What the display last said about one server, so it only prints changes. */

/** Simulated seconds of silence after which the live view says where the run is. */
const HEARTBEAT_SECONDS = 120;

interface ServerSeen {
  wave: string;
  launch?: string;
  recoveryInstanceID?: string;
  actions: Map<string, string>;
  terminated?: boolean;
}

export class RunProgress {
  private readonly write: (line: string) => void;
  private readonly paint: Palette;
  private readonly narrator: LiveNarrator;
  private readonly pollMs: number;
  private run?: RunInfo;
  private poller?: NodeJS.Timeout;
  private readonly servers = new Map<string, ServerSeen>();
  private readonly hostnames = new Map<string, string>();
  private lastFailure?: { state: string; error: string; cause?: string };
  /** The state whose failure a Catch just took: its exit is not a result to narrate. */
  private caught?: string;
  /** When the last line was printed (simulated epoch ms): a long silence gets a heartbeat. */
  private lastLineAtMs = 0;
  /** A pause or hold in progress: what it is and when it ends (simulated epoch ms). */
  private countdown?: { state: string; label: string; endsAtMs: number };

  constructor(options: ProgressOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.paint = palette(options.color ?? useColor());
    this.narrator = new LiveNarrator(this.paint);
    this.pollMs = options.pollMs ?? 250;
  }

  /** Wave start and end times seen during the run (simulated time). */
  get waveTimings(): ReadonlyMap<string, WaveTiming> {
    return this.narrator.waveTimings;
  }

  /** Pass to runLocal's onEvent. */
  readonly onEvent = (event: ExecutionLogEvent, run: RunInfo): void => {
    if (this.run === undefined) this.begin(run);
    switch (event.type) {
      case 'StateEntered':
        this.waitEntered(event.state.name, event.state.input);
        return;
      case 'StateExited':
        if (this.countdown?.state === event.state.name) this.countdown = undefined;
        // A caught failure exits its state too: its line was the failure's, not the step's result.
        if (this.caught === event.state.name) {
          this.caught = undefined;
          return;
        }
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
        // No launch result before the fallback poll: the wait polls, as it would without events.
        if (failure?.error === 'States.Timeout' && run.pollingCallbacks.has(event.state.name)) return;
        this.caught = event.state.name;
        this.line(this.paint.red(`✗ ${this.stepInWords(event.state.name)} failed: ${failureText(failure?.error, lambdaErrorMessage(failure?.cause ?? ''))}`));
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

  /** A pause after a wave or a drill's hold: said with its length and end, then counted down by the heartbeat. */
  private waitEntered(stateName: string, input: unknown): void {
    const state = typeof input === 'object' && input !== null ? (input as { wave?: { name?: string; pauseAfterSeconds?: number }; run?: { holdSeconds?: number } }) : {};
    const seconds = stateName === 'PauseAfterWave' ? state.wave?.pauseAfterSeconds : stateName === 'HoldDrillBeforeCleanUp' ? state.run?.holdSeconds : undefined;
    if (seconds === undefined || seconds <= 0 || !this.run) return;
    const label = stateName === 'PauseAfterWave' ? `pause after wave ${state.wave?.name ?? '?'}` : 'drill instances held for manual checks before clean-up';
    this.countdown = { state: stateName, label, endsAtMs: this.run.drs.now().getTime() + seconds * 1000 };
    this.line(`⏸ ${label[0]!.toUpperCase()}${label.slice(1)}: ${formatDuration(seconds)}, until ${formatElapsed(this.elapsedSeconds() + seconds)}`);
  }

  /**
   * After a silence of HEARTBEAT_SECONDS (simulated), one line of where the run is: a countdown, or
   * the current wave's servers by what they are doing. A long launch or hold never looks stuck.
   */
  private heartbeat(): void {
    if (!this.run) return;
    const nowMs = this.run.drs.now().getTime();
    if (nowMs - this.lastLineAtMs < HEARTBEAT_SECONDS * 1000) return;
    if (this.countdown !== undefined) {
      const left = Math.max(0, Math.round((this.countdown.endsAtMs - nowMs) / 1000));
      if (left > 0) this.line(this.paint.dim(`… ${this.countdown.label}: ${formatDuration(left)} left`));
      return;
    }
    const wave = [...this.narrator.waveTimings.keys()].at(-1);
    if (wave === undefined || this.narrator.cleaningUp) return;
    const servers = [...this.servers.values()].filter((seen) => seen.wave === wave);
    const launching = servers.filter((seen) => seen.launch !== 'LAUNCHED' && seen.launch !== 'FAILED').length;
    const runs = servers.reduce((count, seen) => count + [...seen.actions.values()].filter((status) => status === 'IN_PROGRESS').length, 0);
    if (launching === 0 && runs === 0) return;
    const since = this.narrator.waveTimings.get(wave)?.startedAt;
    const elapsed = since === undefined ? '' : ` · ${formatDuration(Math.round((nowMs - Date.parse(since)) / 1000))} since the wave started`;
    const doing = launching > 0 ? `${launching} of ${counted(servers.length, 'server')} still launching${this.launchPhases(wave)}` : `${counted(runs, 'post-launch action run')} in progress`;
    this.line(this.paint.dim(`… wave ${wave}: ${doing}${elapsed}`));
  }

  /** What the wave's launching servers are doing, by their job log: ` (snapshot 1, conversion 2, launch 1)`. */
  private launchPhases(wave: string): string {
    const launching = new Set([...this.servers].filter(([, seen]) => seen.wave === wave && seen.launch !== 'LAUNCHED' && seen.launch !== 'FAILED').map(([id]) => id));
    let timeline: ReturnType<NonNullable<LocalDrs['timeline']>>;
    try {
      timeline = this.run?.drs.timeline?.({ allAccounts: true }) ?? [];
    } catch {
      return ''; // the service is stopping
    }
    const counts = new Map<string, number>();
    for (const job of timeline) {
      for (const server of job.servers) {
        if (!launching.has(server.sourceServerID)) continue;
        const phase = server.launchStart !== undefined ? 'launch' : server.conversionStart !== undefined ? 'conversion' : server.snapshotStart !== undefined ? 'snapshot' : 'job starting';
        counts.set(phase, (counts.get(phase) ?? 0) + 1);
      }
    }
    const order = ['job starting', 'snapshot', 'conversion', 'launch'];
    const parts = order.filter((phase) => counts.has(phase)).map((phase) => `${phase} ${counts.get(phase)}`);
    return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
  }

  private line(text: string, indent = 0): void {
    if (this.run) this.lastLineAtMs = this.run.drs.now().getTime();
    const margin = `         ${'  '.repeat(indent)}`;
    // A message of several lines stays in the column of its first.
    this.write(`${this.paint.dim(formatElapsed(this.elapsedSeconds()).padStart(7))}  ${'  '.repeat(indent)}${text.replaceAll('\n', `\n${margin}`)}`);
  }

  /** A step as users know it, with the wave it belongs to. */
  private stepInWords(stateName: string): string {
    const words = STEP_WORDS[stateName];
    if (words === undefined) return stateName;
    const wave = [...this.narrator.waveTimings.keys()].at(-1);
    return words.includes('%wave') ? words.replace('%wave', wave === undefined ? 'the wave' : `wave ${wave}`) : words;
  }

  // ---- the workflow's steps, from the state each Task leaves ----------------------------------

  private stepDone(stateName: string, output: unknown): void {
    const exit = taskExit(stateName, output);
    if (exit === undefined) return;
    for (const beat of this.narrator.taskExited(exit, this.run?.drs.now().toISOString() ?? '')) {
      if (beat.kind === 'servers') this.pollDrs();
      else this.line(beat.text, beat.indent);
    }
  }

  // ---- each server, from the local DRS service's records ---------------------------------------

  private pollDrs(): void {
    if (!this.run) return;
    let state: DrsStateView;
    try {
      state = this.run.drs.state({ allAccounts: true });
    } catch {
      return; // the service is stopping; the next look will do
    }
    for (const server of state.sourceServers) {
      const hostname = server.sourceProperties?.identificationHints?.hostname ?? server.sourceProperties?.identificationHints?.fqdn;
      if (hostname) this.hostnames.set(server.sourceServerID, hostname);
    }
    // A wave's servers are shown once the workflow announced the wave (DRS may list its job first).
    const ownJobs = state.jobs.filter(
      (job) => job.type === 'LAUNCH' && job.tags?.[TAG.execution] === this.run?.executionName && this.narrator.waveTimings.has(job.tags?.[TAG.wave] ?? ''),
    );
    for (const job of ownJobs) this.serverLines(job);
    if (this.narrator.cleaningUp) this.terminationLines(state);
    this.heartbeat();
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
