// The stacks of the local CloudFormation service, per account and Region as CloudFormation keeps
// them, with the lifecycle the orchestrator meets (CloudFormation API reference, DescribeStacks and
// DeleteStack; the CloudFormation User Guide's stack status codes):
//  - a stack is found by its name only while it exists; once DELETE_COMPLETE, only its unique
//    stack ID finds it ("Deleted stacks: You must specify the unique stack ID");
//  - DeleteStack goes DELETE_IN_PROGRESS, then DELETE_COMPLETE or DELETE_FAILED (with a reason)
//    after the scenario's `deleteSeconds`; on a stack that does not exist, or is already deleting
//    or deleted, it does nothing and answers 200 (aws/aws-cli#6302); on a DELETE_FAILED stack it
//    tries again; while a create or update is in progress it is refused ("Stack [arn] cannot be
//    deleted while in status UPDATE_IN_PROGRESS", aws/copilot-cli#1180);
//  - a failed creation leaves the stack in ROLLBACK_COMPLETE, which cannot be updated, only
//    deleted ("… is in ROLLBACK_COMPLETE state and can not be updated.", widdix/cfn-create-or-update#3).
// Stacks are created and updated in-process by the local DRS service (what DRS does with the
// caller's credentials when it recovers a source network), never over HTTP: the orchestrator
// never creates a stack itself. Deletions settle lazily against the clock on every look.
import { randomUUID } from 'node:crypto';
import { CloudFormationError, stackDoesNotExist, validationError } from './errors.ts';
import { faultSchema, type Fault, type ParsedCloudFormationScenario, type ParsedFault } from './scenario.ts';

/** Where a stack lives: CloudFormation keeps stacks per account and Region. */
export interface StackScope {
  account: string;
  region: string;
}

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED';

/** A stack as the service's inspection shows it (times ISO, as DescribeStacks writes them). */
export interface StackView extends StackScope {
  stackId: string;
  stackName: string;
  status: StackStatus;
  statusReason?: string;
  creationTime: string;
  lastUpdatedTime?: string;
  deletionTime?: string;
  description?: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  /** DeleteStack calls that started a deletion of it. */
  deleteAttempts: number;
}

interface StackRecord extends Omit<StackView, 'creationTime' | 'lastUpdatedTime' | 'deletionTime'> {
  creationMs: number;
  lastUpdatedMs?: number;
  deletionMs?: number;
  /** A deletion under way: when it ends and, when it fails, CloudFormation's reason. */
  deletion?: { endsMs: number; failure?: string };
}

/**
 * The clock the service answers in: the local DRS service's simulated clock in a local run, so a
 * stack's times line up with DRS's job times; `advance` lets that simulation apply what it has due
 * (a network deployment finishing) before a request is answered.
 */
export interface ServiceClock {
  nowMs(): number;
  advance?(): void;
}

/** The wall clock: the service on its own. */
export const wallClock: ServiceClock = { nowMs: () => Date.now() };

const IN_PROGRESS: ReadonlySet<StackStatus> = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS']);
const UPDATABLE: ReadonlySet<StackStatus> = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const keyOf = (scope: StackScope) => `${scope.account}/${scope.region}`;

export class CloudFormationStacks {
  private readonly stacks = new Map<string, StackRecord[]>();
  private deleteFailures: Array<{ fault: Extract<ParsedFault, { type: 'deleteFailure' }>; remaining?: number }> = [];

  constructor(
    readonly clock: ServiceClock,
    private readonly scenario: ParsedCloudFormationScenario,
    /** Where scenario stacks and faults without `account`/`region` are. */
    private readonly home: StackScope,
  ) {
    const dayBefore = clock.nowMs() - 86_400_000;
    for (const declared of scenario.stacks) {
      const scope = { account: declared.account ?? home.account, region: declared.region ?? home.region };
      const record = this.newRecord(scope, declared.name, declared.createdAt ? Date.parse(declared.createdAt) : dayBefore);
      Object.assign(record, { status: declared.status, description: declared.description, tags: { ...declared.tags }, outputs: { ...declared.outputs } });
      this.list(scope).push(record);
    }
    for (const fault of scenario.faults) this.injectFault(fault);
  }

