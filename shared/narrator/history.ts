// The AWS follower's narration: one plain line per Task exit in an execution's history, stamped
// with the event's time by the follower, which prints it only when it differs from the last.
import type { TaskExit } from './task-exit.ts';
import { counted } from '#shared/words.ts';

/** A value the state may not show: `?` then. */
const shown = (value: string | number | undefined): string | number => value ?? '?';

/** The line for a Task's exit, or undefined for one that says nothing worth a line. */
export function historyLine(exit: TaskExit): string | undefined {
  switch (exit.task) {
    case 'ValidateInput':
      return `input valid: waves ${shown(exit.state.run?.waves?.join(', '))}`;
    case 'TakePlanLock': {
      const from = exit.state.lock?.tookOverFrom;
      return from === undefined ? undefined : `plan taken over from ${shown(from.execution)}, ${'endedAs' in from ? `which ended ${shown(from.endedAs)}` : 'whose lock lapsed'}`;
    }
    case 'Preflight': {
      const preflight = exit.state.preflight;
      return `preflight passed: ${counted(preflight?.serverCount, 'server')}, ${counted(preflight?.warnings?.length ?? 0, 'warning')}`;
    }
    case 'ExtendSourceServers': {
      const extension = exit.state.extension;
      return `staging servers extended: ${shown(extension?.extended)} (${shown(extension?.failed)} EXTENSION_ERROR)${extension?.done === true ? '' : ', more to come'}`;
    }
    case 'WaitForLaunch': {
      const wake = exit.state.wake;
      return wake?.resumedBy === 'launchResult' ? `launch results heard: the wave resumed (the last was ${shown(wake.sourceServerID)} of ${shown(wake.jobID)})` : undefined;
    }
    case 'WaitForPostLaunchActions': {
      const wake = exit.state.wake;
      return wake?.resumedBy === 'actionRunEnded' ? `post-launch action runs ended: the wave resumed (the last was run ${shown(wake.runId)})` : undefined;
    }
    case 'RequestApproval': {
      const gate = exit.state.next?.gate;
      return `wave ${shown(exit.state.next?.name)} approved by ${shown(gate?.approver)}${gate?.comment ? `: "${gate.comment}"` : ''}`;
    }
    case 'RunWaveActions': {
      const next = exit.state.next;
      const result = next?.results?.at(-1);
      if (next?.running !== undefined) return `${next.phase ?? '?'} wave ${shown(next.name)}: action ${shown(next.running.name)} running (${shown(next.running.automationExecutionId)})`;
      return result === undefined ? undefined : `${shown(result.phase)} wave ${shown(next?.name)}: action ${shown(result.name)} ${shown(result.status)}${result.failureReason ? `: ${result.failureReason}` : ''}`;
    }
    case 'StartWave': {
      const wave = exit.state.wave;
      const started = wave?.serverCount === undefined || wave.notStarted === undefined ? undefined : wave.serverCount - wave.notStarted;
      return `wave ${shown(wave?.name)}: ${shown(started)}/${counted(wave?.serverCount, 'server')} in ${counted(wave?.jobIDs?.length, 'job')}`;
    }
    case 'CheckLaunch': {
      const wave = exit.state.wave;
      return `wave ${shown(wave?.name)}: ${shown(wave?.launched)} launched, ${shown(wave?.failed)} failed of ${shown(wave?.serverCount)}`;
    }
    case 'CheckPostLaunchActions': {
      const wave = exit.state.wave;
      // A failback wave counts no pending runs.
      const pending = wave !== undefined && 'actionsPending' in wave ? `, ${shown(wave.actionsPending)} pending` : '';
      return `wave ${shown(wave?.name)}: post-launch actions ${shown(wave?.actionsSucceeded)} succeeded, ${shown(wave?.actionsFailed)} failed${pending}`;
    }
    case 'CompleteWave': {
      const wave = exit.state.wave;
      return `wave ${shown(wave?.name)} completed: ${shown(wave?.launched)}/${shown(wave?.serverCount)} launched`;
    }
    case 'CleanUpDrill': {
      const cleanup = exit.state.cleanup;
      return `clean-up: ${shown(cleanup?.instancesTerminated)} terminated, ${shown(cleanup?.instancesLeft)} left`;
    }
    case 'RemoveDrillNetworks': {
      const stacks = exit.state.networkRemoval?.stacks ?? [];
      const count = (outcome: string) => stacks.filter((stack) => stack.outcome === outcome).length;
      return `drill networks: ${counted(count('removed'), 'stack')} removed, ${count('deleting')} deleting, ${count('kept')} kept, ${count('failed')} not removed`;
    }
    case 'WriteReport':
      return `report: ${shown(exit.state.report?.json)}`;
    case 'ValidateFailbackInput': {
      const run = exit.state.run;
      const waves = run?.waves?.map((wave) => shown(wave.name)).join(', ');
      return `${run?.check ? 'readiness check' : 'failback'} of recovery ${shown(run?.recoveryExecution)}: waves ${shown(waves)}`;
    }
    case 'CheckFailbackReadiness': {
      const readiness = exit.state.readiness;
      return `readiness: ${shown(readiness?.ready)} ready, ${shown(readiness?.notReady)} not ready (${shown(readiness?.markdown)})`;
    }
    case 'StartFailbackWave': {
      const wave = exit.state.wave;
      return `failback wave ${shown(wave?.name)}: ${shown(wave?.onPremises)} on-premises, ${shown(wave?.aws)} EC2 origin`;
    }
    case 'CheckFailback': {
      const wave = exit.state.wave;
      return `failback wave ${shown(wave?.name)}: waiting for readiness ${shown(wave?.waitingForReadiness)}, replicating back ${shown(wave?.replicatingBack)}, launching ${shown(wave?.launching)}, failed back ${shown(wave?.failedBack)}`;
    }
    case 'ReprotectWave': {
      const wave = exit.state.completed?.at(-1);
      return `failback wave ${shown(wave?.name)} done: ${shown(wave?.failedBack)} failed back, ${shown(wave?.reprotected)} re-protected, ${shown(wave?.terminated)} terminated`;
    }
    case 'StopStartedFailbacks':
      return `stopped ${counted(exit.state.stopped?.stopped, 'failback launch', 'failback launches')} this run started`;
    // Not in the follower's words yet: only the live display narrates the source networks.
    case 'PrepareWave':
    case 'RecoverSourceNetworks':
    case 'CheckSourceNetworks':
      return undefined;
  }
}
