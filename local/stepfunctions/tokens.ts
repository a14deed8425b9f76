// Task tokens of callback Tasks (`.waitForTaskToken`): the runner of an execution issues one when
// such a Task starts and waits for its outcome; SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat close or keep alive the task the token names. The service does not keep time
// itself: a task's TimeoutSeconds and HeartbeatSeconds are deadlines on the service's clock (a
// local run's simulated one), checked when a callback arrives and whenever the runner, which
// moves that clock, calls `expireDue`.
import { randomBytes } from 'node:crypto';
import { SfnError } from './errors.ts';

/** How a callback Task ended, as its runner learns it. */
export type TaskOutcome =
  | { status: 'SUCCEEDED'; output: string }
  | { status: 'FAILED'; error?: string; cause?: string }
  /** TimeoutSeconds (`States.Timeout`) or HeartbeatSeconds (`States.HeartbeatTimeout`) passed. */
  | { status: 'TIMED_OUT'; error: 'States.Timeout' | 'States.HeartbeatTimeout' }
  /** The execution ended or was stopped while the task waited. */
  | { status: 'CANCELLED' };

export interface TaskIssue {
  executionArn: string;
  stateName: string;
  /** The Task's TimeoutSeconds, from now on the service's clock. */
  timeoutSeconds?: number;
  /** The Task's HeartbeatSeconds: the longest gap allowed between heartbeats (from now, then from each). */
  heartbeatSeconds?: number;
}

export interface IssuedTask {
  /** What `$$.Task.Token` is for the task. */
  readonly token: string;
  /** Settles once, with the task's outcome; never rejects. */
  readonly result: Promise<TaskOutcome>;
  /** The next deadline (timeout or heartbeat), if any: where a runner moving the clock should stop. */
  nextDeadline(): Date | undefined;
  /** Closes the task (its execution ended): later callbacks are refused, `result` is CANCELLED. */
  cancel(): void;
}

interface OpenTask {
  executionArn: string;
  stateName: string;
  timeoutAt?: number;
  heartbeatSeconds?: number;
  heartbeatAt?: number;
  settle: (outcome: TaskOutcome) => void;
}

// Step Functions' tokens are opaque base64 strings of several hundred characters; these are a
// version prefix and 48 random bytes. A string of another shape cannot be one: InvalidToken.
const TOKEN_PREFIX = 'AQ';
const TOKEN_SHAPE = /^AQ[A-Za-z0-9_-]{64}$/;

export const taskDoesNotExist = () => new SfnError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");
/**
 * The model's TaskTimedOut: "the task token has either expired or the task associated with the
 * token has already been closed" — what AWS answers a token used a second time, too.
 */
export const taskTimedOut = () => new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
export const invalidTaskToken = () => new SfnError('InvalidToken', "Invalid Token: 'Invalid token'");
export const invalidOutput = () => new SfnError('InvalidOutput', "Invalid Output: 'Output is not a valid JSON'");

export class LocalTaskTokens {
  private readonly open = new Map<string, OpenTask>();
  /** Tokens whose task closed (completed, failed, timed out, or its execution ended), with their execution. */
  private readonly closed = new Map<string, string>();

  constructor(private readonly now: () => Date) {}

