// The orphan sweeper: drill instances nobody is going to terminate. DRS never terminates drill
// instances and they cost money until someone does; a drill's clean-up does it, unless it failed
// past its retries (or the stopped-run workflow's clean-up did). Per account and Region: list the
// drill instances, find who launched each (its launch job's tags), ask Step Functions whether that
// run still runs, and terminate the orphans with the engine's TERMINATE loop.
import { activeJobsSince, isActiveJob } from '#shared/drs/jobs.ts';
import type { DrsPort, Job, RecoveryInstance } from '#shared/drs/port.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { readBack, startWithinQuotas } from '#shared/engine/start.ts';
import { terminateLoop } from '#shared/engine/terminate.ts';
import type { ExecutionStatus, ExecutionStatusPort } from './port.ts';

/** One account in one Region, as the sweep reaches it. */
export interface SweepScope {
  /** How messages name it: `account target-b (222233334444) in eu-west-1`. */
  label: string;
  drs: Pick<DrsPort, 'listRecoveryInstances' | 'listJobs' | 'terminateRecoveryInstances'>;
}

export interface SweepOptions {
  /** Drill instances the orchestrator did not launch are listed from this age on. */
  olderThanHours: number;
  /** Also terminate those listed ones. */
  terminateUnknown: boolean;
  /** Terminate nothing; say what would be terminated. */
  dryRun: boolean;
  /** The sweep's moment, on DRS's clock (job creation times are compared with it). */
  now: Date;
}

/** What the sweep did with one drill instance, and why. */
export interface SweptInstance {
  scope: string;
  recoveryInstanceID: string;
  sourceServerID?: string;
  /** The run that launched it, when the orchestrator did. */
  execution?: string;
  plan?: string;
  /** Hours since its launch job was created (or, when DRS no longer lists the job, since its point-in-time snapshot). */
  ageHours?: number;
  action: 'terminated' | 'would terminate' | 'left' | 'listed' | 'failed';
  reason: string;
}

export interface SweepResult {
  dryRun: boolean;
  /** Orphans: drill instances of runs that ended, and other drill instances past `olderThanHours`. */
  found: number;
  /** Orphans a TERMINATE job was started for (or already runs for). */
  terminated: number;
  /** Drill instances of runs still running: their own clean-up is theirs. */
  leftRunning: number;
  /** Drill instances the orchestrator did not launch (or kept at a run's request) past `olderThanHours`. */
  unknownListed: number;
  /** Instances to terminate that were not: DRS refused (ConflictException, quotas) or the call failed. */
  failed: number;
  instances: SweptInstance[];
  /** Scopes the sweep could not read or terminate in, with DRS's answer: their instances are unknown or left. */
  problems: string[];
}

/** A drill instance read from one scope, with the job that launched it when DRS still lists it. */
interface DrillInstance {
  scope: SweepScope;
  instance: RecoveryInstance;
  launchJob?: Job;
}

/** The orchestrator's run behind a launch job: it tags every job with the plan, the execution and the mode. */
function runOf(job: Job | undefined): { execution: string; plan: string } | undefined {
  const tags = job?.tags ?? {};
  const execution = tags[TAG.execution];
  const plan = tags[TAG.plan];
  return execution !== undefined && plan !== undefined && tags[TAG.mode] !== undefined ? { execution, plan } : undefined;
}

/**
 * How old an instance is: from its launch job's creation (the launch came minutes later), else from
 * the point-in-time snapshot it was launched from (DRS's RecoveryInstance has no launch time; the
 * instance is younger than that, so this errs old, and is used only once DRS no longer lists the job).
 */
function ageHoursOf({ instance, launchJob }: DrillInstance, now: Date): number | undefined {
  const since = Date.parse(launchJob?.creationDateTime ?? instance.pointInTimeSnapshotDateTime ?? '');
  return Number.isNaN(since) ? undefined : Math.round(((now.getTime() - since) / 3_600_000) * 10) / 10;
}

/** Every drill instance of a scope, with its launch job. Recovery instances (isDrill false) are never read further. */
async function readScope(scope: SweepScope): Promise<DrillInstance[]> {
  // An empty filter lists every recovery instance of the account and Region.
  const instances = (await scope.drs.listRecoveryInstances({})).filter((instance) => instance.isDrill === true);
  const jobIDs = [...new Set(instances.flatMap((instance) => (instance.jobID ? [instance.jobID] : [])))];
  const jobs = jobIDs.length === 0 ? [] : await scope.drs.listJobs({ jobIDs });
  const byID = new Map(jobs.map((job) => [job.jobID, job]));
  return instances.map((instance) => ({ scope, instance, launchJob: byID.get(instance.jobID) }));
}

/** An instance's fate before anything is terminated; `kind` says which count it goes to (a young unknown one to none). */
type Decision = Omit<SweptInstance, 'action'> & { action: 'terminate' | 'left' | 'listed'; kind: 'orphan' | 'running' | 'unknown' | 'young' };

