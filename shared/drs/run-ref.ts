// The tags every job of a run carries, for every workflow (recovery, drill, failback, networks).
// DescribeJobs has no tag filter, so a run finds its own jobs by reading these back: that is what
// makes a retried start idempotent and lets clean-up find instances even when a crashed step lost
// their job IDs.
import { isoSeconds } from './jobs.ts';
import type { Job } from './port.ts';

/** What identifies a run to DRS: the plan, the execution, its mode and when it started. */
export interface RunRef {
  plan: string;
  execution: string;
  mode: string;
  startedAt: string;
}

export const TAG = {
  plan: 'drs-orchestrator:plan',
  execution: 'drs-orchestrator:execution',
  wave: 'drs-orchestrator:wave',
  mode: 'drs-orchestrator:mode',
} as const;

/** The tags of a job the run starts for a wave (or another part of the run, e.g. its networks). */
export function jobTags(run: RunRef, waveName: string): Record<string, string> {
  return { [TAG.plan]: run.plan, [TAG.execution]: run.execution, [TAG.wave]: waveName, [TAG.mode]: run.mode };
}

/** Whether a job was started by this run (and, when given, for this wave). */
export function isJobOfRun(job: Job, run: Pick<RunRef, 'execution'>, waveName?: string): boolean {
  const tags = job.tags ?? {};
  return tags[TAG.execution] === run.execution && (waveName === undefined || tags[TAG.wave] === waveName);
}

/**
 * How far back to look for this run's jobs: from its start, less a margin for clocks that
 * disagree (Step Functions' start time vs DRS's job creation time).
 */
export function runJobsSince(run: Pick<RunRef, 'startedAt'>): string {
  return isoSeconds(Date.parse(run.startedAt) - 5 * 60_000);
}
