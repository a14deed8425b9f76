// ValidateFailbackInput: the input, its plan and the recovery to fail back, resolved before
// anything changes in DRS.
import type { DrsPort, Job } from '#shared/drs/port.ts';
import type { ExecutionInput } from '#shared/plan/input.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { InvalidFailbackInputError, RecoveryExecutionNotFoundError } from './errors.ts';
import type { FailbackRun } from './state.ts';

/**
 * The checks that need no DRS call: the mode, and the termination confirmation (the plan name
 * typed again, as a console asks before deleting). Shared with the local CLI.
 */
export function checkFailbackInput(input: ExecutionInput, plan: Plan): void {
  if (input.mode !== 'failback') {
    throw new InvalidFailbackInputError(`invalid execution input: the failback workflow runs "mode": "failback", not "${input.mode}"; start drills and recoveries on the recovery state machine`);
  }
  const ignored = (['waves', 'snapshotTime', 'skipCleanup', 'holdMinutes'] as const).filter((field) => input[field] !== undefined);
  if (ignored.length > 0) {
    throw new InvalidFailbackInputError(`invalid execution input: ${ignored.join(', ')} do not apply to a failback (it fails back every wave of the recovery); remove them`);
  }
  if (input.terminateRecoveryInstances === true && input.confirmTermination !== plan.name) {
    throw new InvalidFailbackInputError(
      `invalid execution input: terminateRecoveryInstances terminates the recovery instances once failed back; confirm it with "confirmTermination": "${plan.name}" (the plan name)`,
    );
  }
  if (input.confirmTermination !== undefined && input.terminateRecoveryInstances !== true) {
    throw new InvalidFailbackInputError('invalid execution input: confirmTermination confirms terminateRecoveryInstances: add "terminateRecoveryInstances": true or remove it');
  }
}

/** A recovery launch of this plan: recovery (never drill) jobs carry the plan and execution tags. */
function isRecoveryJobOfPlan(job: Job, plan: string): boolean {
  return job.type === 'LAUNCH' && job.initiatedBy === 'START_RECOVERY' && job.tags?.[TAG.plan] === plan && (job.participatingServers ?? []).length > 0;
}

/**
 * The failback run: the named recovery execution, or the plan's latest recovery (the one with the
 * newest job), and its waves in reverse order, each with the jobs that launched its instances.
 */
export async function prepareFailback(
  input: ExecutionInput,
  plan: Plan,
  execution: string,
  startedAt: string,
  drs: DrsPort,
  scopes?: FailbackRun['scopes'],
): Promise<FailbackRun> {
  checkFailbackInput(input, plan);
  // All jobs: a failback may come weeks after its recovery. DescribeJobs lists newest first.
  const recoveryJobs = (await drs.listJobs({})).filter((job) => isRecoveryJobOfPlan(job, plan.name));
  const recoveryExecution = input.recoveryExecution ?? recoveryJobs[0]?.tags?.[TAG.execution];
  if (recoveryExecution === undefined) {
    throw new RecoveryExecutionNotFoundError(`plan "${plan.name}" has no recovery to fail back: DRS holds no recovery (not drill) job tagged ${TAG.plan}=${plan.name}`);
  }
  const jobs = recoveryJobs.filter((job) => job.tags?.[TAG.execution] === recoveryExecution).reverse();
  if (jobs.length === 0) {
    const known = [...new Set(recoveryJobs.map((job) => job.tags?.[TAG.execution]))].slice(0, 5);
    throw new RecoveryExecutionNotFoundError(
      `recovery execution "${recoveryExecution}" of plan "${plan.name}" launched no recovery job in DRS${known.length > 0 ? `; recoveries of the plan: ${known.join(', ')}` : ''}`,
    );
  }
  // Plan order reversed: the web tier goes back before the databases it depends on.
  const waves = plan.waves
    .map((wave) => ({ name: wave.name, recoveryJobIDs: jobs.filter((job) => job.tags?.[TAG.wave] === wave.name).map((job) => job.jobID ?? '') }))
    .filter((wave) => wave.recoveryJobIDs.length > 0)
    .reverse();
  if (waves.length === 0) throw new RecoveryExecutionNotFoundError(`recovery execution "${recoveryExecution}" has no job of any wave of plan "${plan.name}"`);
  return {
    plan: plan.name,
    mode: 'failback',
    execution,
    startedAt,
    recoveryExecution,
    waves,
    check: input.check === true,
    terminateRecoveryInstances: input.terminateRecoveryInstances === true,
    reason: input.reason,
    trigger: input.trigger,
    ...(scopes === undefined ? {} : { scopes }),
  };
}
