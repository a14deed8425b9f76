// The live display's narration of a run: each Task's exit in the words of someone watching it,
// one line per change, and each wave's duration once it ends. The display adds what it sees of
// each server (from DRS) where the narration leaves room for it.
import type { Seen, TaskExit } from './task-exit.ts';
import { counted, plural } from '#shared/words.ts';

/** How lines are coloured: ANSI on a terminal, nothing elsewhere. */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** A line of the narration, under the run's steps (indent 1) or not; or where the servers' own lines go. */
export type LiveBeat = { kind: 'line'; text: string; indent: 0 | 1 } | { kind: 'servers' };

/** A wave's start and end on the run's clock, as the narration saw them. */
export interface WaveTiming {
  startedAt: string;
  endedAt?: string;
}

/** `12m 05s`, `1h 02m`, `45s`: a duration people read. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

const line = (text: string, indent: 0 | 1 = 0): LiveBeat => ({ kind: 'line', text, indent });
/** The servers' lines go here: after the wave that has them was announced, before a total that counts them. */
const SERVERS: LiveBeat = { kind: 'servers' };

/** The narration of one run: it remembers what it said, to say only what changed. */
export class LiveNarrator {
  private readonly timings = new Map<string, WaveTiming>();
  private currentWave?: string;
  private cleanUpStarted = false;
  /** Launched/failed/done of the source networks as last said. */
  private networkSignature?: string;
  /** How many action results of each wave were told already. */
  private readonly actionsSeen = new Map<string, number>();
  /** The failback wave's counts as last said. */
  private failbackSignature?: string;
  private networkRemovalStarted = false;

  constructor(private readonly paint: Palette) {}

  /** Wave start and end times seen so far; a wave's servers are news once it is here. */
  get waveTimings(): ReadonlyMap<string, WaveTiming> {
    return this.timings;
  }

  /** Whether the drill's clean-up was announced: its terminations are news from then on. */
  get cleaningUp(): boolean {
    return this.cleanUpStarted;
  }

