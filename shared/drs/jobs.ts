// DRS job primitives every workflow shares: which jobs are active, how far back to look for them,
// how much more DRS accepts now, how servers split into jobs, and what a job's participants are.
import { DRS_LIMITS, chunk } from './limits.ts';
import type { Job, ParticipatingServer } from './port.ts';

/** A job still running: its servers cannot join another job (DRS answers ConflictException). */
export function isActiveJob(job: Job): boolean {
  return job.status !== 'COMPLETED';
}

/** How long back to look for jobs that may still be active (DRS jobs end within hours). */
export const ACTIVE_JOB_LOOKBACK_HOURS = 24;

/** DescribeJobs' `fromDate` that finds every job still active at `startedAt`. */
export function activeJobsSince(startedAt: string): string {
  return isoSeconds(Date.parse(startedAt) - ACTIVE_JOB_LOOKBACK_HOURS * 3_600_000);
}

/**
 * Where the next DescribeJobs of a quota-held wave can start listing: every job active now and every
 * job of the wave still launching was created since then, and a job created later is newer still
 * (than the newest `listed`, when none is active or launching); so no active job is missed while
 * completed jobs (100 servers each: earlier waves', and the wave's own once launched) are no longer
 * listed at every poll. Undefined, the day's look-back, when a job's creation time is unknown.
 */
export function jobsListedSince(activeJobs: readonly Job[], launchingWaveJobs: readonly Job[], listed: readonly Job[] = []): string | undefined {
  const created = (jobs: readonly Job[]) => jobs.map((job) => Date.parse(job.creationDateTime ?? ''));
  const changing = created([...activeJobs, ...launchingWaveJobs]);
  const since = changing.length > 0 ? changing : [Math.max(...created(listed))].filter((time) => time !== -Infinity);
  if (since.length === 0 || since.some(Number.isNaN)) return undefined;
  // A second earlier: DRS's filters take whole seconds.
  return isoSeconds(Math.min(...since) - 1000);
}

/** DescribeJobs' order: newest first. */
export function newestFirst(a: Job, b: Job): number {
  return (b.creationDateTime ?? '').localeCompare(a.creationDateTime ?? '');
}

/** DRS's datetime filters take whole seconds. */
export function isoSeconds(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How many more servers and jobs DRS accepts now, given the account's active jobs. */
export function launchCapacity(activeJobs: readonly Job[]): { jobs: number; servers: number } {
  const serversInActiveJobs = activeJobs.reduce((total, job) => total + (job.participatingServers?.length ?? 0), 0);
  return {
    jobs: Math.max(0, DRS_LIMITS.concurrentJobs - activeJobs.length),
    servers: Math.max(0, DRS_LIMITS.serversInActiveJobs - serversInActiveJobs),
  };
}

/** Splits items into jobs: at most 100 a job, and no more jobs or items than capacity allows. */
export function planJobs(ids: readonly string[], capacity: { jobs: number; servers: number }): string[][] {
  return chunk(ids.slice(0, capacity.servers), DRS_LIMITS.serversPerJob).slice(0, capacity.jobs);
}

/** Every participating server of the jobs, with its job. */
export function participantsOf(jobs: readonly Job[]): Array<{ job: Job; server: ParticipatingServer }> {
  return jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => ({ job, server })));
}

/** The source servers that take part in the jobs. */
export function sourceServerIDsIn(jobs: readonly Job[]): Set<string> {
  return new Set(participantsOf(jobs).map(({ server }) => server.sourceServerID ?? ''));
}

/** The recovery instances of the jobs' participants (launched ones, or those a TERMINATE job names). */
export function recoveryInstanceIDsIn(jobs: readonly Job[]): string[] {
  return participantsOf(jobs).flatMap(({ server }) => (server.recoveryInstanceID ? [server.recoveryInstanceID] : []));
}