  private list(scope: StackScope): StackRecord[] {
    let list = this.stacks.get(keyOf(scope));
    if (list === undefined) {
      list = [];
      this.stacks.set(keyOf(scope), list);
    }
    return list;
  }

  private newRecord(scope: StackScope, stackName: string, creationMs: number): StackRecord {
    return {
      ...scope,
      stackId: `arn:aws:cloudformation:${scope.region}:${scope.account}:stack/${stackName}/${randomUUID()}`,
      stackName,
      status: 'CREATE_IN_PROGRESS',
      creationMs,
      tags: {},
      outputs: {},
      deleteAttempts: 0,
    };
  }

  /** Before an API request or an inspection: the other simulation's events, then the deletions that ended by now. */
  private settle(): number {
    this.clock.advance?.();
    const now = this.clock.nowMs();
    this.settleDeletions(now);
    return now;
  }

  /**
   * Deletions that ended by `now`. The in-process calls settle only these: they come from the
   * other simulation's own event schedule, which must not be advanced from inside one of its events.
   */
  private settleDeletions(now: number): void {
    for (const list of this.stacks.values()) {
      for (const stack of list) {
        if (stack.deletion === undefined || stack.deletion.endsMs > now) continue;
        const { endsMs, failure } = stack.deletion;
        stack.deletion = undefined;
        if (failure === undefined) {
          stack.status = 'DELETE_COMPLETE';
          stack.deletionMs = endsMs;
          stack.statusReason = undefined;
        } else {
          stack.status = 'DELETE_FAILED';
          stack.statusReason = failure;
        }
      }
    }
  }

  /** The stack a name (only while it is not deleted) or a stack ID (deleted ones too) names. */
  private find(scope: StackScope, nameOrId: string): StackRecord | undefined {
    const list = this.stacks.get(keyOf(scope)) ?? [];
    if (nameOrId.startsWith('arn:')) return list.find((stack) => stack.stackId === nameOrId);
    return list.find((stack) => stack.stackName === nameOrId && stack.status !== 'DELETE_COMPLETE');
  }

  private view(stack: StackRecord): StackView {
    const { creationMs, lastUpdatedMs, deletionMs, deletion: _deletion, ...rest } = stack;
    return structuredClone({
      ...rest,
      creationTime: iso(creationMs)!,
      ...(lastUpdatedMs === undefined ? {} : { lastUpdatedTime: iso(lastUpdatedMs) }),
      ...(deletionMs === undefined ? {} : { deletionTime: iso(deletionMs) }),
    });
  }

  // ---- the API ----------------------------------------------------------------------------

  /** DescribeStacks: one stack by name or ID, or (no name) every stack of the scope that is not deleted. */
  describeStacks(scope: StackScope, nameOrId?: string): StackView[] {
    this.settle();
    if (nameOrId === undefined) return (this.stacks.get(keyOf(scope)) ?? []).filter((stack) => stack.status !== 'DELETE_COMPLETE').map((stack) => this.view(stack));
    const stack = this.find(scope, nameOrId);
    if (stack === undefined) throw stackDoesNotExist(nameOrId);
    return [this.view(stack)];
  }