  /** What to print for a Task that exited at `now` (ISO, on the run's clock). */
  taskExited(exit: TaskExit, now: string): LiveBeat[] {
    const { green, red, yellow, cyan, bold } = this.paint;
    const done = green('✓');
    switch (exit.task) {
      case 'ValidateInput': {
        const run = exit.state.run ?? {};
        const waves = run.waves ?? [];
        return [line(`${done} Input and plan ${bold(run.plan ?? '?')} valid: ${counted(waves.length, 'wave')}: ${waves.join(' → ')}`)];
      }
      case 'TakePlanLock': {
        // Only a takeover is news: a run of the plan ended without giving it back.
        const from = exit.state.lock?.tookOverFrom;
        if (from === undefined) return [];
        const how = 'endedAs' in from ? `which ended ${from.endedAs ?? '?'} without giving it back` : 'whose lock lapsed';
        return [line(yellow(`⚠ Plan taken over from ${from.execution ?? '?'} (${from.mode ?? '?'}), ${how}`))];
      }
      case 'Preflight': {
        const preflight = exit.state.preflight ?? {};
        return [
          line(`${done} Preflight: ${counted(preflight.serverCount, 'source server')} replicating and ready`),
          ...this.warnings(preflight.warnings),
        ];
      }
      case 'RecoverSourceNetworks':
      case 'CheckSourceNetworks': {
        const networks = exit.state.networks ?? {};
        const count = networks.networkCount ?? 0;
        const launched = networks.launched ?? 0;
        const failed = networks.failed ?? 0;
        const beats = exit.task === 'RecoverSourceNetworks' ? [line(cyan(`▶ Source networks: recovering ${counted(count, 'network')} before the first wave`))] : [];
        const signature = `${launched}/${failed}/${networks.done === true}`;
        if (signature === this.networkSignature) return beats;
        this.networkSignature = signature;
        if (failed > 0) beats.push(line(red(`✗ Source networks: ${failed} of ${count} failed`)));
        else if (networks.done === true) beats.push(line(`${done} Source networks recovered: ${launched} of ${count}`));
        else if (launched > 0) beats.push(line(`source networks: ${launched} of ${count} recovered`, 1));
        return beats;
      }
      case 'ExtendSourceServers': {
        const extension = exit.state.extension ?? {};
        if (extension.done !== true || (extension.extended ?? 0) === 0) return [];
        const failed = extension.failed ?? 0;
        return [
          line(`${done} ${counted(extension.extended, 'staging server')} extended into ${plural(extension.extended, 'its', 'their')} target account${failed > 0 ? red(`, ${failed} EXTENSION_ERROR`) : ''}`),
        ];
      }
      case 'PrepareWave':
        // The gate says itself (the runner prints its commands); the actions when they end.
        return [];
      case 'RequestApproval': {
        const gate = exit.state.next?.gate;
        return [line(`${done} Wave ${bold(exit.state.next?.name ?? '?')} approved by ${gate?.approver ?? '?'}${gate?.comment ? `: "${gate.comment}"` : ''}`)];
      }
      case 'RunWaveActions': {
        const next = exit.state.next ?? {};
        const results = next.results ?? [];
        const fresh = results.slice(this.actionsSeen.get(next.name ?? '') ?? 0);
        this.actionsSeen.set(next.name ?? '', results.length);
        return fresh.map((result) => {
          const ok = result.status === 'SUCCEEDED';
          const mark = ok ? done : result.onFailure === 'continue' ? yellow('⚠') : red('✗');
          const what = `${result.kind === 'lambda' ? 'function' : 'automation'} ${result.target ?? '?'}`;
          const why = ok ? '' : `: ${result.failureReason ?? result.status}${result.onFailure === 'continue' ? ' (onFailure: continue)' : ''}`;
          return line(`${mark} Action ${bold(result.name ?? '?')} ${result.phase ?? '?'} wave ${next.name ?? '?'} (${what}) ${result.status ?? '?'} in ${Math.round(result.durationSeconds ?? 0)} s${why}`);
        });
      }
      case 'WaitForLaunch':
      case 'WaitForPostLaunchActions':
        // What it heard of shows in the counts of CheckLaunch or CheckPostLaunchActions, which follow at once.
        return [];
      case 'StartWave': {
        const wave = exit.state.wave ?? {};
        const name = wave.name ?? '?';
        const jobs = wave.jobIDs?.length ?? 0;
        const notStarted = wave.notStarted ?? 0;
        const beats: LiveBeat[] = [];
        if (this.currentWave !== name) {
          this.currentWave = name;
          this.timings.set(name, { startedAt: now });
          beats.push(line(cyan(`▶ Wave ${bold(name)}: ${counted(wave.serverCount, 'server')} in ${counted(jobs, 'job')}`)), SERVERS);
        } else {
          // A quota-limited wave starts the rest of its servers as room frees up.
          beats.push(line(`  more of wave ${name} started: ${counted(jobs, 'job')} in all`));
        }
        if (notStarted > 0) beats.push(line(yellow(`${counted(notStarted, 'server')} ${plural(notStarted, 'waits', 'wait')} for room in DRS's job quotas`), 1));
        return beats;
      }
      case 'CheckLaunch':
      case 'CheckPostLaunchActions':
        // Per-server lines tell this; bring them up to date before the workflow moves on.
        return [SERVERS];
      case 'CompleteWave': {
        const wave = exit.state.completed?.at(-1);
        if (!wave) return [];
        const name = wave.name ?? '?';
        const failed = wave.failed ?? 0;
        // Within its failure budget, but not clean: no ✓ for a wave with failed servers.
        const mark = failed > 0 ? yellow('⚠') : done;
        return [
          line(`${mark} Wave ${bold(name)} complete${failed > 0 ? ' within its failure budget' : ''}${this.endWave(name, now)}: ${wave.launched ?? '?'} launched, ${failed} failed`),
          ...this.warnings(wave.warnings),
        ];
      }
      case 'CleanUpDrill': {
        const cleanup = exit.state.cleanup ?? {};
        const beats: LiveBeat[] = [];
        if (!this.cleanUpStarted) {
          this.cleanUpStarted = true;
          this.closeOpenWave(now);
          beats.push(line(cyan(`▶ Drill clean-up: terminating ${counted(cleanup.instancesLaunched, 'drill instance')}`)));
        }
        if (cleanup.done === true) {
          const left = cleanup.instancesLeft ?? 0;
          const text = `Clean-up done: ${cleanup.instancesTerminated ?? '?'} terminated, ${left} left`;
          // The instances it terminated come before the total.
          beats.push(SERVERS, line(left > 0 ? red(`✗ ${text}`) : `${done} ${text}`));
        }
        return beats;
      }
      case 'RemoveDrillNetworks': {
        const removal = exit.state.networkRemoval ?? {};
        const stacks = removal.stacks ?? [];
        const beats: LiveBeat[] = [];
        if (!this.networkRemovalStarted && removal.discovered === true) {
          this.networkRemovalStarted = true;
          const deleting = stacks.filter((stack) => stack.outcome === 'deleting').length;
          beats.push(line(cyan(`▶ Drill networks: deleting ${counted(deleting, 'CloudFormation stack')} the drill created`)));
        }
        if (removal.done === true) {
          const count = (outcome: string) => stacks.filter((stack) => stack.outcome === outcome).length;
          const text = `Drill networks: ${counted(count('removed'), 'stack')} removed, ${count('kept')} kept, ${count('failed')} not removed`;
          beats.push(line(count('failed') > 0 ? red(`✗ ${text}`) : `${done} ${text}`));
        }
        return beats;
      }
      case 'ValidateFailbackInput': {
        const run = exit.state.run ?? {};
        const waves = (run.waves ?? []).map((wave) => wave.name ?? '?');
        const what = run.check === true ? 'Readiness check' : 'Failback';
        return [line(`${done} ${what} of plan ${bold(run.plan ?? '?')} (recovery ${run.recoveryExecution ?? '?'}): ${counted(waves.length, 'wave')}: ${waves.join(' → ')}`)];
      }
      case 'CheckFailbackReadiness': {
        const readiness = exit.state.readiness ?? {};
        const notReady = readiness.notReady ?? 0;
        return [line(`${notReady > 0 ? yellow('!') : done} Readiness: ${readiness.ready ?? '?'} ready to fail back, ${notReady} not ready`)];
      }
      case 'StartFailbackWave': {
        const wave = exit.state.wave ?? {};
        const name = wave.name ?? '?';
        this.currentWave = name;
        this.failbackSignature = undefined;
        this.timings.set(name, { startedAt: now });
        return [line(cyan(`▶ Failback wave ${bold(name)}: ${wave.onPremises ?? 0} on-premises (failback launch), ${wave.aws ?? 0} EC2 origin (reverse replication)`))];
      }
      case 'CheckFailback': {
        const wave = exit.state.wave ?? {};
        const counts = [wave.waitingForReadiness, wave.replicatingBack, wave.launching, wave.failedBack].map((count) => count ?? 0);
        const signature = counts.join('/');
        // Per-server lines first, as for CheckLaunch.
        if (signature === this.failbackSignature) return [SERVERS];
        this.failbackSignature = signature;
        const [waiting, replicating, launching, failedBack] = counts;
        return [SERVERS, line(`waiting for readiness ${waiting} · replicating back ${replicating} · launching ${launching} · failed back ${failedBack}`, 1)];
      }
      case 'ReprotectWave': {
        const wave = exit.state.completed?.at(-1);
        if (!wave) return [SERVERS];
        const name = wave.name ?? '?';
        const terminated = wave.terminated ?? 0;
        const took = this.endWave(name, now);
        return [
          SERVERS,
          line(
            `${done} Wave ${bold(name)} failed back${took}: ${wave.failedBack ?? '?'} failed back, ${wave.reprotected ?? '?'} re-protected${terminated > 0 ? `, ${counted(terminated, 'recovery instance')} terminated` : ''}`,
          ),
        ];
      }
      case 'StopStartedFailbacks':
        return [line(yellow(`! Stopped ${counted(exit.state.stopped?.stopped, 'failback launch', 'failback launches')} this run had started`))];
      case 'WriteReport':
        this.closeOpenWave(now);
        return [line(`${done} Report written (${exit.state.report?.status ?? '?'})`)];
    }
  }

  private warnings(warnings: Seen<string[]> | undefined): LiveBeat[] {
    return (warnings ?? []).map((warning) => line(this.paint.yellow(`! ${warning}`), 1));
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
}
