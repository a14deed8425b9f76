// The local Step Functions service's state: the executions something on this machine runs (the
// local runner, a test), registered when they start and ended with their outcome. The service
// does not run state machines itself; it answers for the executions registered here, as Step
// Functions answers for the executions it runs, and stops one by the callback its registrant gave.
import { checkName, executionArnOf, parseStateMachineArn, type StateMachineRef } from './arn.ts';
import { executionAlreadyExists, invalidArn } from './errors.ts';
import { LocalTaskTokens } from './tokens.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
export type EndStatus = Exclude<ExecutionStatus, 'RUNNING'>;

/** An execution as DescribeExecution tells it. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  /** Once it ended. */
  stopDate?: Date;
  /** The execution input, a JSON document. */
  input: string;
  /** A SUCCEEDED execution's output, a JSON document. */
  output?: string;
  error?: string;
  cause?: string;
}

export interface ExecutionStart {
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`; registered if it was not. */
  stateMachineArn: string;
  /** The execution's name (1-80 characters, as StartExecution takes it). */
  name: string;
  /** The execution input as a JSON document. */
  input: string;
  startDate: Date;
  /**
   * How StopExecution stops it. Called once, after the execution is recorded ABORTED, with the
   * error and cause the caller gave; the registrant then stops running it.
   */
  stop?: (error?: string, cause?: string) => void;
}

export interface ExecutionEnd {
  status: EndStatus;
  stopDate: Date;
  /** The output of a SUCCEEDED execution, a JSON document. */
  output?: string;
  error?: string;
  cause?: string;
}

/** What the registrant of an execution holds. */
export interface ExecutionHandle {
  readonly executionArn: string;
  /**
   * Records how the execution ended. An execution already ended — stopped by StopExecution while
   * it ran — keeps that end, as on AWS the stop is the status that stands: false then.
   */
  end(outcome: ExecutionEnd): boolean;
  /** The execution as the service tells it now. */
  describe(): ExecutionRecord;
}

interface StoredExecution {
  record: ExecutionRecord;
  /** Registration order: executions started at the same (simulated) time are listed newest first by it. */
  sequence: number;
  stop?: ExecutionStart['stop'];
}

export interface LocalExecutionsOptions {
  /** The clock StopExecution's stopDate is read from; default the real time. */
  now?: () => Date;
}

export class LocalExecutions {
  readonly now: () => Date;
  /** The task tokens of the executions' callback Tasks; an execution's close when it ends or is stopped. */
  readonly tokens: LocalTaskTokens;
  private readonly stateMachines = new Set<string>();
  private readonly executions = new Map<string, StoredExecution>();
  private sequence = 0;

  constructor(options: LocalExecutionsOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.tokens = new LocalTaskTokens(() => this.now());
  }

  /** Registers a state machine by its ARN (also done implicitly by its first execution). */
  defineStateMachine(stateMachineArn: string): StateMachineRef {
    const stateMachine = parseStateMachineArn(stateMachineArn);
    // Versions and aliases are not published locally: executions belong to the state machine itself.
    if (stateMachine.qualified) throw invalidArn(stateMachineArn);
    this.stateMachines.add(stateMachine.arn);
    return stateMachine;
  }

  hasStateMachine(stateMachineArn: string): boolean {
    return this.stateMachines.has(stateMachineArn);
  }

  /**
   * Registers a running execution; its ARN is `arn:aws:states:<region>:<account>:execution:
   * <state machine name>:<name>`. Throws what StartExecution would answer: InvalidArn,
   * InvalidName, or ExecutionAlreadyExists for a name the state machine already ran.
   */
  start(start: ExecutionStart): ExecutionHandle {
    const stateMachine = this.defineStateMachine(start.stateMachineArn);
    checkName(start.name);
    const executionArn = executionArnOf(stateMachine, start.name);
    if (this.executions.has(executionArn)) throw executionAlreadyExists(executionArn);
    const stored: StoredExecution = {
      record: { executionArn, stateMachineArn: stateMachine.arn, name: start.name, status: 'RUNNING', startDate: new Date(start.startDate), input: start.input },
      sequence: (this.sequence += 1),
      ...(start.stop === undefined ? {} : { stop: start.stop }),
    };
    this.executions.set(executionArn, stored);
    return {
      executionArn,
      end: (outcome) => {
        if (stored.record.status !== 'RUNNING') return false;
        this.tokens.cancelExecution(executionArn);
        stored.record = {
          ...stored.record,
          status: outcome.status,
          stopDate: new Date(outcome.stopDate),
          ...(outcome.status === 'SUCCEEDED' && outcome.output !== undefined ? { output: outcome.output } : {}),
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
          ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
        };
        return true;
      },
      describe: () => structuredClone(stored.record),
    };
  }

  /** The execution of an ARN, or undefined. */
  get(executionArn: string): ExecutionRecord | undefined {
    const stored = this.executions.get(executionArn);
    return stored === undefined ? undefined : structuredClone(stored.record);
  }

  /** A state machine's executions, newest first (by start date, then by registration). */
  list(stateMachineArn: string, status?: ExecutionStatus): Array<ExecutionRecord & { sequence: number }> {
    return [...this.executions.values()]
      .filter(({ record }) => record.stateMachineArn === stateMachineArn && (status === undefined || record.status === status))
      .sort((a, b) => b.record.startDate.getTime() - a.record.startDate.getTime() || b.sequence - a.sequence)
      .map(({ record, sequence }) => ({ ...structuredClone(record), sequence }));
  }

  /**
   * StopExecution: a RUNNING execution is recorded ABORTED at once (stopDate now, the caller's
   * error and cause), then its registrant's stop callback runs; an execution that already ended
   * is left as it is. Undefined for an unknown ARN.
   */
  stop(executionArn: string, reason: { error?: string; cause?: string } = {}): ExecutionRecord | undefined {
    const stored = this.executions.get(executionArn);
    if (stored === undefined) return undefined;
    if (stored.record.status === 'RUNNING') {
      stored.record = {
        ...stored.record,
        status: 'ABORTED',
        stopDate: this.now(),
        // Without them AWS omits the keys (no nulls) from DescribeExecution.
        ...(reason.error === undefined ? {} : { error: reason.error }),
        ...(reason.cause === undefined ? {} : { cause: reason.cause }),
      };
      // Its callback Tasks are closed with it: a callback now is answered TaskTimedOut.
      this.tokens.cancelExecution(executionArn);
      const stop = stored.stop;
      stored.stop = undefined;
      stop?.(reason.error, reason.cause);
    }
    return structuredClone(stored.record);
  }
}
