// One run per plan, enforced by the workflow: a run's first step after its input is valid takes
// the plan's lock with one conditional write, and its last step gives it back. Whatever started
// the run (an alarm, the schedule, the console, the CLI), a second run of the plan finds the lock
// and ends before it changes anything in DRS. A lock whose holder never gave it back (a run
// stopped from the console, timed out, or crashed) is taken over by the next run as soon as Step
// Functions says that execution is no longer running; failing that reading, it lapses at
// `expiresAt`: its start plus the longest a run may take.
import { PlanLockedError } from './errors.ts';
import { planLockKey } from './keys.ts';
import type { PlanLockTable } from './port.ts';

/**
 * The longest a run may take, and so how long a lock outlives a holder that never released it:
 * 7 days. Longer than any run we expect (a drill is hours; a recovery's waves time out after
 * hours), not so long that a plan stays blocked for weeks behind a run that died.
 */
export const MAX_RUN_SECONDS = 7 * 24 * 60 * 60;

/** How often a refused write is tried again when the lock turned out free by the time it was read. */
const MAX_WRITES = 3;

/** A plan's run lock, as the table holds it (key `plan#<plan>`). */
export interface PlanLock {
  plan: string;
  /**
   * The holder: its execution ARN. Names are unique per state machine only, and a recovery and a
   * failback of one plan share its lock.
   */
  executionArn: string;
  /** The holder's execution name, for messages. */
  execution: string;
  /** drill, recovery or failback. */
  mode: string;
  /** When the holder's execution started (ISO). */
  startedAt: string;
  /** Epoch seconds after which the lock lapses: `startedAt` + MAX_RUN_SECONDS. */
  expiresAt: number;
}

/** The run asking for its plan's lock. */
export interface LockRequest {
  plan: string;
  mode: string;
  execution: string;
  executionArn: string;
  /** Its execution's start time (ISO): also the "now" the lock's lapse is judged by. */
  startedAt: string;
}

export interface AcquiredLock {
  key: string;
  /** When the lock lapses if this run never releases it (ISO). */
  expiresAt: string;
  /**
   * The execution whose lock this run took over, when it did: one that had ended without giving
   * it back (its status, e.g. ABORTED), or one whose lock lapsed (when).
   */
  tookOverFrom?: Pick<PlanLock, 'execution' | 'executionArn' | 'mode' | 'startedAt'> & ({ endedAs: string } | { expiredAt: string });
}

/**
 * The status Step Functions reports for an execution (RUNNING, SUCCEEDED, FAILED, ABORTED,
 * TIMED_OUT, ...), or NOT_FOUND when it has none. DescribeExecution, unlike ListExecutions, reads
 * the execution itself: a run that just started is RUNNING to it.
 */
export type ExecutionStatusOf = (executionArn: string) => Promise<string>;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The lock a run writes: held by its execution until its start plus MAX_RUN_SECONDS. */
export function planLockOf(request: LockRequest): PlanLock {
  const started = epochSeconds(request.startedAt);
  if (Number.isNaN(started)) throw new TypeError(`startedAt ${JSON.stringify(request.startedAt)} is not a time`);
  return {
    plan: request.plan,
    executionArn: request.executionArn,
    execution: request.execution,
    mode: request.mode,
    startedAt: request.startedAt,
    expiresAt: started + MAX_RUN_SECONDS,
  };
}

/**
 * Whether `lock`'s run may write over the lock `held`: it holds it already (its step is being
 * retried), or the lock lapsed before that run started. Time is the runs' own start times (Step
 * Functions' clock), never the clock of the function judging.
 */
export function mayTakeOver(held: PlanLock, lock: PlanLock): boolean {
  return held.executionArn === lock.executionArn || held.expiresAt < epochSeconds(lock.startedAt);
}

/** `drill payments-drill-20260301T020000-ab12 (started 2026-03-01T02:00:00.000Z)` */
function describeRun(lock: Pick<PlanLock, 'mode' | 'execution' | 'startedAt'>): string {
  return `${lock.mode} ${lock.execution} (started ${lock.startedAt})`;
}

/**
 * Takes the plan's lock for the run, or throws PlanLockedError naming the run that holds it.
 * A retried step finds its own lock and keeps it. A lock whose holder is no longer running (stopped
 * from the console, timed out, crashed before its last step: `statusOf`) or that lapsed is taken
 * over, and said so. When a write is refused but the lock has changed by the time it is read (its
 * holder let go, or another run took it over in between), the write is tried again, up to three times.
 */
export async function acquirePlanLock(request: LockRequest, table: PlanLockTable, statusOf: ExecutionStatusOf): Promise<AcquiredLock> {
  const lock = planLockOf(request);
  const acquired = { key: planLockKey(lock.plan), expiresAt: isoOf(lock.expiresAt) };
  const holderOf = ({ execution, executionArn, mode, startedAt }: PlanLock) => ({ execution, executionArn, mode, startedAt });
  for (let write = 1; write <= MAX_WRITES; write++) {
    const result = await table.putIfFree(lock);
    if (result.written) {
      const replaced = result.replaced;
      if (replaced === undefined || replaced.executionArn === lock.executionArn) return acquired;
      return { ...acquired, tookOverFrom: { ...holderOf(replaced), expiredAt: isoOf(replaced.expiresAt) } };
    }
    const held = await table.get(lock.plan);
    if (held === undefined || mayTakeOver(held, lock)) continue;
    const status = await statusOf(held.executionArn);
    if (status !== 'RUNNING') {
      if (await table.replaceIfHeldBy(lock, held.executionArn)) return { ...acquired, tookOverFrom: { ...holderOf(held), endedAs: status } };
      continue;
    }
    throw new PlanLockedError(
      `plan "${lock.plan}" is held by ${describeRun(held)}, still running: one run per plan at a time, so this ${lock.mode} stopped before changing anything in DRS. ` +
        `Wait for that run to end, or stop it (its clean-up then releases the plan): ${held.executionArn}`,
      held,
    );
  }
  throw new PlanLockedError(
    `plan "${lock.plan}": its lock changed hands ${MAX_WRITES} times while this ${lock.mode} tried to take it (other runs of the plan are starting and ending); nothing was changed in DRS: start it again.`,
  );
}

/**
 * Gives the plan's lock back, if the run still holds it. False when it did not: a retried step
 * already released it, or the run outlived MAX_RUN_SECONDS and another run took the lock over.
 */
export async function releasePlanLock(request: Pick<LockRequest, 'plan' | 'executionArn'>, table: PlanLockTable): Promise<{ key: string; released: boolean }> {
  return { key: planLockKey(request.plan), released: await table.deleteIfHeld(request.plan, request.executionArn) };
}
