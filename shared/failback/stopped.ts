// After a failback execution was stopped from outside (aborted, or past its TimeoutSeconds): none
// of its own steps run again, so the failback launches it started would go on, and its state (the
// wave in progress, the waves done) is gone. The stopped-run workflow rebuilds the run, reads back
// from DRS what it had started (its jobs' tags), then runs the failback workflow's own failure
// path: StopStartedFailbacks and its report, status ABORTED or TIMED_OUT.
import { isJobOfRun, runJobsSince, TAG } from '#shared/drs/run-ref.ts';
import type { DrsPort, Job, RegionalDrs } from '#shared/drs/port.ts';
import { waveInstances } from './instances.ts';
import type { FailbackRun, FailbackState, StartedFailbackWave } from './state.ts';

/** When the first of `jobs` was created (DRS's ISO times sort as text), else `fallback`. */
const earliest = (jobs: readonly Job[], fallback: string) => jobs.flatMap((job) => (job.creationDateTime === undefined ? [] : [job.creationDateTime])).sort()[0] ?? fallback;

/**
 * The waves the stopped failback had started: its failback launches (this Region) and its
 * launches in the origin Regions of EC2-origin servers, by their tags (execution and wave).
 */
export async function startedFailbackWaves(run: FailbackRun, drs: DrsPort, regional: RegionalDrs): Promise<StartedFailbackWave[]> {
  const since = runJobsSince(run);
  const home = (await drs.listJobs({ fromDate: since })).filter((job) => isJobOfRun(job, run));
  const originJobsByRegion = new Map<string, Promise<Job[]>>();
  const originJobsIn = (region: string) => {
    let jobs = originJobsByRegion.get(region);
    if (jobs === undefined) originJobsByRegion.set(region, (jobs = regional(region).listJobs({ fromDate: since }).then((all) => all.filter((job) => isJobOfRun(job, run)))));
    return jobs;
  };
  const started: StartedFailbackWave[] = [];
  for (const wave of run.waves) {
    const failbackJobs = home.filter((job) => job.tags?.[TAG.wave] === wave.name);
    const regions = [...new Set((await waveInstances(wave.recoveryJobIDs, drs)).flatMap((entry) => (entry.reversed === undefined ? [] : [entry.reversed.region])))];
    const originJobs = (await Promise.all(regions.map(async (region) => (await originJobsIn(region)).filter((job) => job.tags?.[TAG.wave] === wave.name).map((job) => ({ region, job }))))).flat();
    if (failbackJobs.length === 0 && originJobs.length === 0) continue;
    started.push({
      name: wave.name,
      startedAt: earliest([...failbackJobs, ...originJobs.map(({ job }) => job)], run.startedAt),
      failbackJobIDs: failbackJobs.map((job) => job.jobID ?? ''),
      originJobs: originJobs.map(({ region, job }) => ({ region, jobID: job.jobID ?? '' })),
    });
  }
  return started;
}

/** The stopped execution, as Step Functions' status-change event describes it (the parts used). */
export interface StoppedExecution {
  name: string;
  executionArn: string;
  status: 'ABORTED' | 'TIMED_OUT';
}

/** The stopped failback's state, as its failure path and report need it. */
export function stoppedFailbackState(detail: StoppedExecution, run: FailbackRun, startedWaves: StartedFailbackWave[]): FailbackState {
  const how = detail.status === 'ABORTED' ? 'was aborted (stopped from the console or the API)' : 'ran past its TimeoutSeconds';
  return {
    run,
    stoppedAs: detail.status,
    startedWaves,
    stoppedExecutionArn: detail.executionArn,
    failure: {
      Error: detail.status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut',
      Cause: `failback execution ${detail.name} ${how}; the failback launches it started were stopped after it`,
    },
  };
}
