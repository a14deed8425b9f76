// The workflow's state between steps. It carries IDs, counts and settings, never DRS documents:
// Step Functions allows 256 KiB per state, and a 3,000-server plan must stay far below it.
import * as z from 'zod/mini';
import { RunScopes } from '#shared/accounts/state.ts';
import { PollState } from '#shared/engine/polling.ts';
import { Failure, ServerProblem } from '#shared/engine/state.ts';
import { NetworkRemoval, SourceNetworksState } from '#shared/network/state.ts';
import { Extension } from './extension.ts';
import { ActionResult, GateDecision, WaveFront } from './front.ts';
import { Sightings } from './sightings-codec.ts';
import { MODES, RunTrigger, SnapshotChoice } from '#shared/plan/common.ts';

/** The run, fixed by ValidateInput. */
export const Run = z.object({
  plan: z.string(),
  mode: z.enum(MODES),
  isDrill: z.boolean(),
  execution: z.string(),
  startedAt: z.string(),
  /** The waves this run recovers, in plan order (all of them unless the input picked some). */
  waves: z.array(z.string()).check(z.minLength(1)),
  /** The plan's version (shared/recovery/run.ts, planVersionOf): reports say which plan they ran. */
  planVersion: z.optional(z.string()),
  /** A partial run (the input picked some waves): the plan's waves it leaves out. Its RTO is not the plan's. */
  skippedWaves: z.optional(z.array(z.string())),
  targets: z.object({ rtoMinutes: z.number(), rpoMinutes: z.number() }),
  /** How many source networks the plan recovers before its first wave (0: that step is skipped). */
  sourceNetworks: z.int().check(z.minimum(0)),
  /** Input override: recover every wave from the newest snapshot at or before this time. */
  snapshotTime: z.optional(z.string()),
  skipCleanup: z.boolean(),
  holdSeconds: z.number(),
  reason: z.optional(z.string()),
  trigger: z.optional(RunTrigger),
  /** Approval before the first wave the input asked for (an alarm's trigger does, by the stage configuration). */
  approval: z.optional(z.object({ timeoutSeconds: z.number(), reason: z.string() })),
  ...RunScopes,
});
export type Run = z.infer<typeof Run>;

/** The wave in progress. */
export const WaveState = z.object({
  index: z.int(),
  name: z.string(),
  isLast: z.boolean(),
  snapshot: SnapshotChoice,
  failureBudget: z.int(),
  timeoutSeconds: z.number(),
  waitForPostLaunchActions: z.boolean(),
  pauseAfterSeconds: z.number(),
  startedAt: z.string(),
  /** Servers the wave recovers, and how many of them are not in a job yet (quota-limited). */
  serverCount: z.int(),
  notStarted: z.int(),
  /** Multi-account: the scopes (account@Region) the servers held back launch in. */
  heldBackIn: z.optional(z.array(z.string())),
  /** CheckLaunch: DRS's active jobs leave room to start more of the servers held back. */
  startable: z.optional(z.boolean()),
  /**
   * CheckLaunch, while servers are held back: whether room may free without an event to tell
   * (shared/handoff/launch-wait.ts, roomFreesUnheard); false lets the wait's fallback be the longest.
   */
  roomFreesUnheard: z.optional(z.boolean()),
  /** CheckLaunch, while servers are held back: where its next DescribeJobs starts listing (shared/drs/jobs.ts, jobsListedSince). */
  jobsListedSince: z.optional(z.string()),
  jobIDs: z.array(z.string()),
  /**
   * CheckLaunch: the wave's jobs with a server still launching. The others' launches are over, so
   * WaitForLaunch's registration reads only these (at 10,000 servers, a few jobs instead of 34).
   * StartWave drops it when it starts jobs: the next registration reads them all.
   */
  launchingJobIDs: z.optional(z.array(z.string())),
  ...PollState,
  /** How long WaitForLaunch waits when no launch result ends it (shared/handoff/launch-wait.ts). */
  fallbackSeconds: z.optional(z.int()),
  launched: z.int(),
  failed: z.int(),
  launchDone: z.boolean(),
  postLaunchActionsDone: z.boolean(),
  actionsSucceeded: z.int(),
  actionsFailed: z.int(),
  actionsPending: z.int(),
  /**
   * Per server (sighting order), six to a character: whether a look-up found active post-launch
   * actions the wave waits for (checkPostLaunchActions). Most servers need no look-up: DescribeJobs
   * shows their runs, or their discovered agent with none. Absent: none found.
   */
  expectingRuns: z.optional(z.string()),
  /**
   * Servers with active post-launch actions whose launch configuration disables them: DRS runs
   * none, so the wave does not wait for them and the report says so (count exact, IDs capped).
   */
  postLaunchDisabled: z.optional(z.object({ count: z.int(), servers: z.array(z.string()) })),
  /** A launched server whose SSM agent DRS has not discovered after this long has failed. */
  ssmAgentTimeoutSeconds: z.optional(z.number()),
  /**
   * Servers that failed before launch: their extension from a staging account is EXTENSION_ERROR
   * (count exact, problems capped). Counted in `failed` by every check.
   */
  unlaunchable: z.optional(z.array(ServerProblem)),
  unlaunchableCount: z.optional(z.int()),
  /** Servers that failed: launch FAILED, or a required post-launch action FAILED. */
  failedServers: z.array(ServerProblem),
  /** Optional post-launch actions that failed: reported, never fatal. */
  warnings: z.array(z.string()),
  /**
   * When the workflow first saw each server's launch end (LAUNCHED or FAILED) and each server
   * ready (launched and, when the wave waits for them, every post-launch action run finished).
   * DRS records neither moment (its job log has no LAUNCH_END, its action runs have no
   * timestamps), so the report's per-server RTO is built from these. Encoded (sightings.ts): one
   * or two characters a server, so 6,000 servers stay far below Step Functions' payload quota.
   */
  sightings: z.optional(Sightings),
});
export type WaveState = z.infer<typeof WaveState>;