/** What to do with one drill instance. */
function decide(drill: DrillInstance, status: ExecutionStatus | undefined, options: SweepOptions): Decision {
  const { instance, scope } = drill;
  const run = runOf(drill.launchJob);
  const ageHours = ageHoursOf(drill, options.now);
  const base = {
    scope: scope.label,
    recoveryInstanceID: instance.recoveryInstanceID ?? '',
    ...(instance.sourceServerID === undefined ? {} : { sourceServerID: instance.sourceServerID }),
    ...(run ?? {}),
    ...(ageHours === undefined ? {} : { ageHours }),
  };
  if (run !== undefined && status?.running === true) {
    return { ...base, action: 'left', kind: 'running', reason: `execution ${run.execution} is still running: its own clean-up terminates it` };
  }
  if (run !== undefined && status?.skipCleanup !== true) {
    return { ...base, action: 'terminate', kind: 'orphan', reason: `execution ${run.execution} ended without terminating it` };
  }
  const whose = run === undefined ? 'not launched by the orchestrator' : `kept at the request of execution ${run.execution} (skipCleanup)`;
  if (ageHours === undefined) return { ...base, action: 'listed', kind: 'unknown', reason: `${whose}; its age is unknown, so it is never terminated` };
  if (ageHours < options.olderThanHours) return { ...base, action: 'left', kind: 'young', reason: `${whose}; younger than ${options.olderThanHours} h` };
  return options.terminateUnknown
    ? { ...base, action: 'terminate', kind: 'unknown', reason: `${whose}; older than ${options.olderThanHours} h (terminateUnknown)` }
    : { ...base, action: 'listed', kind: 'unknown', reason: `${whose}; older than ${options.olderThanHours} h (terminateUnknown is off: terminate it yourself, or set it)` };
}

/**
 * Starts TERMINATE jobs for these instances of one scope within its DRS quotas: those already in
 * an active TERMINATE job are not terminated twice (a retried sweep), those DRS refuses for now
 * (ConflictException: the source server is in another job; quotas full) are left to the next sweep.
 */
async function terminateInScope(scope: SweepScope, ids: readonly string[], now: Date): Promise<{ terminated: Set<string>; failed: Set<string>; problem?: string }> {
  try {
    const active = (await scope.drs.listJobs({ fromDate: activeJobsSince(now.toISOString()) })).filter(isActiveJob);
    const loop = terminateLoop(new Set(ids), scope.drs);
    const beingTerminated = readBack(loop, active).items;
    const started = await startWithinQuotas(loop, ids.filter((id) => !beingTerminated.has(id)), active);
    return { terminated: new Set([...ids.filter((id) => beingTerminated.has(id)), ...started.startedIDs]), failed: new Set(started.deferred) };
  } catch (error) {
    return { terminated: new Set(), failed: new Set(ids), problem: `${scope.label}: TerminateRecoveryInstances failed: ${errorText(error)}` };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Sweeps the scopes for orphaned drill instances. Reads every scope first (a scope that cannot be
 * read is a problem, the others are swept), then asks each launching execution's status once
 * (an error there stops the sweep before anything is terminated: no status, no termination),
 * then terminates per scope. Never touches a recovery instance with isDrill false.
 */
export async function sweepOrphans(scopes: readonly SweepScope[], executions: ExecutionStatusPort, options: SweepOptions): Promise<SweepResult> {
  const problems: string[] = [];
  const read = await Promise.all(
    scopes.map((scope) =>
      readScope(scope).catch((error: unknown) => {
        problems.push(`${scope.label}: could not list its drill instances: ${errorText(error)}`);
        return [];
      }),
    ),
  );
  const drills = read.flat();

  const statuses = new Map<string, ExecutionStatus>();
  // One after the other: a handful of executions, and DescribeExecution has a modest rate limit.
  for (const execution of new Set(drills.flatMap((drill) => runOf(drill.launchJob)?.execution ?? []))) {
    statuses.set(execution, await executions.statusOf(execution));
  }
  const decisions = drills.map((drill) => ({ drill, decision: decide(drill, statuses.get(runOf(drill.launchJob)?.execution ?? ''), options) }));

  const outcomes = new Map<string, { terminated: Set<string>; failed: Set<string> }>();
  if (!options.dryRun) {
    for (const scope of scopes) {
      const ids = decisions.filter(({ drill, decision }) => drill.scope === scope && decision.action === 'terminate').map(({ decision }) => decision.recoveryInstanceID);
      if (ids.length === 0) continue;
      const outcome = await terminateInScope(scope, ids, options.now);
      if (outcome.problem !== undefined) problems.push(outcome.problem);
      outcomes.set(scope.label, outcome);
    }
  }

  const instances: SweptInstance[] = decisions.map(({ decision: { kind: _kind, action, ...swept } }) => {
    if (action !== 'terminate') return { ...swept, action };
    if (options.dryRun) return { ...swept, action: 'would terminate' };
    const outcome = outcomes.get(swept.scope);
    if (outcome?.terminated.has(swept.recoveryInstanceID)) return { ...swept, action: 'terminated' };
    return { ...swept, action: 'failed', reason: `${swept.reason}; DRS did not take the TerminateRecoveryInstances (the next sweep tries again)` };
  });
  const counted = (kind: Decision['kind']) => decisions.filter(({ decision }) => decision.kind === kind).length;
  return {
    dryRun: options.dryRun,
    found: counted('orphan') + counted('unknown'),
    terminated: instances.filter((instance) => instance.action === 'terminated').length,
    leftRunning: counted('running'),
    unknownListed: counted('unknown'),
    failed: instances.filter((instance) => instance.action === 'failed').length,
    instances,
    problems,
  };
}
