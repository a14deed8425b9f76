// The tags every job of a run carries. DescribeJobs has no tag filter, so a run finds its own
// jobs by reading these back: that is what makes a retried wave start idempotent and lets the
// drill clean-up find instances even when a crashed step lost their job IDs.
import type { Job } from '../drs/port.ts';
import type { Run } from './state.ts';

export const TAG = {
  plan: 'drs-orchestrator:plan',
  execution: 'drs-orchestrator:execution',
  wave: 'drs-orchestrator:wave',
  mode: 'drs-orchestrator:mode',
} as const;

export function jobTags(run: Run, waveName: string): Record<string, string> {
  return { [TAG.plan]: run.plan, [TAG.execution]: run.execution, [TAG.wave]: waveName, [TAG.mode]: run.mode };
}

/** Whether a job was started by this run (and, when given, for this wave). */
export function isJobOfRun(job: Job, run: Run, waveName?: string): boolean {
  const tags = job.tags ?? {};
  return tags[TAG.execution] === run.execution && (waveName === undefined || tags[TAG.wave] === waveName);
}

/**
 * How far back to look for this run's jobs: from its start, less a margin for clocks that
 * disagree (Step Functions' start time vs DRS's job creation time).
 */
export function runJobsSince(run: Run): string {
  return new Date(Date.parse(run.startedAt) - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
