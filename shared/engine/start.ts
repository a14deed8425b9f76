// Starting jobs, the same way in every loop: read back what this run already started (by the
// jobs' tags: DescribeJobs has no tag filter), start the rest in batches that fit DRS's live
// quotas, and leave for a later round what DRS refuses for now. Recovery waves, failback launches,
// origin-Region launches, drill clean-up and source networks plug in a JobLoop.
//
// The one place quota batching and job read-back live: a change to either is an edit here.
import { ConflictException, ServiceQuotaExceededException } from '@aws-sdk/client-drs';
import { isActiveJob, launchCapacity, planJobs } from '#shared/drs/jobs.ts';
import { groupBy } from '#shared/drs/limits.ts';
import type { Job } from '#shared/drs/port.ts';

/** What a loop plugs into the engine. Items are IDs: source servers, recovery instances or networks. */
export interface JobLoop {
  /** Whether a job is one this loop started (its tags, and its kind). */
  owns(job: Job): boolean;
  /** The items a job of this loop holds. */
  itemsOf(job: Job): string[];
  /** Starts one job of these items. */
  start(batch: string[]): Promise<Job>;
  /**
   * How this round's items go into calls. Default: jobs of at most 100, no more jobs or items
   * than the account's active jobs leave room for (20 jobs, 500 servers in active jobs).
   */
  batches?(items: readonly string[], activeJobs: readonly Job[]): string[][];
  /**
   * Multi-account: the scope (account and Region) of an item or a job, by ID. DRS keeps its
   * quotas per account and Region, so each scope gets its own batches within its own active jobs,
   * and the scopes start side by side. Absent: one scope.
   */
  scopeOf?(id: string): string | undefined;
}

/** This loop's jobs among the recent ones (DescribeJobs lists newest first), oldest first. */
export function readBack(loop: JobLoop, recentJobs: readonly Job[]): { jobs: Job[]; items: Set<string> } {
  const jobs = recentJobs.filter((job) => loop.owns(job)).reverse();
  return { jobs, items: new Set(jobs.flatMap((job) => loop.itemsOf(job))) };
}

export interface Started {
  /** The jobs started, in order. */
  jobs: Job[];
  /** The items in them. */
  startedIDs: string[];
  /** Items left for a later round: the quotas were full, or DRS found them in another job. */
  deferred: string[];
}

/**
 * Starts the items in batches within the quotas the active jobs leave. ServiceQuotaExceeded (a
 * job someone else started took the room since we counted) stops the round; ConflictException (an
 * item already in another job, e.g. one a lost response started) leaves that batch for a later
 * round, whose read-back sees it. Anything else is thrown for the state machine's Retry/Catch.
 */
export async function startWithinQuotas(loop: JobLoop, items: readonly string[], activeJobs: readonly Job[]): Promise<Started> {
  const scopeOf = loop.scopeOf;
  if (scopeOf === undefined) return startInScope(loop, items, activeJobs);
  const itemsByScope = groupBy(items, (id) => scopeOf(id) ?? '');
  const activeByScope = groupBy(activeJobs, (job) => scopeOf(job.jobID ?? '') ?? '');
  const rounds = await Promise.all([...itemsByScope].map(([scope, scoped]) => startInScope(loop, scoped, activeByScope.get(scope) ?? [])));
  const started: Started = { jobs: rounds.flatMap((round) => round.jobs), startedIDs: rounds.flatMap((round) => round.startedIDs), deferred: [] };
  const startedSet = new Set(started.startedIDs);
  started.deferred = items.filter((id) => !startedSet.has(id));
  return started;
}

/**
 * Whether DRS's active jobs leave room for one more job in any of the scopes a loop starts in
 * (all of its jobs' scopes when it names none, or when there is one scope). A loop whose items
 * the quotas held back reads its items again only when there is: the room freed by any job
 * counts, its own, an earlier wave's, another run's or one started in the console.
 */
export function roomToStart(activeJobs: readonly Job[], scopes: ReadonlyArray<string | undefined>, scopeOf: JobLoop['scopeOf']): boolean {
  const hasRoom = (jobs: readonly Job[]) => {
    const capacity = launchCapacity(jobs);
    return capacity.jobs > 0 && capacity.servers > 0;
  };
  if (scopeOf === undefined || scopes.length === 0 || scopes.includes(undefined)) return hasRoom(activeJobs);
  const activeByScope = groupBy(activeJobs, (job) => scopeOf(job.jobID ?? '') ?? '');
  return scopes.some((scope) => hasRoom(activeByScope.get(scope ?? '') ?? []));
}

/** startWithinQuotas in one scope: one account's quotas. */
async function startInScope(loop: JobLoop, items: readonly string[], activeJobs: readonly Job[]): Promise<Started> {
  const batches = loop.batches?.(items, activeJobs) ?? planJobs(items, launchCapacity(activeJobs));
  const started: Started = { jobs: [], startedIDs: [], deferred: [] };
  for (const batch of batches) {
    try {
      started.jobs.push(await loop.start(batch));
      started.startedIDs.push(...batch);
    } catch (error) {
      if (error instanceof ServiceQuotaExceededException) break;
      if (!(error instanceof ConflictException)) throw error;
    }
  }
  const startedSet = new Set(started.startedIDs);
  started.deferred = items.filter((id) => !startedSet.has(id));
  return started;
}

export interface StartRound extends Started {
  /** The loop's jobs started in earlier rounds (read back), oldest first. */
  previousJobs: Job[];
  /** Items already in those jobs. */
  alreadyStarted: Set<string>;
  /** Every job of the loop, oldest first: read back, then started now. */
  jobIDs: string[];
}

/**
 * One round of a loop: read back its jobs among the recent ones, start the wanted items that are
 * in none of them. Idempotent: a retried step never starts an item twice.
 */
export async function startRound(loop: JobLoop, wanted: readonly string[], recentJobs: readonly Job[]): Promise<StartRound> {
  const previous = readBack(loop, recentJobs);
  const toStart = wanted.filter((id) => !previous.items.has(id));
  const started = toStart.length === 0 ? { jobs: [], startedIDs: [], deferred: [] } : await startWithinQuotas(loop, toStart, recentJobs.filter(isActiveJob));
  return {
    ...started,
    previousJobs: previous.jobs,
    alreadyStarted: previous.items,
    jobIDs: [...previous.jobs, ...started.jobs].map((job) => job.jobID ?? ''),
  };
}