  /** DeleteStack: starts the deletion; nothing to do for a stack that is gone or going. */
  deleteStack(scope: StackScope, nameOrId: string): void {
    const now = this.settle();
    const stack = this.find(scope, nameOrId);
    if (stack === undefined || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
    if (IN_PROGRESS.has(stack.status)) throw validationError(`Stack [${stack.stackId}] cannot be deleted while in status ${stack.status}`);
    stack.deleteAttempts += 1;
    stack.status = 'DELETE_IN_PROGRESS';
    stack.statusReason = 'User Initiated';
    stack.deletion = { endsMs: now + this.scenario.deleteSeconds * 1000, failure: this.takeDeleteFailure(stack) };
  }

  // ---- in-process: what DRS does in CloudFormation when it recovers a network ---------------

  /** The stack of that name that is not deleted, as at `atMs`. */
  stackNamed(scope: StackScope, stackName: string, atMs: number): StackView | undefined {
    this.settleDeletions(atMs);
    const stack = this.find(scope, stackName);
    return stack === undefined ? undefined : this.view(stack);
  }

  /** A new stack, CREATE_IN_PROGRESS from `atMs`; AlreadyExistsException when one of that name exists. */
  createStack(scope: StackScope, stack: { stackName: string; description?: string; tags?: Record<string, string> }, atMs: number): StackView {
    this.settleDeletions(atMs);
    if (this.find(scope, stack.stackName) !== undefined) throw new CloudFormationError('AlreadyExistsException', 400, `Stack [${stack.stackName}] already exists`);
    const record = this.newRecord(scope, stack.stackName, atMs);
    Object.assign(record, { description: stack.description, tags: { ...stack.tags } });
    this.list(scope).push(record);
    return this.view(record);
  }

  /** An update of an existing stack, UPDATE_IN_PROGRESS from `atMs`; refused as CloudFormation refuses it. */
  updateStack(scope: StackScope, stackName: string, atMs: number): StackView {
    this.settleDeletions(atMs);
    const stack = this.find(scope, stackName);
    if (stack === undefined) throw validationError(`Stack [${stackName}] does not exist`);
    if (!UPDATABLE.has(stack.status)) throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    stack.status = 'UPDATE_IN_PROGRESS';
    stack.statusReason = 'User Initiated';
    stack.lastUpdatedMs = atMs;
    return this.view(stack);
  }

  /**
   * Ends the create or update in progress at `atMs`: COMPLETE with its outputs, or, with a
   * `failure`, rolled back (a failed creation leaves ROLLBACK_COMPLETE, a failed update
   * UPDATE_ROLLBACK_COMPLETE) with the failure as its reason.
   */
  finishStackOperation(stackId: string, atMs: number, outcome: { outputs?: Record<string, string>; failure?: string } = {}): StackView {
    const stack = [...this.stacks.values()].flat().find((candidate) => candidate.stackId === stackId);
    if (stack === undefined) throw stackDoesNotExist(stackId);
    const creating = stack.status === 'CREATE_IN_PROGRESS';
    if (!creating && stack.status !== 'UPDATE_IN_PROGRESS') throw validationError(`Stack:${stackId} is in ${stack.status} state: no operation to finish`);
    if (outcome.failure === undefined) {
      stack.status = creating ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
      stack.statusReason = undefined;
      stack.outputs = { ...stack.outputs, ...outcome.outputs };
    } else {
      stack.status = creating ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
      stack.statusReason = outcome.failure;
    }
    if (!creating) stack.lastUpdatedMs = atMs;
    return this.view(stack);
  }

  // ---- faults and inspection ---------------------------------------------------------------

  injectFault(input: Fault): void {
    const fault = faultSchema.parse(input);
    this.deleteFailures.push({ fault, ...(fault.times === undefined ? {} : { remaining: fault.times }) });
  }

  clearFaults(): void {
    this.deleteFailures = [];
  }

  /** The reason the deletion now starting will fail with, consuming a counted fault. */
  private takeDeleteFailure(stack: StackRecord): string | undefined {
    const entry = this.deleteFailures.find(
      ({ fault, remaining }) =>
        fault.stackName === stack.stackName &&
        (fault.account ?? this.home.account) === stack.account &&
        (fault.region ?? this.home.region) === stack.region &&
        (remaining ?? 1) > 0,
    );
    if (entry === undefined) return undefined;
    if (entry.remaining !== undefined) entry.remaining -= 1;
    return entry.fault.reason;
  }

  /**
   * Every stack of an account (default: the home one), in one Region or all, oldest first;
   * deleted stacks only when asked (CloudFormation keeps them, by stack ID, for 90 days).
   */
  state(scope: { account?: string; region?: string; includeDeleted?: boolean } = {}): StackView[] {
    this.settle();
    const account = scope.account ?? this.home.account;
    return [...this.stacks.values()]
      .flat()
      .filter((stack) => stack.account === account && (scope.region === undefined || stack.region === scope.region) && (scope.includeDeleted === true || stack.status !== 'DELETE_COMPLETE'))
      .sort((a, b) => a.creationMs - b.creationMs)
      .map((stack) => this.view(stack));
  }
}
