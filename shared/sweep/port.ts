// What the sweeper needs to know of Step Functions: whether the run that launched a drill
// instance may still terminate it. The adapter (shared/aws/sweep-executions.ts) asks the orchestrator's
// state machines; unit tests pass plain data.

/** What the orchestrator's workflows say of an execution, by its name. */
export interface ExecutionStatus {
  /**
   * An execution of that name is RUNNING in the recovery or failback workflow, or the stopped-run
   * workflow is cleaning up after it: its own clean-up may still terminate the instances.
   */
  running: boolean;
  /** Its input asked to keep the drill instances (`skipCleanup`): terminating them is the user's call. */
  skipCleanup: boolean;
}

export interface ExecutionStatusPort {
  /** An execution no workflow knows (never started, or past Step Functions' 90-day retention) is not running. */
  statusOf(execution: string): Promise<ExecutionStatus>;
}
