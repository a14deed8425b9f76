// What the run would cost on AWS Step Functions (Standard): history events, against the quota
// of 25,000 per execution, and the largest state payload, against the 256 KiB quota.
// Counted from aws-local-stepfunctions' event log, by each state's type in the ASL file (the
// runner executes Wait states as local Tasks, but AWS would record them as Waits).
import type { StateType } from './definition.ts';

/** The part of an aws-local-stepfunctions event log entry the count reads. */
export interface ExecutionEvent {
  type: string;
  state?: { name: string; input?: unknown; output?: unknown };
}

export const HISTORY_EVENTS_QUOTA = 25_000;

/**
 * AWS history events per state visit:
 *  - Task (Lambda): TaskStateEntered, then per attempt LambdaFunctionScheduled, Started,
 *    Succeeded|Failed (3), then TaskStateExited unless the execution fails in it.
 *  - Wait, Choice, Pass, Succeed, Parallel/Map shells: Entered + Exited.
 *  - Fail: FailStateEntered only (the execution fails there).
 *  - The execution: ExecutionStarted + ExecutionSucceeded|Failed|Aborted|TimedOut.
 */
export class HistoryCounter {
  private events = 0;
  private largestPayload = 0;
  /** Task states whose current visit was caught (its last attempt failed). */
  private readonly caught = new Set<string>();

  constructor(private readonly stateTypes: Record<string, StateType>) {}

  get historyEvents(): number {
    return this.events;
  }

  /** The largest state input or output seen, in bytes of JSON. */
  get largestPayloadBytes(): number {
    return this.largestPayload;
  }

  record(event: ExecutionEvent): void {
    const name = event.state?.name;
    const type = name === undefined ? undefined : this.stateTypes[name];
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        this.events += 1;
        return;
      case 'StateEntered':
        this.measure(event.state?.input);
        this.events += 1;
        if (name !== undefined) this.caught.delete(name);
        return;
      case 'StateFailed':
        // A Fail state "fails" by design; its failure is the ExecutionFailed event.
        if (type === 'Task') this.events += 3;
        return;
      case 'StateCaught':
        if (name !== undefined) this.caught.add(name);
        return;
      case 'StateExited':
        this.measure(event.state?.output);
        this.events += 1;
        if (type === 'Task' && name !== undefined && !this.caught.has(name)) this.events += 3;
        return;
      default:
        // StateRetried: the retried attempt is counted by its own Failed or Exited event.
        return;
    }
  }

  private measure(payload: unknown): void {
    if (payload === undefined) return;
    this.largestPayload = Math.max(this.largestPayload, Buffer.byteLength(JSON.stringify(payload)));
  }
}