  /** Opens a task and gives its token; `result` settles with what the callbacks (or the clock) decide. */
  issue(issue: TaskIssue): IssuedTask {
    const token = `${TOKEN_PREFIX}${randomBytes(48).toString('base64url')}`;
    const issuedAt = this.now().getTime();
    let settle!: (outcome: TaskOutcome) => void;
    const result = new Promise<TaskOutcome>((resolve) => (settle = resolve));
    const task: OpenTask = {
      executionArn: issue.executionArn,
      stateName: issue.stateName,
      ...(issue.timeoutSeconds === undefined ? {} : { timeoutAt: issuedAt + issue.timeoutSeconds * 1000 }),
      ...(issue.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: issue.heartbeatSeconds, heartbeatAt: issuedAt + issue.heartbeatSeconds * 1000 }),
      settle,
    };
    this.open.set(token, task);
    return {
      token,
      result,
      nextDeadline: () => {
        const deadlines = [task.timeoutAt, task.heartbeatAt].filter((at): at is number => at !== undefined);
        return deadlines.length === 0 ? undefined : new Date(Math.min(...deadlines));
      },
      cancel: () => this.close(token, { status: 'CANCELLED' }),
    };
  }

  /** SendTaskSuccess: the task's result is `output`, a JSON document. */
  succeed(token: string, output: string, account?: { account: string; region: string }): void {
    const task = this.openTask(token, account);
    try {
      JSON.parse(output);
    } catch {
      throw invalidOutput();
    }
    this.close(token, { status: 'SUCCEEDED', output }, task);
  }

  /** SendTaskFailure: the task fails with `error` and `cause`, which its Retry and Catch match. */
  fail(token: string, failure: { error?: string; cause?: string }, account?: { account: string; region: string }): void {
    const task = this.openTask(token, account);
    this.close(token, { status: 'FAILED', ...failure }, task);
  }

  /** SendTaskHeartbeat: the task's HeartbeatSeconds count again from now. */
  heartbeat(token: string, account?: { account: string; region: string }): void {
    const task = this.openTask(token, account);
    if (task.heartbeatSeconds !== undefined) task.heartbeatAt = this.now().getTime() + task.heartbeatSeconds * 1000;
  }

  /** Times out every open task whose deadline the clock has reached; how many it timed out. */
  expireDue(): number {
    let expired = 0;
    for (const [token, task] of [...this.open]) {
      if (this.expireIfDue(token, task)) expired += 1;
    }
    return expired;
  }

  /** Closes the open tasks of an execution that ended or was stopped. */
  cancelExecution(executionArn: string): void {
    for (const [token, task] of [...this.open]) {
      if (task.executionArn === executionArn) this.close(token, { status: 'CANCELLED' }, task);
    }
  }

  /** The open tasks, oldest first: which state of which execution waits for a callback. */
  pending(): Array<{ token: string; executionArn: string; stateName: string }> {
    return [...this.open].map(([token, task]) => ({ token, executionArn: task.executionArn, stateName: task.stateName }));
  }

  private expireIfDue(token: string, task: OpenTask): boolean {
    const now = this.now().getTime();
    // A timeout and a heartbeat due at once: the task's own timeout is what it ran into.
    if (task.timeoutAt !== undefined && now >= task.timeoutAt) this.close(token, { status: 'TIMED_OUT', error: 'States.Timeout' }, task);
    else if (task.heartbeatAt !== undefined && now >= task.heartbeatAt) this.close(token, { status: 'TIMED_OUT', error: 'States.HeartbeatTimeout' }, task);
    else return false;
    return true;
  }

  /**
   * The open task of a token, or the modelled error: InvalidToken for a string no token has the
   * shape of, TaskTimedOut for a task that closed (or that the clock has just timed out),
   * TaskDoesNotExist for a token never issued here, or issued for another account or Region.
   */
  private openTask(token: string, caller?: { account: string; region: string }): OpenTask {
    if (!TOKEN_SHAPE.test(token)) throw invalidTaskToken();
    const task = this.open.get(token);
    const executionArn = task?.executionArn ?? this.closed.get(token);
    if (executionArn === undefined || (caller !== undefined && !sameAccountAndRegion(executionArn, caller))) throw taskDoesNotExist();
    if (task === undefined || this.expireIfDue(token, task)) throw taskTimedOut();
    return task;
  }

  private close(token: string, outcome: TaskOutcome, task = this.open.get(token)): void {
    if (task === undefined) return;
    this.open.delete(token);
    this.closed.set(token, task.executionArn);
    task.settle(outcome);
  }
}

/** `arn:aws:states:<region>:<account>:execution:…` belongs to the caller's account and Region. */
function sameAccountAndRegion(executionArn: string, caller: { account: string; region: string }): boolean {
  const [, , , region, account] = executionArn.split(':');
  return region === caller.region && account === caller.account;
}
