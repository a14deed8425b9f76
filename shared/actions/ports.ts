// What the action steps need from AWS, in their own words: Lambda to invoke a function, SSM to
// start and poll an Automation, and a ledger (the lock table) that remembers what a step started,
// so a retried step never starts an action twice. The AWS adapters are in shared/aws/actions.ts.
import { ServiceUnavailableError } from '#shared/errors.ts';
import type { ActionInput } from './input.ts';
import type { ActionResult } from '#shared/recovery/front.ts';

export type FunctionOutcome =
  | { ok: true; /** The function's result, as JSON. */ result: string }
  | { ok: false; timedOut: boolean; reason: string };

/**
 * Lambda refused the Invoke before running anything (throttled): the step may try again. Named
 * ServiceUnavailableError, which the workflow's Retry matches.
 */
export class FunctionNotInvokedError extends ServiceUnavailableError {}

export interface LambdaPort {
  /**
   * Invokes the function with the input and waits up to `timeoutMs` for its answer. A function
   * Lambda does not know or lets the orchestrator not invoke is a failed outcome; a throttled
   * Invoke throws FunctionNotInvokedError (nothing ran).
   */
  invoke(functionName: string, input: ActionInput, timeoutMs: number): Promise<FunctionOutcome>;
  /** Whether the function exists (GetFunctionConfiguration); the reason when it does not. */
  check(functionName: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface AutomationStart {
  document: string;
  version?: string;
  parameters: Record<string, string[]>;
  /** The same for every attempt of one action of one run: SSM starts it once. */
  clientToken: string;
  tags: Record<string, string>;
}

export type AutomationStatus = 'Pending' | 'InProgress' | 'Waiting' | 'Success' | 'TimedOut' | 'Cancelling' | 'Cancelled' | 'Failed' | string;

export interface AutomationView {
  status: AutomationStatus;
  startedAt?: string;
  endedAt?: string;
  outputs?: Record<string, string[]>;
  failureMessage?: string;
}

/** A document's declared parameters: which exist, which are required (no default). */
export interface DocumentParameters {
  names: string[];
  required: string[];
}

export interface SsmPort {
  start(request: AutomationStart): Promise<string>;
  get(automationExecutionId: string): Promise<AutomationView>;
  stop(automationExecutionId: string): Promise<void>;
  /** The document's parameters; undefined when there is no such document. */
  describeDocument(document: string, version?: string): Promise<DocumentParameters | undefined>;
}

/** What the ledger holds for one action of one run. */
export interface LedgerEntry {
  automationExecutionId?: string;
  result?: ActionResult;
}

export interface ActionLedger {
  /** Records that the action is about to start; false (nothing written) when an attempt already did. */
  claim(key: string, expiresAt: number): Promise<boolean>;
  read(key: string): Promise<LedgerEntry | undefined>;
  update(key: string, entry: LedgerEntry): Promise<void>;
  /** Deletes the entry: the action did not start after all (Lambda refused the Invoke), a retry may start it. */
  release(key: string): Promise<void>;
}

export interface ActionPorts {
  lambda: LambdaPort;
  ssm: SsmPort;
  ledger: ActionLedger;
  /** The automation role the stage configures (AUTOMATION_ROLE_ARN); filled in as AutomationAssumeRole. */
  automationRoleArn?: string;
}
