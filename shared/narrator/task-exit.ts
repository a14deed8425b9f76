// A workflow Task that just exited, and the state it left, typed by the workflows' state schemas:
// what the live display (from the local run's event log) and the AWS follower (from the execution
// history) both narrate.
import type { Wake } from '#shared/handoff/resume.ts';
import type { FailbackState } from '#shared/failback/state.ts';
import type { NetworkRemoval, SourceNetworksState } from '#shared/network/state.ts';
import type { RunState } from '#shared/recovery/state.ts';
import type { Decision } from '#shared/recovery/front.ts';
import type { AcquiredLock } from '#shared/lock/plan-lock.ts';

/**
 * A state as an execution's event log or history shows it: the schemas' fields, any of which may
 * be missing (an execution of an older deployment, a test's partial state). Their types are
 * trusted: the workflow's own handlers wrote them.
 */
export type Seen<T> = T extends ReadonlyArray<infer Item> ? ReadonlyArray<Seen<Item>> : T extends object ? { readonly [Key in keyof T]?: Seen<T[Key]> } : T;

/** WriteReport's result: how the run ended and where its report went. */
export interface ReportWritten {
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  cause?: string;
  json: string;
  markdown: string;
  /** A recovery's report only. */
  html?: string;
}

/** CheckFailbackReadiness's result: the readiness table's counts and where it went. */
export interface ReadinessReported {
  ready: number;
  notReady: number;
  json: string;
  markdown: string;
}

/** The state each narrated Task leaves, by state name: the part its ResultPath writes, and what the narration reads besides. */
export interface TaskOutputs {
  ValidateInput: Pick<RunState, 'run'>;
  /** Both workflows: the plan's lock this run took, and whose it took over. */
  TakePlanLock: { lock: AcquiredLock };
  Preflight: Pick<RunState, 'preflight'>;
  RecoverSourceNetworks: { networks: SourceNetworksState };
  CheckSourceNetworks: { networks: SourceNetworksState };
  ExtendSourceServers: Pick<RunState, 'extension'>;
  /** The next wave's gate and actions, and (RunWaveActions) the actions' results so far. */
  PrepareWave: Pick<RunState, 'next'>;
  /** An approval gate's callback: the approver's decision, as the approve command sent it (ApprovalGranted then stamps it). */
  RequestApproval: { next: { name: string; gate: Decision } };
  RunWaveActions: Pick<RunState, 'next'>;
  StartWave: Pick<RunState, 'wave'>;
  /** The wave's event-driven wait: why it ended early (a launch result, or the launch already over); its timeout goes on to CheckLaunch too. */
  WaitForLaunch: { wake: Wake };
  /** The wave's event-driven wait for its post-launch action runs: why it ended early (a run's end, or runs ended since the last check). */
  WaitForPostLaunchActions: { wake: Wake };
  CheckLaunch: Pick<RunState, 'wave'>;
  /** Both workflows have this state: a recovery wave, or a failback wave's launches in origin Regions. */
  CheckPostLaunchActions: Pick<RunState, 'wave'> | Pick<FailbackState, 'wave'>;
  /** The wave just appended to `completed`, and in `wave` its last poll. */
  CompleteWave: Pick<RunState, 'wave' | 'completed'>;
  CleanUpDrill: Pick<RunState, 'cleanup'>;
  RemoveDrillNetworks: { networkRemoval: NetworkRemoval };
  WriteReport: { report: ReportWritten };
  ValidateFailbackInput: Pick<FailbackState, 'run'>;
  CheckFailbackReadiness: { readiness: ReadinessReported };
  StartFailbackWave: Pick<FailbackState, 'wave'>;
  CheckFailback: Pick<FailbackState, 'wave'>;
  ReprotectWave: Pick<FailbackState, 'completed'>;
  StopStartedFailbacks: Pick<FailbackState, 'stopped'>;
}

export type TaskName = keyof TaskOutputs;

/** A Task that exited, and the state it left. */
export type TaskExit = { [Task in TaskName]: { task: Task; state: Seen<TaskOutputs[Task]> } }[TaskName];

/**
 * Where each narrated Task writes its result, as the state machines say (a test compares them):
 * the types above read the state under these paths.
 */
export const TASK_RESULT_PATHS: Readonly<Record<TaskName, string>> = {
  ValidateInput: '$',
  TakePlanLock: '$.lock',
  Preflight: '$.preflight',
  RecoverSourceNetworks: '$.networks',
  CheckSourceNetworks: '$.networks',
  ExtendSourceServers: '$.extension',
  PrepareWave: '$.next',
  RequestApproval: '$.next.gate',
  RunWaveActions: '$.next',
  StartWave: '$.wave',
  WaitForLaunch: '$.wake',
  WaitForPostLaunchActions: '$.wake',
  CheckLaunch: '$.wave',
  CheckPostLaunchActions: '$.wave',
  CompleteWave: '$.completed',
  CleanUpDrill: '$.cleanup',
  RemoveDrillNetworks: '$.networkRemoval',
  WriteReport: '$.report',
  ValidateFailbackInput: '$',
  CheckFailbackReadiness: '$.readiness',
  StartFailbackWave: '$.wave',
  CheckFailback: '$.wave',
  ReprotectWave: '$.completed',
  StopStartedFailbacks: '$.stopped',
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON object as the state (or input) it is known to be, or an empty one for anything else. */
export function seen<T extends object>(value: unknown): Seen<T> {
  return (isRecord(value) ? value : {}) as Seen<T>;
}

/** The exit of a Task the narration speaks of; undefined for any other state, or an output that is no state. */
export function taskExit(name: string, output: unknown): TaskExit | undefined {
  if (!Object.hasOwn(TASK_RESULT_PATHS, name) || !isRecord(output)) return undefined;
  // The name is a TaskName (checked above), and its output that Task's state, as Seen trusts.
  return { task: name, state: output } as TaskExit;
}
