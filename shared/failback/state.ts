// The failback workflow's state between steps: IDs and counts, never DRS documents (256 KiB per
// state). Per-server detail is read back from DRS by the report.
import * as z from 'zod/mini';
import { RunScopes } from '#shared/accounts/state.ts';
import { RunTrigger } from '#shared/plan/common.ts';
import { PollState } from '#shared/engine/polling.ts';
import { Failure } from '#shared/engine/state.ts';

/** A wave to fail back: the recovery jobs that launched its instances. */
export const FailbackWavePlan = z.object({ name: z.string(), recoveryJobIDs: z.array(z.string()) });

/** The failback run, fixed by ValidateFailbackInput. */
export const FailbackRun = z.object({
  plan: z.string(),
  mode: z.literal('failback'),
  execution: z.string(),
  startedAt: z.string(),
  /** The recovery execution whose instances this run fails back. */
  recoveryExecution: z.string(),
  /** Waves in failback order: the recovery's, reversed. */
  waves: z.array(FailbackWavePlan).check(z.minLength(1)),
  check: z.boolean(),
  terminateRecoveryInstances: z.boolean(),
  reason: z.optional(z.string()),
  trigger: z.optional(RunTrigger),
  /** Multi-account: the accounts and Regions the plan recovers in (its recovery instances are there). */
  scopes: RunScopes.scopes,
});
export type FailbackRun = z.infer<typeof FailbackRun>;

/** A job started in the origin Region of EC2-origin servers. */
export const OriginJob = z.object({ region: z.string(), jobID: z.string() });
export type OriginJob = z.infer<typeof OriginJob>;

/** The wave failing back. */
export const FailbackWave = z.object({
  index: z.int(),
  name: z.string(),
  isLast: z.boolean(),
  timeoutSeconds: z.number(),
  startedAt: z.string(),
  /** Recovery instances of the wave, by origin. */
  onPremises: z.int(),
  aws: z.int(),
  /** StartFailbackLaunch jobs (recovery Region) and StartRecovery jobs in origin Regions. */
  failbackJobIDs: z.array(z.string()),
  originJobs: z.array(OriginJob),
  /** Counts from the last poll. */
  failedBack: z.int(),
  waitingForReadiness: z.int(),
  replicatingBack: z.int(),
  launching: z.int(),
  launchDone: z.boolean(),
  /** Launches in origin Regions whose post-launch actions the wave waits for. */
  checkPostLaunchActions: z.boolean(),
  /** Reversed source servers (origin Region) with active post-launch actions. */
  serversWithActions: z.array(z.string()),
  postLaunchActionsDone: z.boolean(),
  actionsSucceeded: z.int(),
  actionsFailed: z.int(),
  ...PollState,
});
export type FailbackWave = z.infer<typeof FailbackWave>;

/** A wave failed back and re-protected, as ReprotectWave records it. */
export const FailedBackWave = z.object({
  name: z.string(),
  startedAt: z.string(),
  failedBack: z.int(),
  reprotected: z.int(),
  terminated: z.int(),
  failbackJobIDs: z.array(z.string()),
  originJobs: z.array(OriginJob),
  terminateJobIDs: z.array(z.string()),
});
export type FailedBackWave = z.infer<typeof FailedBackWave>;

/** What a stopped failback had started in a wave, read back from DRS by its jobs' tags (stopped.ts). */
export const StartedFailbackWave = z.object({
  name: z.string(),
  startedAt: z.string(),
  failbackJobIDs: z.array(z.string()),
  originJobs: z.array(OriginJob),
});
export type StartedFailbackWave = z.infer<typeof StartedFailbackWave>;

export const FailbackState = z.object({
  run: FailbackRun,
  wave: z.optional(FailbackWave),
  completed: z.optional(z.array(FailedBackWave)),
  failure: z.optional(Failure),
  stopped: z.optional(z.object({ stopped: z.int() })),
  stopFailure: z.optional(Failure),
  /**
   * Set by the stopped-run workflow (stopped.ts) after the failback execution was aborted or timed
   * out: what its report says it ended as, and what it had started (its own state is gone).
   */
  stoppedAs: z.optional(z.enum(['ABORTED', 'TIMED_OUT'])),
  startedWaves: z.optional(z.array(StartedFailbackWave)),
  /** The stopped execution's ARN: the holder of the plan lock the stopped-run workflow gives back. */
  stoppedExecutionArn: z.optional(z.string()),
});
export type FailbackState = z.infer<typeof FailbackState>;