/** A finished wave, as CompleteWave records it. */
export const CompletedWave = z.object({
  name: z.string(),
  status: z.enum(['SUCCEEDED', 'SUCCEEDED_WITH_FAILURES']),
  serverCount: z.int(),
  launched: z.int(),
  failed: z.int(),
  jobIDs: z.array(z.string()),
  startedAt: z.string(),
  warnings: z.array(z.string()),
  /** The servers the wave counted failed (capped like WaveState's). */
  failedServers: z.optional(z.array(ServerProblem)),
  /** The wave's waiting when it was seen done. */
  waitedSeconds: z.optional(z.number()),
  /** The pause after it, before the next wave (the plan's pauseAfterMinutes): the report draws it. */
  pauseAfterSeconds: z.optional(z.number()),
  /**
   * Its servers' sightings (see WaveState): only while the report is written. CompleteWave keeps
   * them in the lock table, out of the state (withStoredSightings reads them back).
   */
  sightings: z.optional(Sightings),
  /** Who approved the wave, when asked and when decided, and why the gate was there. */
  gate: z.optional(z.extend(GateDecision, { reasons: z.optional(z.array(z.string())) })),
  /** The wave's actions, before and after it. */
  actions: z.optional(z.array(ActionResult)),
});
export type CompletedWave = z.infer<typeof CompletedWave>;

export const Preflight = z.object({
  serverCount: z.int(),
  waves: z.array(z.object({ name: z.string(), serverCount: z.int() })),
  warnings: z.array(z.string()),
});
export type Preflight = z.infer<typeof Preflight>;

export const Cleanup = z.object({
  done: z.boolean(),
  ...PollState,
  terminateJobIDs: z.array(z.string()),
  /** Of those, the ended ones whose instances DRS no longer lists: not asked about again. */
  confirmedJobIDs: z.optional(z.array(z.string())),
  /** Instances this execution launched (counted from its jobs). */
  instancesLaunched: z.int(),
  /** Of those, DRS no longer lists them: terminated. */
  instancesTerminated: z.int(),
  /** Of those, DRS still lists them (counted from DRS, never assumed). */
  instancesLeft: z.int(),
  /** Launches of this execution still in flight (clean-up waits for them). */
  launchesInFlight: z.int(),
  /**
   * The execution's LAUNCH jobs, oldest first, whose instances are not all in a TERMINATE job or
   * gone yet: how many instances each launched (once COMPLETED) and how many of them, in DRS's
   * order, are (clean-up.ts); with several target accounts, its account's scope key.
   */
  launchJobs: z.optional(z.array(z.object({ jobID: z.string(), instances: z.optional(z.int()), handed: z.int(), scope: z.optional(z.string()) }))),
  /** The LAUNCH jobs whose instances all are, and how many instances they launched. */
  handedLaunchJobs: z.optional(z.object({ jobIDs: z.array(z.string()), instances: z.int() })),
  /** Where the next round's DescribeJobs lists from: every job that can still change was created since. */
  listedSince: z.optional(z.string()),
});
export type Cleanup = z.infer<typeof Cleanup>;

/** The whole state as the tasks after ValidateInput see it. */
export const RunState = z.object({
  run: Run,
  preflight: z.optional(Preflight),
  networks: z.optional(SourceNetworksState),
  extension: z.optional(Extension),
  /** The next wave's gate and actions (PrepareWave, RequestApproval, RunWaveActions). */
  next: z.optional(WaveFront),
  wave: z.optional(WaveState),
  completed: z.optional(z.array(CompletedWave)),
  failure: z.optional(Failure),
  /**
   * Set by the clean-up after a stopped execution (stopped.ts): the execution was aborted or timed
   * out, so its own steps could not clean up; this is what the report says it ended as.
   */
  stopped: z.optional(z.enum(['ABORTED', 'TIMED_OUT'])),
  /** The stopped execution's ARN: the holder of the plan lock the stopped-run workflow gives back. */
  stoppedExecutionArn: z.optional(z.string()),
  cleanup: z.optional(Cleanup),
  cleanupFailure: z.optional(Failure),
  /** A drill's network stacks being removed after its clean-up (RemoveDrillNetworks), and why that stopped, if it did. */
  networkRemoval: z.optional(NetworkRemoval),
  networkRemovalFailure: z.optional(Failure),
});
export type RunState = z.infer<typeof RunState>;
